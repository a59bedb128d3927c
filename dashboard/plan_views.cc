#include "plan_views.h"

#include <algorithm>
#include <map>

#include "access_policy.h"  // server/: CheckWrite, the sync API's write rule
#include "fieldsync/review.h"
#include "fieldsync/server/conflict.h"
#include "fieldsync/server/scope.h"
#include "fieldsync/text.h"

namespace fieldsync::dashboard {
namespace {

using nlohmann::json;
namespace d = domain;

constexpr size_t kMaxSearchResults = 200;
constexpr size_t kHistoryPage = 1000;

// The visit's units, the superior unit (no parent) first, then by code.
Result<std::vector<d::Unit>> UnitsOf(server::ServerStore& store, const std::string& visit_id) {
  FS_ASSIGN_OR_RETURN(auto records, store.FindRecords(d::kUnit, "visit_id", visit_id));
  std::vector<d::Unit> units;
  for (const auto& r : records) units.push_back(d::UnitFrom(r));
  std::sort(units.begin(), units.end(), [](const d::Unit& a, const d::Unit& b) {
    return std::make_pair(!a.parent_id.empty(), a.code) < std::make_pair(!b.parent_id.empty(), b.code);
  });
  return units;
}

// The template's items in checklist order.
Result<std::vector<d::ChecklistItem>> ItemsOf(server::ServerStore& store, const std::string& template_id) {
  FS_ASSIGN_OR_RETURN(auto records, store.FindRecords(d::kItem, "template_id", template_id));
  std::vector<d::ChecklistItem> items;
  for (const auto& r : records) items.push_back(d::ItemFrom(r));
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.position < b.position; });
  return items;
}

// The review state of a target record (answer or conclusion) with its review record.
Result<d::ReviewState> ReviewOf(server::ServerStore& store, const std::string& type, const std::string& id) {
  FS_ASSIGN_OR_RETURN(auto target, store.GetRecord(type, id));
  FS_ASSIGN_OR_RETURN(auto review, store.GetRecord(d::kReview, d::ReviewId(type, id)));
  return d::ReviewStateOf(target ? &*target : nullptr, review ? &*review : nullptr);
}

// Open conflicts the caller may see, keyed by unit id ("" for conflicts outside any unit).
Result<std::map<std::string, std::vector<std::string>>> OpenConflictsByUnit(Context& ctx, const Caller& caller) {
  FS_ASSIGN_OR_RETURN(auto records, ctx.store->Conflicts(false));
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : records) {
    FS_ASSIGN_OR_RETURN(auto scope, ctx.store->RecordScope(server::conflict::kType, r.id));
    if (!scope || !caller.access.visible.Allows(*scope)) continue;
    out[r.Text(server::conflict::kUnitId)].push_back(r.id);
  }
  return out;
}

json FieldJson(const std::string& field, const FieldState* state) {
  json f = {{"field", field}, {"value", nullptr}, {"author", ""}, {"at_ms", 0}};
  if (!state) return f;
  f["value"] = state->tombstone ? json(nullptr) : ValueJson(state->value);
  f["author"] = state->author;
  f["at_ms"] = MillisOf(state->hlc);
  f["deleted"] = state->tombstone;
  return f;
}

// Every logged change of the unit's answers (what purge kept), oldest first, per answer id. Reads
// the visit's scope page by page, so memory stays bounded by the unit's own history.
Result<std::map<std::string, json>> AnswerHistory(server::ServerStore& store, const d::Unit& unit) {
  std::map<std::string, json> out;
  server::ScopeFilter filter{false, {server::VisitScope(unit.visit_id)}};
  const std::string prefix = unit.id + "/";
  uint64_t after = 0;
  while (true) {
    FS_ASSIGN_OR_RETURN(auto page, store.ChangesAfter(after, filter, kHistoryPage, {}));
    for (const auto& c : page.changes) {
      if (c.record_type != d::kAnswer || !c.record_id.starts_with(prefix)) continue;
      json& list = out[c.record_id];
      list.push_back({{"field", c.field},
                      {"value", c.tombstone ? json(nullptr) : ValueJson(c.value)},
                      {"deleted", c.tombstone},
                      {"author", c.author},
                      {"at_ms", MillisOf(c.hlc)}});
    }
    if (!page.has_more || page.next_cursor <= after) break;
    after = page.next_cursor;
  }
  return out;
}

json PlanHeader(const d::Plan& plan) {
  return {{"id", plan.id},
          {"code", plan.code},
          {"title", plan.title},
          {"issuer", plan.issuer},
          {"window_start", plan.window_start},
          {"window_end", plan.window_end}};
}

