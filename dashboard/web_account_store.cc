#include "web_account_store.h"

namespace fieldsync::dashboard {
namespace {

constexpr int64_t kFailureMemoryMs = 24LL * 60 * 60 * 1000;

// IF NOT EXISTS: the tables are the dashboard's, made on first use by `serve` or `user passwd`;
// the server schema's versions are not involved.
constexpr const char* kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS web_passwords (
    user_name TEXT PRIMARY KEY, kdf_hash TEXT NOT NULL, updated_at_ms INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS web_sessions (
    token_sha256 TEXT PRIMARY KEY, user_name TEXT NOT NULL, csrf_token TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS web_login_failures (at_ms INTEGER NOT NULL, client TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS web_login_failures_by_time ON web_login_failures (at_ms);
)sql";

}  // namespace

Result<std::unique_ptr<WebAccountStore>> WebAccountStore::Open(const std::string& path) {
  FS_ASSIGN_OR_RETURN(auto db, sql::Database::Open(path));
  FS_RETURN_IF_ERROR(db->Exec(kSchema));
  return std::unique_ptr<WebAccountStore>(new WebAccountStore(std::move(db)));
}

Status WebAccountStore::SetPassword(const std::string& user_name, const std::string& kdf_hash, int64_t now_ms) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
  FS_ASSIGN_OR_RETURN(auto put, db_->Prepare("INSERT OR REPLACE INTO web_passwords (user_name, kdf_hash, "
                                             "updated_at_ms) VALUES (?, ?, ?)"));
  put->Bind(1, user_name).Bind(2, kdf_hash).Bind(3, now_ms);
  FS_RETURN_IF_ERROR(put->Run());
  FS_ASSIGN_OR_RETURN(auto end, db_->Prepare("DELETE FROM web_sessions WHERE user_name = ?"));
  end->Bind(1, user_name);
  FS_RETURN_IF_ERROR(end->Run());
  return txn->Commit();
}

Result<std::string> WebAccountStore::PasswordHash(const std::string& user_name) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(auto s, db_->Prepare("SELECT kdf_hash FROM web_passwords WHERE user_name = ?"));
  s->Bind(1, user_name);
  FS_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Text(0) : std::string();
}

Status WebAccountStore::AddSession(const WebSessionRow& session) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(auto forget, db_->Prepare("DELETE FROM web_sessions WHERE expires_at_ms <= ?"));
  forget->Bind(1, session.created_at_ms);
  FS_RETURN_IF_ERROR(forget->Run());
  FS_ASSIGN_OR_RETURN(auto put, db_->Prepare("INSERT INTO web_sessions (token_sha256, user_name, csrf_token, "
                                             "created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?)"));
  put->Bind(1, session.token_sha256).Bind(2, session.user_name).Bind(3, session.csrf_token);
  put->Bind(4, session.created_at_ms).Bind(5, session.expires_at_ms);
  return put->Run();
}

Result<std::optional<WebSessionRow>> WebAccountStore::SessionByTokenHash(const std::string& token_sha256) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(auto s, db_->Prepare("SELECT user_name, csrf_token, created_at_ms, expires_at_ms "
                                           "FROM web_sessions WHERE token_sha256 = ?"));
  s->Bind(1, token_sha256);
  FS_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<WebSessionRow>();
  return std::optional<WebSessionRow>(WebSessionRow{token_sha256, s->Text(0), s->Text(1), s->Int(2), s->Int(3)});
}

Status WebAccountStore::DeleteSession(const std::string& token_sha256) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(auto s, db_->Prepare("DELETE FROM web_sessions WHERE token_sha256 = ?"));
  s->Bind(1, token_sha256);
  return s->Run();
}

Status WebAccountStore::RecordLoginFailure(const std::string& client, int64_t now_ms) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(auto forget, db_->Prepare("DELETE FROM web_login_failures WHERE at_ms < ?"));
  forget->Bind(1, now_ms - kFailureMemoryMs);
  FS_RETURN_IF_ERROR(forget->Run());
  FS_ASSIGN_OR_RETURN(auto put, db_->Prepare("INSERT INTO web_login_failures (at_ms, client) VALUES (?, ?)"));
  put->Bind(1, now_ms).Bind(2, client);
  return put->Run();
}

Result<int64_t> WebAccountStore::CountLoginFailures(const std::string& client, int64_t since_ms) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(auto s, db_->Prepare(client.empty()
                                               ? "SELECT count(*) FROM web_login_failures WHERE at_ms >= ?"
                                               : "SELECT count(*) FROM web_login_failures WHERE at_ms >= ? "
                                                 "AND client = ?"));
  s->Bind(1, since_ms);
  if (!client.empty()) s->Bind(2, client);
  FS_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Int(0) : 0;
}

}  // namespace fieldsync::dashboard
