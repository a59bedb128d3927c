// The `fieldsync` subcommands. Each opens the store, does one job, prints text or JSON, and
// returns the process exit code (0 ok, 1 the request was refused, 3 storage failure).
#pragma once

#include <optional>
#include <set>
#include <string>

#include "fieldsync/checklist.h"

namespace fieldsync::cli {

struct CommonOptions {
  std::string db;
  bool json = false;
};

int RunInit(const CommonOptions& o, const std::string& user);
int RunLoadDemo(const CommonOptions& o);
int RunVisits(const CommonOptions& o);
int RunChecklist(const CommonOptions& o, const std::string& unit_code);
int RunAnswer(const CommonOptions& o, const std::string& unit_code, const std::string& item_code,
              const AnswerEdit& edit);
// Parts of the conclusion of the session of unit `unit_code`.
int RunConclude(const CommonOptions& o, const std::string& unit_code, const AnswerEdit& edit);
int RunSearch(const CommonOptions& o, const std::string& text);
// `rejected`: the changes the server refused for good instead of the pending ones;
// `retry_rejected`: move those back into the outbox first.
int RunOutbox(const CommonOptions& o, bool rejected, bool retry_rejected);
int RunDelete(const CommonOptions& o, const std::string& unit_code, const std::string& item_code,
              const std::string& part);
int RunConflicts(const CommonOptions& o, bool include_resolved, const std::string& part);
// `keep` is "winner" or "loser"; empty with a `merged` value.
int RunResolve(const CommonOptions& o, const std::string& conflict_id, const std::string& keep,
               const std::string& merged);
// `item_code` empty reviews the conclusion of the unit's session.
int RunReview(const CommonOptions& o, const std::string& unit_code, const std::string& item_code,
              const std::string& status, const std::string& comment);

struct SyncCommandOptions {
  std::set<int> simulate_cuts;  // request numbers whose answers are dropped (demo and tests)
  size_t batch = 0;  // 0: the engine's defaults
  int attempts = 5;  // per request, before the sync gives up until next time
};
// `ca_file`: a PEM CA to pin the server's certificate to ("" for the system's CAs).
int RunEnroll(const CommonOptions& o, const std::string& server_url, const std::string& code,
              const std::string& device_name, const std::string& ca_file);
int RunSync(const CommonOptions& o, const SyncCommandOptions& sync);
int RunStatus(const CommonOptions& o);

}  // namespace fieldsync::cli
