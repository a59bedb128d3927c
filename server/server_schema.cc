#include "server_schema.h"

#include <string>
#include <vector>

#include "change_runs.h"
#include "fieldsync/field_rows.h"
#include "record_state.h"

namespace fieldsync::server {

const char* const kInitialChangeLogDdl = R"sql(
    -- Every accepted change, in one increasing sequence (S4). AUTOINCREMENT: never reused.
    CREATE TABLE change_log (
      server_seq INTEGER PRIMARY KEY AUTOINCREMENT,
      device_id TEXT NOT NULL, device_seq INTEGER NOT NULL,
      record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
      value_kind INTEGER NOT NULL, value, tombstone INTEGER NOT NULL DEFAULT 0,
      hlc INTEGER NOT NULL, seen_hlc INTEGER NOT NULL DEFAULT 0, seen_device_id TEXT NOT NULL DEFAULT '',
      author TEXT NOT NULL DEFAULT '', scope TEXT NOT NULL, received_at_ms INTEGER NOT NULL);
    CREATE INDEX change_log_by_scope ON change_log (scope, server_seq);
)sql";

const char* const kInitialStateDdl = R"sql(
    -- Current value of every field: the write with the largest (hlc, node) (S6).
    CREATE TABLE field_state (
      record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
      value_kind INTEGER NOT NULL, value, tombstone INTEGER NOT NULL DEFAULT 0,
      hlc INTEGER NOT NULL, node TEXT NOT NULL, author TEXT NOT NULL DEFAULT '',
      device_seq INTEGER NOT NULL, server_seq INTEGER NOT NULL,
      PRIMARY KEY (record_type, record_id, field)) WITHOUT ROWID;
    CREATE INDEX field_state_by_value ON field_state (record_type, field, value);
    -- Scope of every record, fixed when first seen (S12).
    CREATE TABLE record_scope (
      record_type TEXT NOT NULL, record_id TEXT NOT NULL, scope TEXT NOT NULL,
      PRIMARY KEY (record_type, record_id)) WITHOUT ROWID;
    CREATE INDEX record_scope_by_scope ON record_scope (scope);
)sql";

