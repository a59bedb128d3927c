// The report as one JSON document, written piece by piece (each unit is serialised on its own):
//   {"report": {...}, "plan": {...},
//    "visits": [{"visit": {...}, "conclusion": {...}|null, "units": [{"unit": {...}, "counts": {...},
//                "items": [...]}]}],
//    "totals": {...}, "across_units": {"results": [{"text", "author", ..., "source": "answer"|"conclusion",
//                "visit", "unit" (null for a conclusion), "item"}], ...}, "open_conflicts": [...]}
// Codes (ratings, review states, part names) are stable; labels follow the language.
#include <nlohmann/json.hpp>

#include "labels.h"
#include "report_sections.h"

namespace fieldsync::report {
namespace {

using nlohmann::json;

// Compact text; stored text is valid UTF-8 (checked on input), anything else is replaced, never thrown.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

class JsonReport : FormatWriter {
 public:
  using FormatWriter::FormatWriter;

  Status Write() {
    const auto& p = reader_.plan();
    out_ << "{\"report\":"
         << Dump({{"title", l_.title}, {"language", l_.lang}, {"as_of_server_seq", reader_.as_of_server_seq()}})
         << ",\"plan\":"
         << Dump({{"id", p.id},
                  {"code", p.code},
                  {"title", p.title},
                  {"issuer", p.issuer},
                  {"issued_on", p.issued_on},
                  {"basis", p.basis},
                  {"window_start", p.window_start},
                  {"window_end", p.window_end}})
         << ",\"visits\":[";
    Counts totals;
    bool visit_open = false, first_unit = true;
    FS_RETURN_IF_ERROR(reader_.Walk(
        [&](const VisitBlock& v) {
          out_ << (visit_open ? "]}," : "") << "{\"visit\":"
               << Dump({{"code", v.visit.code}, {"date", v.visit.date}, {"title", v.visit.title}})
               << ",\"conclusion\":" << (v.conclusion ? Dump(Parts(*v.conclusion, v.review, {})) : "null")
               << ",\"units\":[";
          visit_open = true;
          first_unit = true;
          return Status::Ok();
        },
        [&](const UnitBlock& u) {
          Counts counts;
          json items = json::array();
          for (const auto& row : u.items) {
            counts.Add(row);
            items.push_back(Item(row));
          }
          totals.Add(counts);
          out_ << (first_unit ? "" : ",")
               << Dump({{"unit", {{"code", u.unit.code}, {"name", u.unit.name}, {"kind", u.unit.kind}}},
                        {"counts", CountsJson(counts)},
                        {"items", std::move(items)}});
          first_unit = false;
          return Status::Ok();
        }));
    out_ << (visit_open ? "]}" : "") << "],\"totals\":" << Dump(CountsJson(totals)) << ",\"across_units\":{";
    for (size_t i = 0; i < std::size(kTextParts); ++i) {
      out_ << (i ? "," : "") << Dump(kTextParts[i]) << ":[";
      bool first = true;
      FS_RETURN_IF_ERROR(ForEachPartLine(reader_, kTextParts[i], [&](const PartLine& line) {
        json entry = Authored(line.part);
        entry["source"] = line.conclusion() ? domain::kConclusion : domain::kAnswer;
        entry["visit"] = {{"code", line.visit.code}, {"date", line.visit.date}, {"title", line.visit.title}};
        if (line.conclusion()) {  // the visit's, not a unit's: "Kết luận" stands where the item would
          entry["unit"] = nullptr;
          entry["item"] = {{"code", ""}, {"title", l_.kind_conclusion}};
        } else {
          entry["unit"] = {{"code", line.unit->code}, {"name", line.unit->name}};
          entry["item"] = {{"code", line.item->code}, {"title", line.item->title}};
        }
        out_ << (first ? "" : ",") << Dump(entry);
        first = false;
        return Status::Ok();
      }));
      out_ << "]";
    }
    out_ << "},\"open_conflicts\":[";
    bool first = true;
    FS_RETURN_IF_ERROR(ForEachConflictLine(reader_, [&](const ConflictLine& line) {
      const auto& c = line.conflict;
      json entry = {{"id", c.id},
                    {"kind", c.kind},
                    {"record_type", c.record_type},
                    {"part", c.field},
                    {"part_label", PartLabel(language_, c.field)},
                    {"unit", {{"code", line.unit_code}, {"name", line.unit_name}}},
                    {"item", {{"code", line.item_code}, {"title", line.item_title}}},
                    {"current", Side(c.field, c.winner)},
                    {"overwritten", Side(c.field, c.loser)}};
      out_ << (first ? "" : ",") << Dump(entry);
      first = false;
      return Status::Ok();
    }));
    out_ << "]}\n";
    return Finished();
  }

 private:
  json Authored(const FieldState& f) {
    return {{"text", TextOf(f.value)},
            {"author", f.author},
            {"author_name", reader_.PersonName(f.author)},
            {"time", TimeText(language_, f.hlc)},
            {"hlc", f.hlc.ToString()}};
  }

  json Side(const std::string& field, const FieldState& side) {
    json j = Authored(side);
    j["text"] = SideText(language_, field, side);
    j["deleted"] = side.tombstone || IsNone(side.value);
    return j;
  }

  json Review(const domain::ReviewState& r) {
    return {{"status", domain::ReviewStatusCode(r.status)},
            {"label", ReviewText(language_, r)},
            {"edited_since_review", r.edited_since_review},
            {"comment", r.comment},
            {"reviewer", r.reviewer},
            {"decided_at", r.decided_at.IsZero() ? json(nullptr) : json(TimeText(language_, r.decided_at))}};
  }

  // The five parts of an answer or conclusion, each with its author and time.
  json Parts(const Record& record, const domain::ReviewState& review, const std::set<std::string>& conflicted) {
    json parts = json::object();
    for (const char* field : domain::kFindingFields) {
      auto it = record.fields.find(field);
      if (it == record.fields.end() || it->second.tombstone || TextOf(it->second.value).empty()) continue;
      json part = Authored(it->second);
      part["label"] = PartLabel(language_, field);
      if (field == std::string_view(domain::kRatingField)) part["text_label"] = RatingText(language_, TextOf(it->second.value));
      part["open_conflict"] = conflicted.contains(field);
      parts[field] = std::move(part);
    }
    json out = {{"parts", std::move(parts)}, {"review", Review(review)}};
    if (const FieldState* newest = domain::NewestPart(record)) {
      out["author"] = newest->author;
      out["author_name"] = reader_.PersonName(newest->author);
      out["time"] = TimeText(language_, newest->hlc);
    }
    return out;
  }

  json Item(const ItemRow& row) {
    json item = {{"item", {{"code", row.item.code}, {"title", row.item.title}}}, {"answered", row.review.answered}};
    if (row.review.answered) item.update(Parts(*row.answer, row.review, row.conflicted_parts));
    return item;
  }

  json CountsJson(const Counts& c) {
    json ratings = json::object();
    for (const auto& code : RatingColumns()) {
      auto it = c.by_rating.find(code);
      ratings[code.empty() ? "none" : code] = it == c.by_rating.end() ? 0 : it->second;
    }
    return {{"items", c.items},
            {"answered", c.answered},
            {"by_rating", std::move(ratings)},
            {"approved", c.approved},
            {"needs_changes", c.needs_changes},
            {"received", c.received},
            {"edited_since_review", c.edited_since_review}};
  }
};

}  // namespace

Status WriteJson(PlanReader& reader, Language language, std::ostream& out) {
  return JsonReport(reader, language, out).Write();
}

}  // namespace fieldsync::report
