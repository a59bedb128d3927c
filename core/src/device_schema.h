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
  kRejectedChanges = 3,  // changes the server refused for good, kept with the reason
  kValuePrefixIndex = 4,  // field_state indexed by value prefix, not whole values
  kLookupIndex = 5,  // only lookup fields indexed by value
  kLookupIndexWithoutInList = 6,  // the same index, its predicate without an IN list (field_rows.h)
  kNoReferenceSearch = 7,  // references ("..._id") left out of the search index
  kFoldedInFieldState = 8,  // field_state.folded replaces the search_index table
  kCurrent = kFoldedInFieldState,
};

// Brings the database to kCurrent. Refuses a database from a newer fieldsync.
Status UpgradeDeviceSchema(sql::Database& db);

}  // namespace fieldsync
