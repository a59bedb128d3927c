#include "fieldsync/checklist.h"

#include <algorithm>
#include <map>

#include "fieldsync/text.h"
#include "type_versioned_memo.h"

namespace fieldsync {

struct Checklist::Lookups {
  TypeVersionedMemo<domain::Unit> unit_by_code{{domain::kUnit}};
  TypeVersionedMemo<domain::ChecklistItem> item_by_code{{domain::kItem}};
  TypeVersionedMemo<std::optional<domain::Role>> role_in_session{{domain::kMember, domain::kAssignment}};
};

Checklist::Checklist(DeviceStore& store) : store_(store), lookups_(std::make_unique<Lookups>()) {}
Checklist::~Checklist() = default;
namespace {

constexpr const char* kNothingToChange =
    "nothing to change: give at least one of --rating, --results, --good-practices, --limitations, "
    "--recommendations";

template <typename T>
std::string JoinCodes(const std::vector<T>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v.code;
  return out;
}

template <typename T, typename From>
Result<std::vector<T>> ListTyped(const DeviceStore& store, const char* type, From from) {
  FS_ASSIGN_OR_RETURN(auto records, store.ListRecords(type));
  std::vector<T> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back(from(r));
  return out;
}

}  // namespace

Result<size_t> Checklist::LoadPlan(const domain::PlanData& plan) {
  // Reference data, not an inspector's edit: it is installed with the smallest possible stamp and
  // stays out of the outbox, so the server's copy of the plan replaces it at the first sync and a
  // member's tablet never tries to push plan records it may not write (S12).
  std::vector<Change> changes;
  for (auto& w : domain::ToWrites(plan)) {
    Change c;
    c.record_type = std::move(w.record_type);
    c.record_id = std::move(w.record_id);
    c.field = std::move(w.field);
    c.value = std::move(w.value);
    c.hlc = Hlc{0, 1};
    c.device_id = "built-in";
    changes.push_back(std::move(c));
  }
  FS_RETURN_IF_ERROR(store_.ApplyRemote(changes, {}));
  return changes.size();
}

Result<std::vector<VisitView>> Checklist::Visits() const {
  FS_ASSIGN_OR_RETURN(auto visits, ListTyped<domain::Visit>(store_, domain::kVisit, domain::VisitFrom));
  FS_ASSIGN_OR_RETURN(auto units, ListTyped<domain::Unit>(store_, domain::kUnit, domain::UnitFrom));
  FS_ASSIGN_OR_RETURN(auto members, ListTyped<domain::Member>(store_, domain::kMember, domain::MemberFrom));
  FS_ASSIGN_OR_RETURN(auto assignments,
                      ListTyped<domain::Assignment>(store_, domain::kAssignment, domain::AssignmentFrom));
  std::map<std::string, domain::Member> member_by_id;
  for (auto& m : members) member_by_id[m.id] = m;
  std::vector<VisitView> views;
  for (auto& v : visits) {
    VisitView view{v, {}, {}};
    for (const auto& u : units)
      if (u.visit_id == v.id) view.units.push_back(u);
    for (const auto& a : assignments) {
      auto it = member_by_id.find(a.member_id);
      if (a.visit_id == v.id && it != member_by_id.end()) view.members.push_back(it->second);
    }
    // Leader first, then deputy, then members; superior unit first, then its subordinates.
    std::stable_sort(view.members.begin(), view.members.end(), [](const auto& a, const auto& b) {
      auto rank = [](const domain::Member& m) {
        auto role = domain::ParseRole(m.role);
        return role.ok() ? static_cast<int>(*role) : 99;
      };
      return rank(a) < rank(b);
    });
    std::stable_sort(view.units.begin(), view.units.end(),
                     [](const auto& a, const auto& b) { return a.parent_id.empty() && !b.parent_id.empty(); });
    views.push_back(std::move(view));
  }
  std::sort(views.begin(), views.end(), [](const auto& a, const auto& b) {
    return std::tie(a.visit.date, a.visit.code) < std::tie(b.visit.date, b.visit.code);
  });
  return views;
}

Result<domain::Unit> Checklist::UnitByCode(const std::string& code) const {
  return lookups_->unit_by_code.Get(store_, code, [&] { return FindUnitByCode(code); });
}

Result<domain::Unit> Checklist::FindUnitByCode(const std::string& code) const {
  // The code as stored (an index look-up: a plan may have thousands of units), else any unit
  // whose code matches ignoring case and accents.
  FS_ASSIGN_OR_RETURN(auto exact, store_.FindRecords(domain::kUnit, "code", code));
  if (exact.size() == 1) return domain::UnitFrom(exact.front());
  FS_ASSIGN_OR_RETURN(auto units, ListTyped<domain::Unit>(store_, domain::kUnit, domain::UnitFrom));
  for (const auto& u : units) {
    if (FoldForSearch(u.code) == FoldForSearch(code)) return u;
  }
  if (units.empty()) {
    return Status::NotFound("unknown unit '" + code + "': this store has no plan yet; run `fieldsync load-demo` " +
                            "or sync with the server first");
  }
  std::sort(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
  return Status::NotFound("unknown unit '" + code + "'; valid unit codes: " + JoinCodes(units));
}

Result<domain::ChecklistItem> Checklist::ItemByCode(const domain::Unit& unit, const std::string& code) const {
  return lookups_->item_by_code.Get(store_, unit.template_id + '\n' + code, [&] { return FindItemByCode(unit, code); });
}

Result<domain::ChecklistItem> Checklist::FindItemByCode(const domain::Unit& unit, const std::string& code) const {
  // The code as stored first (one record read instead of the whole template), as in UnitByCode.
  FS_ASSIGN_OR_RETURN(auto exact, store_.FindRecords(domain::kItem, "code", code));
  for (const auto& r : exact) {
    if (r.Text("template_id") == unit.template_id) return domain::ItemFrom(r);
  }
  FS_ASSIGN_OR_RETURN(auto items, store_.FindRecords(domain::kItem, "template_id", unit.template_id));
  std::vector<domain::ChecklistItem> typed;
  for (const auto& r : items) typed.push_back(domain::ItemFrom(r));
  std::sort(typed.begin(), typed.end(), [](const auto& a, const auto& b) { return a.position < b.position; });
  for (const auto& i : typed) {
    if (FoldForSearch(i.code) == FoldForSearch(code)) return i;
  }
  return Status::NotFound("unit " + unit.code + " has no item '" + code + "'; its items are: " + JoinCodes(typed));
}

Result<UnitChecklist> Checklist::ChecklistOf(const std::string& unit_code) const {
  FS_ASSIGN_OR_RETURN(auto unit, UnitByCode(unit_code));
  UnitChecklist out;
  out.unit = unit;
  FS_ASSIGN_OR_RETURN(auto tmpl, store_.GetRecord(domain::kTemplate, unit.template_id));
  if (!tmpl) {
    return Status::NotFound("the checklist template of unit " + unit.code + " is not on this device yet; sync first");
  }
  out.checklist_template = domain::TemplateFrom(*tmpl);
  FS_ASSIGN_OR_RETURN(auto items, store_.FindRecords(domain::kItem, "template_id", unit.template_id));
  FS_ASSIGN_OR_RETURN(auto answers, store_.FindRecords(domain::kAnswer, "unit_id", unit.id));
  std::map<std::string, const Record*> answer_by_item;
  for (const auto& r : answers) answer_by_item[r.Text("item_id")] = &r;
  // A review as the team leader's last decision, pulled like any record (review.h).
  auto review_of = [&](const char* type, const Record* target, const std::string& target_id) -> Result<domain::ReviewState> {
    FS_ASSIGN_OR_RETURN(auto review, store_.GetRecord(domain::kReview, domain::ReviewId(type, target_id)));
    return domain::ReviewStateOf(target, review ? &*review : nullptr);
  };
  for (const auto& r : items) {
    ChecklistEntry entry{domain::ItemFrom(r), std::nullopt};
    const Record* answer = nullptr;
    if (auto it = answer_by_item.find(entry.item.id); it != answer_by_item.end()) {
      answer = it->second;
      entry.answer = domain::AnswerFrom(*answer);
    }
    FS_ASSIGN_OR_RETURN(entry.review, review_of(domain::kAnswer, answer, domain::AnswerId(unit.id, entry.item.id)));
    out.entries.push_back(std::move(entry));
  }
  const std::string conclusion_id = domain::ConclusionId(unit.visit_id);
  FS_ASSIGN_OR_RETURN(auto conclusion, store_.GetRecord(domain::kConclusion, conclusion_id));
  if (conclusion && conclusion->IsDeleted()) conclusion.reset();
  if (conclusion) out.conclusion = domain::ConclusionFrom(*conclusion);
  FS_ASSIGN_OR_RETURN(out.conclusion_review,
                      review_of(domain::kConclusion, conclusion ? &*conclusion : nullptr, conclusion_id));
  std::sort(out.entries.begin(), out.entries.end(),
            [](const auto& a, const auto& b) { return a.item.position < b.item.position; });
  return out;
}

Result<std::optional<domain::Role>> Checklist::RoleInSession(const domain::Unit& unit) const {
  return lookups_->role_in_session.Get(store_, unit.visit_id + '\n' + unit.code, [&] { return FindRoleInSession(unit); });
}

Result<std::optional<domain::Role>> Checklist::FindRoleInSession(const domain::Unit& unit) const {
  FS_ASSIGN_OR_RETURN(auto identity, store_.Identity());
  FS_ASSIGN_OR_RETURN(auto members, store_.FindRecords(domain::kMember, "user_name", identity.user_name));
  if (members.empty()) return std::optional<domain::Role>();  // not on the plan's team list
  std::optional<domain::Role> role;
  for (const auto& m : members) {
    FS_ASSIGN_OR_RETURN(auto assignments, store_.FindRecords(domain::kAssignment, "member_id", m.id));
    for (const auto& a : assignments) {
      if (a.Text("visit_id") != unit.visit_id) continue;
      // As the server reads it: a role that does not parse grants a member's rights.
      auto parsed = domain::ParseRole(m.Text("role"));
      const domain::Role r = parsed.ok() ? *parsed : domain::Role::kMember;
      role = role ? std::min(*role, r) : r;  // smaller is stronger
    }
  }
  if (role) return role;
  return Status::PermissionDenied(identity.user_name + " is not assigned to the working session of unit " + unit.code +
                                  "; the secretariat can assign you (fieldsync-server assign)");
}

Status Checklist::CheckLeads(const std::string& action) const {
  FS_ASSIGN_OR_RETURN(auto identity, store_.Identity());
  FS_ASSIGN_OR_RETURN(auto members, store_.FindRecords(domain::kMember, "user_name", identity.user_name));
  for (const auto& m : members) {
    if (m.Text("role") == domain::RoleCode(domain::Role::kMember)) {
      return Status::PermissionDenied("only the team leader or deputy can " + action + "; ask them to");
    }
  }
  return Status::Ok();
}

Result<domain::ReviewState> Checklist::Review(const std::string& unit_code, const std::string& item_code,
                                              domain::ReviewStatus status, const std::string& comment) {
  FS_ASSIGN_OR_RETURN(auto unit, UnitByCode(unit_code));
  FS_RETURN_IF_ERROR(CheckLeads("review answers and conclusions"));
  FS_ASSIGN_OR_RETURN(std::string text, NormalizeText(comment, "the review comment"));
  FS_RETURN_IF_ERROR(CheckValueStorable(Value(text), "the review comment"));
  domain::Review review;
  if (item_code.empty()) {
    review.target_type = domain::kConclusion;
    review.target_id = domain::ConclusionId(unit.visit_id);
  } else {
    FS_ASSIGN_OR_RETURN(auto item, ItemByCode(unit, item_code));
    review.target_type = domain::kAnswer;
    review.target_id = domain::AnswerId(unit.id, item.id);
    review.unit_id = unit.id;
    review.item_id = item.id;
  }
  FS_ASSIGN_OR_RETURN(auto target, store_.GetRecord(review.target_type, review.target_id));
  if (!target || !domain::ReviewStateOf(&*target, nullptr).answered) {
    const std::string what = item_code.empty() ? "the working session of unit " + unit.code + " has no conclusion"
                                               : "item " + item_code + " of unit " + unit.code + " has no answer";
    return Status::FailedPrecondition(what + " yet; there is nothing to review (sync to get the team's work)");
  }
  FS_ASSIGN_OR_RETURN(auto identity, store_.Identity());
  review.id = domain::ReviewId(review.target_type, review.target_id);
  review.visit_id = unit.visit_id;
  review.status = domain::ReviewStatusCode(status);
  review.comment = std::move(text);
  review.reviewer = identity.user_name;
  review.reviewed_version = domain::ReviewedVersion(*target);
  FS_ASSIGN_OR_RETURN(auto current, store_.GetRecord(domain::kReview, review.id));
  auto writes = domain::ChangedWrites(review, current ? &*current : nullptr);
  if (!writes.empty()) FS_RETURN_IF_ERROR(store_.Write(writes).status());
  FS_ASSIGN_OR_RETURN(current, store_.GetRecord(domain::kReview, review.id));
  return domain::ReviewStateOf(&*target, current ? &*current : nullptr);
}

Result<domain::Answer> Checklist::Answer(const std::string& unit_code, const std::string& item_code,
                                         const AnswerEdit& edit) {
  if (edit.empty()) return Status::InvalidArgument(kNothingToChange);
  const auto pin = store_.PinVersions();  // the plan looked up once per call, not once per memo
  FS_ASSIGN_OR_RETURN(auto unit, UnitByCode(unit_code));
  FS_ASSIGN_OR_RETURN(auto item, ItemByCode(unit, item_code));
  FS_RETURN_IF_ERROR(CheckAssigned(unit));
  const std::string id = domain::AnswerId(unit.id, item.id);
  // The record's identity fields; written identically by whoever creates it first.
  FS_ASSIGN_OR_RETURN(auto stored, WriteParts(domain::kAnswer, id,
                                              {FieldWrite{domain::kAnswer, id, "visit_id", unit.visit_id},
                                               FieldWrite{domain::kAnswer, id, "unit_id", unit.id},
                                               FieldWrite{domain::kAnswer, id, "item_id", item.id}},
                                              edit));
  return domain::AnswerFrom(stored);
}

Result<domain::Conclusion> Checklist::Conclude(const std::string& unit_code, const AnswerEdit& edit) {
  if (edit.empty()) return Status::InvalidArgument(kNothingToChange);
  const auto pin = store_.PinVersions();  // the plan looked up once per call, not once per memo
  FS_ASSIGN_OR_RETURN(auto unit, UnitByCode(unit_code));
  FS_ASSIGN_OR_RETURN(auto role, RoleInSession(unit));
  if (role == domain::Role::kMember) {  // the server's rule (LeadsVisit): anyone but a member
    FS_ASSIGN_OR_RETURN(auto identity, store_.Identity());
    return Status::PermissionDenied(
        identity.user_name + " is a member (" + domain::RoleLabel(domain::Role::kMember) +
        ") of the team of unit " + unit.code + "'s working session; only its leader (" +
        domain::RoleLabel(domain::Role::kLeader) + ") or deputy (" + domain::RoleLabel(domain::Role::kDeputy) +
        ") writes the conclusion: ask them to, or add your findings to the items with `fieldsync answer`");
  }
  const std::string id = domain::ConclusionId(unit.visit_id);
  FS_ASSIGN_OR_RETURN(auto stored, WriteParts(domain::kConclusion, id,
                                              {FieldWrite{domain::kConclusion, id, "visit_id", unit.visit_id}}, edit));
  return domain::ConclusionFrom(stored);
}

Result<Record> Checklist::WriteParts(const char* type, const std::string& id, const std::vector<FieldWrite>& identity,
                             const AnswerEdit& edit) {
  std::vector<FieldWrite> parts;
  auto put = [&](const char* field, std::string value) {
    parts.push_back(FieldWrite{type, id, field, std::move(value), false});
  };
  if (edit.rating) {
    FS_ASSIGN_OR_RETURN(auto rating, domain::ParseRating(*edit.rating));
    put(domain::kRatingField, domain::RatingCode(rating));
  }
  const std::pair<const char*, const std::optional<std::string>*> texts[] = {
      {domain::kResultsField, &edit.results},
      {domain::kGoodPracticesField, &edit.good_practices},
      {domain::kLimitationsField, &edit.limitations},
      {domain::kRecommendationsField, &edit.recommendations}};
  for (const auto& [field, value] : texts) {
    if (!*value) continue;
    // Checked here too so the message names the part the inspector typed, not a storage field.
    FS_ASSIGN_OR_RETURN(std::string text, NormalizeText(**value, domain::FindingFieldLabel(field)));
    put(field, std::move(text));
  }
  // What else to write depends on the record as stored, read in the write's own transaction.
  return store_.WriteRecord(type, id, [&](const std::optional<Record>& stored) -> Result<std::vector<FieldWrite>> {
    std::vector<FieldWrite> writes;
    if (!stored) {
      writes = identity;
    } else if (stored->IsDeleted()) {
      // Writing to a deleted record again restores it, having seen the deletion.
      writes.push_back(FieldWrite{type, id, kDeletedField, false, false});
    }
    writes.insert(writes.end(), parts.begin(), parts.end());
    return writes;
  });
}

Result<std::vector<SearchResult>> Checklist::Search(const std::string& text) const {
  FS_RETURN_IF_ERROR(NormalizeText(text, "the search text").status());
  FS_ASSIGN_OR_RETURN(auto hits, store_.Search(text));
  FS_ASSIGN_OR_RETURN(auto units, ListTyped<domain::Unit>(store_, domain::kUnit, domain::UnitFrom));
  std::map<std::string, std::string> unit_code;
  for (const auto& u : units) unit_code[u.id] = u.code;
  std::vector<SearchResult> results;
  for (auto& hit : hits) {
    SearchResult r{hit, hit.record_type + " · " + hit.field};
    if (hit.record_type == domain::kAnswer) {
      FS_ASSIGN_OR_RETURN(auto answer, store_.GetRecord(domain::kAnswer, hit.record_id));
      FS_ASSIGN_OR_RETURN(auto item, store_.GetRecord(domain::kItem, answer ? answer->Text("item_id") : ""));
      r.where = (answer ? unit_code[answer->Text("unit_id")] : "?") + " · " + (item ? item->Text("code") : "?") +
                " · " + domain::FindingFieldLabel(hit.field);
    } else if (hit.record_type == domain::kUnit) {
      r.where = "đơn vị " + unit_code[hit.record_id] + " · " + hit.field;
    } else if (hit.record_type == domain::kItem) {
      FS_ASSIGN_OR_RETURN(auto item, store_.GetRecord(domain::kItem, hit.record_id));
      r.where = "mục " + (item ? item->Text("code") : "?") + " · " + hit.field;
    }
    results.push_back(std::move(r));
  }
  return results;
}

Status Checklist::DeleteAnswer(const std::string& unit_code, const std::string& item_code, const std::string& part) {
  const auto pin = store_.PinVersions();  // the plan looked up once per call, not once per memo
  FS_ASSIGN_OR_RETURN(auto unit, UnitByCode(unit_code));
  FS_ASSIGN_OR_RETURN(auto item, ItemByCode(unit, item_code));
  const std::string id = domain::AnswerId(unit.id, item.id);
  FS_ASSIGN_OR_RETURN(auto existing, store_.GetRecord(domain::kAnswer, id));
  if (!existing || existing->IsDeleted()) {
    return Status::NotFound("item " + item.code + " of unit " + unit.code + " has no answer to delete");
  }
  std::vector<FieldWrite> writes;
  auto tombstone = [&](const std::string& field) { writes.push_back(FieldWrite{domain::kAnswer, id, field, {}, true}); };
  if (!part.empty()) {
    if (*domain::FindingFieldLabel(part) == '\0') {
      return Status::InvalidArgument("unknown answer part '" + part +
                                     "'; use rating, results, good_practices, limitations or recommendations");
    }
    if (!existing->Has(part)) return Status::NotFound("the answer has no " + part + " to delete");
    tombstone(part);
  } else {
    // Every part is tombstoned (so an edit made without seeing the delete is a conflict on that
    // part) and the record is marked deleted (so a part nobody had written yet cannot revive it).
    for (const char* field : domain::kFindingFields)
      if (existing->Has(field)) tombstone(field);
    writes.push_back(FieldWrite{domain::kAnswer, id, kDeletedField, true, false});
  }
  return store_.Write(writes).status();
}

Result<std::vector<ConflictView>> Checklist::Conflicts(bool include_resolved) const {
  FS_ASSIGN_OR_RETURN(auto records, store_.ListRecords(domain::kConflict));
  std::vector<ConflictView> views;
  for (const auto& r : records) {
    ConflictView view{domain::ConflictFrom(r), "", "", "", "", domain::FindingFieldLabel(r.Text("field"))};
    if (view.conflict.status.empty()) continue;  // still arriving (see Conflict::IsOpen)
    if (!include_resolved && !view.conflict.IsOpen()) continue;
    FS_ASSIGN_OR_RETURN(auto unit, store_.GetRecord(domain::kUnit, view.conflict.unit_id));
    if (unit) {
      view.unit_code = unit->Text("code");
      view.unit_name = unit->Text("name");
    }
    FS_ASSIGN_OR_RETURN(auto item, store_.GetRecord(domain::kItem, view.conflict.item_id));
    if (item) {
      view.item_code = item->Text("code");
      view.item_title = item->Text("title");
    }
    if (view.field_label.empty()) view.field_label = view.conflict.field;
    views.push_back(std::move(view));
  }
  std::sort(views.begin(), views.end(), [](const auto& a, const auto& b) {
    return std::tie(a.unit_code, a.item_code, a.conflict.id) < std::tie(b.unit_code, b.item_code, b.conflict.id);
  });
  return views;
}

Result<domain::Conflict> Checklist::Resolve(const std::string& conflict_id, domain::Resolution resolution,
                                            const std::string& merged) {
  FS_RETURN_IF_ERROR(CheckLeads("resolve a conflict"));
  FS_ASSIGN_OR_RETURN(auto identity, store_.Identity());
  FS_ASSIGN_OR_RETURN(auto record, store_.GetRecord(domain::kConflict, conflict_id));
  if (!record) return Status::NotFound("no conflict '" + conflict_id + "' on this tablet; see `fieldsync conflicts`");
  domain::Conflict conflict = domain::ConflictFrom(*record);
  if (!conflict.IsOpen()) {
    return Status::FailedPrecondition("conflict " + conflict_id + " was already resolved by " + conflict.resolved_by);
  }
  FieldWrite value{conflict.record_type, conflict.record_id, conflict.field, {}, false};
  switch (resolution) {
    case domain::Resolution::kKeepWinner:
    case domain::Resolution::kKeepLoser: {
      const FieldState& side = resolution == domain::Resolution::kKeepWinner ? conflict.winner : conflict.loser;
      value.value = side.value;
      value.tombstone = side.tombstone || IsNone(side.value);
      break;
    }
    case domain::Resolution::kMerged: {
      if (merged.empty()) return Status::InvalidArgument("a merged resolution needs the merged text (--value)");
      FS_ASSIGN_OR_RETURN(std::string text, NormalizeText(merged, "the merged value"));
      if (conflict.field == domain::kRatingField) {
        FS_ASSIGN_OR_RETURN(auto rating, domain::ParseRating(text));  // a rating stays on the scale
        text = domain::RatingCode(rating);
      }
      value.value = std::move(text);
      break;
    }
  }
  std::string resolved_text = value.tombstone ? "" : DescribeValue(value.value);
  auto close = [&](const char* field, std::string text) {
    return FieldWrite{domain::kConflict, conflict_id, field, std::move(text), false};
  };
  std::vector<FieldWrite> writes = {value,
                                    close("status", "resolved"),
                                    close("resolved_by", identity.user_name),
                                    close("resolution", domain::ResolutionCode(resolution)),
                                    close("resolved_value", resolved_text)};
  // Choosing a value for an answer that is deleted on this tablet (an edit made on a deleted answer,
  // or a conflict resolved after the answer was deleted) means restoring the answer.
  FS_ASSIGN_OR_RETURN(auto target, store_.GetRecord(conflict.record_type, conflict.record_id));
  if (!value.tombstone && target && target->IsDeleted()) {
    writes.push_back(FieldWrite{conflict.record_type, conflict.record_id, kDeletedField, false, false});
  }
  FS_RETURN_IF_ERROR(store_.Write(writes).status());
  FS_ASSIGN_OR_RETURN(auto closed, store_.GetRecord(domain::kConflict, conflict_id));
  return domain::ConflictFrom(*closed);
}

}  // namespace fieldsync
