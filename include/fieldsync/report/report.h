// The consolidated report of a plan (issue 7, DOMAIN.md "The consolidated report"), rendered from
// the server's store: the plan's header; per unit its answers (item, rating, the four findings,
// author, time, review state) and its visit's conclusion; counts by rating and review state per
// unit and in total; across units the lists of results achieved, good practices, limitations and
// difficulties, and recommendations, from the answers and the visits' conclusions, each line with
// its unit and item (for a conclusion: its visit and "Kết luận") and author; and every open
// conflict, never hidden.
//
// Formats: HTML (self-contained, A4 print stylesheet, every text escaped), CSV (UTF-8 with a BOM
// so spreadsheet programs show Vietnamese, RFC 4180 quoting, one row per answer part) and JSON
// (one document). Vietnamese by default, English on request (labels only; the findings stay as
// typed).
//
// Streaming: the report is written unit by unit while it reads the store through bounded, paged
// queries (ServerStore::FindRecordsPage, GetRecord); memory does not grow with the number of
// units or answers (only with the size of one unit's checklist and of the plan's team).
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "fieldsync/server/server_store.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/status.h"

namespace fieldsync::report {

enum class ReportFormat { kHtml, kCsv, kJson };
enum class Language { kVi, kEn };

// "html", "csv", "json" (any case); InvalidArgument lists them.
Result<ReportFormat> ParseReportFormat(const std::string& text);
// "vi", "en" (any case); InvalidArgument lists them.
Result<Language> ParseLanguage(const std::string& text);
// "text/html; charset=utf-8", "text/csv; charset=utf-8", "application/json; charset=utf-8".
const char* ContentType(ReportFormat format);
// "html", "csv", "json".
const char* FileExtension(ReportFormat format);

struct ReportOptions {
  ReportFormat format = ReportFormat::kHtml;
  Language language = Language::kVi;
  size_t page_size = 200;  // records per store query
};

// Writes the report of the plan with code `plan_code` to `out`, from one state of the store
// (ServerStore::BeginReadView: a separate connection may report while the server applies pushes). NotFound (listing the plans)
// before anything is written when there is no such plan; a store error stops the report midway
// (the caller discards what was written: the CLI writes to a temporary file and renames it).
Status WriteReport(server::ServerStore& store, const std::string& plan_code, const ReportOptions& options,
                   std::ostream& out);
Status WriteReport(server::ServerStore& store, const std::string& plan_code, ReportFormat format, Language language,
                   std::ostream& out);
// Over a running service: reads under its lock (SyncService::ReadStore), so the report is one
// consistent state; pushes wait meanwhile.
Status WriteReport(server::SyncService& service, const std::string& plan_code, ReportFormat format,
                   Language language, std::ostream& out);

}  // namespace fieldsync::report
