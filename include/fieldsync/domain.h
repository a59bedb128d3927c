// The supervision domain as typed records over the schemaless store: plans, team members, units,
// visits (working sessions), assignments, versioned checklist templates and their items, answers
// and visit conclusions. Each struct converts to field writes and back from a Record; the record
// type and field names here are the wire names, so never rename one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldsync/change.h"
#include "fieldsync/record.h"
#include "fieldsync/status.h"

namespace fieldsync::domain {

inline constexpr const char* kPlan = "plan";
inline constexpr const char* kMember = "member";
inline constexpr const char* kUnit = "unit";
inline constexpr const char* kVisit = "visit";
inline constexpr const char* kAssignment = "assignment";
inline constexpr const char* kTemplate = "template";
inline constexpr const char* kItem = "item";
inline constexpr const char* kAnswer = "answer";
inline constexpr const char* kConclusion = "conclusion";
// Written by the server when two edits of one field were concurrent (S7); closed by a resolution.
inline constexpr const char* kConflict = "conflict";

enum class Role { kSecretariat, kLeader, kDeputy, kMember };
const char* RoleCode(Role role);     // "leader"
const char* RoleLabel(Role role);    // "Trưởng đoàn"
// Accepts the code or the Vietnamese label, with or without diacritics.
Result<Role> ParseRole(const std::string& text);

// The rating scale of an answer.
enum class Rating { kGood, kMet, kNotMet, kNotApplicable };
const char* RatingCode(Rating rating);   // "chua_dat"
const char* RatingLabel(Rating rating);  // "Chưa đạt"
// Accepts "tot", "Tốt", "chua dat", "Chưa đạt", "chua_dat"...; an unknown value lists the scale.
Result<Rating> ParseRating(const std::string& text);
std::string RatingScaleHelp();  // "tot (Tốt), dat (Đạt), ..."

struct Plan {
  std::string id, code, title, issued_on, basis, window_start, window_end, issuer;
};
struct Member {
  std::string id, plan_id, user_name, full_name, title, role;  // role: RoleCode
};
struct Unit {
  std::string id, plan_id, code, name, kind, parent_id, visit_id, template_id;
};
struct Visit {
  std::string id, plan_id, code, date, title;
};
struct Assignment {
  std::string id, visit_id, member_id;
};
struct ChecklistTemplate {
  std::string id, code, title, applies_to;
  int64_t version = 1;
};
struct ChecklistItem {
  std::string id, template_id, code, title, text;
  int64_t position = 0;
};

// The five parts of an assessment (DOMAIN.md "What an answer holds"), each edited on its own.
inline constexpr const char* kRatingField = "rating";
inline constexpr const char* kResultsField = "results";
inline constexpr const char* kGoodPracticesField = "good_practices";
inline constexpr const char* kLimitationsField = "limitations";
inline constexpr const char* kRecommendationsField = "recommendations";
inline constexpr const char* kFindingFields[] = {kRatingField, kResultsField, kGoodPracticesField,
                                                 kLimitationsField, kRecommendationsField};
const char* FindingFieldLabel(const std::string& field);  // "Kết quả đạt được"

struct Findings {
  std::string rating, results, good_practices, limitations, recommendations;
};
struct Answer {
  std::string id, visit_id, unit_id, item_id;
  Findings findings;
};
struct Conclusion {
  std::string id, visit_id;
  Findings findings;
};

// Answers and conclusions have ids derived from what they belong to, so two inspectors who start
// the same answer offline write to one record (and their edits merge per field) instead of two.
std::string AnswerId(const std::string& unit_id, const std::string& item_id);
std::string ConclusionId(const std::string& visit_id);

std::vector<FieldWrite> ToWrites(const Plan&);
std::vector<FieldWrite> ToWrites(const Member&);
std::vector<FieldWrite> ToWrites(const Unit&);
std::vector<FieldWrite> ToWrites(const Visit&);
std::vector<FieldWrite> ToWrites(const Assignment&);
std::vector<FieldWrite> ToWrites(const ChecklistTemplate&);
std::vector<FieldWrite> ToWrites(const ChecklistItem&);

Plan PlanFrom(const Record&);
Member MemberFrom(const Record&);
Unit UnitFrom(const Record&);
Visit VisitFrom(const Record&);
Assignment AssignmentFrom(const Record&);
ChecklistTemplate TemplateFrom(const Record&);
ChecklistItem ItemFrom(const Record&);
Answer AnswerFrom(const Record&);
Conclusion ConclusionFrom(const Record&);

// A conflict record: the winning and the losing write of one field (S7). Field names are the wire
// names the server writes; value/tombstone/hlc/node/author of each side are kept in FieldState.
struct Conflict {
  std::string id, record_type, record_id, field, visit_id, unit_id, item_id;
  std::string kind;    // "concurrent_edit" or "edit_on_deleted"
  std::string status;  // "open" or "resolved"
  std::string resolved_by, resolution;
  FieldState winner, loser;
  // A record pulled only in part (its batch was cut) has no status yet: it is not open until the
  // server's status field, written last, has arrived.
  bool IsOpen() const { return status == "open"; }
};
Conflict ConflictFrom(const Record&);

enum class Resolution { kKeepWinner, kKeepLoser, kMerged };
const char* ResolutionCode(Resolution r);  // "kept_winner", "kept_loser", "merged"

// A whole plan as shipped to devices: what `load-demo` and the server's `plan import` write.
struct PlanData {
  Plan plan;
  std::vector<Member> members;
  std::vector<Visit> visits;
  std::vector<Unit> units;
  std::vector<Assignment> assignments;
  std::vector<ChecklistTemplate> templates;
  std::vector<ChecklistItem> items;
};
std::vector<FieldWrite> ToWrites(const PlanData&);

}  // namespace fieldsync::domain
