// What every report format shows beyond the per-unit walk (plan_reader.h): the lines of one part
// across units, per-unit counts, and open conflicts with their unit and item. Each is one paged
// pass over the plan.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "fieldsync/report/report.h"
#include "labels.h"
#include "plan_reader.h"

namespace fieldsync::report {

// The four free-text parts, in the report's order.
inline constexpr const char* kTextParts[] = {domain::kResultsField, domain::kGoodPracticesField,
                                             domain::kLimitationsField, domain::kRecommendationsField};

// One filled part of an answer or of a visit's conclusion: what a line of an across-units list
// traces back to. A conclusion belongs to its visit, not to a unit or an item: `unit` and `item`
// are null then (the writers show "Kết luận" as the item).
struct PartLine {
  const domain::Visit& visit;
  const domain::Unit* unit;
  const domain::ChecklistItem* item;
  const FieldState& part;
  bool conclusion() const { return unit == nullptr; }
};
// In report order: each visit's conclusion, then its units' answers.
Status ForEachPartLine(PlanReader& reader, const std::string& field, const std::function<Status(const PartLine&)>& fn);

// `fn` for each unit with its counts; returns the plan's totals.
Result<Counts> ForEachUnitCounts(PlanReader& reader,
                                 const std::function<Status(const UnitBlock&, const Counts&)>& fn);

struct ConflictLine {
  domain::Conflict conflict;
  std::string unit_code, unit_name, item_code, item_title;
};
Status ForEachConflictLine(PlanReader& reader, const std::function<Status(const ConflictLine&)>& fn);

// The rating codes in scale order, then "" (answered without a rating).
const std::vector<std::string>& RatingColumns();

// What each format's writer holds: the plan being read, the language and its words, the output.
class FormatWriter {
 public:
  FormatWriter(PlanReader& reader, Language language, std::ostream& out)
      : reader_(reader), language_(language), l_(LabelsFor(language)), out_(out) {}

 protected:
  // Ok, or IoError when the output failed (disk full, closed pipe).
  Status Finished() const { return out_ ? Status::Ok() : Status::IoError("writing the report failed"); }

  PlanReader& reader_;
  Language language_;
  const Labels& l_;
  std::ostream& out_;
};

// The writers, one per format (html_report.cc, csv_report.cc, json_report.cc).
Status WriteHtml(PlanReader& reader, Language language, std::ostream& out);
Status WriteCsv(PlanReader& reader, Language language, std::ostream& out);
Status WriteJson(PlanReader& reader, Language language, std::ostream& out);

}  // namespace fieldsync::report
