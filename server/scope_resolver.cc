#include "scope_resolver.h"

#include "fieldsync/domain.h"
#include "fieldsync/server/conflict.h"
#include "fieldsync/server/scope.h"

namespace fieldsync::server {

ScopeResolver::ScopeResolver(ServerStore& store, const std::vector<Change>& batch) : store_(store) {
  for (const auto& c : batch) {
    if (const auto* text = std::get_if<std::string>(&c.value); text && !c.tombstone) {
      batch_text_[{c.record_type, c.record_id, c.field}] = *text;
    }
  }
}

Result<std::string> ScopeResolver::FieldText(const std::string& type, const std::string& id,
                                             const std::string& field) {
  if (auto it = batch_text_.find({type, id, field}); it != batch_text_.end()) return it->second;
  FS_ASSIGN_OR_RETURN(auto record, store_.GetRecord(type, id));
  return record ? record->Text(field) : std::string();
}

Result<std::string> ScopeResolver::ScopeOf(const std::string& type, const std::string& id) {
  if (auto it = known_.find({type, id}); it != known_.end()) return it->second;
  FS_ASSIGN_OR_RETURN(auto stored, store_.RecordScope(type, id));
  std::string scope;
  if (stored) {
    scope = *stored;
  } else {
    FS_ASSIGN_OR_RETURN(scope, Compute(type, id));
  }
  if (scope.empty() && type == conflict::kType) {
    return Status::InvalidArgument("the server has no conflict " + id +
                                   "; conflicts are recorded by the server only (sync to get the current ones)");
  }
  if (scope.empty()) {
    return Status::InvalidArgument("cannot tell which plan or visit the new " + type + " record " + id +
                                   " belongs to; send its visit_id (or plan_id) field in the same push");
  }
  known_[{type, id}] = scope;
  return scope;
}

Result<std::string> ScopeResolver::Compute(const std::string& type, const std::string& id) {
  namespace d = domain;
  auto by_field = [&](const char* field, std::string (*make)(std::string_view)) -> Result<std::string> {
    FS_ASSIGN_OR_RETURN(std::string value, FieldText(type, id, field));
    return value.empty() ? std::string() : make(value);
  };
  if (type == conflict::kType) return std::string();  // only the server makes them (with their scope)
  if (type == d::kPlan) return PlanScope(id);
  if (type == d::kTemplate || type == d::kItem) return std::string(kGlobalScope);
  if (type == d::kVisit) return VisitScope(id);
  if (type == d::kMember) return by_field("plan_id", PlanScope);
  if (type == d::kUnit || type == d::kAssignment) return by_field("visit_id", VisitScope);
  if (type == d::kConclusion) {
    const std::string suffix = "/conclusion";
    if (id.size() > suffix.size() && id.ends_with(suffix)) return VisitScope(id.substr(0, id.size() - suffix.size()));
    return by_field("visit_id", VisitScope);
  }
  if (type == d::kAnswer) {
    // The answer lives where its unit lives, whatever visit_id it claims.
    std::string unit_id = id.substr(0, id.find('/'));
    if (unit_id.empty() || unit_id == id) {
      FS_ASSIGN_OR_RETURN(unit_id, FieldText(type, id, "unit_id"));
    }
    if (!unit_id.empty()) {
      auto unit_scope = ScopeOf(d::kUnit, unit_id);
      if (unit_scope.ok()) return *unit_scope;
    }
    return by_field("visit_id", VisitScope);
  }
  FS_ASSIGN_OR_RETURN(std::string scope, by_field("visit_id", VisitScope));
  if (!scope.empty()) return scope;
  return by_field("plan_id", PlanScope);
}

}  // namespace fieldsync::server
