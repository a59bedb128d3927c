// The report's words in Vietnamese or English, and how it shows times and names. Findings are
// never translated: they are shown as the inspectors typed them.
#pragma once

#include <string>

#include "fieldsync/hlc.h"
#include "fieldsync/report/report.h"
#include "fieldsync/review.h"

namespace fieldsync::report {

struct Labels {
  const char* lang;  // "vi", "en"
  const char* title;
  const char* plan, *issued_on, *issuer, *basis, *window, *as_of;
  const char* by_unit, *visit, *conclusion, *no_conclusion, *unit;
  const char* item, *rating, *author, *time, *review, *review_comment, *reviewer;
  const char* not_answered, *no_rating, *open_conflict_mark;
  const char* counts, *answered, *items, *total, *approved, *needs_changes, *received, *edited_since_review;
  const char* across_units, *none;
  const char* open_conflicts, *kind, *part, *current_value, *other_value, *deleted;
  const char* kind_answer, *kind_conclusion, *kind_conflict;
  const char* time_zone_note;
};

const Labels& LabelsFor(Language language);

// "Kết quả đạt được" / "Results achieved" for a finding field name; the name itself when unknown.
std::string PartLabel(Language language, const std::string& field);
// "Chưa đạt" / "Not met" for a rating code; the stored text when it is not a code.
std::string RatingText(Language language, const std::string& code);
// "Đã duyệt", "Cần sửa — đã sửa sau khi xét duyệt", "Approved — edited since review", ...
std::string ReviewText(Language language, const domain::ReviewState& state);
// A conflict side's value as people read it: "(đã xóa)" for a deletion, a rating's label.
std::string SideText(Language language, const std::string& field, const FieldState& side);
// "06/07/2023 15:15" (vi) or "2023-07-06 15:15" (en), in Vietnam's time (UTC+7); "" for zero.
std::string TimeText(Language language, Hlc hlc);

}  // namespace fieldsync::report
