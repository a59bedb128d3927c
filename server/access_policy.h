// Access policy (S12, docs/PROTOCOL.md "Scope"): which records a role may write. Pure functions.
#pragma once

#include <string>

#include "fieldsync/change.h"
#include "fieldsync/server/server_store.h"
#include "fieldsync/server/sync_service.h"
#include "user_access.h"

namespace fieldsync::server {

// "change 3 (answer 630a…/871b….rating)": names a change of a batch in messages (index from 0).
std::string ChangeLabel(const Change& change, size_t index);

// PermissionDenied, naming the change, when `session` may not write `change` whose record is in
// `scope`; `access` is what the session's user is assigned to and in which role (user_access.h).
Status CheckWrite(const Session& session, const UserAccess& access, const Change& change, const std::string& scope,
                  size_t index);

}  // namespace fieldsync::server
