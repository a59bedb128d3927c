#include "soak/scope_rules.h"

namespace fieldsync::soak {

Visibility VisibleTo(const ServerState& server, const std::string& user) {
  Visibility v;
  if (auto role = server.account_role.find(user); role != server.account_role.end() && role->second == "secretariat") {
    v.everything = true;
    return v;
  }
  v.scopes.insert("global");
  const auto members = RecordsOfType(server.fields, "member");
  const auto assignments = RecordsOfType(server.fields, "assignment");
  for (const auto& [member_id, member] : members) {
    if (IsDeleted(member) || TextOf(member, "user_name") != user) continue;
    const std::string role = TextOf(member, "role");
    const bool leads = role == "leader" || role == "deputy" || role == "secretariat";
    for (const auto& [assignment_id, a] : assignments) {
      if (IsDeleted(a) || TextOf(a, "member_id") != member_id || TextOf(a, "visit_id").empty()) continue;
      const std::string visit = "visit:" + TextOf(a, "visit_id");
      v.scopes.insert(visit);
      if (leads) v.scopes.insert("conflicts:" + visit);
      if (!TextOf(member, "plan_id").empty()) v.scopes.insert("plan:" + TextOf(member, "plan_id"));
    }
  }
  return v;
}

}  // namespace fieldsync::soak
