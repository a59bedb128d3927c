// The device database schema and its upgrade steps. PRAGMA user_version holds the version; each
// step takes a database from version N-1 to N inside one transaction. Golden files of old versions
// live in tests/data/ and tests open them.
#pragma once

#include "fieldsync/sqlite_db.h"

namespace fieldsync {

enum class DeviceSchemaVersion : int {
  kEmpty = 0,
  kInitial = 1,        // meta, field_state, outbox
  kAuthorAndSearch = 2,  // author per field and change; folded search index
  kCurrent = kAuthorAndSearch,
};

// Brings the database to kCurrent. Refuses a database from a newer fieldsync.
Status UpgradeDeviceSchema(sql::Database& db);

}  // namespace fieldsync