namespace {

Status CreateInitial(sql::Database& db) {
  FS_RETURN_IF_ERROR(db.Exec(R"sql(
    -- own_device_id, last_hlc, next_own_seq; and marks the file as a server store.
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE users (
      name TEXT PRIMARY KEY, role TEXT NOT NULL, full_name TEXT NOT NULL DEFAULT '',
      created_at_ms INTEGER NOT NULL) WITHOUT ROWID;
    -- One-time enrolment codes, by SHA-256 only.
    CREATE TABLE enrollment_codes (
      code_sha256 TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES users (name),
      created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL,
      used_at_ms INTEGER, used_by_device TEXT) WITHOUT ROWID;
    -- Enrolled devices; the bearer token is kept as its SHA-256 only.
    CREATE TABLE devices (
      device_id TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES users (name),
      token_sha256 TEXT NOT NULL UNIQUE, name TEXT NOT NULL DEFAULT '',
      enrolled_at_ms INTEGER NOT NULL) WITHOUT ROWID;
  )sql"));
  FS_RETURN_IF_ERROR(db.Exec(kInitialChangeLogDdl));
  FS_RETURN_IF_ERROR(db.Exec(kInitialStateDdl));
  return db.Exec(R"sql(
    -- Exactly-once keys (S2).
    CREATE TABLE applied (
      device_id TEXT NOT NULL, device_seq INTEGER NOT NULL, server_seq INTEGER NOT NULL,
      PRIMARY KEY (device_id, device_seq)) WITHOUT ROWID;
    INSERT INTO meta (key, value) VALUES ('store_kind', 'fieldsync-server');
  )sql");
}

Status AddDeviceCursors(sql::Database& db) {
  return db.Exec(R"sql(
    -- The last position each device pulled from (a pull's after_server_seq, a finished snapshot's
    -- as_of) and when: the purge keeps history newer than what every recent device has (S10).
    CREATE TABLE device_cursors (
      device_id TEXT PRIMARY KEY, cursor INTEGER NOT NULL, last_seen_at_ms INTEGER NOT NULL) WITHOUT ROWID;
  )sql");
}

Status AddAppliedDigest(sql::Database& db) {
  return db.Exec(R"sql(
    -- ContentDigest (change_digest.h) of each applied change, to refuse a different change reusing
    -- (device_id, device_seq) (a restored or copied tablet store). NULL for changes applied before
    -- this version: those resends are not checked.
    ALTER TABLE applied ADD COLUMN content_sha256 TEXT;
  )sql");
}

Status AddSecurityTables(sql::Database& db) {
  return db.Exec(R"sql(
    -- A revoked device's token no longer works (a lost tablet); its synced data stays.
    ALTER TABLE devices ADD COLUMN revoked_at_ms INTEGER;
    -- Failed enrolment attempts by network address, to limit guessing codes.
    CREATE TABLE enrollment_failures (at_ms INTEGER NOT NULL, client TEXT NOT NULL);
    CREATE INDEX enrollment_failures_by_time ON enrollment_failures (at_ms);
    -- Who changed what and when. Each entry's sha256 covers the previous one's (audit_chain.h):
    -- `fieldsync-server audit verify` detects an entry changed, inserted or removed. The triggers
    -- stop the program itself from ever rewriting history; the chain catches anyone else.
    CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, actor TEXT NOT NULL, device_id TEXT NOT NULL,
      action TEXT NOT NULL, detail TEXT NOT NULL, prev_sha256 TEXT NOT NULL, sha256 TEXT NOT NULL);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  )sql");
}

Status IndexValuePrefixes(sql::Database& db) { return db.Exec(sql::kValuePrefixIndexDdl); }
Status IndexLookupFieldsOnly(sql::Database& db) { return db.Exec(sql::kLookupIndexV5Ddl); }
Status IndexLookupFieldsWithoutInList(sql::Database& db) { return db.Exec(sql::LookupIndexDdl()); }

// Exactly-once keys as ranges (applied_keys.h): one row per run of a device's sequences applied
// at consecutive server sequences, found from `applied` with gaps and islands; each key's digest
// moves into its change_log row, or into purged_digests when the purge has removed that row.
// (From ChangeLogAsRuns on, a logged change's digest is computed from it, not stored.)
Status ExactlyOnceKeysAsRanges(sql::Database& db) {
  return db.Exec(R"sql(
    ALTER TABLE change_log ADD COLUMN content_sha256 TEXT;
    UPDATE change_log SET content_sha256 = a.content_sha256 FROM applied a
      WHERE a.server_seq = change_log.server_seq AND a.content_sha256 IS NOT NULL;
    CREATE TABLE purged_digests (
      device_id TEXT NOT NULL, device_seq INTEGER NOT NULL, content_sha256 TEXT NOT NULL,
      PRIMARY KEY (device_id, device_seq)) WITHOUT ROWID;
    INSERT INTO purged_digests (device_id, device_seq, content_sha256)
      SELECT device_id, device_seq, content_sha256 FROM applied a WHERE a.content_sha256 IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM change_log c WHERE c.server_seq = a.server_seq);
    CREATE TABLE applied_ranges (
      device_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
      first_server_seq INTEGER NOT NULL,
      PRIMARY KEY (device_id, first_seq)) WITHOUT ROWID;
    INSERT INTO applied_ranges (device_id, first_seq, last_seq, first_server_seq)
      SELECT device_id, min(device_seq), max(device_seq), min(server_seq) FROM (
        SELECT device_id, device_seq, server_seq, sum(starts) OVER (PARTITION BY device_id ORDER BY device_seq) AS island
        FROM (SELECT device_id, device_seq, server_seq,
                     CASE WHEN device_seq = lag(device_seq) OVER w + 1 AND server_seq = lag(server_seq) OVER w + 1
                          THEN 0 ELSE 1 END AS starts
              FROM applied WINDOW w AS (PARTITION BY device_id ORDER BY device_seq)))
      GROUP BY device_id, island;
    DROP TABLE applied;
  )sql");
}

// The change log as runs (change_runs.h): rows of change_log, in sequence order, go into a run
// while they follow on (next sequence, same record, scope, receipt time, digest kept or not).
// Each change keeps its server sequence, and the AUTOINCREMENT high-water mark moves over.
Status ChangeLogAsRuns(sql::Database& db) {
  FS_RETURN_IF_ERROR(db.Exec(kChangeRunsDdl));
  {
    FS_ASSIGN_OR_RETURN(auto runs, ChangeRuns::Open(db));
    runs->VerifyEachRun();
    FS_ASSIGN_OR_RETURN(auto rows, db.Prepare(
        "SELECT server_seq, device_id, device_seq, record_type, record_id, field, value_kind, value, tombstone, hlc, "
        "seen_hlc, seen_device_id, author, scope, received_at_ms, content_sha256 IS NULL FROM change_log "
        "ORDER BY server_seq"));
    while (true) {
      FS_ASSIGN_OR_RETURN(bool row, rows->Step());
      if (!row) break;
      Change c;
      c.server_seq = static_cast<uint64_t>(rows->Int(0));
      c.device_id = rows->Text(1);
      c.device_seq = static_cast<uint64_t>(rows->Int(2));
      c.record_type = rows->Text(3);
      c.record_id = rows->Text(4);
      c.field = rows->Text(5);
      c.value = rows->ReadValue(6);
      c.tombstone = rows->Int(8) != 0;
      c.hlc = Hlc::Unpack(static_cast<uint64_t>(rows->Int(9)));
      c.seen_hlc = Hlc::Unpack(static_cast<uint64_t>(rows->Int(10)));
      c.seen_device_id = rows->Text(11);
      c.author = rows->Text(12);
      FS_RETURN_IF_ERROR(runs->AppendAt(std::move(c), rows->Text(13), rows->Int(14), rows->Int(15) != 0));
    }
    FS_RETURN_IF_ERROR(runs->Flush());
  }
  return db.Exec(R"sql(
    UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0))
      WHERE name = 'change_runs';
    INSERT INTO sqlite_sequence (name, seq) SELECT 'change_runs', seq FROM sqlite_sequence
      WHERE name = 'change_log' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'change_runs');
    DROP TABLE change_log;
  )sql");
}

