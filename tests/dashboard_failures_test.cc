// What the dashboard answers when it cannot serve a request: an internal failure is a generic 500
// in Vietnamese and English (the details, which may name tables or files, go to the server's log
// only), and once the cap of reports and exports in flight is reached another one is a 503 saying
// to try again, until one of them is done.
#include <cstdio>
#include <vector>

#include "dashboard_test_util.h"

namespace fieldsync::server::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kExportPath = "/plans/31-KH%2FBC%C4%90TP/export.csv";

// Runs `sql` on the server's file from a connection of its own.
void Execute(const std::string& db, const std::string& sql) {
  sqlite3* conn = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &conn), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(conn, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(conn);
}

TEST_F(DashboardTest, AnInternalFailureTellsTheBrowserOnlyThatTheServerFailedAndLogsWhy) {
  Login luan = LogIn("luan", kLuanPassword);
  ASSERT_EQ(luan.status, 200);
  Execute(dir_.File("central.db"), "DROP TABLE web_sessions");  // every session look-up now fails

  ::testing::internal::CaptureStderr();
  auto failed = Request("GET", "/api/me", "", luan.cookie);
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(failed.status, 500) << failed.body;
  EXPECT_EQ(ErrorOf(failed), "internal");
  const std::string message = json::parse(failed.body)["error"]["message"];
  EXPECT_THAT(message, HasSubstr("Máy chủ gặp lỗi"));
  EXPECT_THAT(message, HasSubstr("tell the administrator"));
  EXPECT_THAT(failed.body, Not(HasSubstr("web_sessions")));
  EXPECT_THAT(failed.body, Not(HasSubstr("such table")));
  EXPECT_THAT(log, HasSubstr("web_sessions"));  // the administrator finds the cause in the log
}

TEST_F(DashboardTest, ExportsBeyondTheCapAreRefusedWithTryAgainUntilOneIsDone) {
  Login luan = LogIn("luan", kLuanPassword);  // assigned to every visit: may export
  ASSERT_EQ(luan.status, 200);
  // A response keeps its slot until it is dropped, as the HTTP server keeps it until the download
  // ends; then its file is deleted.
  std::vector<RouterResponse> downloading;
  auto drop = [&](size_t i) {
    std::remove(downloading[i].body_file.c_str());
    downloading.erase(downloading.begin() + static_cast<std::ptrdiff_t>(i));
  };
  for (int i = 0; i < 4; ++i) {
    downloading.push_back(Request("GET", kExportPath, "", luan.cookie));
    ASSERT_EQ(downloading.back().status, 200) << downloading.back().body;
    ASSERT_FALSE(downloading.back().body_file.empty());
  }
  auto busy = Request("GET", "/plans/31-KH%2FBC%C4%90TP/report", "", luan.cookie);
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(ErrorOf(busy), "busy");
  EXPECT_THAT(busy.body, HasSubstr("try again in a minute"));
  EXPECT_THAT(busy.body, HasSubstr("thử lại sau một phút"));
  EXPECT_EQ(busy.headers.at("Retry-After"), "60");
  EXPECT_TRUE(busy.body_file.empty());

  // Someone who may not export is refused for that, not told the server is busy.
  Login khoa = LogIn("khoa", kKhoaPassword);
  EXPECT_EQ(Request("GET", kExportPath, "", khoa.cookie).status, 403);

  drop(0);
  auto next = Request("GET", kExportPath, "", luan.cookie);
  EXPECT_EQ(next.status, 200) << next.body;
  downloading.push_back(std::move(next));
  while (!downloading.empty()) drop(0);
}

}  // namespace
}  // namespace fieldsync::server::testing
