// The server the server targets talk to: a SyncService over its SQLite store (on tmpfs) with the
// seed plan imported, the team of fuzz_team.h with one enrolled device each, a fixed wall clock,
// and the RequestRouter in front, as HttpServer uses it. Made once per process.
//
// Handle() sends one request and enforces what docs/PROTOCOL.md promises for every answer
// (server_invariants.h), that every change of an accepted push is in the change log as it was sent
// (push_log_check.h), that a refused request changed nothing in the store (S11; a refused
// enrolment is recorded by design, for the attempt limits and the audit log), and that the server
// still answers its health check afterwards. Inputs stay independent: the store is put back to its
// set-up state before the next input whenever a request wrote to it.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "db_file.h"
#include "fieldsync/server/request_router.h"
#include "fieldsync/server/sync_service.h"
#include "fixed_clock.h"
#include "fuzz_team.h"
#include "scratch_dir.h"

namespace fieldsync::fuzz {

class ServerFixture {
 public:
  static ServerFixture& Get();

  // Call first in every input: the set-up state again if the previous input wrote anything.
  void StartInput();
  // The router's answer to `request`, after checking every invariant (aborts on a violation).
  server::RouterResponse Handle(const server::RouterRequest& request);

  // A POST of `body` to `path` with the protocol header and the bearer token of team member `who`.
  server::RouterRequest Post(size_t who, const std::string& path, std::string body) const;
  // The device token of team member `who` (a successful re-enrolment of that device replaces it
  // until the next input).
  const std::string& Token(size_t who) const { return tokens_[who]; }
  void SetToken(size_t who, std::string token) { tokens_[who] = std::move(token); }
  // A new one-time enrolment code for team member `who` (a write: it counts as a change).
  std::string FreshEnrollmentCode(size_t who);

 private:
  ServerFixture();
  void Open();
  void Close();
  void CheckHealthy();

  ScratchDir dir_{"server"};
  const std::string db_path_ = dir_.File("central.db");
  FixedClock clock_{kFuzzNowMs};
  SavedDatabase set_up_;
  std::array<std::string, kTeamSize> set_up_tokens_, tokens_;
  std::unique_ptr<server::SyncService> service_;
  std::unique_ptr<server::RequestRouter> router_;
  std::unique_ptr<DatabaseReader> watcher_;  // tells whether a request committed anything
  std::unique_ptr<DatabaseReader> before_;   // pinned on the state before each request
  bool changed_ = false;  // something was committed since the set-up state was restored
};

}  // namespace fieldsync::fuzz
