#include "plan_reader.h"

#include <algorithm>

#include "fieldsync/server/conflict.h"

namespace fieldsync::report {
namespace {

// "<item id>" of a record id "<prefix><item id>".
std::string After(const std::string& id, const std::string& prefix) { return id.substr(prefix.size()); }

}  // namespace

const FieldState* FilledPart(const Record& record, const std::string& field) {
  auto it = record.fields.find(field);
  if (it == record.fields.end() || it->second.tombstone || TextOf(it->second.value).empty()) return nullptr;
  return &it->second;
}

const FieldState* ItemRow::Part(const std::string& field) const { return answer ? FilledPart(*answer, field) : nullptr; }

void Counts::Add(const ItemRow& row) {
  ++items;
  if (!row.review.answered) return;
  ++answered;
  const FieldState* rating = row.Part(domain::kRatingField);
  ++by_rating[rating ? TextOf(rating->value) : std::string()];
  switch (row.review.status) {
    case domain::ReviewStatus::kApproved: ++approved; break;
    case domain::ReviewStatus::kNeedsChanges: ++needs_changes; break;
    case domain::ReviewStatus::kReceived: ++received; break;
  }
  if (row.review.edited_since_review) ++edited_since_review;
}

void Counts::Add(const Counts& other) {
  items += other.items;
  answered += other.answered;
  for (const auto& [rating, n] : other.by_rating) by_rating[rating] += n;
  approved += other.approved;
  needs_changes += other.needs_changes;
  received += other.received;
  edited_since_review += other.edited_since_review;
}

Result<std::unique_ptr<PlanReader>> PlanReader::Open(server::ServerStore& store, const std::string& plan_code,
                                                     size_t page_size) {
  std::unique_ptr<PlanReader> reader(new PlanReader(store, std::max<size_t>(page_size, 1)));
  FS_RETURN_IF_ERROR(reader->Load(plan_code));
  return reader;
}

Status PlanReader::Pages(const std::function<Result<server::RecordPage>(const std::string& after)>& query,
                         const std::function<Status(const Record&)>& fn) {
  std::string after;
  while (true) {
    FS_ASSIGN_OR_RETURN(server::RecordPage page, query(after));
    for (const auto& r : page.records) FS_RETURN_IF_ERROR(fn(r));
    if (page.next_after_id.empty()) return Status::Ok();
    after = std::move(page.next_after_id);
  }
}

Status PlanReader::Load(const std::string& plan_code) {
  FS_ASSIGN_OR_RETURN(auto plans, store_.FindRecords(domain::kPlan, "code", plan_code));
  if (plans.empty()) {
    std::string codes;
    FS_RETURN_IF_ERROR(Pages(
        [&](const std::string& after) { return store_.RecordsByIdPrefix(domain::kPlan, "", after, page_size_); },
        [&](const Record& r) {
          codes += (codes.empty() ? "" : ", ") + r.Text("code");
          return Status::Ok();
        }));
    return Status::NotFound("no plan with code '" + plan_code + "'; the plans are: " +
                            (codes.empty() ? "(none; import one with fieldsync-server plan import)" : codes));
  }
  plan_ = domain::PlanFrom(plans.front());
  FS_ASSIGN_OR_RETURN(as_of_, store_.LastServerSeq());
  FS_RETURN_IF_ERROR(Pages(
      [&](const std::string& after) {
        return store_.FindRecordsPage(domain::kVisit, "plan_id", plan_.id, after, page_size_);
      },
      [&](const Record& r) {
        visits_.push_back(domain::VisitFrom(r));
        return Status::Ok();
      }));
  std::stable_sort(visits_.begin(), visits_.end(),
                   [](const auto& a, const auto& b) { return std::tie(a.date, a.code) < std::tie(b.date, b.code); });
  return Status::Ok();
}

std::string PlanReader::PersonName(const std::string& user) {
  if (user.empty()) return user;
  auto it = names_.find(user);
  if (it != names_.end()) return it->second;
  // The name on the plan's team list first (as the plan was issued), else the account's.
  auto members = store_.FindRecordsPage(domain::kMember, "user_name", user, "", page_size_);
  if (members.ok()) {
    for (const auto& m : members->records) {
      if (m.Text("plan_id") == plan_.id && !m.Text("full_name").empty()) return names_[user] = m.Text("full_name");
    }
  }
  auto info = store_.GetUser(user);
  std::string name = info.ok() && *info && !(*info)->full_name.empty() ? (*info)->full_name : user;
  names_[user] = name;
  return name;
}

Result<const std::vector<domain::ChecklistItem>*> PlanReader::ItemsOf(const std::string& template_id) {
  auto it = items_by_template_.find(template_id);
  if (it != items_by_template_.end()) return &it->second;
  FS_ASSIGN_OR_RETURN(auto records, store_.FindRecords(domain::kItem, "template_id", template_id));
  std::vector<domain::ChecklistItem> items;
  for (const auto& r : records) items.push_back(domain::ItemFrom(r));
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return std::tie(a.position, a.code) < std::tie(b.position, b.code); });
  return &(items_by_template_[template_id] = std::move(items));
}

