#include "sqlite_security_tables.h"

#include <sqlite3.h>

#include "audit_chain.h"

namespace fieldsync::server {
namespace {

constexpr int64_t kEnrollmentFailureMemoryMs = 24LL * 60 * 60 * 1000;

}  // namespace

Result<std::unique_ptr<SqliteSecurityTables>> SqliteSecurityTables::Open(sql::Database& db) {
  std::unique_ptr<SqliteSecurityTables> t(new SqliteSecurityTables(db));
  FS_ASSIGN_OR_RETURN(t->last_audit_, db.Prepare("SELECT seq, sha256 FROM audit_log ORDER BY seq DESC LIMIT 1"));
  FS_ASSIGN_OR_RETURN(t->put_audit_, db.Prepare(
      "INSERT INTO audit_log (seq, at_ms, actor, device_id, action, detail, prev_sha256, sha256) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  return t;
}

Result<std::vector<DeviceInfo>> SqliteSecurityTables::ListDevices() {
  FS_ASSIGN_OR_RETURN(auto s, db_.Prepare("SELECT device_id, user_name, name, enrolled_at_ms, "
                                          "coalesce(revoked_at_ms, 0) FROM devices ORDER BY user_name, device_id"));
  std::vector<DeviceInfo> devices;
  while (true) {
    FS_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    devices.push_back(DeviceInfo{s->Text(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4)});
  }
  return devices;
}

Result<size_t> SqliteSecurityTables::RevokeDevices(const std::string& device_id, const std::string& user_name,
                                                   int64_t now_ms) {
  const bool one = !device_id.empty();
  FS_ASSIGN_OR_RETURN(auto s, db_.Prepare(std::string("UPDATE devices SET revoked_at_ms = ? WHERE revoked_at_ms IS "
                                                      "NULL AND ") + (one ? "device_id = ?" : "user_name = ?")));
  s->Bind(1, now_ms).Bind(2, one ? device_id : user_name);
  FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(db_));
  FS_RETURN_IF_ERROR(s->Run());
  const size_t revoked = static_cast<size_t>(db_.Changes());
  if (!one) {
    // A code printed for this user may be in the same lost bag: it must not enrol a new tablet.
    FS_ASSIGN_OR_RETURN(auto codes, db_.Prepare("UPDATE enrollment_codes SET expires_at_ms = ? WHERE user_name = ? "
                                                "AND used_at_ms IS NULL AND expires_at_ms > ?"));
    codes->Bind(1, now_ms).Bind(2, user_name).Bind(3, now_ms);
    FS_RETURN_IF_ERROR(codes->Run());
  }
  FS_RETURN_IF_ERROR(txn->Commit());
  return revoked;
}

Status SqliteSecurityTables::RecordEnrollmentFailure(const std::string& client, int64_t now_ms) {
  FS_ASSIGN_OR_RETURN(auto forget, db_.Prepare("DELETE FROM enrollment_failures WHERE at_ms < ?"));
  forget->Bind(1, now_ms - kEnrollmentFailureMemoryMs);
  FS_RETURN_IF_ERROR(forget->Run());
  FS_ASSIGN_OR_RETURN(auto put, db_.Prepare("INSERT INTO enrollment_failures (at_ms, client) VALUES (?, ?)"));
  put->Bind(1, now_ms).Bind(2, client);
  return put->Run();
}

Result<int64_t> SqliteSecurityTables::CountEnrollmentFailures(const std::string& client, int64_t since_ms) {
  FS_ASSIGN_OR_RETURN(auto s, db_.Prepare(client.empty()
                                              ? "SELECT count(*) FROM enrollment_failures WHERE at_ms >= ?"
                                              : "SELECT count(*) FROM enrollment_failures WHERE at_ms >= ? AND client = ?"));
  s->Bind(1, since_ms);
  if (!client.empty()) s->Bind(2, client);
  FS_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Int(0) : 0;
}

Status SqliteSecurityTables::AppendAudit(const AuditEvent& event, int64_t now_ms) {
  if (!sqlite3_get_autocommit(db_.handle())) return AppendAuditInTransaction(event, now_ms);
  FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(db_));
  FS_RETURN_IF_ERROR(AppendAuditInTransaction(event, now_ms));
  return txn->Commit();
}

Status SqliteSecurityTables::AppendAuditInTransaction(const AuditEvent& event, int64_t now_ms) {
  AuditEntry entry;
  entry.at_ms = now_ms;
  entry.event = event;
  entry.prev_sha256 = kAuditGenesis;
  auto row = last_audit_->Step();
  if (row.ok() && *row) {
    entry.seq = static_cast<uint64_t>(last_audit_->Int(0));
    entry.prev_sha256 = last_audit_->Text(1);
  }
  last_audit_->Reset();
  if (!row.ok()) return row.status();
  ++entry.seq;
  entry.sha256 = AuditEntryHash(entry);
  put_audit_->Bind(1, static_cast<int64_t>(entry.seq)).Bind(2, entry.at_ms).Bind(3, event.actor);
  put_audit_->Bind(4, event.device_id).Bind(5, event.action).Bind(6, event.detail);
  put_audit_->Bind(7, entry.prev_sha256).Bind(8, entry.sha256);
  return put_audit_->Run();
}

Result<std::vector<AuditEntry>> SqliteSecurityTables::AuditEntries(uint64_t after_seq, size_t max) {
  FS_ASSIGN_OR_RETURN(auto s, db_.Prepare("SELECT seq, at_ms, actor, device_id, action, detail, prev_sha256, sha256 "
                                          "FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"));
  s->Bind(1, static_cast<int64_t>(after_seq)).Bind(2, static_cast<int64_t>(max));
  std::vector<AuditEntry> entries;
  while (true) {
    FS_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    AuditEntry e;
    e.seq = static_cast<uint64_t>(s->Int(0));
    e.at_ms = s->Int(1);
    e.event = AuditEvent{s->Text(2), s->Text(3), s->Text(4), s->Text(5)};
    e.prev_sha256 = s->Text(6);
    e.sha256 = s->Text(7);
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace fieldsync::server
