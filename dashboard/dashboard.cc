// The dashboard's WebHandler: static files, login and logout, and the JSON API, each call
// authenticated by the session cookie and authorised as the sync API would authorise the user.
#include "fieldsync/dashboard/dashboard.h"

#include "actions.h"
#include "dashboard_context.h"
#include "exports.h"
#include "password_kdf.h"
#include "plan_views.h"
#include "review_views.h"
#include "static_assets.h"
#include "web_http.h"

namespace fieldsync::dashboard {
namespace {

using nlohmann::json;

constexpr size_t kMaxJsonBody = 64 * 1024;

class Dashboard final : public server::WebHandler {
 public:
  explicit Dashboard(std::unique_ptr<Context> ctx) : ctx_(std::move(ctx)) {}

  RouterResponse Handle(const RouterRequest& req) override {
    try {
      return Route(req);
    } catch (const std::exception& e) {
      return InternalError(req.method + " " + req.path + ": " + e.what());
    } catch (...) {
      return InternalError(req.method + " " + req.path + ": an exception of unknown type");
    }
  }

 private:
  RouterResponse Route(const RouterRequest& req) {
    const auto segments = PathSegments(req.path);
    if (!segments.empty() && segments[0] == "api") return Api(req, segments);
    if (segments.size() >= 3 && segments[0] == "plans") return Report(req, segments);
    if (req.method != "GET" && req.method != "HEAD") return JsonError(405, "method_not_allowed", "use GET here");
    return Static(req.path == "/" ? "/index.html" : req.path);
  }

  static RouterResponse Static(const std::string& path) {
    for (const auto& asset : StaticAssets()) {
      if (asset.path != path) continue;
      RouterResponse r;
      r.body = std::string(asset.bytes);
      r.headers["Content-Type"] = std::string(asset.content_type);
      r.headers["Cache-Control"] = "no-cache";
      AddSecurityHeaders(r);
      return r;
    }
    return JsonError(404, "not_found", "no page " + path + "; the dashboard starts at /");
  }

  // "/plans/CODE/report", "/plans/CODE/export.csv", "/plans/CODE/export.json"; a plan code may
  // hold '/' ("31-KH/BCĐTP"), encoded or not.
  RouterResponse Report(const RouterRequest& req, const std::vector<std::string>& segments) {
    if (req.method != "GET") return JsonError(405, "method_not_allowed", "use GET here");
    const std::string& last = segments.back();
    std::string format;
    if (last == "report") format = "html";
    if (last == "export.csv") format = "csv";
    if (last == "export.json") format = "json";
    if (format.empty()) return JsonError(404, "not_found", "no page " + req.path);
    std::string code = segments[1];
    for (size_t i = 2; i + 1 < segments.size(); ++i) code += "/" + segments[i];
    auto caller = Authenticate(req);
    if (!caller.ok()) {
      if (format != "html") return StatusError(caller.status());
      RouterResponse r;  // a bookmarked report: log in first
      r.status = 303;
      r.headers["Location"] = "/#/login";
      AddSecurityHeaders(r);
      return r;
    }
    auto query = ParseQuery(req.query);
    auto response = ReportResponse(*ctx_, *caller, code, format, query["lang"]);
    return response.ok() ? std::move(response).value() : StatusError(response.status());
  }

  Result<Caller> Authenticate(const RouterRequest& req) {
    FS_ASSIGN_OR_RETURN(WebSession web, ctx_->auth->Resume(CookieValue(req.headers, kSessionCookie)));
    Caller caller;
    caller.session = server::Session{"", web.user.name, web.user.role};
    caller.web = std::move(web);
    StoreLock lock(ctx_->store_mu);
    FS_ASSIGN_OR_RETURN(caller.access, server::LoadUserAccess(*ctx_->store, caller.session));
    return caller;
  }

  // A state change must come from our own page: JSON, and the Origin (sent by browsers on every
  // POST) equal to this server. The CSRF token is checked by the caller once the session is known.
  std::optional<RouterResponse> CheckPost(const RouterRequest& req, json& body) {
    if (req.method != "POST") return JsonError(405, "method_not_allowed", "use POST for this action");
    const std::string origin = HeaderValue(req.headers, "Origin");
    const std::string host = HeaderValue(req.headers, "Host");
    if (!origin.empty() && origin != std::string(ctx_->https ? "https://" : "http://") + host) {
      return JsonError(403, "bad_origin", "this action must come from the dashboard's own page (Origin " + origin +
                                              " is not this server)");
    }
    const std::string type = HeaderValue(req.headers, "Content-Type");
    if (type.substr(0, type.find(';')) != "application/json") {
      return JsonError(415, "unsupported_media_type", "send the action as application/json");
    }
    if (req.body.size() > kMaxJsonBody) return JsonError(413, "too_large", "the request is larger than 64 KiB");
    body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return JsonError(400, "invalid_request", "the body must be a JSON object");
    return std::nullopt;
  }

