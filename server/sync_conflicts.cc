// SyncService: listing and resolving conflict records (S7) for the `fieldsync-server conflicts`
// and `resolve` commands. Detection itself happens in the store's apply transaction
// (conflict_policy.h); a device resolves a conflict with ordinary changes.
#include <algorithm>

#include "change_validation.h"
#include "fieldsync/server/conflict.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/text.h"

namespace fieldsync::server {
namespace {

const FieldState* FieldOf(const Record& r, const std::string& field) {
  auto it = r.fields.find(field);
  return it == r.fields.end() || it->second.tombstone ? nullptr : &it->second;
}

bool BoolOf(const Record& r, const std::string& field) {
  const FieldState* f = FieldOf(r, field);
  const bool* b = f ? std::get_if<bool>(&f->value) : nullptr;
  return b && *b;
}

ConflictValue SideOf(const Record& r, const char* value, const char* deleted, const char* author, const char* device,
                     const char* hlc) {
  ConflictValue side;
  if (const FieldState* f = FieldOf(r, value)) side.value = f->value;
  side.deleted = BoolOf(r, deleted);
  side.author = r.Text(author);
  side.device = r.Text(device);
  side.hlc = Hlc::Unpack(static_cast<uint64_t>(r.Integer(hlc).value_or(0)));
  return side;
}

}  // namespace

Result<ConflictInfo> SyncService::ConflictInfoLocked(const Record& r) {
  namespace k = conflict;
  ConflictInfo info;
  info.id = r.id;
  info.kind = r.Text(k::kKind);
  info.status = r.Text(k::kStatus);
  info.record_type = r.Text(k::kRecordType);
  info.record_id = r.Text(k::kRecordId);
  info.field = r.Text(k::kField);
  info.visit_id = r.Text(k::kVisitId);
  info.unit_id = r.Text(k::kUnitId);
  info.item_id = r.Text(k::kItemId);
  info.winner = SideOf(r, k::kWinnerValue, k::kWinnerDeleted, k::kWinnerAuthor, k::kWinnerDevice, k::kWinnerHlc);
  info.loser = SideOf(r, k::kLoserValue, k::kLoserDeleted, k::kLoserAuthor, k::kLoserDevice, k::kLoserHlc);
  info.resolved_by = r.Text(k::kResolvedBy);
  info.resolution = r.Text(k::kResolution);
  if (auto it = r.fields.find(k::kKind); it != r.fields.end()) info.recorded = it->second.hlc;
  if (!info.visit_id.empty()) {
    FS_ASSIGN_OR_RETURN(auto visit, store_->GetRecord(domain::kVisit, info.visit_id));
    if (visit) {
      info.visit = domain::VisitFrom(*visit);
      FS_ASSIGN_OR_RETURN(auto plan, store_->GetRecord(domain::kPlan, info.visit.plan_id));
      if (plan) info.plan_code = plan->Text("code");
    }
  }
  if (!info.unit_id.empty()) {
    FS_ASSIGN_OR_RETURN(auto unit, store_->GetRecord(domain::kUnit, info.unit_id));
    if (unit) info.unit = domain::UnitFrom(*unit);
  }
  if (!info.item_id.empty()) {
    FS_ASSIGN_OR_RETURN(auto item, store_->GetRecord(domain::kItem, info.item_id));
    if (item) info.item = domain::ItemFrom(*item);
  }
  return info;
}

Result<std::vector<ConflictInfo>> SyncService::Conflicts(const std::string& plan_code, bool include_resolved) {
  std::lock_guard lock(mu_);
  std::string code;
  if (!plan_code.empty()) {
    FS_ASSIGN_OR_RETURN(code, NormalizeText(plan_code, "plan code"));
    FS_ASSIGN_OR_RETURN(auto plans, store_->FindRecords(domain::kPlan, "code", code));
    if (plans.empty()) return Status::NotFound("no plan with code '" + code + "'");
  }
  FS_ASSIGN_OR_RETURN(auto records, store_->Conflicts(include_resolved));
  std::vector<ConflictInfo> out;
  for (const auto& r : records) {
    FS_ASSIGN_OR_RETURN(auto info, ConflictInfoLocked(r));
    if (!code.empty() && info.plan_code != code) continue;
    out.push_back(std::move(info));
  }
  return out;
}

Result<ConflictInfo> SyncService::ResolveConflict(const std::string& conflict_id, ConflictChoice choice,
                                                  const std::string& text, const std::string& acting_user) {
  namespace k = conflict;
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(auto record, store_->GetRecord(k::kType, conflict_id));
  if (!record || record->fields.empty()) {
    return Status::NotFound("no conflict '" + conflict_id + "'; list them with: fieldsync-server conflicts --db FILE");
  }
  FS_ASSIGN_OR_RETURN(ConflictInfo info, ConflictInfoLocked(*record));
  if (info.status == k::kStatusResolved) {
    return Status::FailedPrecondition("conflict " + conflict_id + " is resolved already (" + info.resolution + " by " +
                                      info.resolved_by + ")");
  }
  if (info.record_type.empty() || info.record_id.empty() || info.field.empty()) {
    return Status::Corruption("conflict " + conflict_id + " does not name its record and field");
  }
  // The chosen content: a value, or a deletion of the field.
  Value chosen;
  bool chosen_deleted = false;
  const char* resolution = k::kKeptWinner;
  bool undelete = false;
  switch (choice) {
    case ConflictChoice::kKeepWinner:
      if (info.kind == k::kKindEditOnDeleted) {  // the record stays deleted; the field is left alone
        chosen_deleted = true;
      } else {
        chosen = info.winner.value;
        chosen_deleted = info.winner.deleted;
      }
      break;
    case ConflictChoice::kKeepLoser:
      resolution = k::kKeptLoser;
      chosen = info.loser.value;
      chosen_deleted = info.loser.deleted;
      undelete = info.kind == k::kKindEditOnDeleted;
      break;
    case ConflictChoice::kValue: {
      resolution = k::kMerged;
      FS_ASSIGN_OR_RETURN(std::string normalized, NormalizeText(text, "the resolved value"));
      if (info.record_type == domain::kAnswer && info.field == domain::kRatingField) {
        auto rating = domain::ParseRating(normalized);  // "Tốt" or "tot"
        if (rating.ok()) normalized = domain::RatingCode(*rating);
      }
      chosen = std::move(normalized);
      undelete = info.kind == k::kKindEditOnDeleted;
      // The same rules as a tablet's push: size, and a rating only as a code of the scale.
      Change as_written;
      as_written.record_type = info.record_type;
      as_written.field = info.field;
      as_written.value = chosen;
      FS_RETURN_IF_ERROR(CheckValueStorable(chosen, "the resolved value"));
      FS_RETURN_IF_ERROR(CheckAnswerValue(as_written, "the resolved value"));
      break;
    }
  }
  FS_ASSIGN_OR_RETURN(auto contested, store_->GetRecord(info.record_type, info.record_id));
  std::vector<FieldWrite> writes;
  // Undelete first, so that the value written next is not itself an edit on a deleted record.
  if (undelete && contested && contested->IsDeleted()) {
    writes.push_back(FieldWrite{info.record_type, info.record_id, kDeletedField, false, false});
  }
  const bool edit_on_deleted_kept = info.kind == k::kKindEditOnDeleted && choice == ConflictChoice::kKeepWinner;
  if (!edit_on_deleted_kept) {
    const FieldState* now = contested ? FieldOf(*contested, info.field) : nullptr;
    const bool now_deleted = !contested || contested->fields.find(info.field) == contested->fields.end() ||
                             contested->fields.at(info.field).tombstone;
    const bool same = chosen_deleted ? now_deleted : (now && now->value == chosen);
    if (!same) writes.push_back(FieldWrite{info.record_type, info.record_id, info.field, chosen, chosen_deleted});
  }
  const std::string what = conflict_id + " (" + std::string(resolution) + ")";
  const std::string& actor = acting_user.empty() ? options_.operator_name : acting_user;
  const std::string& resolver = acting_user.empty() ? options_.own_author : acting_user;
  FS_RETURN_IF_ERROR(
      WriteOwnLocked(std::move(writes), AuditEvent{actor, "", "resolve_value", what}, resolver).status());
  // resolved_hlc: the stamp of the field's value now (the one just written, or the one kept).
  FS_ASSIGN_OR_RETURN(contested, store_->GetRecord(info.record_type, info.record_id));
  Hlc resolved_hlc;
  if (contested) {
    if (auto it = contested->fields.find(info.field); it != contested->fields.end()) resolved_hlc = it->second.hlc;
  }
  std::vector<FieldWrite> close = {
      {k::kType, conflict_id, k::kStatus, std::string(k::kStatusResolved), false},
      {k::kType, conflict_id, k::kResolvedBy, resolver, false},
      {k::kType, conflict_id, k::kResolution, std::string(resolution), false},
      {k::kType, conflict_id, k::kResolvedHlc, static_cast<int64_t>(resolved_hlc.Pack()), false},
  };
  if (!chosen_deleted && !IsNone(chosen)) close.push_back({k::kType, conflict_id, k::kResolvedValue, chosen, false});
  FS_RETURN_IF_ERROR(
      WriteOwnLocked(std::move(close), AuditEvent{actor, "", "resolve_close", what}, resolver).status());
  FS_ASSIGN_OR_RETURN(record, store_->GetRecord(k::kType, conflict_id));
  return ConflictInfoLocked(*record);
}

}  // namespace fieldsync::server
