#include "fieldsync/server/scope.h"

#include "fieldsync/server/server_store.h"

namespace fieldsync::server {

std::string PlanScope(std::string_view plan_id) { return "plan:" + std::string(plan_id); }
std::string VisitScope(std::string_view visit_id) { return "visit:" + std::string(visit_id); }
bool IsVisitScope(std::string_view scope) { return scope.starts_with("visit:"); }

bool ScopeFilter::Allows(const std::string& scope) const {
  if (everything) return true;
  for (const auto& s : scopes) {
    if (s == scope) return true;
  }
  return false;
}

}  // namespace fieldsync::server
