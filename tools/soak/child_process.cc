#include "soak/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fieldsync::soak {
namespace {

// Pids of live children, in a fixed array so a signal handler can walk it.
constexpr int kMaxChildren = 256;
std::atomic<pid_t> g_children[kMaxChildren];

void Register(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void Unregister(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

ExitStatus FromWaitStatus(int status) {
  if (WIFSIGNALED(status)) return {true, WTERMSIG(status)};
  return {false, WEXITSTATUS(status)};
}

}  // namespace

std::string ExitStatus::Describe() const {
  if (signaled) return std::string("killed by signal ") + strsignal(code);
  return "exit code " + std::to_string(code);
}

void KillAllChildren() {
  for (auto& slot : g_children) {
    if (pid_t pid = slot.load(); pid > 0) kill(pid, SIGKILL);
  }
}

std::unique_ptr<ChildProcess> ChildProcess::Spawn(const std::vector<std::string>& argv,
                                                  const std::string& stdout_path, const std::string& stderr_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  // fork + exec rather than posix_spawn for PR_SET_PDEATHSIG; the child calls only
  // async-signal-safe functions before exec.
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot start ") + argv[0] + ": " + std::strerror(errno));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the driver already died
    int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || err < 0 || in < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  Register(pid);
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, stdout_path));
}

ChildProcess::~ChildProcess() {
  if (!TryWait()) {
    Signal(SIGKILL);
    std::lock_guard lock(mu_);
    int status = 0;
    waitpid(pid_, &status, 0);
    Unregister(pid_);
  }
}

bool ChildProcess::Signal(int signal) {
  std::lock_guard lock(mu_);
  if (status_) return false;
  return kill(pid_, signal) == 0;
}

std::optional<ExitStatus> ChildProcess::TryWait() {
  std::lock_guard lock(mu_);
  if (status_) return status_;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  Unregister(pid_);
  status_ = FromWaitStatus(status);
  return status_;
}

std::optional<ExitStatus> ChildProcess::WaitFor(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    if (auto s = TryWait()) return s;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdout_path,
                         const std::string& stderr_path, std::chrono::milliseconds limit) {
  auto child = ChildProcess::Spawn(argv, stdout_path, stderr_path);
  CommandResult result;
  auto status = child->WaitFor(limit);
  if (!status) {
    child->Signal(SIGKILL);
    status = child->WaitFor(std::chrono::seconds(10));
    result.timed_out = true;
  }
  result.status = status.value_or(ExitStatus{true, SIGKILL});
  result.out = ReadFile(stdout_path);
  return result;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace fieldsync::soak
