// Paged record queries (ServerStore::FindRecordsPage, RecordsByIdPrefix) and read views
// (BeginReadView): the interface's defaults, and the SQLite versions SqliteServerStore uses. Kept apart from sqlite_server_store.cc so
// the store's other queries are untouched.
#pragma once

#include <memory>
#include <string>

#include "fieldsync/server/server_store.h"
#include "fieldsync/sqlite_db.h"
#include "record_state.h"

namespace fieldsync::server {

// The two paged queries on one SQLite store's current state (record_state.h). Not thread-safe,
// like the store.
class SqliteRecordPages {
 public:
  explicit SqliteRecordPages(RecordStates& states) : states_(states) {}
  // At most `max` records of `type` whose text `field` is `value` (not deleted), ids after `after_id`.
  Result<RecordPage> ByField(const std::string& type, const std::string& field, const std::string& value,
                             const std::string& after_id, size_t max);
  // At most `max` records of `type` whose id starts with `id_prefix` (not deleted), ids after `after_id`.
  Result<RecordPage> ByIdPrefix(const std::string& type, const std::string& id_prefix, const std::string& after_id,
                                size_t max);

 private:
  RecordStates& states_;
};

// A read transaction on `db` (ServerStore::BeginReadView), ended when the view is destroyed.
Result<std::unique_ptr<ReadView>> BeginSqliteReadView(sql::Database& db);

}  // namespace fieldsync::server
