#include "report_sections.h"

namespace fieldsync::report {

Status ForEachPartLine(PlanReader& reader, const std::string& field,
                       const std::function<Status(const PartLine&)>& fn) {
  return reader.Walk(
      [&](const VisitBlock& v) -> Status {
        const FieldState* part = v.conclusion ? FilledPart(*v.conclusion, field) : nullptr;
        return part ? fn(PartLine{v.visit, nullptr, nullptr, *part}) : Status::Ok();
      },
      [&](const UnitBlock& unit) -> Status {
        for (const auto& row : unit.items) {
          if (const FieldState* part = row.Part(field)) {
            FS_RETURN_IF_ERROR(fn(PartLine{unit.visit, &unit.unit, &row.item, *part}));
          }
        }
        return Status::Ok();
      },
      PlanReader::Detail::kAnswersOnly);
}

Result<Counts> ForEachUnitCounts(PlanReader& reader,
                                 const std::function<Status(const UnitBlock&, const Counts&)>& fn) {
  Counts total;
  FS_RETURN_IF_ERROR(reader.Walk(nullptr, [&](const UnitBlock& unit) -> Status {
    Counts counts;
    for (const auto& row : unit.items) counts.Add(row);
    total.Add(counts);
    return fn(unit, counts);
  }));
  return total;
}

Status ForEachConflictLine(PlanReader& reader, const std::function<Status(const ConflictLine&)>& fn) {
  return reader.ForEachOpenConflict([&](const domain::Conflict& c) -> Status {
    ConflictLine line{c, "", "", "", ""};
    FS_ASSIGN_OR_RETURN(auto unit, reader.UnitById(c.unit_id));
    if (unit) {
      line.unit_code = unit->code;
      line.unit_name = unit->name;
    }
    FS_ASSIGN_OR_RETURN(auto item, reader.ItemById(c.item_id));
    if (item) {
      line.item_code = item->code;
      line.item_title = item->title;
    }
    return fn(line);
  });
}

const std::vector<std::string>& RatingColumns() {
  static const std::vector<std::string> columns = {
      domain::RatingCode(domain::Rating::kGood), domain::RatingCode(domain::Rating::kMet),
      domain::RatingCode(domain::Rating::kNotMet), domain::RatingCode(domain::Rating::kNotApplicable), ""};
  return columns;
}

}  // namespace fieldsync::report
