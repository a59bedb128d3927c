#include "web_http.h"

#include <iostream>

namespace fieldsync::dashboard {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace

void AddSecurityHeaders(RouterResponse& response, const char* policy) {
  response.headers["Content-Security-Policy"] = policy;
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.headers["X-Frame-Options"] = "DENY";
  response.headers["Referrer-Policy"] = "no-referrer";
  if (!response.headers.contains("Cache-Control")) response.headers["Cache-Control"] = "no-store";
}

RouterResponse Json(int status, const nlohmann::json& body) {
  RouterResponse r;
  r.status = status;
  // Invalid UTF-8 cannot reach here (text is validated on input); replace rather than throw.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.headers["Content-Type"] = "application/json; charset=utf-8";
  AddSecurityHeaders(r);
  return r;
}

RouterResponse JsonError(int status, const std::string& code, const std::string& message) {
  return Json(status, {{"error", {{"code", code}, {"message", message}}}});
}

RouterResponse StatusError(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnauthenticated: return JsonError(401, "unauthenticated", s.message());
    case StatusCode::kPermissionDenied: return JsonError(403, "forbidden", s.message());
    case StatusCode::kNotFound: return JsonError(404, "not_found", s.message());
    case StatusCode::kInvalidArgument: return JsonError(400, "invalid_request", s.message());
    case StatusCode::kFailedPrecondition: return JsonError(409, "conflict", s.message());
    case StatusCode::kAlreadyExists: return JsonError(409, "conflict", s.message());
    case StatusCode::kResourceExhausted: return JsonError(429, "too_many_attempts", s.message());
    case StatusCode::kUnavailable: return JsonError(503, "unavailable", s.message() + "; retry in a moment");
    default: return InternalError(s.ToString());
  }
}

RouterResponse InternalError(const std::string& detail) {
  std::cerr << "fieldsync-server: dashboard: internal error: " + detail + "\n" << std::flush;  // one write per line
  return JsonError(500, "internal",
                   "Máy chủ gặp lỗi; hãy thử lại, nếu vẫn lỗi xin báo quản trị viên (chi tiết ghi trong nhật ký "
                   "máy chủ). The server failed; try again, and if it keeps failing tell the administrator (the "
                   "details are in the server's log).");
}

std::string SessionCookie(const std::string& token, int64_t max_age_seconds, bool secure) {
  return std::string(kSessionCookie) + "=" + token + "; Max-Age=" + std::to_string(max_age_seconds) +
         "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

std::string HeaderValue(const server::HeaderMap& headers, std::string_view name) {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::string CookieValue(const server::HeaderMap& headers, std::string_view name) {
  for (std::string part : Split(HeaderValue(headers, "Cookie"), ';')) {
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 && part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
  }
  return "";
}

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 && HexDigit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2])));
      i += 2;
    } else {
      out.push_back(plus_is_space && text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

std::vector<std::string> PathSegments(std::string_view path) {
  std::vector<std::string> segments;
  for (const auto& raw : Split(path, '/')) {
    if (!raw.empty()) segments.push_back(PercentDecode(raw));
  }
  return segments;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  for (const auto& pair : Split(query, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    out[PercentDecode(pair.substr(0, eq), true)] =
        eq == std::string::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
  }
  return out;
}

}  // namespace fieldsync::dashboard
