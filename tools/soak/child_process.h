// ChildProcess: one program run by the soak driver (server, device CLI), with its stdout and stderr
// in files. Kill() and the reaping in Wait*() share a lock, so a kill from another thread (the
// proxy's tap) never hits a pid that was already reaped and reused. Every child gets
// PR_SET_PDEATHSIG(SIGKILL) and is listed for KillAllChildren(), so none outlives the driver,
// whatever way it ends. The object kills and reaps a child still running when destroyed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace fieldsync::soak {

struct ExitStatus {
  bool signaled = false;
  int code = 0;  // exit code, or the signal number when `signaled`
  bool ok() const { return !signaled && code == 0; }
  std::string Describe() const;
};

class ChildProcess {
 public:
  // Starts argv[0] with the given arguments. stdout goes to `stdout_path` (truncated) and stderr is
  // appended to `stderr_path`. Must be called from a thread that outlives the child (PDEATHSIG
  // follows the spawning thread). Throws std::runtime_error when it cannot start.
  static std::unique_ptr<ChildProcess> Spawn(const std::vector<std::string>& argv, const std::string& stdout_path,
                                             const std::string& stderr_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `signal` if the child has not been reaped yet; true if sent. Thread-safe.
  bool Signal(int signal);
  // The exit status once the child ended; nullopt while it runs. Thread-safe.
  std::optional<ExitStatus> TryWait();
  // Waits up to `limit`; nullopt if it still runs.
  std::optional<ExitStatus> WaitFor(std::chrono::milliseconds limit);
  const std::string& stdout_path() const { return stdout_path_; }

 private:
  ChildProcess(pid_t pid, std::string stdout_path) : pid_(pid), stdout_path_(std::move(stdout_path)) {}

  const pid_t pid_;
  const std::string stdout_path_;
  std::mutex mu_;
  std::optional<ExitStatus> status_;
};

struct CommandResult {
  ExitStatus status;
  std::string out;         // what it printed on stdout
  bool timed_out = false;  // killed after the limit
};
// Runs a short command to its end, killing it after `limit`. stdout goes through `stdout_path`,
// stderr is appended to `stderr_path`.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdout_path,
                         const std::string& stderr_path, std::chrono::milliseconds limit);

// SIGKILLs every child not yet reaped. Async-signal-safe: for signal handlers and std::atexit.
void KillAllChildren();

std::string ReadFile(const std::string& path);

}  // namespace fieldsync::soak