json UnitHeader(const d::Unit& u) {
  return {{"id", u.id}, {"code", u.code}, {"name", u.name}, {"kind", u.kind}, {"parent_id", u.parent_id}};
}

}  // namespace

json ReviewJson(const d::ReviewState& state) {
  return {{"answered", state.answered},
          {"status", d::ReviewStatusCode(state.status)},
          {"edited_since_review", state.edited_since_review},
          {"comment", state.comment},
          {"reviewer", state.reviewer},
          {"decided_at_ms", state.decided_at.IsZero() ? 0 : MillisOf(state.decided_at)}};
}

json VisitHeader(const d::Visit& v) {
  return {{"id", v.id}, {"code", v.code}, {"date", v.date}, {"title", v.title}};
}

json ValueJson(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<int64_t>(&value)) return *i;
  if (const auto* x = std::get_if<double>(&value)) return *x;
  if (const auto* b = std::get_if<bool>(&value)) return *b;
  return nullptr;
}

Status CheckMayWrite(const Caller& caller, const std::string& type, const std::string& field,
                    const std::string& scope) {
  Change change;
  change.record_type = type;
  change.field = field;
  Status s = server::CheckWrite(caller.session, caller.access, change, scope, 0);
  if (s.ok()) return s;
  // Its message names a change of a pushed batch ("change 1 (...): "); here there is none.
  std::string why = s.message();
  if (const std::string label = server::ChangeLabel(change, 0) + ": "; why.starts_with(label)) why.erase(0, label.size());
  return Status::PermissionDenied(why);
}

bool MayWrite(const Caller& caller, const std::string& type, const std::string& field, const std::string& scope) {
  return CheckMayWrite(caller, type, field, scope).ok();
}

Result<d::Plan> VisiblePlan(Context& ctx, const Caller& caller, const std::string& plan_code) {
  FS_ASSIGN_OR_RETURN(std::string code, NormalizeText(plan_code, "plan code"));
  FS_ASSIGN_OR_RETURN(auto plans, ctx.store->FindRecords(d::kPlan, "code", code));
  for (const auto& p : plans) {
    if (caller.access.visible.Allows(server::PlanScope(p.id))) return d::PlanFrom(p);
  }
  return Status::NotFound("no plan '" + code + "' among the plans you may see");
}

