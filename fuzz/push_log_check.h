// After the server accepted a push: every change of it is in the change log at the server_seq its
// result names (S2, S4), and an APPLIED one is stored as it was sent (text in NFC, no value on a
// tombstone, the user as author when it named none). Read through the service as the
// secretariat, who sees everything.
#pragma once

#include "fieldsync/server/request_router.h"
#include "fieldsync/server/sync_service.h"

namespace fieldsync::fuzz {

// Aborts (FUZZ_CHECK) on a change missing from the log or stored otherwise than sent.
void CheckPushStored(server::SyncService& service, const server::RouterRequest& request,
                     const server::RouterResponse& response);

}  // namespace fieldsync::fuzz