  RouterResponse Api(const RouterRequest& req, const std::vector<std::string>& segments) {
    const std::string name = segments.size() == 2 ? segments[1] : "";
    if (name == "login") return Login(req);
    auto caller = Authenticate(req);
    if (!caller.ok()) return StatusError(caller.status());
    auto query = ParseQuery(req.query);
    if (name == "logout" || name == "resolve" || name == "review") {
      json body;
      if (auto refused = CheckPost(req, body)) return *refused;
      if (!WebAuth::CsrfMatches(caller->web, HeaderValue(req.headers, kCsrfHeader))) {
        return JsonError(403, "csrf", "the request lacks this session's CSRF token; reload the page");
      }
      if (name == "logout") return Logout(*caller);
      auto result = name == "resolve" ? ResolveAction(*ctx_, *caller, body) : ReviewAction(*ctx_, *caller, body);
      return result.ok() ? Json(200, *result) : StatusError(result.status());
    }
    if (req.method != "GET") return JsonError(405, "method_not_allowed", "use GET here");
    Result<json> result = Status::NotFound("no API call /api/" + name);
    StoreLock lock(ctx_->store_mu);
    if (name == "me") result = Me(*caller);
    if (name == "plans") result = PlansJson(*ctx_, *caller);
    if (name == "overview") result = OverviewJson(*ctx_, *caller, query["plan"]);
    if (name == "unit") result = UnitJson(*ctx_, *caller, query["id"]);
    if (name == "conflicts") result = ConflictsJson(*ctx_, *caller, query["plan"]);
    if (name == "conclusions") result = ConclusionsJson(*ctx_, *caller, query["plan"]);
    if (name == "search") result = SearchJson(*ctx_, *caller, query["plan"], query["q"]);
    return result.ok() ? Json(200, *result) : StatusError(result.status());
  }

  static json Me(const Caller& caller) {
    return {{"user", caller.web.user.name},
            {"full_name", caller.web.user.full_name},
            {"role", domain::RoleCode(caller.web.user.role)},
            {"csrf_token", caller.web.csrf_token},
            {"expires_at_ms", caller.web.expires_at_ms}};
  }

  RouterResponse Login(const RouterRequest& req) {
    json body;
    if (auto refused = CheckPost(req, body)) return *refused;
    const auto name = body.value("name", json()), password = body.value("password", json());
    if (!name.is_string() || !password.is_string()) {
      return JsonError(400, "invalid_request", "send {\"name\": ..., \"password\": ...}");
    }
    auto login = ctx_->auth->Login(name.get<std::string>(), password.get<std::string>(), req.remote_address);
    if (!login.ok()) return StatusError(login.status());
    const WebSession& s = login->session;
    Caller caller;
    caller.web = s;
    RouterResponse r = Json(200, Me(caller));
    const int64_t max_age = (s.expires_at_ms - ctx_->clock.NowMillis()) / 1000;
    r.headers["Set-Cookie"] = SessionCookie(login->token, max_age, ctx_->https);
    return r;
  }

  RouterResponse Logout(const Caller& caller) {
    if (Status s = ctx_->auth->Logout(caller.web); !s.ok()) return StatusError(s);
    RouterResponse r = Json(200, {{"logged_out", true}});
    r.headers["Set-Cookie"] = SessionCookie("", 0, ctx_->https);
    return r;
  }

  std::unique_ptr<Context> ctx_;
};

}  // namespace

Result<std::unique_ptr<server::WebHandler>> MakeDashboard(server::SyncService& service,
                                                          const DashboardOptions& options) {
  Clock& clock = options.clock ? *options.clock : SystemClock::Default();
  auto ctx = std::unique_ptr<Context>(new Context{service, options.db_path, options.https, clock, {}, {}, {}, {},
                                                      ExportSlots(options.max_concurrent_exports)});
  FS_ASSIGN_OR_RETURN(ctx->store, server::OpenSqliteServerStore(options.db_path));
  FS_ASSIGN_OR_RETURN(ctx->accounts, WebAccountStore::Open(options.db_path));
  ctx->auth = std::make_unique<WebAuth>(*ctx->accounts, *ctx->store, ctx->store_mu, clock, options.limits);
  return std::unique_ptr<server::WebHandler>(new Dashboard(std::move(ctx)));
}

Status SetPassword(const std::string& db_path, const std::string& user_name, const std::string& password,
                   const std::string& operator_name) {
  FS_RETURN_IF_ERROR(CheckNewPassword(password));
  FS_ASSIGN_OR_RETURN(auto store, server::OpenSqliteServerStore(db_path));
  FS_ASSIGN_OR_RETURN(auto user, store->GetUser(user_name));
  if (!user) {
    return Status::NotFound("no user '" + user_name + "'; add one first with: fieldsync-server user add --db " +
                            db_path + " --name NAME --role ROLE");
  }
  FS_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  FS_ASSIGN_OR_RETURN(auto accounts, WebAccountStore::Open(db_path));
  const int64_t now = SystemClock::Default().NowMillis();
  FS_RETURN_IF_ERROR(accounts->SetPassword(user->name, hash, now));
  return store->AppendAudit(server::AuditEvent{operator_name, "", "web_password_set", user->name}, now);
}

}  // namespace fieldsync::dashboard
