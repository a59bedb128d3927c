#include "soak/server_process.h"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "soak/net.h"

namespace fieldsync::soak {
namespace {

constexpr auto kAdminLimit = std::chrono::seconds(60);
constexpr auto kStartLimit = std::chrono::seconds(20);

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

ServerProcess::ServerProcess(std::string bin_dir, std::string work_dir)
    : bin_(bin_dir + "/fieldsync-server"),
      work_(work_dir),
      db_(work_dir + "/server.db"),
      log_(work_dir + "/logs/server.log") {}

ServerProcess::~ServerProcess() {
  std::lock_guard lock(mu_);
  process_.reset();  // kills and reaps a server still running
}

std::string ServerProcess::Admin(const std::vector<std::string>& args) {
  std::vector<std::string> argv{bin_};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunCommand(argv, work_ + "/logs/admin.out", log_, kAdminLimit);
  if (!r.status.ok()) {
    throw std::runtime_error("`fieldsync-server " + args[0] + "` failed (" + r.status.Describe() + "); see " + log_);
  }
  return r.out;
}

void ServerProcess::Setup(const std::vector<Account>& accounts) {
  for (const auto& a : accounts) {
    Admin({"user", "add", "--db", db_, "--name", a.name, "--role", a.role, "--full-name", a.full_name});
  }
  Admin({"plan", "import", "--db", db_, "--demo"});
}

std::string ServerProcess::EnrollCode(const std::string& user) {
  return Trim(Admin({"enroll-code", "--db", db_, "--user", user}));
}

void ServerProcess::Start() {
  if (port_ == 0) port_ = PickFreePort();
  auto child = ChildProcess::Spawn({bin_, "serve", "--db", db_, "--listen", "127.0.0.1:" + std::to_string(port_)},
                                  work_ + "/logs/serve.out", log_);
  ChildProcess* server = child.get();
  {
    std::lock_guard lock(mu_);
    process_ = std::move(child);
  }
  // Only this (the driver's main) thread replaces process_, so `server` stays valid here.
  const auto deadline = std::chrono::steady_clock::now() + kStartLimit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto ended = server->TryWait()) {
      throw std::runtime_error("fieldsync-server serve on port " + std::to_string(port_) + " ended at once (" +
                               ended->Describe() + "); see " + log_);
    }
    if (HealthOk(port_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("fieldsync-server did not answer /v1/health on port " + std::to_string(port_) +
                           " within 20 s; see " + log_);
}

void ServerProcess::Note(const std::string& line) const {
  std::ofstream(log_, std::ios::app) << "== soak: " << line << std::endl;
}

bool ServerProcess::Kill() {
  std::lock_guard lock(mu_);
  return process_ && process_->Signal(SIGKILL);
}

bool ServerProcess::RestartIfDown() {
  {
    std::lock_guard lock(mu_);
    if (process_ && !process_->TryWait()) return false;
  }
  Note("restarting");
  Start();
  return true;
}

ExitStatus ServerProcess::Stop() {
  std::lock_guard lock(mu_);
  if (!process_) return {};
  process_->Signal(SIGTERM);
  auto status = process_->WaitFor(std::chrono::seconds(10));
  if (!status) {
    process_->Signal(SIGKILL);
    status = process_->WaitFor(std::chrono::seconds(10));
  }
  return status.value_or(ExitStatus{true, SIGKILL});
}

}  // namespace fieldsync::soak
