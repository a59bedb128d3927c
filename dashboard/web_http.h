// The dashboard's HTTP vocabulary over RouterRequest/RouterResponse: JSON answers and errors with
// the security headers every answer carries, the session cookie, and decoding of paths and query
// strings. Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fieldsync/server/request_router.h"
#include "fieldsync/status.h"

namespace fieldsync::dashboard {

using server::RouterRequest;
using server::RouterResponse;

inline constexpr const char* kSessionCookie = "fieldsync_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

// The dashboard's pages run only their own scripts and styles, talk only to this server, and may
// not be framed (clickjacking).
inline constexpr const char* kAppPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

// Adds Content-Security-Policy `policy`, X-Content-Type-Options, Referrer-Policy, X-Frame-Options
// and Cache-Control: no-store (answers hold findings).
void AddSecurityHeaders(RouterResponse& response, const char* policy = kAppPolicy);
RouterResponse Json(int status, const nlohmann::json& body);
// {"error": {"code": ..., "message": ...}}.
RouterResponse JsonError(int status, const std::string& code, const std::string& message);
// A service or store Status as a JSON error: 401, 403, 404, 400, 409, 429, 503 or 500 (through
// InternalError).
RouterResponse StatusError(const Status& status);
// 500 with a generic message in Vietnamese and English; `detail` (an exception's or a store
// error's text, which may name files, tables or queries) goes only to the server's log (stderr).
RouterResponse InternalError(const std::string& detail);

// Set-Cookie for the session: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS. An empty
// token with max_age 0 clears it.
std::string SessionCookie(const std::string& token, int64_t max_age_seconds, bool secure);
// A cookie's value from the Cookie header, "" when absent.
std::string CookieValue(const server::HeaderMap& headers, std::string_view name);
std::string HeaderValue(const server::HeaderMap& headers, std::string_view name);

// "%C4%90" -> "Đ", "+" stays "+" in paths; in query values "+" is a space.
std::string PercentDecode(std::string_view text, bool plus_is_space = false);
// "/plans/31-KH%2FBC%C4%90TP/report" -> {"plans", "31-KH/BCĐTP", "report"}.
std::vector<std::string> PathSegments(std::string_view path);
std::map<std::string, std::string> ParseQuery(std::string_view query);

}  // namespace fieldsync::dashboard
