// The report as CSV for spreadsheets: UTF-8 with a byte order mark (so Excel reads Vietnamese
// correctly), RFC 4180 (CRLF line ends; a field with a comma, quote or line break is quoted, quotes
// doubled). One row per part of each answer and conclusion, one per unanswered item, then one per
// open conflict. A text starting with = + - or @ gets a leading apostrophe, so a spreadsheet shows
// it instead of running it as a formula.
#include <string_view>

#include "labels.h"
#include "report_sections.h"

namespace fieldsync::report {
namespace {

std::string Field(std::string_view text) {
  std::string value(text);
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    value.insert(value.begin(), '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// The columns, in order.
struct Row {
  std::string kind, plan, visit, visit_date, unit_code, unit_name, item_code, item_title, part, value, author,
      author_name, time, review, review_comment, reviewer, conflict;
};

constexpr const char* kHeaderVi[] = {"Loại",      "Kế hoạch",  "Đợt làm việc",     "Ngày",
                                     "Mã đơn vị", "Đơn vị",    "Mã nội dung",      "Nội dung",
                                     "Phần",      "Giá trị",   "Người nhập",       "Họ tên người nhập",
                                     "Thời gian", "Xét duyệt", "Ý kiến xét duyệt", "Người xét duyệt",
                                     "Xung đột"};
constexpr const char* kHeaderEn[] = {"Kind",   "Plan",   "Working session", "Date",          "Unit code",
                                     "Unit",   "Item code", "Item",         "Part",          "Value",
                                     "Author", "Author name", "Time",       "Review",        "Review comment",
                                     "Reviewer", "Conflict"};

class CsvReport : FormatWriter {
 public:
  using FormatWriter::FormatWriter;

  Status Write() {
    out_ << "\xEF\xBB\xBF";
    const auto& header = language_ == Language::kEn ? kHeaderEn : kHeaderVi;
    for (size_t i = 0; i < std::size(header); ++i) out_ << (i ? "," : "") << Field(header[i]);
    out_ << "\r\n";
    FS_RETURN_IF_ERROR(reader_.Walk([this](const VisitBlock& v) { return Visit(v); },
                                    [this](const UnitBlock& u) { return Unit(u); }));
    FS_RETURN_IF_ERROR(ForEachConflictLine(reader_, [this](const ConflictLine& line) { return Conflict(line); }));
    return Finished();
  }

 private:
  void Emit(const Row& r) {
    const std::string* columns[] = {&r.kind,      &r.plan,      &r.visit,     &r.visit_date,  &r.unit_code,
                                    &r.unit_name, &r.item_code, &r.item_title, &r.part,       &r.value,
                                    &r.author,    &r.author_name, &r.time,    &r.review,      &r.review_comment,
                                    &r.reviewer,  &r.conflict};
    for (size_t i = 0; i < std::size(columns); ++i) out_ << (i ? "," : "") << Field(*columns[i]);
    out_ << "\r\n";
  }

  Row Base(const char* kind, const domain::Visit& visit) {
    Row r;
    r.kind = kind;
    r.plan = reader_.plan().code;
    r.visit = visit.code;
    r.visit_date = visit.date;
    return r;
  }

  // One row per filled part of `record`, reviews and conflict marks from the arguments.
  void Parts(Row base, const Record& record, const domain::ReviewState& review,
             const std::set<std::string>& conflicted) {
    base.review = ReviewText(language_, review);
    base.review_comment = review.comment;
    base.reviewer = review.reviewer;
    for (const char* field : domain::kFindingFields) {
      auto it = record.fields.find(field);
      if (it == record.fields.end() || it->second.tombstone || TextOf(it->second.value).empty()) continue;
      Row r = base;
      r.part = PartLabel(language_, field);
      const std::string& text = TextOf(it->second.value);
      r.value = field == std::string_view(domain::kRatingField) ? RatingText(language_, text) : text;
      r.author = it->second.author;
      r.author_name = reader_.PersonName(it->second.author);
      r.time = TimeText(language_, it->second.hlc);
      if (conflicted.contains(field)) r.conflict = l_.open_conflict_mark;
      Emit(r);
    }
  }

  Status Visit(const VisitBlock& v) {
    if (!v.conclusion) return Status::Ok();
    // Filtered by part, the rows are the across-units lists: "Kết luận" stands where the item would.
    Row base = Base(l_.kind_conclusion, v.visit);
    base.item_title = l_.kind_conclusion;
    Parts(base, *v.conclusion, v.review, {});
    return Status::Ok();
  }

  Status Unit(const UnitBlock& u) {
    Row base = Base(l_.kind_answer, u.visit);
    base.unit_code = u.unit.code;
    base.unit_name = u.unit.name;
    for (const auto& row : u.items) {
      Row r = base;
      r.item_code = row.item.code;
      r.item_title = row.item.title;
      if (!row.review.answered) {
        r.value = l_.not_answered;
        Emit(r);
        continue;
      }
      Parts(r, *row.answer, row.review, row.conflicted_parts);
    }
    return Status::Ok();
  }

  Status Conflict(const ConflictLine& line) {
    const auto& c = line.conflict;
    Row r;
    r.kind = l_.kind_conflict;
    r.plan = reader_.plan().code;
    r.unit_code = line.unit_code;
    r.unit_name = line.unit_name;
    r.item_code = line.item_code;
    r.item_title = line.item_title;
    r.part = PartLabel(language_, c.field);
    r.value = SideText(language_, c.field, c.loser);
    r.author = c.loser.author;
    r.author_name = reader_.PersonName(c.loser.author);
    r.time = TimeText(language_, c.loser.hlc);
    r.conflict = c.id + " — " + l_.current_value + ": " + SideText(language_, c.field, c.winner) + " (" +
                 c.winner.author + ")";
    Emit(r);
    return Status::Ok();
  }
};

}  // namespace

Status WriteCsv(PlanReader& reader, Language language, std::ostream& out) {
  return CsvReport(reader, language, out).Write();
}

}  // namespace fieldsync::report
