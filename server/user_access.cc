#include "user_access.h"

#include <algorithm>

#include "fieldsync/server/conflict.h"
#include "fieldsync/server/scope.h"

namespace fieldsync::server {
namespace {

// A member record's role; one that does not parse grants nothing beyond a member's rights.
domain::Role PlanRole(const Record& member) {
  auto role = domain::ParseRole(member.Text("role"));
  return role.ok() ? *role : domain::Role::kMember;
}

}  // namespace

bool LeadsVisit(domain::Role role) { return role != domain::Role::kMember; }

domain::Role UserAccess::RoleFor(const std::string& scope) const {
  std::string visit_scope = scope;
  if (const std::string prefix = conflict::ScopeFor(""); visit_scope.starts_with(prefix)) {
    visit_scope.erase(0, prefix.size());
  }
  auto it = visit_roles.find(visit_scope);
  return it == visit_roles.end() ? account_role : it->second;
}

Result<UserAccess> LoadUserAccess(ServerStore& store, const Session& session) {
  UserAccess access;
  access.account_role = session.role;
  if (session.role == domain::Role::kSecretariat) {
    access.visible = ScopeFilter::All();
    return access;
  }
  auto& scopes = access.visible.scopes;
  scopes.push_back(kGlobalScope);
  FS_ASSIGN_OR_RETURN(auto members, store.FindRecords(domain::kMember, "user_name", session.user_name));
  for (const auto& m : members) {
    const domain::Role role = PlanRole(m);
    FS_ASSIGN_OR_RETURN(auto assignments, store.FindRecords(domain::kAssignment, "member_id", m.id));
    bool assigned = false;
    for (const auto& a : assignments) {
      const std::string& visit_id = a.Text("visit_id");
      if (visit_id.empty()) continue;
      const std::string visit = VisitScope(visit_id);
      scopes.push_back(visit);
      // Two member records reaching one visit: either one's rights apply (Role: smaller is stronger).
      auto [it, inserted] = access.visit_roles.emplace(visit, role);
      if (!inserted) it->second = std::min(it->second, role);
      // S7/S12: the visit's leader and deputy see (and resolve) its conflicts.
      if (LeadsVisit(role)) scopes.push_back(conflict::ScopeFor(visit));
      assigned = true;
    }
    if (assigned && !m.Text("plan_id").empty()) scopes.push_back(PlanScope(m.Text("plan_id")));
  }
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  return access;
}

}  // namespace fieldsync::server
