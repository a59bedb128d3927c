// Runs the real apps (fieldsync, fieldsync-server) as child processes so that their peak memory is
// their own (POSIX; bench only).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "fieldsync/status.h"

namespace fieldsync::bench {

struct Finished {
  int exit_code = -1;
  double peak_mib = 0;  // the child's peak resident set (VmHWM)
  std::string output;   // stdout and stderr
};
// Runs `argv` to the end; its output goes to the file `log`.
Result<Finished> RunToEnd(const std::vector<std::string>& argv, const std::string& log);

// A long-running child (the server); stopped with SIGTERM when destroyed.
class Background {
 public:
  // Starts `argv` with its output going to the file `log` and waits (up to 60 s) for a line
  // containing `ready`; returns that line.
  static Result<std::unique_ptr<Background>> Start(const std::vector<std::string>& argv, const std::string& log,
                                                   const std::string& ready, std::string* line);
  ~Background();
  double PeakMib() const;  // VmHWM from /proc/PID/status

 private:
  pid_t pid_ = -1;
};

}  // namespace fieldsync::bench
