// SyncService: the review workflow (include/fieldsync/server/review.h). A review is written as the
// server's own change, like a conflict resolution, after the same role check a tablet's push of
// that review would get, so the dashboard, the command line and the tablets follow one rule.
#include <optional>

#include "access_policy.h"
#include "change_validation.h"
#include "fieldsync/review.h"
#include "fieldsync/server/scope.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/text.h"
#include "scope_resolver.h"
#include "user_access.h"

namespace fieldsync::server {
namespace {

// The record a review is about, with its place in the plan.
struct TargetRecords {
  std::string type, id;
  domain::Visit visit;
  domain::Unit unit;
  domain::ChecklistItem item;
};

bool SameCode(const std::string& a, const std::string& b) { return FoldForSearch(a) == FoldForSearch(b); }

std::string Codes(const std::vector<Record>& records) {
  std::string out;
  for (const auto& r : records) out += (out.empty() ? "" : ", ") + r.Text("code");
  return out.empty() ? "(none)" : out;
}

// The record among `records` whose code matches, or nullopt.
std::optional<Record> ByCode(const std::vector<Record>& records, const std::string& code) {
  for (const auto& r : records) {
    if (SameCode(r.Text("code"), code)) return r;
  }
  return std::nullopt;
}

// Where a reviewer may act: the visits of a plan whose reviews they may write (the rule a tablet's
// push of a review meets, S12), so look-ups by code see only those and never reveal what else the
// plan holds.
struct ReviewerScope {
  Session session;
  UserAccess access;
  std::vector<Record> visits;  // the plan's visits the reviewer may review in
  bool whole_plan = false;     // every visit of the plan

  bool Covers(const std::string& visit_id) const {
    for (const auto& v : visits) {
      if (v.id == visit_id) return true;
    }
    return false;
  }
  // The records whose visit (their field `visit_field`) the reviewer may review in.
  std::vector<Record> Mine(const std::vector<Record>& records, const char* visit_field) const {
    std::vector<Record> out;
    for (const auto& r : records) {
      if (Covers(r.Text(visit_field))) out.push_back(r);
    }
    return out;
  }
  // NotFound for a code the whole plan lacks; for someone who reviews in only some visits, the
  // same PermissionDenied whether the code exists elsewhere in the plan or not.
  Status Unknown(const std::string& what, const std::string& code, const std::vector<Record>& mine) const {
    if (whole_plan) return Status::NotFound("no " + what + " '" + code + "'; the codes are: " + Codes(mine));
    return Status::PermissionDenied("user '" + session.user_name + "' reviews only in the sessions they lead, "
                                    "whose " + what + " codes are: " + Codes(mine) + "; '" + code +
                                    "' is not one of them (check the code, or ask the secretariat to assign you "
                                    "to its session: fieldsync-server assign)");
  }
};

// The role check of a review written in `scope`, with the message a tablet's push would get.
Status CheckReview(const ReviewerScope& who, const std::string& review_id, const std::string& scope) {
  Change probe;
  probe.record_type = domain::kReview;
  probe.record_id = review_id;
  probe.field = "status";
  Status s = CheckWrite(who.session, who.access, probe, scope, 0);
  if (s.ok()) return s;
  std::string why = s.message();
  if (const std::string label = ChangeLabel(probe, 0) + ": "; why.starts_with(label)) why.erase(0, label.size());
  return Status::PermissionDenied(why);
}

// PermissionDenied, before anything about the target is looked up, when the user may review in
// no visit of the plan (a member, or a leader of other plans).
Result<ReviewerScope> LoadReviewerScope(ServerStore& store, const UserInfo& user, const std::vector<Record>& visits,
                                        const std::string& plan_code) {
  ReviewerScope who{Session{"", user.name, user.role}, {}, {}, false};
  FS_ASSIGN_OR_RETURN(who.access, LoadUserAccess(store, who.session));
  Status refusal = Status::PermissionDenied("user '" + user.name + "' is assigned to no session of plan " +
                                            plan_code + "; ask the secretariat to assign you (fieldsync-server "
                                            "assign --user " + user.name + " --visit CODE)");
  for (const auto& v : visits) {
    const std::string scope = VisitScope(v.id);
    Status s = CheckReview(who, domain::ReviewId(domain::kConclusion, domain::ConclusionId(v.id)), scope);
    if (s.ok()) {
      who.visits.push_back(v);
    } else if (who.access.visible.Allows(scope)) {
      refusal = s;  // their role in a visit they are assigned to says why
    }
  }
  if (who.visits.empty()) return refusal;
  who.whole_plan = who.visits.size() == visits.size();
  return who;
}

ReviewInfo InfoOf(const std::string& plan_code, const TargetRecords& t, const Record* target, const Record* review) {
  ReviewInfo info;
  info.target_type = t.type;
  info.target_id = t.id;
  info.review_id = domain::ReviewId(t.type, t.id);
  info.plan_code = plan_code;
  info.visit = t.visit;
  info.unit = t.unit;
  info.item = t.item;
  if (target && !target->IsDeleted()) {
    info.findings = domain::AnswerFrom(*target).findings;
    if (const FieldState* newest = domain::NewestPart(*target)) {
      info.last_author = newest->author;
      info.last_edit = newest->hlc;
    }
  }
  info.state = domain::ReviewStateOf(target, review);
  return info;
}

}  // namespace

Status SyncService::ReadStore(const std::function<Status(ServerStore&)>& read) {
  std::lock_guard lock(mu_);
  return read(*store_);
}

Result<ReviewInfo> SyncService::SetReview(const std::string& acting_user, const ReviewTarget& target,
                                          domain::ReviewStatus status, const std::string& comment) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(std::string user_name, NormalizeText(acting_user, "user name"));
  FS_ASSIGN_OR_RETURN(auto user, store_->GetUser(user_name));
  if (!user) {
    return Status::NotFound("no user '" + user_name + "'; a review is made by a user of this server "
                            "(fieldsync-server user add)");
  }
  FS_ASSIGN_OR_RETURN(std::string text, NormalizeText(comment, "the review comment"));
  FS_RETURN_IF_ERROR(CheckValueStorable(Value(text), "the review comment"));

