// Device: one tablet of the soak, driven only through the real `fieldsync` CLI, like the demo.
// Every local write is followed by a read-only look at the store's outbox, which goes into the
// Ledger. Syncs run as separate processes so they can be killed midway. Logs go to
// <work>/logs/<name>.log.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "soak/child_process.h"
#include "soak/ledger.h"

namespace fieldsync::soak {

struct AnswerParts {
  std::optional<std::string> rating, results, good_practices, limitations, recommendations;
};

struct OpenConflict {
  std::string id, field;
};

struct SyncOutcome {
  ExitStatus status;
  bool timed_out = false;
  int64_t pushed = 0, received = 0;  // from --json, when it succeeded
};

class Device {
 public:
  Device(std::string name, std::string bin_dir, std::string work_dir, Ledger& ledger);

  const std::string& name() const { return name_; }
  const std::string& db() const { return db_; }
  const std::string& device_id() const { return device_id_; }

  // Enrols with the server (through `url`, the device's proxy). Throws on failure.
  void Enroll(const std::string& url, const std::string& code);

  // Local writes. Return "" or the CLI's error; the outbox is captured into the ledger either way.
  std::string Answer(const std::string& unit, const std::string& item, const AnswerParts& parts);
  std::string Delete(const std::string& unit, const std::string& item, const std::string& part);
  std::string Resolve(const std::string& conflict_id, const std::string& how, const std::string& value);
  // Open conflicts on this tablet (leader and deputy).
  std::vector<OpenConflict> Conflicts();

  // Starts `fieldsync sync --json` in the background.
  std::unique_ptr<ChildProcess> StartSync(int batch, int attempts);
  // Reads the outcome of a finished sync started by StartSync, and logs it.
  SyncOutcome Outcome(const ChildProcess& sync, const ExitStatus& status);

  // Problems the ledger saw (sequence reuse) since the last call.
  std::vector<std::string> TakeProblems();

 private:
  CommandResult Run(std::vector<std::string> args);
  void CaptureOutbox();
  void Log(const std::string& line);

  const std::string name_, bin_, work_, db_, log_, out_;
  std::string device_id_;
  Ledger& ledger_;
  std::vector<std::string> problems_;
};

}  // namespace fieldsync::soak
