// Which records a user's devices see, restated from docs/PROTOCOL.md "Scope" over the server's
// stored records (member, assignment) so the verifier does not trust the code it checks: the
// secretariat sees everything; anyone else sees "global", the plans they are assigned in, their
// visits, and the conflicts of the visits they lead (leader or deputy).
#pragma once

#include <set>
#include <string>

#include "soak/store_state.h"

namespace fieldsync::soak {

struct Visibility {
  bool everything = false;
  std::set<std::string> scopes;
  bool Allows(const std::string& scope) const { return everything || scopes.count(scope) > 0; }
};

Visibility VisibleTo(const ServerState& server, const std::string& user);

}  // namespace fieldsync::soak
