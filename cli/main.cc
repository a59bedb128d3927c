// fieldsync: the device command line. See README.md "Device CLI".
#include <CLI/CLI.hpp>
#include <iostream>

#include "device_commands.h"

using fieldsync::AnswerEdit;
using fieldsync::cli::CommonOptions;

namespace {

// The five parts of an answer or of a session's conclusion as options; Edit() holds those given.
struct PartOptions {
  std::string rating, results, good, limits, recs;
  CLI::Option *o_rating = nullptr, *o_results = nullptr, *o_good = nullptr, *o_limits = nullptr, *o_recs = nullptr;

  void AddTo(CLI::App* cmd) {
    o_rating = cmd->add_option("--rating", rating, "tot (Tốt), dat (Đạt), chua_dat (Chưa đạt), "
                                                   "khong_ap_dung (Không áp dụng)");
    o_results = cmd->add_option("--results", results, "kết quả đạt được (results achieved)");
    o_good = cmd->add_option("--good-practices", good, "cách làm hay, kinh nghiệm (good practices)");
    o_limits = cmd->add_option("--limitations", limits, "hạn chế, khó khăn, vướng mắc (limitations)");
    o_recs = cmd->add_option("--recommendations", recs, "kiến nghị, đề xuất (recommendations)");
  }
  AnswerEdit Edit() const {
    AnswerEdit edit;
    if (*o_rating) edit.rating = rating;
    if (*o_results) edit.results = results;
    if (*o_good) edit.good_practices = good;
    if (*o_limits) edit.limitations = limits;
    if (*o_recs) edit.recommendations = recs;
    return edit;
  }
};

// Every command takes --db; read commands also take --json.
CLI::App* AddCommand(CLI::App& app, const std::string& name, const std::string& help, CommonOptions& common,
                     bool readable) {
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("--db", common.db, "path of this tablet's store (SQLite file)");
  if (readable) cmd->add_flag("--json", common.json, "print JSON instead of text");
  return cmd;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fieldsync: the inspector's tablet store (offline-first supervision checklists)", "fieldsync"};
  app.require_subcommand(1);
  CommonOptions common;

  std::string user;
  auto* init = AddCommand(app, "init", "give a new store its device id and inspector", common, true);
  init->add_option("--user", user, "inspector's user name, e.g. luan")->required();

  auto* load_demo = AddCommand(app, "load-demo", "load the built-in seed plan 31-KH/BCĐTP", common, true);
  auto* visits = AddCommand(app, "visits", "list working sessions with their units and team", common, true);

  std::string unit, item, search_text;
  auto* checklist = AddCommand(app, "checklist", "show a unit's checklist with current answers", common, true);
  checklist->add_option("--unit", unit, "unit code, e.g. Q4 (see `visits`)")->required();

  PartOptions answer_parts, conclusion_parts;
  auto* answer = AddCommand(app, "answer", "record parts of an answer for one item of one unit", common, true);
  answer->add_option("--unit", unit, "unit code, e.g. Q4")->required();
  answer->add_option("--item", item, "item code, e.g. A5")->required();
  answer_parts.AddTo(answer);

  auto* conclude = AddCommand(app, "conclude",
                              "record parts of the conclusion (kết luận) of a unit's working session (leader and "
                              "deputy; syncs)",
                              common, true);
  conclude->add_option("--unit", unit, "a unit of the session, e.g. Q4 (see `visits`)")->required();
  conclusion_parts.AddTo(conclude);

  auto* search = AddCommand(app, "search", "accent-insensitive search over every text field", common, true);
  search->add_option("text", search_text, "words to find, with or without diacritics")->required();

  auto* outbox = AddCommand(app, "outbox", "list local changes not yet acknowledged by the server", common, true);
  bool rejected = false;
  outbox->add_flag("--rejected", rejected, "list the changes the server refused for good instead, with its reasons");
  bool retry_rejected = false;
  outbox->add_flag("--retry-rejected", retry_rejected,
                   "put the refused changes back into the outbox (after the cause was fixed, e.g. an assignment)")
      ->excludes("--rejected");

  std::string part;
  auto* del = AddCommand(app, "delete", "delete an answer, or one part of it (the deletion syncs)", common, false);
  del->add_option("--unit", unit, "unit code, e.g. Q4")->required();
  del->add_option("--item", item, "item code, e.g. A5")->required();
  del->add_option("--part", part, "only this part: rating, results, good_practices, limitations, recommendations");

  bool include_resolved = false;
  auto* conflicts = AddCommand(app, "conflicts", "edits that collided, with both values (leader and deputy)", common,
                               true);
  conflicts->add_flag("--all", include_resolved, "include resolved conflicts");
  std::string conflict_part;
  conflicts->add_option("--part", conflict_part, "only conflicts on this part, e.g. results or rating");

  std::string conflict_id, keep, merged;
  auto* resolve = AddCommand(app, "resolve", "resolve a conflict: keep one value or write a merged one", common, true);
  resolve->add_option("--conflict", conflict_id, "conflict id from `fieldsync conflicts`")->required();
  auto* keep_opt = resolve->add_option("--keep", keep, "winner or loser")->check(CLI::IsMember({"winner", "loser"}));
  resolve->add_option("--value", merged, "a merged value to write instead")->excludes(keep_opt);

  std::string review_status, review_comment;
  auto* review = AddCommand(app, "review",
                            "review an answer (or without --item the conclusion of the unit's session): approved, "
                            "needs_changes or received (leader and deputy; syncs)",
                            common, true);
  review->add_option("--unit", unit, "unit code, e.g. Q4")->required();
  review->add_option("--item", item, "item code, e.g. A5; leave out to review the session's conclusion");
  review->add_option("--status", review_status, "approved, needs_changes or received")->required();
  review->add_option("--comment", review_comment, "what to change, or why it is approved");

  std::string server_url, code, device_name = "tablet";
  auto* enroll = AddCommand(app, "enroll", "register this tablet with the server using a one-time code", common, true);
  enroll->add_option("--server", server_url, "server URL, e.g. http://127.0.0.1:8080")->required();
  enroll->add_option("--code", code, "one-time enrolment code from the secretariat")->required();
  enroll->add_option("--device-name", device_name, "a name for this tablet, shown to the secretariat");
  std::string ca_file;
  enroll->add_option("--ca-file", ca_file,
                     "trust only this PEM CA for the https:// server's certificate (pinning; default: the "
                     "system's CAs)")
      ->check(CLI::ExistingFile);

  fieldsync::cli::SyncCommandOptions sync_options;
  auto* sync = AddCommand(app, "sync", "send local changes and receive the team's (resumes after any cut)", common,
                          true);
  sync->add_option("--batch", sync_options.batch, "changes per request, push and pull (default: up to 10000 pushed, 5000 pulled)")
      ->check(CLI::Range(1, 2000));
  sync->add_option("--attempts", sync_options.attempts, "tries per request before giving up until the next sync")
      ->check(CLI::Range(1, 100));
  sync->add_option("--simulate-cut", sync_options.simulate_cuts,
                   "testing aid: drop the answer to these request numbers (1-based) after the server got them");
  auto* status = AddCommand(app, "status", "pending changes, last successful sync, last error", common, true);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (common.db.empty()) {
    std::cerr << "fieldsync: --db PATH is required: the tablet's store file, e.g. --db luan.db\n";
    return 2;
  }
  namespace c = fieldsync::cli;
  if (*init) return c::RunInit(common, user);
  if (*load_demo) return c::RunLoadDemo(common);
  if (*visits) return c::RunVisits(common);
  if (*checklist) return c::RunChecklist(common, unit);
  if (*answer) return c::RunAnswer(common, unit, item, answer_parts.Edit());
  if (*conclude) return c::RunConclude(common, unit, conclusion_parts.Edit());
  if (*search) return c::RunSearch(common, search_text);
  if (*outbox) return c::RunOutbox(common, rejected, retry_rejected);
  if (*del) return c::RunDelete(common, unit, item, part);
  if (*conflicts) return c::RunConflicts(common, include_resolved, conflict_part);
  if (*resolve) return c::RunResolve(common, conflict_id, keep, merged);
  if (*review) return c::RunReview(common, unit, item, review_status, review_comment);
  if (*enroll) return c::RunEnroll(common, server_url, code, device_name, ca_file);
  if (*sync) return c::RunSync(common, sync_options);
  if (*status) return c::RunStatus(common);
  return 2;
}
