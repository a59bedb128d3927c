// Test helper: turns a server store back into schema version 8's form — one `change_log` row per
// change, each with its content digest unless it was applied before digests were kept, and one
// `field_state` row per field with the records' scopes in `record_scope` — so that a test can
// build an older store, or damage the log or the state, with plain SQL. Opening the store
// afterwards upgrades it again (server_schema.cc ChangeLogAsRuns, CurrentStatePerRecord), which
// the tests that use this also exercise.
#pragma once

#include <string>

#include "fieldsync/status.h"

namespace fieldsync::server::testing {

// The store must be closed. Leaves user_version at 8.
Status WriteStoreAsVersion8(const std::string& path);

}  // namespace fieldsync::server::testing
