#include "device_schema.h"

#include <string>
#include <vector>

#include "fieldsync/field_rows.h"
#include "fieldsync/text.h"

namespace fieldsync {
namespace {

Status CreateInitial(sql::Database& db) {
  return db.Exec(R"sql(
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    -- Current value of every field of every record on this device.
    CREATE TABLE field_state (
      record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
      value_kind INTEGER NOT NULL, value, tombstone INTEGER NOT NULL DEFAULT 0,
      hlc INTEGER NOT NULL, node TEXT NOT NULL,
      PRIMARY KEY (record_type, record_id, field)) WITHOUT ROWID;
    CREATE INDEX field_state_by_value ON field_state (record_type, field, value);
    -- Local changes not yet acknowledged by the server; device_seq is the S2 key.
    CREATE TABLE outbox (
      device_seq INTEGER PRIMARY KEY,
      record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
      value_kind INTEGER NOT NULL, value, tombstone INTEGER NOT NULL DEFAULT 0,
      hlc INTEGER NOT NULL, seen_hlc INTEGER NOT NULL DEFAULT 0, seen_node TEXT NOT NULL DEFAULT '');
  )sql");
}

Status AddAuthorAndSearch(sql::Database& db) {
  FS_RETURN_IF_ERROR(db.Exec(R"sql(
    ALTER TABLE field_state ADD COLUMN author TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN author TEXT NOT NULL DEFAULT '';
    -- Accent-folded copy of every text field (text.h FoldForSearch).
    CREATE TABLE search_index (
      record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, folded TEXT NOT NULL,
      PRIMARY KEY (record_type, record_id, field)) WITHOUT ROWID;
  )sql"));
  // Version 1 stores recorded the user but not per-change authors: credit the store's user.
  FS_RETURN_IF_ERROR(db.Exec(R"sql(
    UPDATE outbox SET author = coalesce((SELECT value FROM meta WHERE key = 'user_name'), '');
    UPDATE field_state SET author = coalesce((SELECT value FROM meta WHERE key = 'user_name'), '')
      WHERE node = (SELECT value FROM meta WHERE key = 'device_id');
  )sql"));
  FS_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT record_type, record_id, field, value FROM field_state "
                                              "WHERE value_kind = 1 AND tombstone = 0"));
  FS_ASSIGN_OR_RETURN(auto insert, db.Prepare("INSERT INTO search_index VALUES (?, ?, ?, ?)"));
  while (true) {
    FS_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    insert->Bind(1, select->Text(0)).Bind(2, select->Text(1)).Bind(3, select->Text(2));
    insert->Bind(4, FoldForSearch(select->Text(3)));
    FS_RETURN_IF_ERROR(insert->Run());
  }
  select->Reset();
  return Status::Ok();
}

Status AddRejectedChanges(sql::Database& db) {
  return db.Exec(R"sql(
    -- Outbox entries the server refused for good (invalid, outside the user's scope): set aside
    -- with the server's reason so that the rest of the outbox moves on and nothing typed is lost.
    CREATE TABLE rejected_changes (
      device_seq INTEGER PRIMARY KEY,
      record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
      value_kind INTEGER NOT NULL, value, tombstone INTEGER NOT NULL DEFAULT 0,
      hlc INTEGER NOT NULL, seen_hlc INTEGER NOT NULL DEFAULT 0, seen_node TEXT NOT NULL DEFAULT '',
      author TEXT NOT NULL DEFAULT '',
      code TEXT NOT NULL, reason TEXT NOT NULL, rejected_at_ms INTEGER NOT NULL);
  )sql");
}

Status IndexValuePrefixes(sql::Database& db) { return db.Exec(sql::kValuePrefixIndexDdl); }
Status IndexLookupFieldsOnly(sql::Database& db) { return db.Exec(sql::kLookupIndexV5Ddl); }
Status IndexLookupFieldsWithoutInList(sql::Database& db) { return db.Exec(sql::LookupIndexDdl()); }
// References ("..._id", IsReferenceField) are no longer searched as text.
Status DropReferenceSearchRows(sql::Database& db) { return db.Exec("DELETE FROM search_index WHERE field GLOB '*_id'"); }

// The folded text moves into the field's own row: a separate table cost every text write a second
// b-tree insert (a second WAL page per tap, and a quarter of a bulk pull's inserts).
Status FoldSearchIntoFieldState(sql::Database& db) {
  return db.Exec(R"sql(
    -- FoldForSearch of the value for searched text fields (not references, not deleted); else NULL.
    ALTER TABLE field_state ADD COLUMN folded TEXT;
    UPDATE field_state SET folded = (SELECT s.folded FROM search_index s WHERE s.record_type = field_state.record_type
      AND s.record_id = field_state.record_id AND s.field = field_state.field);
    DROP TABLE search_index;
  )sql");
}

// No table changes: from this version on a tap leaves the next device sequence and the clock in its
// outbox row only (DeviceStore ReadIssued), so `meta` lags while the outbox holds rows. The new
// version makes an older fieldsync refuse the file instead of trusting `meta` and handing out a
// sequence again (S2) or starting its clock from an older time (S8).
Status IssuedSeqAndClockInOutbox(sql::Database& db) { return db.Exec("SELECT 1"); }

}  // namespace

Status UpgradeDeviceSchema(sql::Database& db) {
  return sql::UpgradeSchema(db, {CreateInitial, AddAuthorAndSearch, AddRejectedChanges, IndexValuePrefixes,
                                     IndexLookupFieldsOnly, IndexLookupFieldsWithoutInList,
                                     DropReferenceSearchRows, FoldSearchIntoFieldState, IssuedSeqAndClockInOutbox},
                            "device");
}

}  // namespace fieldsync
