// ServerProcess: the real `fieldsync-server` of a soak run. Sets its store up like
// tools/demo-scenario.sh (accounts, plan 31-KH/BCĐTP), makes enrolment codes, serves on one
// 127.0.0.1 port for the whole run, and is killed (SIGKILL, from any thread) and restarted on the
// same port and file, as a supervisor would. Output goes to <work>/logs/server.log.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "soak/child_process.h"

namespace fieldsync::soak {

struct Account {
  std::string name, role, full_name;
};

class ServerProcess {
 public:
  ServerProcess(std::string bin_dir, std::string work_dir);
  ~ServerProcess();

  // Creates the accounts and imports the demo plan. Throws with the command's error output.
  void Setup(const std::vector<Account>& accounts);
  std::string EnrollCode(const std::string& user);

  // Starts serving and waits until /v1/health answers. Throws when it does not within 20 s.
  void Start();
  // SIGKILL now; true when a running server was killed. Thread-safe.
  bool Kill();
  // When the server died (killed or crashed), starts it again on the same port; true if it did.
  bool RestartIfDown();
  // SIGTERM and wait (SIGKILL after 10 s). Returns how it ended.
  ExitStatus Stop();

  // Appends a line of the driver's to the server log ("killed mid /v1/push"). Thread-safe.
  void Note(const std::string& line) const;

  uint16_t port() const { return port_; }
  const std::string& db_path() const { return db_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string Admin(const std::vector<std::string>& args);

  const std::string bin_, work_, db_, log_;
  uint16_t port_ = 0;
  std::mutex mu_;  // guards process_ against a Kill() from the proxy's threads
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace fieldsync::soak
