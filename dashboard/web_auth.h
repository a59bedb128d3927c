// WebAuth: dashboard logins and sessions. A login checks the password (Argon2id, password_kdf.h)
// behind a guessing limit like enrolment's (failed logins per network address and in all within a
// window: 429 without looking at the password); it is written to the audit log either way. A
// session is a random 256-bit token, kept by the server as its SHA-256 only, with an absolute
// expiry and a random CSRF token that every state change must echo in a header. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "fieldsync/clock.h"
#include "fieldsync/dashboard/dashboard.h"
#include "fieldsync/domain.h"
#include "fieldsync/server/server_store.h"
#include "web_account_store.h"

namespace fieldsync::dashboard {

struct WebSession {
  server::UserInfo user;
  std::string token_sha256;
  std::string csrf_token;
  int64_t expires_at_ms = 0;
};

struct LoginResult {
  WebSession session;
  std::string token;  // for the cookie; the server keeps only its hash
};

class WebAuth {
 public:
  // `accounts`, `users` (guarded by `users_mu`, shared with the dashboard's reads) and `clock` are
  // not owned and must outlive this object.
  WebAuth(WebAccountStore& accounts, server::ServerStore& users, std::mutex& users_mu, Clock& clock,
          LoginLimits limits)
      : accounts_(accounts), users_(users), users_mu_(users_mu), clock_(clock), limits_(limits) {}

  // Unauthenticated (one message whatever was wrong) for an unknown user, no password set or a
  // wrong one; ResourceExhausted when `client` or everyone failed too often within the window.
  Result<LoginResult> Login(const std::string& user_name, const std::string& password, const std::string& client);
  // Unauthenticated for an unknown or expired token (an expired one is deleted).
  Result<WebSession> Resume(const std::string& token);
  Status Logout(const WebSession& session);

  // Compares in constant time.
  static bool CsrfMatches(const WebSession& session, const std::string& header_value);

 private:
  Status CheckAttempts(const std::string& client, int64_t now);
  Status Audit(const std::string& actor, const std::string& action, const std::string& detail);

  WebAccountStore& accounts_;
  server::ServerStore& users_;
  std::mutex& users_mu_;
  Clock& clock_;
  LoginLimits limits_;
};

}  // namespace fieldsync::dashboard
