// SyncService: the admin half, used by the `fieldsync-server` command line and tests: users, plan
// import, assignments, enrolment codes and the merged answers of a plan.
#include <algorithm>
#include <map>

#include "crypto.h"
#include "fieldsync/review.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/text.h"
#include "fieldsync/uuid.h"
#include "scope_resolver.h"

namespace fieldsync::server {
namespace {

Result<std::string> CleanName(const std::string& text, const char* what) {
  FS_ASSIGN_OR_RETURN(std::string name, NormalizeText(text, what));
  if (name.empty()) return Status::InvalidArgument(std::string(what) + " is empty");
  if (name.find_first_of(" \t\r\n") != std::string::npos) {
    return Status::InvalidArgument(std::string(what) + " '" + name + "' has spaces; use a short login name like 'luan'");
  }
  return name;
}

// "V1, V2, V3" from the `field` of each record.
std::string ListOf(const std::vector<Record>& records, const char* field) {
  std::string out;
  for (const auto& r : records) out += (out.empty() ? "" : ", ") + r.Text(field);
  return out.empty() ? "(none)" : out;
}

}  // namespace

Status SyncService::AddUser(const std::string& name, domain::Role role, const std::string& full_name) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(std::string user, CleanName(name, "user name"));
  FS_ASSIGN_OR_RETURN(std::string full, NormalizeText(full_name, "full name"));
  FS_RETURN_IF_ERROR(store_->AddUser(UserInfo{user, role, full}));
  return AuditAdmin("user_add", user + " as " + domain::RoleCode(role));
}

Result<std::string> SyncService::CreateEnrollmentCode(const std::string& user_name) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(std::string name, NormalizeText(user_name, "user name"));
  FS_ASSIGN_OR_RETURN(auto user, store_->GetUser(name));
  if (!user) {
    return Status::NotFound("no user '" + name + "'; add it first: fieldsync-server user add --name " + name +
                            " --role member");
  }
  FS_ASSIGN_OR_RETURN(std::string code, RandomEnrollmentCode());
  const int64_t now = wall_->NowMillis();
  FS_RETURN_IF_ERROR(store_->AddEnrollmentCode(
      EnrollmentCode{Sha256Hex(CanonicalEnrollmentCode(code)), name, now, now + options_.enrollment_code_validity_ms}));
  FS_RETURN_IF_ERROR(AuditAdmin("enroll_code", "for " + name));  // never the code itself
  return code;
}

Result<size_t> SyncService::WriteOwnLocked(std::vector<FieldWrite> writes, const AuditEvent& audit,
                                           const std::string& author) {
  if (writes.empty()) {
    FS_RETURN_IF_ERROR(store_->AppendAudit(audit, wall_->NowMillis()));
    return size_t{0};
  }
  FS_ASSIGN_OR_RETURN(uint64_t first_seq, store_->ReserveOwnDeviceSeqs(writes.size()));
  FS_ASSIGN_OR_RETURN(Hlc stored, store_->LoadClock());
  clock_.Merge(stored);
  std::vector<Change> changes;
  changes.reserve(writes.size());
  std::map<std::pair<std::string, std::string>, std::optional<Record>> current;
  for (auto& w : writes) {
    auto key = std::make_pair(w.record_type, w.record_id);
    if (!current.contains(key)) {
      FS_ASSIGN_OR_RETURN(current[key], store_->GetRecord(w.record_type, w.record_id));
    }
    Change c;
    c.record_type = std::move(w.record_type);
    c.record_id = std::move(w.record_id);
    c.field = std::move(w.field);
    c.tombstone = w.tombstone;
    c.value = w.tombstone ? Value{} : std::move(w.value);
    if (auto* text = std::get_if<std::string>(&c.value)) {
      FS_ASSIGN_OR_RETURN(*text, NormalizeText(*text, c.record_type + "." + c.field));
    }
    FS_RETURN_IF_ERROR(CheckValueStorable(c.value, c.record_type + "." + c.field));
    c.hlc = clock_.Now();
    c.device_id = own_device_id_;
    c.device_seq = first_seq + changes.size();
    if (const auto& rec = current[key]; rec) {
      if (auto it = rec->fields.find(c.field); it != rec->fields.end()) {
        c.seen_hlc = it->second.hlc;
        c.seen_device_id = it->second.node;
      }
    }
    c.author = author.empty() ? options_.own_author : author;
    changes.push_back(std::move(c));
  }
  ScopeResolver resolver(*store_, changes, /*secretariat=*/true);  // the server's own writes
  std::vector<ScopedChange> scoped;
  scoped.reserve(changes.size());
  for (auto& c : changes) {
    FS_ASSIGN_OR_RETURN(std::string scope, resolver.ScopeOf(c.record_type, c.record_id));
    scoped.push_back(ScopedChange{std::move(c), std::move(scope)});
  }
  FS_ASSIGN_OR_RETURN(auto results, store_->ApplyChanges(scoped, clock_, options_.own_author, audit, nullptr));
  return results.size();
}

Result<size_t> SyncService::ImportPlan(const domain::PlanData& plan) {
  std::lock_guard lock(mu_);
  // Only what differs from the current state, so importing the same plan again writes nothing.
  std::vector<FieldWrite> writes;
  std::map<std::pair<std::string, std::string>, std::optional<Record>> current;
  for (auto& w : domain::ToWrites(plan)) {
    auto key = std::make_pair(w.record_type, w.record_id);
    if (!current.contains(key)) {
      FS_ASSIGN_OR_RETURN(current[key], store_->GetRecord(w.record_type, w.record_id));
    }
    if (const auto& rec = current[key]; rec) {
      auto it = rec->fields.find(w.field);
      if (it != rec->fields.end() && !it->second.tombstone && it->second.value == w.value) continue;
    }
    writes.push_back(std::move(w));
  }
  return WriteOwnLocked(std::move(writes), AuditEvent{options_.operator_name, "", "plan_import", "plan " + plan.plan.code});
}

