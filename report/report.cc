// WriteReport: opens the plan (plan_reader.h) and hands it to the writer of the format.
#include "fieldsync/report/report.h"

#include "fieldsync/text.h"
#include "plan_reader.h"
#include "report_sections.h"

namespace fieldsync::report {

namespace {

struct FormatInfo {
  ReportFormat format;
  const char* name;
  const char* content_type;
};
constexpr FormatInfo kFormats[] = {{ReportFormat::kHtml, "html", "text/html; charset=utf-8"},
                                   {ReportFormat::kCsv, "csv", "text/csv; charset=utf-8"},
                                   {ReportFormat::kJson, "json", "application/json; charset=utf-8"}};

const FormatInfo& InfoOf(ReportFormat format) {
  for (const auto& f : kFormats) {
    if (f.format == format) return f;
  }
  return kFormats[0];
}

}  // namespace

Result<ReportFormat> ParseReportFormat(const std::string& text) {
  const std::string key = FoldForSearch(text);
  for (const auto& f : kFormats) {
    if (key == f.name) return f.format;
  }
  return Status::InvalidArgument("unknown report format '" + text + "'; use html, csv or json");
}

Result<Language> ParseLanguage(const std::string& text) {
  const std::string key = FoldForSearch(text);
  if (key == "vi") return Language::kVi;
  if (key == "en") return Language::kEn;
  return Status::InvalidArgument("unknown language '" + text + "'; use vi (Tiếng Việt) or en (English)");
}

const char* ContentType(ReportFormat format) { return InfoOf(format).content_type; }
const char* FileExtension(ReportFormat format) { return InfoOf(format).name; }

Status WriteReport(server::ServerStore& store, const std::string& plan_code, const ReportOptions& options,
                   std::ostream& out) {
  FS_ASSIGN_OR_RETURN(std::string code, NormalizeText(plan_code, "plan code"));
  // One state from the first query to the last, even while the server keeps applying pushes.
  FS_ASSIGN_OR_RETURN(auto view, store.BeginReadView());
  FS_ASSIGN_OR_RETURN(auto reader, PlanReader::Open(store, code, options.page_size));
  switch (options.format) {
    case ReportFormat::kHtml: return WriteHtml(*reader, options.language, out);
    case ReportFormat::kCsv: return WriteCsv(*reader, options.language, out);
    case ReportFormat::kJson: return WriteJson(*reader, options.language, out);
  }
  return Status::InvalidArgument("unknown report format");
}

Status WriteReport(server::ServerStore& store, const std::string& plan_code, ReportFormat format, Language language,
                   std::ostream& out) {
  return WriteReport(store, plan_code, ReportOptions{format, language}, out);
}

Status WriteReport(server::SyncService& service, const std::string& plan_code, ReportFormat format,
                   Language language, std::ostream& out) {
  return service.ReadStore(
      [&](server::ServerStore& store) { return WriteReport(store, plan_code, format, language, out); });
}

}  // namespace fieldsync::report