  // Which record, by the codes people use, among those the user may review: the role and scope
  // come first, so someone outside the target's visit learns nothing about it (the sync API's
  // rule: outside your scope, the same 403 whatever exists there).
  FS_ASSIGN_OR_RETURN(std::string plan_code, NormalizeText(target.plan_code, "plan code"));
  FS_ASSIGN_OR_RETURN(auto plans, store_->FindRecords(domain::kPlan, "code", plan_code));
  if (plans.empty()) return Status::NotFound("no plan with code '" + plan_code + "'");
  const std::string& plan_id = plans.front().id;
  FS_ASSIGN_OR_RETURN(auto visits, store_->FindRecords(domain::kVisit, "plan_id", plan_id));
  FS_ASSIGN_OR_RETURN(ReviewerScope who, LoadReviewerScope(*store_, *user, visits, plan_code));
  TargetRecords t;
  if (!target.unit_code.empty() || !target.item_code.empty()) {
    FS_ASSIGN_OR_RETURN(auto all_units, store_->FindRecords(domain::kUnit, "plan_id", plan_id));
    const auto units = who.Mine(all_units, "visit_id");
    auto unit = ByCode(units, target.unit_code);
    if (!unit) return who.Unknown("unit", target.unit_code, units);
    t.unit = domain::UnitFrom(*unit);
    FS_ASSIGN_OR_RETURN(auto items, store_->FindRecords(domain::kItem, "template_id", t.unit.template_id));
    auto item = ByCode(items, target.item_code);
    if (!item) {  // items belong to the checklist template, which every inspector has
      return Status::NotFound("unit " + t.unit.code + " has no item '" + target.item_code + "'; its items are: " +
                              Codes(items));
    }
    t.item = domain::ItemFrom(*item);
    for (const auto& v : visits) {
      if (v.id == t.unit.visit_id) t.visit = domain::VisitFrom(v);
    }
    t.type = domain::kAnswer;
    t.id = domain::AnswerId(t.unit.id, t.item.id);
  } else {
    auto visit = ByCode(who.visits, target.visit_code);
    if (!visit) return who.Unknown("visit", target.visit_code, who.visits);
    t.visit = domain::VisitFrom(*visit);
    t.type = domain::kConclusion;
    t.id = domain::ConclusionId(t.visit.id);
  }
  const std::string review_id = domain::ReviewId(t.type, t.id);

