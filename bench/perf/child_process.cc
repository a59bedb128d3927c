#include "child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

namespace fieldsync::bench {
namespace {

// fork + exec with stdout and stderr appended to `log` (a file, so a chatty child never blocks).
Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& log) {
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return Status::IoError("cannot write " + log);
  const pid_t pid = fork();
  if (pid < 0) return Status::IoError("fork failed");
  if (pid == 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fd);
  return pid;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Peak resident set of a running process (0 once it is gone).
double VmHwmMib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      double kib = 0;
      status >> kib;
      return kib / 1024.0;
    }
  }
  return 0;
}

}  // namespace

Result<Finished> RunToEnd(const std::vector<std::string>& argv, const std::string& log) {
  std::remove(log.c_str());
  FS_ASSIGN_OR_RETURN(pid_t pid, Spawn(argv, log));
  Finished f;
  // The child's own high-water mark (VmHWM), read while it runs: getrusage's ru_maxrss would also
  // count this big benchmark process, which the child was a copy of until it called exec. The last
  // reading counts: the mark only rises within one program, and early readings may predate exec.
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) return Status::IoError("waitpid failed");
    if (const double mib = VmHwmMib(pid); mib > 0) f.peak_mib = mib;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  f.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  f.output = Slurp(log);
  return f;
}

Result<std::unique_ptr<Background>> Background::Start(const std::vector<std::string>& argv, const std::string& log,
                                                      const std::string& ready, std::string* line) {
  std::remove(log.c_str());
  FS_ASSIGN_OR_RETURN(pid_t pid, Spawn(argv, log));
  auto bg = std::unique_ptr<Background>(new Background());
  bg->pid_ = pid;
  for (int i = 0; i < 3000; ++i) {
    std::istringstream output(Slurp(log));
    for (std::string l; std::getline(output, l);) {
      if (l.find(ready) != std::string::npos) {
        *line = l;
        return bg;
      }
    }
    if (waitpid(pid, nullptr, WNOHANG) == pid) {
      bg->pid_ = -1;
      return Status::Unavailable(argv[0] + " exited before it was ready: " + Slurp(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Status::Unavailable(argv[0] + " was not ready within 60 s: " + Slurp(log));
}

Background::~Background() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

double Background::PeakMib() const { return VmHwmMib(pid_); }

}  // namespace fieldsync::bench
