// The report as one self-contained HTML page (no scripts, no external files), printable on A4:
// each unit starts a page. Every text from the store goes through Escape: findings are typed on
// tablets by anyone on the team.
#include <string_view>

#include "labels.h"
#include "report_sections.h"

namespace fieldsync::report {
namespace {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

constexpr const char* kStyle = R"css(
body { font-family: "Times New Roman", "Noto Serif", serif; font-size: 12pt; margin: 2em; color: #000; }
h1 { font-size: 16pt; text-align: center; text-transform: uppercase; }
h2 { font-size: 14pt; margin-top: 1.5em; }
h3 { font-size: 12.5pt; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #555; padding: 3px 5px; vertical-align: top; text-align: left; }
td { white-space: pre-wrap; }
th { background: #eee; }
table.meta th, table.meta td { border: none; background: none; }
td.num { text-align: right; }
.src { color: #444; font-size: 10pt; }
.code { font-weight: bold; }
.conflict { background: #fde2e2; }
.unanswered { color: #666; font-style: italic; }
.review-needs_changes { color: #a40000; }
.review-approved { color: #0b5d1e; }
.edited { font-weight: bold; }
@page { size: A4; margin: 20mm 15mm 20mm 20mm; }
@media print {
  body { margin: 0; font-size: 11pt; }
  section.unit, section.visit, section.counts, section.across, section.conflicts {
    break-before: page; page-break-before: always; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; page-break-inside: avoid; }
}
)css";

class HtmlReport : FormatWriter {
 public:
  using FormatWriter::FormatWriter;

  Status Write() {
    Header();
    out_ << "<main>\n<h2>" << l_.by_unit << "</h2>\n";
    FS_RETURN_IF_ERROR(reader_.Walk([this](const VisitBlock& v) { return Visit(v); },
                                    [this](const UnitBlock& u) { return Unit(u); }));
    FS_RETURN_IF_ERROR(CountsSection());
    FS_RETURN_IF_ERROR(AcrossUnits());
    FS_RETURN_IF_ERROR(Conflicts());
    out_ << "</main>\n<footer><p class=\"src\">" << l_.time_zone_note << "</p></footer>\n</body>\n</html>\n";
    return Finished();
  }

 private:
  std::string Person(const std::string& user) {
    if (user.empty()) return "";
    const std::string name = reader_.PersonName(user);
    return name == user ? Escape(user) : Escape(name) + " (" + Escape(user) + ")";
  }
  std::string Who(const FieldState& f) { return Person(f.author) + ", " + TimeText(language_, f.hlc); }
  // "Quận ủy Quận 4 (Q4) · A1", or for a conclusion "Đợt làm việc V1 (Buổi làm việc 1: …) · Kết luận".
  std::string Source(const PartLine& line) {
    if (line.conclusion()) {
      return std::string(l_.visit) + " " + Escape(line.visit.code) +
             (line.visit.title.empty() ? "" : " (" + Escape(line.visit.title) + ")") + " · " + l_.kind_conclusion;
    }
    return Escape(line.unit->name) + " (" + Escape(line.unit->code) + ") · " + Escape(line.item->code);
  }

  void Header() {
    const auto& p = reader_.plan();
    out_ << "<!DOCTYPE html>\n<html lang=\"" << l_.lang << "\">\n<head>\n<meta charset=\"utf-8\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << l_.title << " — "
         << Escape(p.code) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<header>\n<h1>" << l_.title
         << "</h1>\n<table class=\"meta\">\n";
    auto row = [&](const char* label, const std::string& value) {
      if (!value.empty()) out_ << "<tr><th>" << label << "</th><td>" << value << "</td></tr>\n";
    };
    row(l_.plan, Escape(p.code) + (p.title.empty() ? "" : " — " + Escape(p.title)));
    row(l_.issuer, Escape(p.issuer));
    row(l_.issued_on, Escape(p.issued_on));
    row(l_.basis, Escape(p.basis));
    row(l_.window, p.window_start.empty() ? "" : Escape(p.window_start) + " – " + Escape(p.window_end));
    row(l_.as_of, std::to_string(reader_.as_of_server_seq()));
    out_ << "</table>\n</header>\n";
  }

  std::string ReviewCell(const domain::ReviewState& r) {
    std::string cell = "<span class=\"review-" + std::string(domain::ReviewStatusCode(r.status)) +
                       (r.edited_since_review ? " edited" : "") + "\">" + Escape(ReviewText(language_, r)) + "</span>";
    if (!r.comment.empty()) cell += "\n" + Escape(r.comment);
    if (!r.reviewer.empty()) cell += "\n<span class=\"src\">" + Person(r.reviewer) + ", " +
                                     TimeText(language_, r.decided_at) + "</span>";
    return cell;
  }

  Status Visit(const VisitBlock& v) {
    out_ << "<section class=\"visit\">\n<h2>" << l_.visit << " " << Escape(v.visit.code) << " · "
         << Escape(v.visit.date) << (v.visit.title.empty() ? "" : " · " + Escape(v.visit.title)) << "</h2>\n<h3>"
         << l_.conclusion << "</h3>\n";
    if (!v.conclusion) {
      out_ << "<p class=\"unanswered\">" << l_.no_conclusion << "</p>\n</section>\n";
      return Status::Ok();
    }
    out_ << "<table>\n";
    for (const char* field : domain::kFindingFields) {
      auto it = v.conclusion->fields.find(field);
      if (it == v.conclusion->fields.end() || it->second.tombstone || TextOf(it->second.value).empty()) continue;
      const std::string& text = TextOf(it->second.value);
      out_ << "<tr><th>" << Escape(PartLabel(language_, field)) << "</th><td>"
           << Escape(field == std::string_view(domain::kRatingField) ? RatingText(language_, text) : text)
           << "</td><td class=\"src\">" << Who(it->second) << "</td></tr>\n";
    }
    out_ << "<tr><th>" << l_.review << "</th><td colspan=\"2\">" << ReviewCell(v.review) << "</td></tr>\n</table>\n"
         << "</section>\n";
    return Status::Ok();
  }

  std::string PartCell(const ItemRow& row, const char* field) {
    const FieldState* part = row.Part(field);
    const bool conflicted = row.conflicted_parts.contains(field);
    std::string text = part ? TextOf(part->value) : "";
    if (field == std::string_view(domain::kRatingField) && part) text = RatingText(language_, text);
    std::string cell = conflicted ? "<td class=\"conflict\">" : "<td>";
    cell += Escape(text);
    if (conflicted) cell += "\n<span class=\"src\">⚠ " + std::string(l_.open_conflict_mark) + "</span>";
    return cell + "</td>";
  }

  Status Unit(const UnitBlock& u) {
    out_ << "<section class=\"unit\" id=\"unit-" << Escape(u.unit.code) << "\">\n<h3>" << l_.unit << ": "
         << Escape(u.unit.name) << " (" << Escape(u.unit.code) << ")</h3>\n<table>\n<thead><tr><th>" << l_.item
         << "</th>";
    for (const char* field : domain::kFindingFields) out_ << "<th>" << Escape(PartLabel(language_, field)) << "</th>";
    out_ << "<th>" << l_.author << "</th><th>" << l_.review << "</th></tr></thead>\n<tbody>\n";
    for (const auto& row : u.items) {
      const std::string item = "<td><span class=\"code\">" + Escape(row.item.code) + "</span> " + Escape(row.item.title) + "</td>";
      if (!row.review.answered) {
        out_ << "<tr class=\"unanswered\">" << item << "<td colspan=\"7\">" << l_.not_answered << "</td></tr>\n";
        continue;
      }
      out_ << "<tr>" << item;
      for (const char* field : domain::kFindingFields) out_ << PartCell(row, field);
      const FieldState* newest = domain::NewestPart(*row.answer);
      out_ << "<td class=\"src\">" << (newest ? Who(*newest) : "") << "</td><td>" << ReviewCell(row.review)
           << "</td></tr>\n";
    }
    out_ << "</tbody>\n</table>\n</section>\n";
    return Status::Ok();
  }

  void CountsRow(const std::string& name, const Counts& c, bool total) {
    out_ << (total ? "<tr><th>" : "<tr><td>") << name << (total ? "</th>" : "</td>");
    auto cell = [&](size_t n) { out_ << "<td class=\"num\">" << n << "</td>"; };
    cell(c.items);
    cell(c.answered);
    for (const auto& code : RatingColumns()) {
      auto it = c.by_rating.find(code);
      cell(it == c.by_rating.end() ? 0 : it->second);
    }
    cell(c.approved);
    cell(c.needs_changes);
    cell(c.received);
    cell(c.edited_since_review);
    out_ << "</tr>\n";
  }

  Status CountsSection() {
    out_ << "<section class=\"counts\">\n<h2>" << l_.counts << "</h2>\n<table>\n<thead><tr><th>" << l_.unit
         << "</th><th>" << l_.items << "</th><th>" << l_.answered << "</th>";
    for (const auto& code : RatingColumns()) {
      out_ << "<th>" << (code.empty() ? l_.no_rating : Escape(RatingText(language_, code))) << "</th>";
    }
    out_ << "<th>" << l_.approved << "</th><th>" << l_.needs_changes << "</th><th>" << l_.received << "</th><th>"
         << l_.edited_since_review << "</th></tr></thead>\n<tbody>\n";
    FS_ASSIGN_OR_RETURN(Counts total, ForEachUnitCounts(reader_, [&](const UnitBlock& u, const Counts& c) {
      CountsRow(Escape(u.unit.name) + " (" + Escape(u.unit.code) + ")", c, false);
      return Status::Ok();
    }));
    CountsRow(l_.total, total, true);
    out_ << "</tbody>\n</table>\n</section>\n";
    return Status::Ok();
  }

  Status AcrossUnits() {
    out_ << "<section class=\"across\">\n<h2>" << l_.across_units << "</h2>\n";
    for (const char* field : kTextParts) {
      out_ << "<h3>" << Escape(PartLabel(language_, field)) << "</h3>\n";
      size_t lines = 0;
      FS_RETURN_IF_ERROR(ForEachPartLine(reader_, field, [&](const PartLine& line) {
        if (lines++ == 0) out_ << "<ol>\n";
        out_ << "<li>" << Escape(TextOf(line.part.value)) << " <span class=\"src\">— " << Source(line) << " · "
             << Who(line.part) << "</span></li>\n";
        return Status::Ok();
      }));
      out_ << (lines ? "</ol>\n" : "<p>" + std::string(l_.none) + "</p>\n");
    }
    out_ << "</section>\n";
    return Status::Ok();
  }

  std::string Side(const std::string& field, const FieldState& side) {
    return Escape(SideText(language_, field, side)) + "\n<span class=\"src\">" + Who(side) + "</span>";
  }

  Status Conflicts() {
    out_ << "<section class=\"conflicts\">\n<h2>" << l_.open_conflicts << "</h2>\n";
    size_t count = 0;
    FS_RETURN_IF_ERROR(ForEachConflictLine(reader_, [&](const ConflictLine& line) {
      if (count++ == 0) {
        out_ << "<table>\n<thead><tr><th>" << l_.unit << "</th><th>" << l_.item << "</th><th>" << l_.part
             << "</th><th>" << l_.current_value << "</th><th>" << l_.other_value << "</th></tr></thead>\n<tbody>\n";
      }
      const auto& c = line.conflict;
      out_ << "<tr class=\"conflict\" id=\"" << Escape(c.id) << "\"><td>" << Escape(line.unit_name) << " ("
           << Escape(line.unit_code) << ")</td><td>" << Escape(line.item_code) << " " << Escape(line.item_title)
           << "</td><td>" << Escape(PartLabel(language_, c.field)) << "</td><td>" << Side(c.field, c.winner) << "</td><td>"
           << Side(c.field, c.loser) << "</td></tr>\n";
      return Status::Ok();
    }));
    out_ << (count ? "</tbody>\n</table>\n" : "<p>" + std::string(l_.none) + "</p>\n") << "</section>\n";
    return Status::Ok();
  }
};

}  // namespace

Status WriteHtml(PlanReader& reader, Language language, std::ostream& out) {
  return HtmlReport(reader, language, out).Write();
}

}  // namespace fieldsync::report
