// Test helper: turns a server store's change log back into schema version 8's form (one
// `change_log` row per change, each with its content digest unless it was applied before digests
// were kept), so that a test can build an older store, or damage the log, with plain SQL. Opening
// the store afterwards upgrades it again (server_schema.cc ChangeLogAsRuns), which the tests that
// use this also exercise.
#pragma once

#include <string>

#include "fieldsync/status.h"

namespace fieldsync::server::testing {

// The store must be closed. Leaves user_version at 8.
Status WriteChangeLogAsVersion8(const std::string& path);

}  // namespace fieldsync::server::testing
