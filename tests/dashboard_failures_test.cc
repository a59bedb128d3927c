// What the dashboard answers when it cannot serve a request: an internal failure is a generic 500
// in Vietnamese and English (the details, which may name tables or files, go to the server's log
// only).
#include "dashboard_test_util.h"

namespace fieldsync::server::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

}  // namespace
}  // namespace fieldsync::server::testing
