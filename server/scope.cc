#include "fieldsync/server/scope.h"

#include <algorithm>
#include <cstdio>

#include "fieldsync/server/server_store.h"

namespace fieldsync::server {

std::string PlanScope(std::string_view plan_id) { return "plan:" + std::string(plan_id); }
std::string VisitScope(std::string_view visit_id) { return "visit:" + std::string(visit_id); }
bool IsVisitScope(std::string_view scope) { return scope.starts_with("visit:"); }

std::string ScopeFilter::Fingerprint() const {
  if (everything) return "all";
  // FNV-1a over the sorted keys: stable across runs and builds, and short on the wire.
  std::vector<std::string> sorted = scopes;
  std::sort(sorted.begin(), sorted.end());
  uint64_t hash = 14695981039346656037ull;
  for (const auto& s : sorted) {
    for (unsigned char c : s + '\n') hash = (hash ^ c) * 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

bool ScopeFilter::Allows(const std::string& scope) const {
  if (everything) return true;
  for (const auto& s : scopes) {
    if (s == scope) return true;
  }
  return false;
}

}  // namespace fieldsync::server
