#include "legacy_server_store.h"

#include "change_digest.h"
#include "change_runs.h"
#include "fieldsync/field_rows.h"
#include "fieldsync/sqlite_db.h"
#include "record_state.h"
#include "server_schema.h"

namespace fieldsync::server::testing {
namespace {

int64_t I(uint64_t v) { return static_cast<int64_t>(v); }

// record_state back into field_state and record_scope, as version 7 left them.
Status WriteStateAsRows(sql::Database& db) {
  FS_RETURN_IF_ERROR(db.Exec(kInitialStateDdl));
  FS_RETURN_IF_ERROR(db.Exec(sql::kValuePrefixIndexDdl));
  FS_RETURN_IF_ERROR(db.Exec(sql::LookupIndexDdl()));
  FS_ASSIGN_OR_RETURN(auto insert, db.Prepare(
      "INSERT INTO field_state (record_type, record_id, field, value_kind, value, tombstone, hlc, node, author, "
      "device_seq, server_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  FS_ASSIGN_OR_RETURN(auto states, db.Prepare("SELECT record_type, record_id, fields FROM record_state"));
  while (true) {
    FS_ASSIGN_OR_RETURN(bool row, states->Step());
    if (!row) break;
    FS_ASSIGN_OR_RETURN(auto fields, DecodeRecordFields(states->Bytes(2), states->Text(0), states->Text(1)));
    for (const auto& [name, f] : fields) {
      insert->Bind(1, states->Text(0)).Bind(2, states->Text(1)).Bind(3, name).BindValue(4, f.state.value);
      insert->Bind(6, int64_t{f.state.tombstone}).Bind(7, I(f.state.hlc.Pack())).Bind(8, f.state.node);
      insert->Bind(9, f.state.author).Bind(10, I(f.device_seq)).Bind(11, I(f.server_seq));
      FS_RETURN_IF_ERROR(insert->Run());
    }
  }
  return db.Exec(R"sql(
    INSERT INTO record_scope (record_type, record_id, scope) SELECT record_type, record_id, scope FROM record_state;
    DROP TABLE record_state;
    DROP TABLE record_lookup;
  )sql");
}

}  // namespace

Status WriteStoreAsVersion8(const std::string& path) {
  FS_ASSIGN_OR_RETURN(auto db, sql::Database::Open(path));
  FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db));
  FS_RETURN_IF_ERROR(WriteStateAsRows(*db));
  // Version 8's table as its steps left it.
  FS_RETURN_IF_ERROR(db->Exec(kInitialChangeLogDdl));
  FS_RETURN_IF_ERROR(db->Exec("ALTER TABLE change_log ADD COLUMN content_sha256 TEXT"));
  {
    FS_ASSIGN_OR_RETURN(auto insert, db->Prepare(
        "INSERT INTO change_log (server_seq, device_id, device_seq, record_type, record_id, field, value_kind, value, "
        "tombstone, hlc, seen_hlc, seen_device_id, author, scope, received_at_ms, content_sha256) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    FS_ASSIGN_OR_RETURN(auto runs, db->Prepare(
        "SELECT scope, received_at_ms, unchecked, changes FROM change_runs ORDER BY last_server_seq"));
    while (true) {
      FS_ASSIGN_OR_RETURN(bool row, runs->Step());
      if (!row) break;
      FS_ASSIGN_OR_RETURN(auto changes, DecodeChangeRun(runs->Bytes(3)));
      for (const Change& c : changes) {
        insert->Bind(1, I(c.server_seq)).Bind(2, c.device_id).Bind(3, I(c.device_seq)).Bind(4, c.record_type);
        insert->Bind(5, c.record_id).Bind(6, c.field).BindValue(7, c.value).Bind(9, int64_t{c.tombstone});
        insert->Bind(10, I(c.hlc.Pack())).Bind(11, I(c.seen_hlc.Pack())).Bind(12, c.seen_device_id);
        insert->Bind(13, c.author).Bind(14, runs->Text(0)).Bind(15, runs->Int(1));
        if (runs->Int(2) != 0) {
          insert->BindNull(16);
        } else {
          insert->Bind(16, ContentDigest(c));
        }
        FS_RETURN_IF_ERROR(insert->Run());
      }
    }
  }
  FS_RETURN_IF_ERROR(db->Exec(R"sql(
    UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'change_runs')
      WHERE name = 'change_log' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'change_runs');
    INSERT INTO sqlite_sequence (name, seq) SELECT 'change_log', seq FROM sqlite_sequence
      WHERE name = 'change_runs' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'change_log');
    DROP TABLE change_runs;
  )sql"));
  FS_RETURN_IF_ERROR(db->SetUserVersion(8));
  return txn->Commit();
}

}  // namespace fieldsync::server::testing
