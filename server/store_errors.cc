#include "store_errors.h"

namespace fieldsync::server {

// The SQLite layer (fieldsync/sqlite_db.h) reports SQLITE_BUSY and SQLITE_LOCKED as kUnavailable.
bool IsRetryableStoreError(const Status& status) { return status.code() == StatusCode::kUnavailable; }

}  // namespace fieldsync::server
