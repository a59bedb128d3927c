#include "web_auth.h"

#include <sodium.h>

#include "crypto.h"  // server/: RandomHex, Sha256Hex (device tokens use the same)
#include "password_kdf.h"

namespace fieldsync::dashboard {

Status WebAuth::CheckAttempts(const std::string& client, int64_t now) {
  const int64_t since = now - limits_.failure_window_ms;
  const std::string wait =
      "; wait " + std::to_string(limits_.failure_window_ms / 60000) + " minutes, or ask the secretariat to set a "
      "new password (fieldsync-server user passwd)";
  FS_ASSIGN_OR_RETURN(int64_t mine, accounts_.CountLoginFailures(client, since));
  if (mine >= limits_.max_failures_per_client) {
    return Status::ResourceExhausted("too many failed logins from this address" + wait);
  }
  FS_ASSIGN_OR_RETURN(int64_t all, accounts_.CountLoginFailures("", since));
  if (all >= limits_.max_failures_total) return Status::ResourceExhausted("too many failed logins just now" + wait);
  return Status::Ok();
}

Status WebAuth::Audit(const std::string& actor, const std::string& action, const std::string& detail) {
  std::lock_guard lock(users_mu_);
  return users_.AppendAudit(server::AuditEvent{actor, "", action, detail}, clock_.NowMillis());
}

Result<LoginResult> WebAuth::Login(const std::string& user_name, const std::string& password,
                                   const std::string& caller) {
  const int64_t now = clock_.NowMillis();
  const std::string client = caller.empty() ? "(unknown address)" : caller;
  FS_RETURN_IF_ERROR(CheckAttempts(client, now));
  std::optional<server::UserInfo> user;
  {
    std::lock_guard lock(users_mu_);
    FS_ASSIGN_OR_RETURN(user, users_.GetUser(user_name));
  }
  std::string hash;
  if (user) {
    FS_ASSIGN_OR_RETURN(hash, accounts_.PasswordHash(user->name));
  }
  if (!VerifyPassword(hash, password)) {
    FS_RETURN_IF_ERROR(accounts_.RecordLoginFailure(client, now));
    FS_RETURN_IF_ERROR(Audit(user ? user->name : "", "web_login_refused",
                             "login name '" + user_name.substr(0, 64) + "' from " + client));
    return Status::Unauthenticated("wrong login name or password; the secretariat sets passwords with "
                                   "`fieldsync-server user passwd`");
  }
  LoginResult out;
  FS_ASSIGN_OR_RETURN(out.token, server::RandomHex(32));
  FS_ASSIGN_OR_RETURN(out.session.csrf_token, server::RandomHex(32));
  out.session.user = *user;
  out.session.token_sha256 = server::Sha256Hex(out.token);
  out.session.expires_at_ms = now + limits_.session_ttl_ms;
  FS_RETURN_IF_ERROR(accounts_.AddSession(WebSessionRow{out.session.token_sha256, user->name,
                                                        out.session.csrf_token, now, out.session.expires_at_ms}));
  FS_RETURN_IF_ERROR(Audit(user->name, "web_login", "from " + client));
  return out;
}

Result<WebSession> WebAuth::Resume(const std::string& token) {
  const auto refused = Status::Unauthenticated("not logged in, or the session expired; log in again");
  if (token.empty() || token.size() > 128) return refused;
  const std::string token_hash = server::Sha256Hex(token);
  FS_ASSIGN_OR_RETURN(auto row, accounts_.SessionByTokenHash(token_hash));
  if (!row) return refused;
  if (row->expires_at_ms <= clock_.NowMillis()) {
    FS_RETURN_IF_ERROR(accounts_.DeleteSession(token_hash));
    return refused;
  }
  std::optional<server::UserInfo> user;
  {
    std::lock_guard lock(users_mu_);
    FS_ASSIGN_OR_RETURN(user, users_.GetUser(row->user_name));
  }
  if (!user) return refused;
  return WebSession{*user, token_hash, row->csrf_token, row->expires_at_ms};
}

Status WebAuth::Logout(const WebSession& session) {
  FS_RETURN_IF_ERROR(accounts_.DeleteSession(session.token_sha256));
  return Audit(session.user.name, "web_logout", "");
}

bool WebAuth::CsrfMatches(const WebSession& session, const std::string& header_value) {
  const std::string& expected = session.csrf_token;
  return !expected.empty() && header_value.size() == expected.size() &&
         sodium_memcmp(header_value.data(), expected.data(), expected.size()) == 0;
}

}  // namespace fieldsync::dashboard
