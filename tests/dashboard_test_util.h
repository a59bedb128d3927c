// The dashboard through RequestRouter, as the HTTP server calls it, over the seed plan of
// ServiceTest: luan (leader) and khoa (member) have dashboard passwords; helpers log in, send
// requests as the dashboard's page does, read the server's file and make an open conflict.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fieldsync/dashboard/dashboard.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {

using nlohmann::json;

constexpr const char* kHost = "127.0.0.1:8080";
constexpr const char* kOrigin = "http://127.0.0.1:8080";
constexpr const char* kLuanPassword = "mật khẩu của Luận 2023";
constexpr const char* kKhoaPassword = "khoa-doc-thoi-2023";

struct Login {
  int status = 0;
  std::string cookie;  // "fieldsync_session=..."
  std::string set_cookie;
  std::string csrf;
  json body;
};

class DashboardTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(dashboard::SetPassword(dir_.File("central.db"), "luan", kLuanPassword).ok());
    ASSERT_TRUE(dashboard::SetPassword(dir_.File("central.db"), "khoa", kKhoaPassword).ok());
    dashboard::DashboardOptions options;
    options.db_path = dir_.File("central.db");
    options.clock = &clock_;
    auto web = dashboard::MakeDashboard(*service_, options);
    ASSERT_TRUE(web.ok()) << web.status().ToString();
    web_ = std::move(web).value();
    router_ = std::make_unique<RequestRouter>(*service_, web_.get());
  }

  RouterResponse Request(const std::string& method, const std::string& path, const std::string& query = "",
                         const std::string& cookie = "", const std::string& body = "", HeaderMap headers = {}) {
    RouterRequest req;
    req.method = method;
    req.path = path;
    req.query = query;
    req.body = body;
    req.remote_address = "10.0.0.7";
    req.headers = std::move(headers);
    req.headers["Host"] = kHost;
    if (!cookie.empty()) req.headers["Cookie"] = cookie;
    if (!body.empty() && !req.headers.contains("Content-Type")) req.headers["Content-Type"] = "application/json";
    return router_->Handle(req);
  }

  // A POST as the dashboard's page sends it: JSON, its Origin, the session's CSRF token.
  RouterResponse Post(const std::string& path, const json& body, const Login& as) {
    return Request("POST", path, "", as.cookie, body.dump(), {{"Origin", kOrigin}, {"X-CSRF-Token", as.csrf}});
  }

  Login LogIn(const std::string& name, const std::string& password, const std::string& address = "10.0.0.7",
              const std::string& origin = kOrigin) {
    RouterRequest req;
    req.method = "POST";
    req.path = "/api/login";
    req.remote_address = address;
    req.headers = {{"Host", kHost}, {"Origin", origin}, {"Content-Type", "application/json"}};
    req.body = json{{"name", name}, {"password", password}}.dump();
    RouterResponse r = router_->Handle(req);
    Login out;
    out.status = r.status;
    out.body = json::parse(r.body, nullptr, false);
    if (r.headers.contains("Set-Cookie")) {
      out.set_cookie = r.headers.at("Set-Cookie");
      out.cookie = out.set_cookie.substr(0, out.set_cookie.find(';'));
    }
    if (r.status == 200) out.csrf = out.body.value("csrf_token", "");
    return out;
  }

  static std::string ErrorOf(const RouterResponse& r) {
    json body = json::parse(r.body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
  }

  // Every text value of column `column` in `table` of the server's file.
  std::vector<std::string> Column(const std::string& table, const std::string& column) {
    sqlite3* db = nullptr;
    std::vector<std::string> out;
    EXPECT_EQ(sqlite3_open_v2(dir_.File("central.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = "SELECT " + column + " FROM " + table;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }

  // An open conflict on Q4 A1's results (khoa's edit lost to luan's), as in server_conflict_test.
  std::string MakeConflict() {
    auto khoa = Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "Khoa viết", kVisitDayMs - 5000);
    auto luan = Answer(Leader(), 1, seed_.q4, seed_.a1, "results", "Luận viết", kVisitDayMs - 3000);
    EXPECT_TRUE(Push(Khoa(), {khoa}).ok());
    EXPECT_TRUE(Push(Leader(), {luan}).ok());
    auto open = service_->Conflicts("", false);
    EXPECT_TRUE(open.ok() && open->size() == 1);
    return open.ok() && !open->empty() ? open->front().id : "";
  }

  std::unique_ptr<WebHandler> web_;
  std::unique_ptr<RequestRouter> router_;
};

}  // namespace fieldsync::server::testing
