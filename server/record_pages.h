// Paged record queries (ServerStore::FindRecordsPage, RecordsByIdPrefix) and read views
// (BeginReadView): the interface's defaults, and the SQLite versions SqliteServerStore uses. Kept apart from sqlite_server_store.cc so
// the store's other queries are untouched.
#pragma once

#include <memory>
#include <string>

#include "fieldsync/server/server_store.h"
#include "fieldsync/sqlite_db.h"

namespace fieldsync::server {

// The two paged queries on one SQLite store, each prepared once (a report runs them a few times per
// unit, so preparing them for every page cost more than reading). Not thread-safe, like the store.
class SqliteRecordPages {
 public:
  explicit SqliteRecordPages(sql::Database& db) : db_(db) {}
  // At most `max` records of `type` whose text `field` is `value` (not deleted), ids after `after_id`.
  Result<RecordPage> ByField(const std::string& type, const std::string& field, const std::string& value,
                             const std::string& after_id, size_t max);
  // At most `max` records of `type` whose id starts with `id_prefix` (not deleted), ids after `after_id`.
  Result<RecordPage> ByIdPrefix(const std::string& type, const std::string& id_prefix, const std::string& after_id,
                                size_t max);

 private:
  // The statement for `ids_sql` (see record_pages.cc), prepared on first use into `slot`.
  Result<sql::Statement*> Statement(std::unique_ptr<sql::Statement>& slot, const std::string& ids_sql);

  sql::Database& db_;
  std::unique_ptr<sql::Statement> by_lookup_field_, by_other_field_, by_prefix_, by_open_prefix_;
};

// A read transaction on `db` (ServerStore::BeginReadView), ended when the view is destroyed.
Result<std::unique_ptr<ReadView>> BeginSqliteReadView(sql::Database& db);

}  // namespace fieldsync::server