Result<std::vector<d::Visit>> VisibleVisits(Context& ctx, const Caller& caller, const d::Plan& plan) {
  FS_ASSIGN_OR_RETURN(auto records, ctx.store->FindRecords(d::kVisit, "plan_id", plan.id));
  std::vector<d::Visit> visits;
  for (const auto& r : records) {
    if (caller.access.visible.Allows(server::VisitScope(r.id))) visits.push_back(d::VisitFrom(r));
  }
  std::sort(visits.begin(), visits.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
  return visits;
}

Result<bool> SeesWholePlan(Context& ctx, const Caller& caller, const d::Plan& plan) {
  FS_ASSIGN_OR_RETURN(auto records, ctx.store->FindRecords(d::kVisit, "plan_id", plan.id));
  for (const auto& r : records) {
    if (!caller.access.visible.Allows(server::VisitScope(r.id))) return false;
  }
  return true;
}

Result<json> PlansJson(Context& ctx, const Caller& caller) {
  FS_ASSIGN_OR_RETURN(auto records, ctx.store->ListRecords(d::kPlan));
  json plans = json::array();
  for (const auto& r : records) {
    if (caller.access.visible.Allows(server::PlanScope(r.id))) plans.push_back(PlanHeader(d::PlanFrom(r)));
  }
  return json{{"plans", plans}};
}

Result<json> OverviewJson(Context& ctx, const Caller& caller, const std::string& plan_code) {
  FS_ASSIGN_OR_RETURN(d::Plan plan, VisiblePlan(ctx, caller, plan_code));
  FS_ASSIGN_OR_RETURN(auto visits, VisibleVisits(ctx, caller, plan));
  FS_ASSIGN_OR_RETURN(auto conflicts, OpenConflictsByUnit(ctx, caller));
  FS_ASSIGN_OR_RETURN(bool whole, SeesWholePlan(ctx, caller, plan));
  json totals = {{"items", 0}, {"answered", 0}, {"reviewed", 0}, {"approved", 0}, {"needs_changes", 0},
                 {"open_conflicts", 0}};
  json visits_json = json::array();
  for (const auto& visit : visits) {
    json v = VisitHeader(visit);
    FS_ASSIGN_OR_RETURN(auto conclusion, ReviewOf(*ctx.store, d::kConclusion, d::ConclusionId(visit.id)));
    v["conclusion"] = ReviewJson(conclusion);
    v["units"] = json::array();
    FS_ASSIGN_OR_RETURN(auto units, UnitsOf(*ctx.store, visit.id));
    for (const auto& unit : units) {
      json u = UnitHeader(unit);
      json counts = {{"items", 0}, {"answered", 0}, {"reviewed", 0}, {"approved", 0}, {"needs_changes", 0}};
      json items = json::array();
      FS_ASSIGN_OR_RETURN(auto template_items, ItemsOf(*ctx.store, unit.template_id));
      for (const auto& item : template_items) {
        FS_ASSIGN_OR_RETURN(auto review, ReviewOf(*ctx.store, d::kAnswer, d::AnswerId(unit.id, item.id)));
        const bool decided = review.answered && review.status != d::ReviewStatus::kReceived;
        counts["items"] = counts["items"].get<int>() + 1;
        if (review.answered) counts["answered"] = counts["answered"].get<int>() + 1;
        if (decided) counts["reviewed"] = counts["reviewed"].get<int>() + 1;
        if (decided && review.status == d::ReviewStatus::kApproved) {
          counts["approved"] = counts["approved"].get<int>() + 1;
        }
        if (decided && review.status == d::ReviewStatus::kNeedsChanges) {
          counts["needs_changes"] = counts["needs_changes"].get<int>() + 1;
        }
        items.push_back({{"id", item.id}, {"code", item.code}, {"title", item.title}, {"review", ReviewJson(review)}});
      }
      auto open = conflicts.find(unit.id);
      counts["open_conflicts"] = open == conflicts.end() ? 0 : open->second.size();
      for (const auto& [key, value] : counts.items()) totals[key] = totals[key].get<int>() + value.get<int>();
      u["items"] = std::move(items);
      u["counts"] = std::move(counts);
      v["units"].push_back(std::move(u));
    }
    visits_json.push_back(std::move(v));
  }
  return json{{"plan", PlanHeader(plan)},
              {"visits", visits_json},
              {"totals", totals},
              {"whole_plan", whole},
              {"can_report", whole}};
}

Result<json> UnitJson(Context& ctx, const Caller& caller, const std::string& unit_id) {
  FS_ASSIGN_OR_RETURN(auto unit_record, ctx.store->GetRecord(d::kUnit, unit_id));
  const auto not_found = Status::NotFound("no unit '" + unit_id + "' among the units you may see");
  if (!unit_record || unit_record->IsDeleted()) return not_found;
  const d::Unit unit = d::UnitFrom(*unit_record);
  const std::string scope = server::VisitScope(unit.visit_id);
  if (!caller.access.visible.Allows(scope)) return not_found;
  FS_ASSIGN_OR_RETURN(auto visit_record, ctx.store->GetRecord(d::kVisit, unit.visit_id));
  FS_ASSIGN_OR_RETURN(auto plan_record, ctx.store->GetRecord(d::kPlan, unit.plan_id));
  FS_ASSIGN_OR_RETURN(auto items, ItemsOf(*ctx.store, unit.template_id));
  FS_ASSIGN_OR_RETURN(auto history, AnswerHistory(*ctx.store, unit));
  FS_ASSIGN_OR_RETURN(auto conflicts, OpenConflictsByUnit(ctx, caller));
  json items_json = json::array();
  for (const auto& item : items) {
    const std::string answer_id = d::AnswerId(unit.id, item.id);
    FS_ASSIGN_OR_RETURN(auto answer, ctx.store->GetRecord(d::kAnswer, answer_id));
    FS_ASSIGN_OR_RETURN(auto review, ReviewOf(*ctx.store, d::kAnswer, answer_id));
    json fields = json::array();
    for (const char* field : d::kFindingFields) {
      const FieldState* state = nullptr;
      if (answer && !answer->IsDeleted()) {
        if (auto it = answer->fields.find(field); it != answer->fields.end()) state = &it->second;
      }
      fields.push_back(FieldJson(field, state));
    }
    auto h = history.find(answer_id);
    items_json.push_back({{"id", item.id},
                          {"code", item.code},
                          {"title", item.title},
                          {"text", item.text},
                          {"answer_id", answer_id},
                          {"fields", fields},
                          {"review", ReviewJson(review)},
                          {"history", h == history.end() ? json::array() : h->second}});
  }
  auto open = conflicts.find(unit.id);
  return json{{"unit", UnitHeader(unit)},
              {"visit", visit_record ? VisitHeader(d::VisitFrom(*visit_record)) : json()},
              {"plan", plan_record ? PlanHeader(d::PlanFrom(*plan_record)) : json()},
              {"can_review", MayWrite(caller, d::kReview, "status", scope)},
              {"open_conflicts", open == conflicts.end() ? 0 : open->second.size()},
              {"items", items_json}};
}

Result<json> ConflictsJson(Context& ctx, const Caller& caller, const std::string& plan_code) {
  FS_ASSIGN_OR_RETURN(d::Plan plan, VisiblePlan(ctx, caller, plan_code));
  FS_ASSIGN_OR_RETURN(auto conflicts, ctx.service.Conflicts(plan.code, false));
  auto side = [](const server::ConflictValue& v) {
    return json{{"value", v.deleted ? json(nullptr) : ValueJson(v.value)},
                {"deleted", v.deleted},
                {"author", v.author},
                {"at_ms", MillisOf(v.hlc)}};
  };
  json out = json::array();
  for (const auto& c : conflicts) {
    FS_ASSIGN_OR_RETURN(auto scope, ctx.store->RecordScope(server::conflict::kType, c.id));
    if (!scope || !caller.access.visible.Allows(*scope)) continue;
    out.push_back({{"id", c.id},
                   {"kind", c.kind},
                   {"record_type", c.record_type},
                   {"field", c.field},
                   {"visit", VisitHeader(c.visit)},
                   {"unit", UnitHeader(c.unit)},
                   {"item", {{"id", c.item.id}, {"code", c.item.code}, {"title", c.item.title}}},
                   {"winner", side(c.winner)},
                   {"loser", side(c.loser)},
                   {"recorded_at_ms", MillisOf(c.recorded)},
                   {"can_resolve", MayWrite(caller, server::conflict::kType, server::conflict::kStatus, *scope)}});
  }
  return json{{"plan", PlanHeader(plan)}, {"conflicts", out}};
}

namespace {

// The finding parts of `record` as {field: text}, and `document` extended with them: what search
// matches a query against.
json PartsOf(const Record& record, std::string& document) {
  json parts = json::object();
  for (const char* field : d::kFindingFields) {
    const std::string& text = record.Text(field);
    if (text.empty()) continue;
    document += " " + text;
    parts[field] = text;
  }
  return parts;
}

}  // namespace

Result<json> SearchJson(Context& ctx, const Caller& caller, const std::string& plan_code, const std::string& query) {
  FS_ASSIGN_OR_RETURN(d::Plan plan, VisiblePlan(ctx, caller, plan_code));
  FS_ASSIGN_OR_RETURN(std::string normalized, NormalizeText(query, "the search"));
  const auto terms = SearchTerms(normalized);
  json results = json::array();
  if (terms.empty()) return json{{"results", results}, {"truncated", false}};
  // Every word must start a word of the unit, the item or the findings, in any of them.
  auto add = [&](const std::optional<Record>& record, std::string document, json result) {
    if (!record || record->IsDeleted() || results.size() > kMaxSearchResults) return;
    json parts = PartsOf(*record, document);
    if (parts.empty() || !MatchesAllTerms(FoldForSearch(document), terms)) return;
    result["parts"] = std::move(parts);
    results.push_back(std::move(result));
  };
  FS_ASSIGN_OR_RETURN(auto visits, VisibleVisits(ctx, caller, plan));
  for (const auto& visit : visits) {
    FS_ASSIGN_OR_RETURN(auto conclusion, ctx.store->GetRecord(d::kConclusion, d::ConclusionId(visit.id)));
    add(conclusion, visit.code + " " + visit.title, {{"visit", VisitHeader(visit)}, {"conclusion", true}});
    FS_ASSIGN_OR_RETURN(auto units, UnitsOf(*ctx.store, visit.id));
    for (const auto& unit : units) {
      FS_ASSIGN_OR_RETURN(auto items, ItemsOf(*ctx.store, unit.template_id));
      for (const auto& item : items) {
        FS_ASSIGN_OR_RETURN(auto answer, ctx.store->GetRecord(d::kAnswer, d::AnswerId(unit.id, item.id)));
        add(answer, unit.name + " " + unit.code + " " + item.code + " " + item.title,
            {{"unit", UnitHeader(unit)},
             {"visit", VisitHeader(visit)},
             {"item", {{"id", item.id}, {"code", item.code}, {"title", item.title}}}});
      }
    }
  }
  const bool truncated = results.size() > kMaxSearchResults;
  if (truncated) results.erase(results.end() - 1);
  return json{{"results", results}, {"truncated", truncated}};
}

}  // namespace fieldsync::dashboard
