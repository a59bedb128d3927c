// Status and Result<T>: the error currency of every fieldsync API (no exception crosses a public
// API). A Status carries a code a program can branch on and a message for a person that says what
// went wrong and what to do about it. Value types; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace fieldsync {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong (bad code, bad rating, invalid UTF-8)
  kNotFound,            // a record, unit or item does not exist
  kAlreadyExists,
  kFailedPrecondition,  // the store is not in the state the call needs (e.g. not initialised)
  kPermissionDenied,    // the user's role or scope does not allow it (S12)
  kUnauthenticated,
  kCorruption,          // stored data is not what fieldsync wrote
  kIoError,             // SQLite or the file system failed
  kUnavailable,         // the server or network is unreachable; retrying may help
  kInternal,
  kResourceExhausted,   // a limit was reached (too many attempts); wait before trying again
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: <message>"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Status::Internal("Result built from an ok Status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace fieldsync

// Early-return helpers in the style of leveldb: `FS_RETURN_IF_ERROR(s);`,
// `FS_ASSIGN_OR_RETURN(auto x, MakeX());`.
#define FS_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::fieldsync::Status fs_status_ = (expr);     \
    if (!fs_status_.ok()) return fs_status_;     \
  } while (0)

#define FS_CONCAT_INNER(a, b) a##b
#define FS_CONCAT(a, b) FS_CONCAT_INNER(a, b)
#define FS_ASSIGN_OR_RETURN(decl, expr) FS_ASSIGN_OR_RETURN_IMPL(FS_CONCAT(fs_result_, __LINE__), decl, expr)
#define FS_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  decl = std::move(tmp).value()
