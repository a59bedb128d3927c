// WebAccountStore: the dashboard's own tables in the server's SQLite file, on a connection of its
// own (the sync store's interface is not widened for the web): password hashes, login sessions
// (by the SHA-256 of their token, as device tokens are kept) and failed logins (rate limit).
// Thread-safe: every call takes one mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "fieldsync/sqlite_db.h"
#include "fieldsync/status.h"

namespace fieldsync::dashboard {

struct WebSessionRow {
  std::string token_sha256;
  std::string user_name;
  std::string csrf_token;  // sent back in the X-CSRF-Token header of every state change
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
};

class WebAccountStore {
 public:
  // Opens `path` (the server's database), creating the dashboard's tables when missing.
  static Result<std::unique_ptr<WebAccountStore>> Open(const std::string& path);

  // Stores the hash and ends every session of the user (a changed password logs them out).
  Status SetPassword(const std::string& user_name, const std::string& kdf_hash, int64_t now_ms);
  // "" when the user has no password.
  Result<std::string> PasswordHash(const std::string& user_name);

  // Adds a session and forgets expired ones.
  Status AddSession(const WebSessionRow& session);
  Result<std::optional<WebSessionRow>> SessionByTokenHash(const std::string& token_sha256);
  Status DeleteSession(const std::string& token_sha256);

  // Failed logins by network address; attempts older than a day are forgotten.
  Status RecordLoginFailure(const std::string& client, int64_t now_ms);
  // Failures since `since_ms` from `client`, or from anyone when `client` is empty.
  Result<int64_t> CountLoginFailures(const std::string& client, int64_t since_ms);

 private:
  explicit WebAccountStore(std::unique_ptr<sql::Database> db) : db_(std::move(db)) {}

  std::mutex mu_;
  std::unique_ptr<sql::Database> db_;
};

}  // namespace fieldsync::dashboard