Result<UnitBlock> PlanReader::ReadUnit(const domain::Visit& visit, const domain::Unit& unit, Detail detail) {
  UnitBlock block{visit, unit, {}};
  FS_ASSIGN_OR_RETURN(const auto* items, ItemsOf(unit.template_id));
  // This unit's answers, reviews and open conflicts: a checklist's worth of records each.
  std::map<std::string, Record> answers, reviews;
  std::map<std::string, std::set<std::string>> conflicted;
  const std::string answer_prefix = domain::AnswerId(unit.id, "");
  FS_RETURN_IF_ERROR(Pages(
      [&](const std::string& after) {
        return store_.RecordsByIdPrefix(domain::kAnswer, answer_prefix, after, page_size_);
      },
      [&](const Record& r) {
        answers.emplace(After(r.id, answer_prefix), r);
        return Status::Ok();
      }));
  const std::string review_prefix = domain::ReviewId(domain::kAnswer, answer_prefix);
  if (detail == Detail::kFull) FS_RETURN_IF_ERROR(Pages(
      [&](const std::string& after) {
        return store_.RecordsByIdPrefix(domain::kReview, review_prefix, after, page_size_);
      },
      [&](const Record& r) {
        reviews.emplace(After(r.id, review_prefix), r);
        return Status::Ok();
      }));
  if (detail == Detail::kFull) FS_RETURN_IF_ERROR(Pages(
      [&](const std::string& after) {
        return store_.FindRecordsPage(server::conflict::kType, server::conflict::kUnitId, unit.id, after, page_size_);
      },
      [&](const Record& r) {
        const domain::Conflict c = domain::ConflictFrom(r);
        if (c.IsOpen() && c.record_type == domain::kAnswer) conflicted[c.item_id].insert(c.field);
        return Status::Ok();
      }));
  for (const auto& item : *items) {
    ItemRow row{item, std::nullopt, {}, {}};
    auto answer = answers.find(item.id);
    if (answer != answers.end()) row.answer = std::move(answer->second);
    auto review = reviews.find(item.id);
    row.review = domain::ReviewStateOf(row.answer ? &*row.answer : nullptr,
                                       review == reviews.end() ? nullptr : &review->second);
    if (auto c = conflicted.find(item.id); c != conflicted.end()) row.conflicted_parts = std::move(c->second);
    block.items.push_back(std::move(row));
  }
  return block;
}

Status PlanReader::Walk(const std::function<Status(const VisitBlock&)>& on_visit,
                        const std::function<Status(const UnitBlock&)>& on_unit, Detail detail) {
  for (const auto& visit : visits_) {
    if (on_visit) {
      VisitBlock block{visit, std::nullopt, {}};
      const std::string id = domain::ConclusionId(visit.id);
      FS_ASSIGN_OR_RETURN(auto conclusion, store_.GetRecord(domain::kConclusion, id));
      if (conclusion && !conclusion->IsDeleted()) block.conclusion = std::move(conclusion);
      FS_ASSIGN_OR_RETURN(auto review, store_.GetRecord(domain::kReview, domain::ReviewId(domain::kConclusion, id)));
      block.review = domain::ReviewStateOf(block.conclusion ? &*block.conclusion : nullptr, review ? &*review : nullptr);
      FS_RETURN_IF_ERROR(on_visit(block));
    }
    if (!on_unit) continue;
    for (bool superior : {true, false}) {
      FS_RETURN_IF_ERROR(Pages(
          [&](const std::string& after) {
            return store_.FindRecordsPage(domain::kUnit, "visit_id", visit.id, after, page_size_);
          },
          [&](const Record& r) -> Status {
            const domain::Unit unit = domain::UnitFrom(r);
            if (unit.plan_id != plan_.id || unit.parent_id.empty() != superior) return Status::Ok();
            FS_ASSIGN_OR_RETURN(UnitBlock block, ReadUnit(visit, unit, detail));
            return on_unit(block);
          }));
    }
  }
  return Status::Ok();
}

Status PlanReader::ForEachOpenConflict(const std::function<Status(const domain::Conflict&)>& fn) {
  std::set<std::string> visit_ids;
  for (const auto& v : visits_) visit_ids.insert(v.id);
  return Pages(
      [&](const std::string& after) {
        return store_.FindRecordsPage(server::conflict::kType, server::conflict::kStatus,
                                      server::conflict::kStatusOpen, after, page_size_);
      },
      [&](const Record& r) -> Status {
        domain::Conflict c = domain::ConflictFrom(r);
        bool ours = visit_ids.contains(c.visit_id);
        if (!ours && c.visit_id.empty() && !c.unit_id.empty()) {
          FS_ASSIGN_OR_RETURN(auto unit, UnitById(c.unit_id));
          ours = unit && unit->plan_id == plan_.id;
        }
        return ours ? fn(c) : Status::Ok();
      });
}

Result<std::optional<domain::Unit>> PlanReader::UnitById(const std::string& id) {
  FS_ASSIGN_OR_RETURN(auto r, store_.GetRecord(domain::kUnit, id));
  if (!r) return std::optional<domain::Unit>();
  return std::optional<domain::Unit>(domain::UnitFrom(*r));
}

Result<std::optional<domain::ChecklistItem>> PlanReader::ItemById(const std::string& id) {
  FS_ASSIGN_OR_RETURN(auto r, store_.GetRecord(domain::kItem, id));
  if (!r) return std::optional<domain::ChecklistItem>();
  return std::optional<domain::ChecklistItem>(domain::ItemFrom(*r));
}

}  // namespace fieldsync::report
