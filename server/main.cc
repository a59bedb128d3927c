// fieldsync-server: the central server and its admin commands.
//   fieldsync-server serve --db central.db --listen 127.0.0.1:8080 [--tls-cert cert.pem --tls-key key.pem]
//   fieldsync-server user add --db central.db --name luan --role leader --full-name "Ngô Văn Luận"
//   fieldsync-server user passwd --db central.db --name luan   (the dashboard password, on stdin)
//   fieldsync-server plan import --db central.db --demo
//   fieldsync-server assign --db central.db --user khoa --visit V2
//   fieldsync-server enroll-code --db central.db --user luan
//   fieldsync-server answers --db central.db --plan 31-KH/BCĐTP [--json]
//   fieldsync-server conflicts --db central.db [--plan CODE] [--all] [--json]
//   fieldsync-server resolve --db central.db --conflict ID (--keep winner|loser | --value TEXT)
//   fieldsync-server purge --db central.db --retention-days N
//   fieldsync-server device list --db central.db
//   fieldsync-server device revoke --db central.db (--device ID | --user NAME)
//   fieldsync-server audit list --db central.db [--after SEQ] [--limit N]
//   fieldsync-server audit verify --db central.db [--anchor SEQ:SHA256]
//   fieldsync-server review --db central.db --plan CODE (--unit U --item I | --visit V) --status S --as USER
//   fieldsync-server report --db central.db --plan CODE [--format html|csv|json] [--lang vi|en] [--out FILE]
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "commands.h"

using fieldsync::server::cli::Common;

