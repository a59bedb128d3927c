// Dashboard security (dashboard/): passwords under Argon2id, wrong passwords and unknown users
// refused alike, the login limit, session expiry and logout, CSRF and Origin checks on every state
// change, security headers, and the sync API's role rules on the dashboard's actions (a member
// reads their visits and is refused every leader action). Through RequestRouter, as the HTTP
// server calls it; the browser test (tests/browser/) covers the same over real HTTP.
#include "dashboard_test_util.h"

namespace fieldsync::server::testing {
namespace {

using nlohmann::json;

TEST_F(DashboardTest, PasswordsAreStoredAsArgon2idHashesOnly) {
  auto hashes = Column("web_passwords", "kdf_hash");
  ASSERT_EQ(hashes.size(), 2u);
  for (const auto& h : hashes) {
    EXPECT_TRUE(h.starts_with("$argon2id$")) << h;
    EXPECT_EQ(h.find("2023"), std::string::npos);
  }
  EXPECT_NE(hashes[0], hashes[1]);
  // Too short, unknown user: refused, nothing stored.
  EXPECT_EQ(dashboard::SetPassword(dir_.File("central.db"), "luan", "ngan").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(dashboard::SetPassword(dir_.File("central.db"), "nobody", "long enough password").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Column("web_passwords", "kdf_hash"), hashes);
}

TEST_F(DashboardTest, LoginGivesAStrictHttpOnlyCookieAndKeepsOnlyTheTokensHash) {
  Login luan = LogIn("luan", kLuanPassword);
  ASSERT_EQ(luan.status, 200) << luan.body.dump();
  EXPECT_NE(luan.set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(luan.set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(luan.set_cookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(luan.set_cookie.find("Secure"), std::string::npos);  // plain HTTP here
  EXPECT_EQ(luan.body["role"], "leader");
  EXPECT_EQ(luan.csrf.size(), 64u);
  const std::string token = luan.cookie.substr(luan.cookie.find('=') + 1);
  EXPECT_EQ(token.size(), 64u);
  for (const auto& stored : Column("web_sessions", "token_sha256")) EXPECT_NE(stored, token);

  auto me = Request("GET", "/api/me", "", luan.cookie);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(json::parse(me.body)["full_name"], "Ngô Văn Luận");
  EXPECT_EQ(Request("GET", "/api/me").status, 401);
  EXPECT_EQ(Request("GET", "/api/me", "", "fieldsync_session=" + std::string(64, 'a')).status, 401);
}

TEST_F(DashboardTest, OverHttpsTheCookieIsSecureAndOnlyTheHttpsOriginIsOurs) {
  dashboard::DashboardOptions options;
  options.db_path = dir_.File("central.db");
  options.clock = &clock_;
  options.https = true;
  auto web = dashboard::MakeDashboard(*service_, options);
  ASSERT_TRUE(web.ok());
  web_ = std::move(web).value();
  router_ = std::make_unique<RequestRouter>(*service_, web_.get());
  Login plain = LogIn("luan", kLuanPassword, "10.0.0.7", kOrigin);  // http:// is another origin now
  EXPECT_EQ(plain.status, 403);
  EXPECT_EQ(plain.body["error"]["code"], "bad_origin");
  Login secure = LogIn("luan", kLuanPassword, "10.0.0.7", "https://127.0.0.1:8080");
  ASSERT_EQ(secure.status, 200);
  EXPECT_TRUE(secure.set_cookie.ends_with("; Secure")) << secure.set_cookie;
}

TEST_F(DashboardTest, WrongPasswordUnknownUserAndNoPasswordAreRefusedAlikeAndAudited) {
  Login wrong = LogIn("luan", "mật khẩu sai 2023");
  Login unknown = LogIn("nobody", kLuanPassword);
  Login unset = LogIn("ha", kLuanPassword);  // ha has an account but no dashboard password
  for (const Login* l : {&wrong, &unknown, &unset}) {
    EXPECT_EQ(l->status, 401);
    EXPECT_TRUE(l->cookie.empty());
    EXPECT_EQ(l->body["error"]["message"], wrong.body["error"]["message"]);
  }
  auto audit = service_->AuditEntries(0, 1000);
  ASSERT_TRUE(audit.ok());
  int refused = 0;
  for (const auto& e : *audit) refused += e.event.action == "web_login_refused";
  EXPECT_EQ(refused, 3);
}

TEST_F(DashboardTest, TooManyFailedLoginsFromOneAddressAreRefusedEvenWithTheRightPassword) {
  for (int i = 0; i < 10; ++i) EXPECT_EQ(LogIn("luan", "wrong password " + std::to_string(i)).status, 401);
  EXPECT_EQ(LogIn("luan", kLuanPassword).status, 429);
  EXPECT_EQ(LogIn("luan", kLuanPassword, "10.0.0.8").status, 200);  // another address
  clock_.Advance(15 * 60 * 1000 + 1);                                 // the window passed
  EXPECT_EQ(LogIn("luan", kLuanPassword).status, 200);
}

TEST_F(DashboardTest, AnExpiredSessionIsRefusedAndLogoutEndsOne) {
  Login luan = LogIn("luan", kLuanPassword);
  ASSERT_EQ(luan.status, 200);
  clock_.Advance(8LL * 60 * 60 * 1000 - 1000);
  EXPECT_EQ(Request("GET", "/api/me", "", luan.cookie).status, 200);
  clock_.Advance(2000);
  EXPECT_EQ(Request("GET", "/api/me", "", luan.cookie).status, 401);

  Login again = LogIn("luan", kLuanPassword);
  ASSERT_EQ(again.status, 200);
  auto out = Post("/api/logout", json::object(), again);
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(out.headers.at("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Request("GET", "/api/me", "", again.cookie).status, 401);
  // A new password ends every session of the user.
  Login third = LogIn("luan", kLuanPassword);
  ASSERT_TRUE(dashboard::SetPassword(dir_.File("central.db"), "luan", "một mật khẩu mới").ok());
  EXPECT_EQ(Request("GET", "/api/me", "", third.cookie).status, 401);
}

TEST_F(DashboardTest, StateChangesNeedTheCsrfTokenOurOriginJsonAndPost) {
  const std::string id = MakeConflict();
  Login luan = LogIn("luan", kLuanPassword);
  ASSERT_EQ(luan.status, 200);
  const std::string body = json{{"id", id}, {"keep", "winner"}}.dump();
  auto no_token = Request("POST", "/api/resolve", "", luan.cookie, body, {{"Origin", kOrigin}});
  EXPECT_EQ(no_token.status, 403);
  EXPECT_EQ(ErrorOf(no_token), "csrf");
  auto wrong_token = Request("POST", "/api/resolve", "", luan.cookie, body,
                             {{"Origin", kOrigin}, {"X-CSRF-Token", std::string(64, '0')}});
  EXPECT_EQ(ErrorOf(wrong_token), "csrf");
  auto other_site = Request("POST", "/api/resolve", "", luan.cookie, body,
                            {{"Origin", "https://evil.example"}, {"X-CSRF-Token", luan.csrf}});
  EXPECT_EQ(ErrorOf(other_site), "bad_origin");
  auto form = Request("POST", "/api/resolve", "", luan.cookie, "id=" + id,
                      {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-CSRF-Token", luan.csrf}});
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(Request("GET", "/api/resolve", "id=" + id, luan.cookie).status, 405);
  // Nothing of that was applied.
  auto open = service_->Conflicts("", false);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->size(), 1u);

  auto done = Post("/api/resolve", json{{"id", id}, {"keep", "loser"}}, luan);
  ASSERT_EQ(done.status, 200) << done.body;
  open = service_->Conflicts("", false);
  EXPECT_TRUE(open.ok() && open->empty());
  // Resolved in the leader's name: on the record the tablets pull, and in the audit log.
  auto all = service_->Conflicts("", true);
  ASSERT_TRUE(all.ok() && all->size() == 1);
  EXPECT_EQ(all->front().resolved_by, "luan");
  EXPECT_EQ(all->front().resolution, "kept_loser");
  auto audit = service_->AuditEntries(0, 1000);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->back().event.actor, "luan");
  EXPECT_EQ(audit->back().event.action, "resolve_close");
}

TEST_F(DashboardTest, AMemberReadsTheirVisitsAndIsRefusedEveryLeaderAction) {
  const std::string id = MakeConflict();
  Login khoa = LogIn("khoa", kKhoaPassword);
  ASSERT_EQ(khoa.status, 200);
  EXPECT_EQ(khoa.body["role"], "member");
  const std::string plan = "plan=" + seed_.plan.plan.code;

  auto overview = Request("GET", "/api/overview", plan, khoa.cookie);
  ASSERT_EQ(overview.status, 200) << overview.body;
  const json seen = json::parse(overview.body);
  std::vector<std::string> visits;
  for (const auto& v : seen["visits"]) visits.push_back(v["code"]);
  EXPECT_EQ(visits, (std::vector<std::string>{"V1", "V3"}));  // not V2
  EXPECT_FALSE(seen["can_report"].get<bool>());
  EXPECT_EQ(Request("GET", "/api/unit", "id=" + seed_.cnsg.id, khoa.cookie).status, 404);  // V2's unit
  auto conflicts = Request("GET", "/api/conflicts", plan, khoa.cookie);
  EXPECT_TRUE(json::parse(conflicts.body)["conflicts"].empty());
  auto unit = Request("GET", "/api/unit", "id=" + seed_.q4.id, khoa.cookie);
  ASSERT_EQ(unit.status, 200);
  EXPECT_FALSE(json::parse(unit.body)["can_review"].get<bool>());

  auto resolve = Post("/api/resolve", json{{"id", id}, {"keep", "loser"}}, khoa);
  EXPECT_EQ(resolve.status, 403) << resolve.body;
  auto review = Post("/api/review", json{{"plan", seed_.plan.plan.code}, {"unit", "Q4"}, {"item", "A1"},
                                         {"status", "approved"}}, khoa);
  EXPECT_EQ(review.status, 403) << review.body;
  EXPECT_EQ(Request("GET", "/plans/31-KH%2FBC%C4%90TP/export.csv", "", khoa.cookie).status, 403);
  auto open = service_->Conflicts("", false);
  EXPECT_TRUE(open.ok() && open->size() == 1);

  // The leader of that visit may do both.
  Login luan = LogIn("luan", kLuanPassword);
  auto leader_unit = Request("GET", "/api/unit", "id=" + seed_.q4.id, luan.cookie);
  EXPECT_TRUE(json::parse(leader_unit.body)["can_review"].get<bool>());
  EXPECT_EQ(Post("/api/review", json{{"plan", seed_.plan.plan.code}, {"unit", "Q4"}, {"item", "A1"},
                                     {"status", "approved"}, {"comment", "Tốt"}}, luan).status, 200);
  auto after = json::parse(Request("GET", "/api/overview", plan, luan.cookie).body);
  EXPECT_EQ(after["totals"]["approved"], 1);
  EXPECT_EQ(after["totals"]["open_conflicts"], 1);
}

TEST_F(DashboardTest, PagesCarryTheSecurityHeadersAndTheSyncEndpointsKeepTheirOwnRules) {
  auto page = Request("GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("/app.js"), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);  // no inline script
  const std::string csp = page.headers.at("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(page.headers.at("X-Content-Type-Options"), "nosniff");
  auto script = Request("GET", "/app.js");
  EXPECT_EQ(script.headers.at("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(script.body.find("textContent"), std::string::npos);
  EXPECT_EQ(Request("GET", "/../CMakeLists.txt").status, 404);
  EXPECT_EQ(Request("GET", "/api/overview", "plan=x").status, 401);

  // /v1/ is the sync protocol's, untouched by the dashboard.
  EXPECT_EQ(Request("GET", protocol::kHealthPath).body, "ok");
  auto unknown = Request("POST", "/v1/nothing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(ErrorCode(unknown), "not_found");  // a protobuf ErrorResponse, not the dashboard's JSON
}

}  // namespace
}  // namespace fieldsync::server::testing
