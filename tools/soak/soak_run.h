// SoakRun: one soak run end to end. Sets up a real `fieldsync-server` like the demo, enrols the
// four tablets each behind its own FaultProxy (ha's a slow mobile link), then plays rounds until
// --rounds or --minutes: every tablet edits offline (in parallel), then they sync at once through
// their faulty links while the chaos SIGKILLs device syncs and the server midway (the server is
// restarted at once). Afterwards it quiesces (faults off, sync until nothing moves), stops the
// server and checks the stores (verifier.h). Files: soak_run.cc (set-up, rounds, checks),
// sync_phase.cc (a round's syncs and kills), quiesce.cc.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "fault_proxy/proxy_server.h"
#include "soak/device.h"
#include "soak/kill_switch.h"
#include "soak/ledger.h"
#include "soak/report.h"
#include "soak/server_process.h"
#include "soak/soak_options.h"
#include "soak/team.h"

namespace fieldsync::soak {

class SoakRun {
 public:
  explicit SoakRun(SoakOptions options);
  ~SoakRun();

  // 0: every promise held; 1: a violation (printed); 3: the run itself could not proceed.
  int Run();

 private:
  // A tablet with its link.
  struct Tablet {
    TeamMember who;
    std::unique_ptr<Device> device;
    std::unique_ptr<fault_proxy::FaultProxy> proxy;
    KillSwitch kill;         // strikes the tablet's running sync
    uint64_t cursor = 0;     // pull cursor after its last sync: must never go back (S4)
  };

  void SetUp();
  void Edits(int round);
  void Syncs(int round);
  bool Quiesce();
  VerifyResult Check();
  void ExpectChaos();
  void CheckCursor(Tablet& t);
  bool Chance(double p);
  void Say(const std::string& line);

  SoakOptions o_;
  std::string work_;
  std::mt19937_64 rng_;  // the driver's own choices: kills, who is offline, batch sizes
  Ledger ledger_;
  std::unique_ptr<ServerProcess> server_;
  std::vector<std::unique_ptr<Tablet>> tablets_;
  KillSwitch server_kill_;
  std::shared_ptr<fault_proxy::FaultStats> fault_stats_ = std::make_shared<fault_proxy::FaultStats>();
  RunFigures figures_;
  std::vector<std::string> findings_;  // violations seen during the rounds
};

}  // namespace fieldsync::soak
