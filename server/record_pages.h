// Paged record queries (ServerStore::FindRecordsPage, RecordsByIdPrefix): the interface's defaults,
// and the bounded SQLite queries SqliteServerStore uses. Kept apart from sqlite_server_store.cc so
// the store's other queries are untouched.
#pragma once

#include <string>

#include "fieldsync/server/server_store.h"
#include "fieldsync/sqlite_db.h"

namespace fieldsync::server {

// At most `max` records of `type` whose text `field` is `value` (not deleted), ids after `after_id`.
Result<RecordPage> SqliteFindRecordsPage(sql::Database& db, const std::string& type, const std::string& field,
                                         const std::string& value, const std::string& after_id, size_t max);
// At most `max` records of `type` whose id starts with `id_prefix` (not deleted), ids after `after_id`.
Result<RecordPage> SqliteRecordsByIdPrefix(sql::Database& db, const std::string& type, const std::string& id_prefix,
                                           const std::string& after_id, size_t max);

}  // namespace fieldsync::server
