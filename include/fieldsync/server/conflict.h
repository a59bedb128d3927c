// Conflict records (S7, S9, S12): when the server applies a change that was made without having
// seen the field's current value and whose value differs, or an edit to a record that another
// device deleted, it keeps the losing value in a record of type "conflict" that it writes itself
// (as its own device, through the change log, so devices pull it). Its fields are wire names:
// never rename one.
//
//   id            "conflict/<losing device id>/<losing device seq>" (re-applying is idempotent)
//   record_type, record_id, field   the contested field
//   visit_id, unit_id, item_id      where it is (unit and item for answers; visit when known)
//   kind          "concurrent_edit" | "edit_on_deleted"
//   winner_value  the current value (absent when the winner is a tombstone); winner_deleted (bool)
//   winner_author, winner_device, winner_hlc (packed HLC, integer)
//   loser_value, loser_deleted, loser_author, loser_device, loser_hlc: the value that lost
//   status        "open" until someone resolves it ("resolved")
//   resolved_by, resolution ("kept_winner" | "kept_loser" | "merged"), resolved_value,
//   resolved_hlc: written by whoever resolves it (the only fields a device may write)
//
// Scope: "conflicts:" + the contested record's scope. The secretariat sees every conflict; a
// leader or deputy sees those of the visits they are assigned to; members see none, and only a
// leader, deputy (of that visit) or the secretariat may write the resolution fields.
#pragma once

#include <string>
#include <string_view>

namespace fieldsync::server::conflict {

inline constexpr const char* kType = "conflict";
inline constexpr const char* kScopePrefix = "conflicts:";

inline constexpr const char* kKindConcurrentEdit = "concurrent_edit";
inline constexpr const char* kKindEditOnDeleted = "edit_on_deleted";
inline constexpr const char* kStatusOpen = "open";
inline constexpr const char* kStatusResolved = "resolved";
inline constexpr const char* kKeptWinner = "kept_winner";
inline constexpr const char* kKeptLoser = "kept_loser";
inline constexpr const char* kMerged = "merged";

// Field names.
inline constexpr const char* kRecordType = "record_type";
inline constexpr const char* kRecordId = "record_id";
inline constexpr const char* kField = "field";
inline constexpr const char* kVisitId = "visit_id";
inline constexpr const char* kUnitId = "unit_id";
inline constexpr const char* kItemId = "item_id";
inline constexpr const char* kKind = "kind";
inline constexpr const char* kWinnerValue = "winner_value";
inline constexpr const char* kWinnerDeleted = "winner_deleted";
inline constexpr const char* kWinnerAuthor = "winner_author";
inline constexpr const char* kWinnerDevice = "winner_device";
inline constexpr const char* kWinnerHlc = "winner_hlc";
inline constexpr const char* kLoserValue = "loser_value";
inline constexpr const char* kLoserDeleted = "loser_deleted";
inline constexpr const char* kLoserAuthor = "loser_author";
inline constexpr const char* kLoserDevice = "loser_device";
inline constexpr const char* kLoserHlc = "loser_hlc";
inline constexpr const char* kStatus = "status";
inline constexpr const char* kResolvedBy = "resolved_by";
inline constexpr const char* kResolution = "resolution";
inline constexpr const char* kResolvedValue = "resolved_value";
inline constexpr const char* kResolvedHlc = "resolved_hlc";

// The fields a device (leader, deputy, secretariat) may write on a conflict record.
inline bool IsResolutionField(std::string_view field) {
  return field == kStatus || field == kResolvedBy || field == kResolution || field == kResolvedValue ||
         field == kResolvedHlc;
}

// "conflicts:visit:<id>" for a record in "visit:<id>".
inline std::string ScopeFor(std::string_view record_scope) { return kScopePrefix + std::string(record_scope); }

}  // namespace fieldsync::server::conflict
