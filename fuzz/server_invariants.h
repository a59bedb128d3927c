// What docs/PROTOCOL.md promises for every answer of the server, whatever the request: a status
// from its table (and never 500: with a healthy store, any 500 is a server bug), the server HLC
// header, an ErrorResponse with a documented code and a message on every refusal, and on success
// the endpoint's response message, consistent with the request (one result per pushed change,
// pull pages in increasing server_seq after the cursor and within the batch cap, ...).
#pragma once

#include "fieldsync/server/request_router.h"

namespace fieldsync::fuzz {

// Aborts (FUZZ_CHECK) on the first broken promise.
void CheckAnswer(const server::RouterRequest& request, const server::RouterResponse& response);

}  // namespace fieldsync::fuzz
