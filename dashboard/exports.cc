#include "exports.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fieldsync/report/report.h"
#include "plan_views.h"

namespace fieldsync::dashboard {
namespace {

// The report page may use its own inline stylesheet, and nothing else: no script at all.
constexpr const char* kReportPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

// A new empty file in the temporary directory, only readable by the server.
Result<std::string> NewTempFile() {
  std::string pattern = (std::filesystem::temp_directory_path() / "fieldsync-export-XXXXXX").string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) return Status::IoError("cannot create a temporary file for the export in " + pattern);
  ::close(fd);
  return pattern;
}

// 503 when `max` reports and exports are already being prepared or downloaded.
RouterResponse Busy(size_t max) {
  const std::string n = std::to_string(max);
  RouterResponse r = JsonError(503, "busy",
                               "Máy chủ đang chuẩn bị " + n + " báo cáo hoặc bản xuất khác (tối đa " + n +
                                   " cùng lúc); xin thử lại sau một phút. The server is already preparing " + n +
                                   " reports or exports, the most it makes at once; try again in a minute.");
  r.headers["Retry-After"] = "60";
  return r;
}

// "31-KH/BCĐTP" -> "31-KH-BC-TP": an ASCII file name for the download.
std::string SafeFileStem(const std::string& code) {
  std::string out;
  for (unsigned char c : code) out.push_back(std::isalnum(c) || c == '-' || c == '_' ? static_cast<char>(c) : '-');
  return out;
}

}  // namespace

Result<RouterResponse> ReportResponse(Context& ctx, const Caller& caller, const std::string& plan_code,
                                      const std::string& format_text, const std::string& lang_text) {
  FS_ASSIGN_OR_RETURN(auto format, report::ParseReportFormat(format_text.empty() ? "html" : format_text));
  FS_ASSIGN_OR_RETURN(auto language, report::ParseLanguage(lang_text.empty() ? "vi" : lang_text));
  std::string code;
  {
    StoreLock lock(ctx.store_mu);
    FS_ASSIGN_OR_RETURN(auto plan, VisiblePlan(ctx, caller, plan_code));
    FS_ASSIGN_OR_RETURN(bool whole, SeesWholePlan(ctx, caller, plan));
    if (!whole) {
      return Status::PermissionDenied("the report covers every visit of " + plan.code +
                                      " and you are not assigned to all of them; ask the secretariat for it");
    }
    code = plan.code;
  }
  // Taken after the rights check, so a refusal tells nothing to someone who may not export anyway.
  auto slot = ctx.exports.TryTake();
  if (!slot) return Busy(ctx.exports.max());
  FS_ASSIGN_OR_RETURN(auto store, server::OpenSqliteServerStore(ctx.db_path));
  FS_ASSIGN_OR_RETURN(std::string path, NewTempFile());
  Status written;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    written = report::WriteReport(*store, code, format, language, out);
    out.flush();
    if (written.ok() && !out) written = Status::IoError("writing the export to " + path + " failed (disk full?)");
  }
  if (!written.ok()) {
    std::remove(path.c_str());
    return written;
  }
  RouterResponse r;
  r.status = 200;
  r.body_file = path;
  r.body_file_guard = std::move(slot);
  r.headers["Content-Type"] = report::ContentType(format);
  if (format != report::ReportFormat::kHtml) {
    r.headers["Content-Disposition"] = "attachment; filename=\"" + SafeFileStem(code) + "." +
                                       report::FileExtension(format) + "\"";
  }
  AddSecurityHeaders(r, kReportPolicy);
  return r;
}

}  // namespace fieldsync::dashboard