namespace {

CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& help, Common& common,
                     bool json = true) {
  auto* cmd = parent.add_subcommand(name, help);
  cmd->add_option("--db", common.db, "the server's database file (SQLite), e.g. central.db")->required();
  if (json) cmd->add_flag("--json", common.json, "print JSON instead of text");
  return cmd;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fieldsync-server: the central sync server for fieldsync tablets, and its admin commands",
               "fieldsync-server"};
  app.require_subcommand(1);
  Common common;

  std::string listen = "127.0.0.1:8080";
  int64_t max_drift = 300;
  auto* serve = AddCommand(app, "serve", "serve the sync protocol over HTTP until SIGINT/SIGTERM", common, false);
  serve->add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free port)")->capture_default_str();
  serve->add_option("--max-clock-drift", max_drift,
                    "refuse changes stamped more than this many seconds ahead of the server clock")
      ->capture_default_str();
  fieldsync::server::TlsFiles tls;
  serve->add_option("--tls-cert", tls.certificate_chain_file,
                    "serve HTTPS with this PEM certificate chain (server certificate first)")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", tls.private_key_file, "the PEM private key of --tls-cert")->check(CLI::ExistingFile);

  auto* user = app.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  std::string name, role, full_name;
  auto* user_add = AddCommand(*user, "add", "add a user who may enrol tablets", common);
  user_add->add_option("--name", name, "login name, e.g. luan (matches user_name in the plan's team)")->required();
  user_add->add_option("--role", role, "secretariat, leader, deputy or member")->required();
  user_add->add_option("--full-name", full_name, "full name, e.g. \"Ngô Văn Luận\"");
  bool password_stdin = false;
  user_add->add_flag("--password-stdin", password_stdin, "also set the dashboard password, read from standard input");
  auto* user_passwd = AddCommand(*user, "passwd",
                                 "set a user's dashboard password, read from standard input (never an argument)",
                                 common, false);
  user_passwd->add_option("--name", name, "login name, e.g. luan")->required();

  auto* plan = app.add_subcommand("plan", "manage plans");
  plan->require_subcommand(1);
  bool demo = false;
  auto* plan_import = AddCommand(*plan, "import", "import a plan so that tablets can pull it", common);
  plan_import->add_flag("--demo", demo, "the built-in seed plan 31-KH/BCĐTP")->required();

  std::string visit;
  auto* assign = AddCommand(app, "assign", "assign a team member to a visit (working session)", common);
  assign->add_option("--user", name, "user name of the team member, e.g. khoa")->required();
  assign->add_option("--visit", visit, "visit code, e.g. V2")->required();

  auto* enroll_code = AddCommand(app, "enroll-code", "make a one-time code to enrol a tablet (valid 7 days)", common);
  enroll_code->add_option("--user", name, "user the tablet will belong to")->required();

  std::string plan_code;
  auto* answers = AddCommand(app, "answers", "show the merged current answers of a plan, per unit", common);
  answers->add_option("--plan", plan_code, "plan code, e.g. 31-KH/BCĐTP")->required();

  bool all = false;
  auto* conflicts = AddCommand(app, "conflicts", "list the open conflicts (values that lost to a concurrent edit)",
                               common);
  conflicts->add_option("--plan", plan_code, "only the conflicts of this plan, e.g. 31-KH/BCĐTP");
  conflicts->add_flag("--all", all, "also list resolved conflicts");

  std::string conflict_id, keep;
  std::optional<std::string> value;
  auto* resolve = AddCommand(app, "resolve", "resolve a conflict as the server (writes the chosen value)", common);
  resolve->add_option("--conflict", conflict_id, "conflict id, as `conflicts` lists it")->required();
  auto* keep_opt = resolve->add_option("--keep", keep, "keep the current value (winner) or the one that lost (loser)")
                       ->check(CLI::IsMember({"winner", "loser"}));
  auto* value_opt = resolve->add_option("--value", value, "write this text instead (a merge of both)");
  keep_opt->excludes(value_opt);
  value_opt->excludes(keep_opt);

  int64_t retention_days = 0;
  auto* purge = AddCommand(app, "purge",
                           "delete superseded history that every recently seen device has pulled (keeps current "
                           "values, deletions and resend keys)",
                           common);
  purge->add_option("--retention-days", retention_days,
                    "devices not seen for this many days must re-sync their state when they come back")
      ->required();

  auto* device = app.add_subcommand("device", "enrolled tablets: list them, cut off a lost one");
  device->require_subcommand(1);
  auto* device_list = AddCommand(*device, "list", "list the enrolled tablets", common);
  std::string device_id;
  auto* device_revoke = AddCommand(*device, "revoke",
                                   "cut off a lost tablet at once (its synced data stays; a new enrolment code lets it "
                                   "back in)",
                                   common, false);
  auto* revoke_device_opt = device_revoke->add_option("--device", device_id, "device id, see `device list`");
  auto* revoke_user_opt = device_revoke->add_option("--user", name, "revoke every tablet of this user");
  revoke_device_opt->excludes(revoke_user_opt);
  revoke_user_opt->excludes(revoke_device_opt);

  auto* audit = app.add_subcommand("audit", "the append-only, hash-chained log of who changed what and when");
  audit->require_subcommand(1);
  uint64_t audit_after = 0;
  size_t audit_limit = 100;
  auto* audit_list = AddCommand(*audit, "list", "print audit entries", common);
  audit_list->add_option("--after", audit_after, "start after this entry number")->capture_default_str();
  audit_list->add_option("--limit", audit_limit, "at most this many entries")->capture_default_str();
  auto* audit_verify = AddCommand(*audit, "verify",
                                  "check every entry's hash chain (exit 3 when it is broken: tampering or damage)",
                                  common);
  std::string anchor;
  audit_verify->add_option("--anchor", anchor,
                           "SEQ:SHA256, the head an earlier verify printed: that entry must still be there, unchanged");

  fieldsync::server::ReviewTarget review_target;
  std::string review_status, review_comment, review_as;
  auto* review = AddCommand(app, "review",
                            "review an answer or a visit's conclusion as a leader, deputy or the secretariat "
                            "(synced to the tablets)",
                            common);
  review->add_option("--plan", review_target.plan_code, "plan code, e.g. 31-KH/BCĐTP")->required();
  review->add_option("--unit", review_target.unit_code, "unit code of the answer, e.g. Q4 (with --item)");
  review->add_option("--item", review_target.item_code, "item code of the answer, e.g. A5 (with --unit)");
  review->add_option("--visit", review_target.visit_code, "visit code, to review its conclusion instead, e.g. V1");
  review->add_option("--status", review_status, "received, needs_changes or approved")->required();
  review->add_option("--comment", review_comment, "what to change, or why it is approved");
  review->add_option("--as", review_as, "the reviewing user (checked against their role), e.g. luan")->required();

  std::string report_format = "html", report_lang = "vi", report_out;
  auto* report = AddCommand(app, "report", "the consolidated report of a plan (HTML for print, CSV, JSON)", common,
                            false);
  report->add_option("--plan", plan_code, "plan code, e.g. 31-KH/BCĐTP")->required();
  report->add_option("--format", report_format, "html, csv or json")->capture_default_str();
  report->add_option("--lang", report_lang, "vi (Tiếng Việt) or en (English)")->capture_default_str();
  report->add_option("--out", report_out, "write to this file instead of standard output");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  namespace c = fieldsync::server::cli;
  if (*serve) return c::RunServe(common, listen, max_drift, tls);
  if (*user_add) {
    const int added = c::RunUserAdd(common, name, role, full_name);
    return added == 0 && password_stdin ? c::RunUserPasswd(common, name) : added;
  }
  if (*user_passwd) return c::RunUserPasswd(common, name);
  if (*plan_import) return c::RunPlanImport(common, demo);
  if (*assign) return c::RunAssign(common, name, visit);
  if (*enroll_code) return c::RunEnrollCode(common, name);
  if (*answers) return c::RunAnswers(common, plan_code);
  if (*conflicts) return c::RunConflicts(common, plan_code, all);
  if (*resolve) return c::RunResolve(common, conflict_id, keep, value);
  if (*purge) return c::RunPurge(common, retention_days);
  if (*device_list) return c::RunDeviceList(common);
  if (*device_revoke) return c::RunDeviceRevoke(common, device_id, name);
  if (*audit_list) return c::RunAuditList(common, audit_after, audit_limit);
  if (*audit_verify) return c::RunAuditVerify(common, anchor);
  if (*review) return c::RunReview(common, review_target, review_status, review_comment, review_as);
  if (*report) return c::RunReport(common, plan_code, report_format, report_lang, report_out);
  return 2;
}