  // The same rule a tablet's push of this review meets (S12), in the scope the server keeps for
  // the target (which may differ from its unit's visit_id field if the unit was moved since).
  ScopeResolver resolver(*store_, {}, /*secretariat=*/true);
  FS_ASSIGN_OR_RETURN(std::string scope, resolver.ScopeOf(domain::kReview, review_id));
  FS_RETURN_IF_ERROR(CheckReview(who, review_id, scope));

  FS_ASSIGN_OR_RETURN(auto record, store_->GetRecord(t.type, t.id));
  const std::string where = t.type == domain::kAnswer ? "item " + t.item.code + " of unit " + t.unit.code
                                                      : "visit " + t.visit.code;
  if (!record || !domain::ReviewStateOf(&*record, nullptr).answered) {
    return Status::FailedPrecondition(where + " has no " + t.type + " yet; there is nothing to review until the "
                                      "team has filled it and synced");
  }
  domain::Review review{review_id, t.type, t.id, t.visit.id, t.unit.id, t.item.id,
                        domain::ReviewStatusCode(status), text, user_name, domain::ReviewedVersion(*record)};

  FS_ASSIGN_OR_RETURN(auto current, store_->GetRecord(domain::kReview, review.id));
  const AuditEvent audit{user_name, "", "review", review.id + ": " + review.status};
  FS_RETURN_IF_ERROR(
      WriteOwnLocked(domain::ChangedWrites(review, current ? &*current : nullptr), audit, user_name).status());
  FS_ASSIGN_OR_RETURN(current, store_->GetRecord(domain::kReview, review.id));
  return InfoOf(plan_code, t, &*record, current ? &*current : nullptr);
}

Result<std::vector<ReviewInfo>> SyncService::Reviews(const std::string& plan_code, const std::string& unit_code) {
  FS_ASSIGN_OR_RETURN(MergedPlan merged, MergedAnswers(plan_code));
  std::vector<ReviewInfo> out;
  std::vector<domain::Visit> visits;  // of the units listed, in order
  bool unit_found = unit_code.empty();
  for (const auto& u : merged.units) {
    if (!unit_code.empty() && !SameCode(u.unit.code, unit_code)) continue;
    unit_found = true;
    if (visits.empty() || visits.back().id != u.visit.id) visits.push_back(u.visit);
    for (const auto& e : u.items) {
      ReviewInfo info;
      info.target_type = domain::kAnswer;
      info.target_id = domain::AnswerId(u.unit.id, e.item.id);
      info.review_id = domain::ReviewId(info.target_type, info.target_id);
      info.plan_code = merged.plan.code;
      info.visit = u.visit;
      info.unit = u.unit;
      info.item = e.item;
      info.findings = e.findings;
      info.last_author = e.last_author;
      info.last_edit = e.last_edit;
      info.state = e.review;
      out.push_back(std::move(info));
    }
  }
  if (!unit_found) {
    std::string codes;
    for (const auto& u : merged.units) codes += (codes.empty() ? "" : ", ") + u.unit.code;
    return Status::NotFound("plan " + merged.plan.code + " has no unit '" + unit_code + "'; its units are: " + codes);
  }
  std::lock_guard lock(mu_);
  for (const auto& visit : visits) {
    TargetRecords t{domain::kConclusion, domain::ConclusionId(visit.id), visit, {}, {}};
    FS_ASSIGN_OR_RETURN(auto record, store_->GetRecord(t.type, t.id));
    FS_ASSIGN_OR_RETURN(auto review, store_->GetRecord(domain::kReview, domain::ReviewId(t.type, t.id)));
    out.push_back(InfoOf(merged.plan.code, t, record ? &*record : nullptr, review ? &*review : nullptr));
  }
  return out;
}

}  // namespace fieldsync::server
