// Scope keys: every record belongs to one scope, fixed when the server first sees the record, and a
// user reads and writes only the scopes they are assigned to (S12, docs/PROTOCOL.md "Scope").
//   plan, member                       -> "plan:<plan id>"
//   template, item                     -> "global"
//   visit                              -> "visit:<visit id>"
//   unit, assignment                   -> "visit:<visit_id field>"
//   answer ("<unit id>/<item id>")     -> the scope of its unit (else "visit:<visit_id field>")
//   conclusion ("<visit id>/conclusion") -> "visit:<visit id>"
//   conflict                           -> "conflicts:" + the contested record's scope (set by the
//                                         server, which alone creates conflict records)
//   any other type                     -> "visit:<visit_id field>", else "plan:<plan_id field>"
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace fieldsync::server {

inline constexpr const char* kGlobalScope = "global";
std::string PlanScope(std::string_view plan_id);
std::string VisitScope(std::string_view visit_id);
bool IsVisitScope(std::string_view scope);

}  // namespace fieldsync::server