Result<std::string> SyncService::Assign(const std::string& user_name, const std::string& visit_code) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(std::string user, NormalizeText(user_name, "user name"));
  FS_ASSIGN_OR_RETURN(std::string code, NormalizeText(visit_code, "visit code"));
  FS_ASSIGN_OR_RETURN(auto visits, store_->FindRecords(domain::kVisit, "code", code));
  if (visits.empty()) {
    FS_ASSIGN_OR_RETURN(auto all, store_->ListRecords(domain::kVisit));
    return Status::NotFound("no visit with code '" + code + "'; the visits are: " + ListOf(all, "code") +
                            (all.empty() ? " (import a plan first: fieldsync-server plan import --demo)" : ""));
  }
  FS_ASSIGN_OR_RETURN(auto members, store_->FindRecords(domain::kMember, "user_name", user));
  for (const auto& visit : visits) {
    for (const auto& member : members) {
      if (member.Text("plan_id") != visit.Text("plan_id")) continue;
      FS_ASSIGN_OR_RETURN(auto existing, store_->FindRecords(domain::kAssignment, "visit_id", visit.id));
      for (const auto& a : existing) {
        if (a.Text("member_id") == member.id) return a.id;
      }
      domain::Assignment assignment{NewUuid(), visit.id, member.id};
      FS_RETURN_IF_ERROR(WriteOwnLocked(domain::ToWrites(assignment),
                                        AuditEvent{options_.operator_name, "", "assign", user + " to visit " + code})
                             .status());
      return assignment.id;
    }
  }
  FS_ASSIGN_OR_RETURN(auto team, store_->FindRecords(domain::kMember, "plan_id", visits.front().Text("plan_id")));
  return Status::NotFound("user '" + user + "' is not on the team of the plan of visit " + code +
                          "; its team members are: " + ListOf(team, "user_name") +
                          " (add the person to the plan's team first)");
}

Result<MergedPlan> SyncService::MergedAnswers(const std::string& plan_code) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(std::string code, NormalizeText(plan_code, "plan code"));
  FS_ASSIGN_OR_RETURN(auto plans, store_->FindRecords(domain::kPlan, "code", code));
  if (plans.empty()) {
    FS_ASSIGN_OR_RETURN(auto all, store_->ListRecords(domain::kPlan));
    return Status::NotFound("no plan with code '" + code + "'; the plans are: " + ListOf(all, "code"));
  }
  MergedPlan merged;
  merged.plan = domain::PlanFrom(plans.front());
  const std::string& plan_id = merged.plan.id;

  FS_ASSIGN_OR_RETURN(auto visit_records, store_->FindRecords(domain::kVisit, "plan_id", plan_id));
  std::map<std::string, domain::Visit> visits;
  for (const auto& r : visit_records) visits[r.id] = domain::VisitFrom(r);
  FS_ASSIGN_OR_RETURN(auto unit_records, store_->FindRecords(domain::kUnit, "plan_id", plan_id));
  std::vector<domain::Unit> units;
  for (const auto& r : unit_records) units.push_back(domain::UnitFrom(r));
  auto visit_key = [&](const domain::Unit& u) {
    auto it = visits.find(u.visit_id);
    return it == visits.end() ? std::make_pair(std::string("~"), std::string()) : std::make_pair(it->second.date, it->second.code);
  };
  std::stable_sort(units.begin(), units.end(), [&](const domain::Unit& a, const domain::Unit& b) {
    return std::make_tuple(visit_key(a), !a.parent_id.empty(), a.code) <
           std::make_tuple(visit_key(b), !b.parent_id.empty(), b.code);
  });

  std::map<std::string, std::vector<domain::ChecklistItem>> items_by_template;
  for (const auto& unit : units) {
    MergedUnit mu{unit, visits.count(unit.visit_id) ? visits[unit.visit_id] : domain::Visit{}, {}};
    if (!items_by_template.contains(unit.template_id)) {
      FS_ASSIGN_OR_RETURN(auto item_records, store_->FindRecords(domain::kItem, "template_id", unit.template_id));
      auto& items = items_by_template[unit.template_id];
      for (const auto& r : item_records) items.push_back(domain::ItemFrom(r));
      std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
        return std::tie(a.position, a.code) < std::tie(b.position, b.code);
      });
    }
    for (const auto& item : items_by_template[unit.template_id]) {
      MergedItem entry{item, false, {}, "", {}, {}};
      const std::string answer_id = domain::AnswerId(unit.id, item.id);
      FS_ASSIGN_OR_RETURN(auto answer, store_->GetRecord(domain::kAnswer, answer_id));
      FS_ASSIGN_OR_RETURN(auto review, store_->GetRecord(domain::kReview, domain::ReviewId(domain::kAnswer, answer_id)));
      entry.review = domain::ReviewStateOf(answer ? &*answer : nullptr, review ? &*review : nullptr);
      if (answer && !answer->IsDeleted()) {
        entry.findings = domain::AnswerFrom(*answer).findings;
        for (const char* field : domain::kFindingFields) {
          auto it = answer->fields.find(field);
          if (it == answer->fields.end() || it->second.tombstone) continue;
          if (!TextOf(it->second.value).empty()) entry.answered = true;
          if (it->second.hlc > entry.last_edit) {
            entry.last_edit = it->second.hlc;
            entry.last_author = it->second.author;
          }
        }
      }
      mu.items.push_back(std::move(entry));
    }
    merged.units.push_back(std::move(mu));
  }
  return merged;
}

}  // namespace fieldsync::server
