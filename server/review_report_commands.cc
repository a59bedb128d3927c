// `fieldsync-server review` (set a review state as a user) and `fieldsync-server report` (the
// consolidated report of a plan as HTML, CSV or JSON).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "fieldsync/report/report.h"
#include "fieldsync/review.h"

namespace fieldsync::server::cli {

int RunReview(const Common& common, const ReviewTarget& target, const std::string& status_text,
              const std::string& comment, const std::string& as_user) {
  if (target.visit_code.empty() == (target.unit_code.empty() || target.item_code.empty())) {
    std::cerr << "fieldsync-server: give either --unit CODE --item CODE (an answer) or --visit CODE (its "
                 "conclusion)\n";
    return 2;
  }
  auto status = domain::ParseReviewStatus(status_text);
  if (!status.ok()) return Fail(status.status());
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  auto info = (*service)->SetReview(as_user, target, *status, comment);
  if (!info.ok()) return Fail(info.status());
  const std::string what = info->target_type == domain::kAnswer ? info->unit.code + " · " + info->item.code
                                                                 : "kết luận " + info->visit.code;
  if (common.json) {
    std::cout << nlohmann::json{{"review_id", info->review_id},
                                {"target_type", info->target_type},
                                {"target_id", info->target_id},
                                {"status", domain::ReviewStatusCode(info->state.status)},
                                {"label", domain::ReviewStateLabel(info->state)},
                                {"comment", info->state.comment},
                                {"reviewer", info->state.reviewer}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << what << ": " << domain::ReviewStateLabel(info->state) << " (" << info->state.reviewer << ")"
              << (info->state.comment.empty() ? "" : " — " + info->state.comment) << "\n";
  }
  return 0;
}

int RunReport(const Common& common, const std::string& plan, const std::string& format_text,
              const std::string& language_text, const std::string& out_path) {
  auto format = report::ParseReportFormat(format_text);
  if (!format.ok()) return Fail(format.status());
  auto language = report::ParseLanguage(language_text);
  if (!language.ok()) return Fail(language.status());
  std::error_code ignored;
  if (!std::filesystem::exists(common.db, ignored)) {
    return Fail(Status::NotFound("no database file '" + common.db + "'; pass --db with the server's file"));
  }
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  if (out_path.empty()) {
    Status s = report::WriteReport(**service, plan, *format, *language, std::cout);
    std::cout.flush();
    return s.ok() ? 0 : Fail(s);
  }
  // A temporary file renamed at the end: a failed report never leaves half a file under the name.
  const std::string temporary = out_path + ".part";
  Status s;
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(Status::IoError("cannot write '" + temporary + "'; check the folder exists and is writable"));
    s = report::WriteReport(**service, plan, *format, *language, file);
    file.close();
    if (s.ok() && !file) s = Status::IoError("writing '" + temporary + "' failed (disk full?)");
  }
  if (s.ok()) {
    std::filesystem::rename(temporary, out_path, ignored);
    if (ignored) s = Status::IoError("cannot rename '" + temporary + "' to '" + out_path + "': " + ignored.message());
  }
  if (!s.ok()) {
    std::filesystem::remove(temporary, ignored);
    return Fail(s);
  }
  std::cerr << "Báo cáo " << report::FileExtension(*format) << " đã ghi vào " << out_path << "\n";
  return 0;
}

}  // namespace fieldsync::server::cli
