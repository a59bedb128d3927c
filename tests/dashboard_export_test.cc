// The dashboard over real HTTP (cpprest on 127.0.0.1): the report and its downloads are written to
// a temporary file that the server streams and then deletes; Set-Cookie, the session cookie and the
// plan code with '/' and 'Đ' in the path work through a real listener; a bookmarked report without
// a session is sent to the login page.
#include <cpprest/http_client.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "fieldsync/dashboard/dashboard.h"
#include "fieldsync/seed_scenario.h"
#include "fieldsync/server/server.h"
#include "temp_dir.h"

namespace fieldsync::dashboard {
namespace {

namespace http = web::http;
constexpr const char* kPassword = "mật khẩu thường trực";
constexpr const char* kReportPath = "/plans/31-KH%2FBC%C4%90TP";  // 31-KH/BCĐTP

struct Reply {
  int status = 0;
  std::string body, content_type, disposition, set_cookie, location;
};

class DashboardHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Exports go to the temporary directory: this test's own, to see them deleted.
    ASSERT_EQ(::setenv("TMPDIR", exports_.path().c_str(), 1), 0);
    server::ServerOptions options{.db_path = dir_.File("central.db")};
    options.web = [db = options.db_path](server::SyncService& service, bool https) {
      return MakeDashboard(service, DashboardOptions{.db_path = db, .https = https});
    };
    auto started = server::Server::Start(options);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    server_ = std::move(started).value();
    ASSERT_TRUE(server_->service().AddUser("thuongtruc", domain::Role::kSecretariat, "Thường trực").ok());
    ASSERT_TRUE(server_->service().ImportPlan(seed::Plan31()).ok());
    ASSERT_TRUE(SetPassword(dir_.File("central.db"), "thuongtruc", kPassword).ok());
    http::client::http_client_config config;
    config.set_max_redirects(0);  // see the redirects themselves
    client_ = std::make_unique<http::client::http_client>(server_->url(), config);
  }
  void TearDown() override { ::unsetenv("TMPDIR"); }

  Reply Send(const std::string& method, const std::string& path, const std::string& body = "",
             const std::string& cookie = "") {
    http::http_request req(method);
    req.set_request_uri(path);
    if (!cookie.empty()) req.headers().add("Cookie", cookie);
    if (!body.empty()) {
      req.set_body(body, "application/json");
      req.headers().add("Origin", server_->url());
    }
    Reply reply;
    try {
      const http::http_response resp = client_->request(req).get();
      const http::http_headers& headers = resp.headers();
      auto header = [&](const char* name) { return headers.has(name) ? headers.find(name)->second : std::string(); };
      reply = Reply{resp.status_code(), resp.extract_utf8string(true).get(), header("Content-Type"),
                    header("Content-Disposition"), header("Set-Cookie"), header("Location")};
    } catch (const std::exception& e) {
      ADD_FAILURE() << method << " " << path << ": " << e.what();
    }
    return reply;
  }

  std::string LogIn() {
    Reply r = Send("POST", "/api/login", nlohmann::json{{"name", "thuongtruc"}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.set_cookie.substr(0, r.set_cookie.find(';'));
  }

  // The export files left in the temporary directory once the server finished sending (it deletes
  // each after its reply completes, which may be just after the client has read the last byte).
  size_t LeftoverExports() {
    for (int i = 0; i < 200; ++i) {
      if (std::filesystem::is_empty(exports_.path())) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(exports_.path()), {}));
  }

  TempDir dir_, exports_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<http::client::http_client> client_;
};

TEST_F(DashboardHttpTest, ExportsStreamFromATemporaryFileThatIsDeletedAfterwards) {
  const std::string cookie = LogIn();
  Reply csv = Send("GET", std::string(kReportPath) + "/export.csv", "", cookie);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.body.find("Quận ủy Quận 4"), std::string::npos);
  EXPECT_NE(csv.content_type.find("text/csv"), std::string::npos);
  EXPECT_EQ(csv.disposition, "attachment; filename=\"31-KH-BC--TP.csv\"");
  Reply json = Send("GET", std::string(kReportPath) + "/export.json?lang=en", "", cookie);
  ASSERT_EQ(json.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(json.body, nullptr, false).is_object());
  // Unencoded slash and letters in the path work too.
  Reply html = Send("GET", "/plans/31-KH/BC%C4%90TP/report", "", cookie);
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("31-KH/BCĐTP"), std::string::npos);
  EXPECT_EQ(LeftoverExports(), 0u);
}

TEST_F(DashboardHttpTest, AReportWithoutASessionGoesToTheLoginPageAndAnUnknownPlanIsNotFound) {
  Reply anonymous = Send("GET", std::string(kReportPath) + "/report");
  EXPECT_EQ(anonymous.status, 303);
  EXPECT_EQ(anonymous.location, "/#/login");
  EXPECT_EQ(Send("GET", std::string(kReportPath) + "/export.csv").status, 401);
  const std::string cookie = LogIn();
  EXPECT_EQ(Send("GET", "/plans/NO-SUCH-PLAN/report", "", cookie).status, 404);
  EXPECT_EQ(Send("GET", std::string(kReportPath) + "/report?lang=xx", "", cookie).status, 400);
  EXPECT_EQ(LeftoverExports(), 0u);
}

}  // namespace
}  // namespace fieldsync::dashboard
