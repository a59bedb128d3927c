// UserAccess: what one user may see, and the role they act in for each visit they are assigned to
// (S12, docs/PROTOCOL.md "Scope"). Rights inside a visit (writing its conclusion, resolving its
// conflicts) follow the user's member record in that visit's plan — the same person may lead one
// plan's team and be an ordinary member of another's — not the account role.
#pragma once

#include <map>
#include <string>

#include "fieldsync/domain.h"
#include "fieldsync/server/server_store.h"
#include "fieldsync/server/sync_service.h"

namespace fieldsync::server {

struct UserAccess {
  domain::Role account_role = domain::Role::kMember;
  ScopeFilter visible;
  // "visit:<id>" of every assigned visit -> the role of the user's member record in its plan.
  std::map<std::string, domain::Role> visit_roles;

  // The role the user acts in for a record in `scope` ("visit:<id>" or "conflicts:visit:<id>"):
  // the plan role for an assigned visit, else (no member record there) the account role.
  domain::Role RoleFor(const std::string& scope) const;
};

// Leader and deputy lead a visit: they write its conclusion and resolve its conflicts.
bool LeadsVisit(domain::Role role);

// Reads the user's member records and assignments. The secretariat account sees everything.
Result<UserAccess> LoadUserAccess(ServerStore& store, const Session& session);

}  // namespace fieldsync::server
