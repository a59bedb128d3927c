// The server database schema and its upgrade steps. PRAGMA user_version holds the version; each
// step takes a database from version N-1 to N inside one transaction (like the device schema).
#pragma once

#include "fieldsync/sqlite_db.h"

namespace fieldsync::server {

enum class ServerSchemaVersion : int {
  kEmpty = 0,
  kInitial = 1,  // meta, users, enrollment_codes, devices, change_log, applied, field_state, record_scope
  kDeviceCursors = 2,  // device_cursors (what each device has pulled, for purge); meta purged_through
  kAppliedDigest = 3,  // applied.content_sha256 (tells a resend from a reused device sequence)
  kSecurityTables = 4,  // devices.revoked_at_ms, enrollment_failures, audit_log
  kValuePrefixIndex = 5,  // field_state indexed by value prefix, not whole values
  kLookupIndex = 6,  // only lookup fields indexed by value
  kLookupIndexWithoutInList = 7,  // the same index, its predicate without an IN list (field_rows.h)
  kExactlyOnceRanges = 8,  // applied_ranges + purged_digests replace applied (applied_keys.h)
  kChangeRuns = 9,  // change_runs replaces change_log (change_runs.h)
  kRecordState = 10,  // record_state + record_lookup replace field_state and record_scope (record_state.h)
  kCurrent = kRecordState,
};

// The change log as version 1 created it, one row per change (version 8 added content_sha256).
// Tests build older stores with it.
extern const char* const kInitialChangeLogDdl;
// field_state and record_scope as version 1 created them (version 7 left field_state with the
// index sql::LookupIndexDdl() makes instead of field_state_by_value). Also for tests.
extern const char* const kInitialStateDdl;

// Brings the database to kCurrent. Refuses a database from a newer fieldsync-server.
Status UpgradeServerSchema(sql::Database& db);

}  // namespace fieldsync::server
