// The web dashboard (issue 7), served by `fieldsync-server serve` on the sync port: every path
// outside /v1/ (RequestRouter hands them to the WebHandler made here).
//
//   /                          the app (dashboard/static/, embedded in the binary): plan overview,
//                              a unit's checklist with authors, times and history, conflicts side
//                              by side with resolve, conclusions with approve, review of answers,
//                              search; Vietnamese, English switchable
//   /api/...                   its JSON API (docs/PROTOCOL.md "Web dashboard")
//   /plans/CODE/report         the consolidated report (report/), print-friendly HTML
//   /plans/CODE/export.csv|json  the same as downloads, streamed from a temporary file
//
// Security: login with a password hashed with Argon2id (libsodium), rate-limited like enrolment and
// audited; a session is a random token in an HttpOnly, SameSite=Strict cookie (Secure over HTTPS),
// kept on the server as its SHA-256 with an absolute expiry; every state change is a POST with a
// JSON body, the session's CSRF token in X-CSRF-Token and, when the browser sends one, an Origin
// equal to the server's; every call is authorised with the sync API's own rules (the scopes a
// tablet of that user would pull, CheckWrite for writes), so a member's login reads their visits
// and nothing else. Every answer carries a Content-Security-Policy without inline scripts,
// X-Content-Type-Options and frame-ancestors 'none'. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fieldsync/clock.h"
#include "fieldsync/server/request_router.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/status.h"

namespace fieldsync::dashboard {

struct LoginLimits {
  int64_t session_ttl_ms = 8LL * 60 * 60 * 1000;  // one working day; then log in again
  // Guessing: failed logins within the window, per network address and in all.
  int64_t failure_window_ms = 15LL * 60 * 1000;
  int64_t max_failures_per_client = 10;
  int64_t max_failures_total = 200;
};

struct DashboardOptions {
  std::string db_path;      // the file `service` was opened on (the dashboard reads it too)
  bool https = false;       // cookies get Secure
  Clock* clock = nullptr;   // not owned; the system clock when null
  LoginLimits limits;
  // Reports and exports being written or downloaded at once (each holds a temporary file); one
  // more is refused with 503 and "try again in a minute".
  size_t max_concurrent_exports = 4;
};

// `service` is not owned and must outlive the handler.
Result<std::unique_ptr<server::WebHandler>> MakeDashboard(server::SyncService& service,
                                                          const DashboardOptions& options);

// Sets (or replaces) the dashboard password of an existing user of the server at `db_path`, and
// ends the user's open sessions. InvalidArgument for a password shorter than 10 characters or not
// UTF-8; NotFound for an unknown user. Audited as `operator_name`.
Status SetPassword(const std::string& db_path, const std::string& user_name, const std::string& password,
                   const std::string& operator_name = "admin");

}  // namespace fieldsync::dashboard
