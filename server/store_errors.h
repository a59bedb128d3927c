// Which store failures are worth retrying: the HTTP layer answers those 503 ("retry later") and
// every other failure 500, so a tablet does not resend, forever, a request that fails the same way
// each time (a constraint or a corrupt file). Pure; thread-safe.
#pragma once

#include "fieldsync/status.h"

namespace fieldsync::server {

// True for kUnavailable, and for a SQLite failure because another connection held the file
// (SQLITE_BUSY, SQLITE_LOCKED, e.g. the admin command line writing while the server runs).
bool IsRetryableStoreError(const Status& status);

}  // namespace fieldsync::server
