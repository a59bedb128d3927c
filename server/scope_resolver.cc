#include "scope_resolver.h"

#include "fieldsync/domain.h"
#include "fieldsync/review.h"
#include "fieldsync/server/conflict.h"
#include "fieldsync/server/scope.h"

namespace fieldsync::server {
namespace {

// The fields Compute and AnswerScope place a new record by: the only ones FieldText is asked for.
bool PlacesRecord(const std::string& field) { return field == "visit_id" || field == "plan_id" || field == "unit_id"; }

// The unit an answer id "<unit id>/<item id>" names; "" for an id of another form.
std::string UnitOfAnswerId(const std::string& id) {
  const size_t slash = id.find('/');
  return slash == std::string::npos ? std::string() : id.substr(0, slash);
}

}  // namespace

ScopeResolver::ScopeResolver(ServerStore& store, const std::vector<Change>& batch, bool secretariat)
    : store_(store), secretariat_(secretariat) {
  for (const auto& c : batch) {
    if (!PlacesRecord(c.field)) continue;  // findings texts are most of a batch, and never asked for
    if (const auto* text = std::get_if<std::string>(&c.value); text && !c.tombstone) {
      batch_text_[{c.record_type, c.record_id, c.field}] = *text;
    }
  }
}

Result<std::string> ScopeResolver::FieldText(const std::string& type, const std::string& id,
                                             const std::string& field) {
  if (!PlacesRecord(field)) return Status::Internal("ScopeResolver::FieldText asked for " + field + ", not kept");
  if (auto it = batch_text_.find({type, id, field}); it != batch_text_.end()) return it->second;
  FS_ASSIGN_OR_RETURN(auto record, store_.GetRecord(type, id));
  return record ? record->Text(field) : std::string();
}

Result<std::string> ScopeResolver::ScopeOf(const std::string& type, const std::string& id) {
  // A record's changes come one after another (an answer is eight): the previous one's scope.
  if (!last_scope_.empty() && type == last_type_ && id == last_id_) return last_scope_;
  FS_ASSIGN_OR_RETURN(std::string scope, Find(type, id));
  if (scope.empty() && type == conflict::kType) {
    return Status::InvalidArgument("the server has no conflict " + id +
                                   "; conflicts are recorded by the server only (sync to get the current ones)");
  }
  if (scope.empty()) {
    return Status::InvalidArgument("cannot tell which plan or visit the new " + type + " record " + id +
                                   " belongs to; send its visit_id (or plan_id) field in the same push");
  }
  last_type_ = type;
  last_id_ = id;
  last_scope_ = scope;
  return scope;
}

Result<std::string> ScopeResolver::Find(const std::string& type, const std::string& id) {
  if (auto it = known_.find({type, id}); it != known_.end()) return it->second;
  FS_ASSIGN_OR_RETURN(auto stored, store_.RecordScope(type, id));
  std::string scope;
  if (stored) {
    scope = *stored;
  } else {
    FS_ASSIGN_OR_RETURN(scope, Compute(type, id));
  }
  if (!scope.empty()) known_[{type, id}] = scope;
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
  if (type == d::kAnswer) return AnswerScope(id);
  if (type == d::kReview) {
    // A review lives where what it reviews lives (include/fieldsync/review.h), whatever its fields say.
    auto target = d::ReviewTargetOf(id);
    return target ? Find(target->first, target->second) : Result<std::string>(std::string());
  }
  FS_ASSIGN_OR_RETURN(std::string scope, by_field("visit_id", VisitScope));
  if (!scope.empty()) return scope;
  return by_field("plan_id", PlanScope);
}

// S12: an answer lives where its unit lives. Its own visit_id is the client's word, so it places
// the answer only for the secretariat, and only when the server does not know the unit at all.
Result<std::string> ScopeResolver::AnswerScope(const std::string& id) {
  std::string unit_id = UnitOfAnswerId(id);
  if (unit_id.empty()) {
    FS_ASSIGN_OR_RETURN(unit_id, FieldText(domain::kAnswer, id, "unit_id"));
  }
  if (!unit_id.empty()) {
    FS_ASSIGN_OR_RETURN(std::string unit_scope, Find(domain::kUnit, unit_id));
    if (!unit_scope.empty()) return unit_scope;
  }
  if (!secretariat_) {
    const std::string unit =
        unit_id.empty() ? "names no unit" : "is of unit '" + unit_id + "', which the server does not know";
    return Status::InvalidArgument("the answer " + id + " " + unit +
                                   "; sync the tablet to get the current plan, and answer only units of your visits");
  }
  FS_ASSIGN_OR_RETURN(std::string visit_id, FieldText(domain::kAnswer, id, "visit_id"));
  return visit_id.empty() ? std::string() : VisitScope(visit_id);
}

Status ScopeResolver::CheckAnswerReferences(const Change& c, const std::string& scope) const {
  if (c.record_type != domain::kAnswer || c.tombstone) return Status::Ok();
  const auto* text = std::get_if<std::string>(&c.value);
  if (!text) return Status::Ok();
  if (c.field == "visit_id" && VisitScope(*text) != scope) {
    return Status::InvalidArgument("the answer " + c.record_id + " belongs to " + scope + " (the visit of its unit), "
                                   "not to visit " + *text + "; sync the tablet to get the current plan");
  }
  const std::string unit_id = UnitOfAnswerId(c.record_id);
  if (c.field == "unit_id" && !unit_id.empty() && *text != unit_id) {
    return Status::InvalidArgument("the answer " + c.record_id + " is of unit " + unit_id + ", not of unit " + *text);
  }
  return Status::Ok();
}

}  // namespace fieldsync::server
