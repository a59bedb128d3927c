// SqliteSecurityTables: the SQLite side of device revocation, enrolment attempt counting and the
// hash-chained audit log (tables made in server_schema.cc). Part of SqliteServerStore, kept apart
// so that the change log code stays readable. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fieldsync/server/server_store.h"
#include "fieldsync/sqlite_db.h"

namespace fieldsync::server {

class SqliteSecurityTables {
 public:
  // `db` must outlive this object and have the current server schema.
  static Result<std::unique_ptr<SqliteSecurityTables>> Open(sql::Database& db);

  Result<std::vector<DeviceInfo>> ListDevices();
  Result<size_t> RevokeDevices(const std::string& device_id, const std::string& user_name, int64_t now_ms);
  Status RecordEnrollmentFailure(const std::string& client, int64_t now_ms);
  Result<int64_t> CountEnrollmentFailures(const std::string& client, int64_t since_ms);

  // Appends in the caller's transaction when one is open, otherwise in its own (BEGIN IMMEDIATE
  // makes reading the newest entry and appending the next one atomic across processes).
  Status AppendAudit(const AuditEvent& event, int64_t now_ms);
  Result<std::vector<AuditEntry>> AuditEntries(uint64_t after_seq, size_t max);

 private:
  explicit SqliteSecurityTables(sql::Database& db) : db_(db) {}
  Status AppendAuditInTransaction(const AuditEvent& event, int64_t now_ms);

  sql::Database& db_;
  std::unique_ptr<sql::Statement> last_audit_, put_audit_;
};

}  // namespace fieldsync::server