// The current state per record (record_state.h): field_state's rows of one record, in field
// order, become one record_state row with the scope record_scope held for it; a record known by
// its scope only keeps it with no fields.
Status CurrentStatePerRecord(sql::Database& db) {
  FS_RETURN_IF_ERROR(db.Exec(kRecordStateDdl));
  {
    FS_ASSIGN_OR_RETURN(auto states, RecordStates::Open(db));
    states->VerifyEachRecord();
    FS_ASSIGN_OR_RETURN(auto rows, db.Prepare(
        "SELECT f.record_type, f.record_id, coalesce(s.scope, ''), f.field, f.value_kind, f.value, f.tombstone, f.hlc, "
        "f.node, f.author, f.device_seq, f.server_seq FROM field_state f LEFT JOIN record_scope s "
        "ON s.record_type = f.record_type AND s.record_id = f.record_id "
        "ORDER BY f.record_type, f.record_id, f.field"));
    std::string type, id;
    CurrentRecord record;
    auto put = [&]() -> Status {
      if (record.fields.empty()) return Status::Ok();
      FS_RETURN_IF_ERROR(states->Put(type, id, record, nullptr));
      record = CurrentRecord{};
      return Status::Ok();
    };
    while (true) {
      FS_ASSIGN_OR_RETURN(bool row, rows->Step());
      if (!row) break;
      if (rows->Text(0) != type || rows->Text(1) != id) {
        FS_RETURN_IF_ERROR(put());
        type = rows->Text(0);
        id = rows->Text(1);
        record.scope = rows->Text(2);
      }
      record.fields.emplace(rows->Text(3), StoredField{sql::ReadFieldState(*rows, 4),
                                                       static_cast<uint64_t>(rows->Int(10)),
                                                       static_cast<uint64_t>(rows->Int(11))});
    }
    FS_RETURN_IF_ERROR(put());
  }
  return db.Exec(R"sql(
    INSERT INTO record_state (record_type, record_id, scope, fields)
      SELECT record_type, record_id, scope, x'' FROM record_scope s WHERE NOT EXISTS (
        SELECT 1 FROM record_state r WHERE r.record_type = s.record_type AND r.record_id = s.record_id);
    DROP TABLE field_state;
    DROP TABLE record_scope;
  )sql");
}

// A device store or another program's file must not be mistaken for (and "upgraded" into) ours.
Status CheckIsServerStore(sql::Database& db) {
  auto stmt = db.Prepare("SELECT value FROM meta WHERE key = 'store_kind'");
  bool ours = false;
  if (stmt.ok()) {
    auto row = (*stmt)->Step();
    ours = row.ok() && *row && (*stmt)->Text(0) == "fieldsync-server";
    (*stmt)->Reset();
  }
  if (ours) return Status::Ok();
  return Status::FailedPrecondition(db.path() + " is not a fieldsync-server database (it may be a tablet's store); "
                                    "pass --db with the server's file or a new file name");
}

}  // namespace

Status UpgradeServerSchema(sql::Database& db) {
  int version = db.UserVersion();
  if (version < 0) return db.Error("reading the schema version");
  if (version > 0) FS_RETURN_IF_ERROR(CheckIsServerStore(db));
  return sql::UpgradeSchema(db, {CreateInitial, AddDeviceCursors, AddAppliedDigest, AddSecurityTables,
                                    IndexValuePrefixes, IndexLookupFieldsOnly,
                                    IndexLookupFieldsWithoutInList, ExactlyOnceKeysAsRanges, ChangeLogAsRuns,
                                    CurrentStatePerRecord}, "server");
}

}  // namespace fieldsync::server
