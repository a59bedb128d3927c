// Value: the typed content of one record field, as stored and as synced.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "fieldsync/status.h"

namespace fieldsync {

struct AttachmentRef {
  std::string sha256_hex;
  uint64_t size_bytes = 0;
  std::string media_type;
  friend bool operator==(const AttachmentRef&, const AttachmentRef&) = default;
};

// Blob holds raw bytes (kept apart from Text so bytes are never mistaken for UTF-8).
struct Blob {
  std::string bytes;
  friend bool operator==(const Blob&, const Blob&) = default;
};

// std::monostate is "no value": the field is deleted (a tombstone) or was never written.
using Value = std::variant<std::monostate, std::string, int64_t, double, bool, Blob, AttachmentRef>;

enum class ValueKind : int { kNone = 0, kText = 1, kInteger = 2, kReal = 3, kBool = 4, kBlob = 5, kAttachment = 6 };

inline ValueKind KindOf(const Value& v) { return static_cast<ValueKind>(v.index()); }
inline bool IsNone(const Value& v) { return std::holds_alternative<std::monostate>(v); }
// Text of a Text value, empty otherwise.
const std::string& TextOf(const Value& v);

// Largest text (a finding) and inline blob one field may hold. Tablets refuse longer input when it
// is typed, and the server refuses it in a push (S11), so both sides agree.
inline constexpr size_t kMaxTextBytes = 64 * 1024;
inline constexpr size_t kMaxBlobBytes = 1024 * 1024;
// InvalidArgument naming `what` when a text or blob value is over its limit, or a number is NaN or
// infinite (SQLite stores NaN as NULL: the current value would read back as nothing while the
// outbox or the log kept NaN, and a content digest would no longer match, S11).
Status CheckValueStorable(const Value& v, const std::string& what);
// Rough size of a value's bytes (text, blob; a fixed amount for numbers and references).
size_t ApproximateValueSize(const Value& v);
// Human-readable rendering for logs and the CLI.
std::string DescribeValue(const Value& v);

}  // namespace fieldsync
