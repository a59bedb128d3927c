// The figures of a soak run and their printout: what was done (rounds, edits, syncs, faults by
// kind, kills), and what the checks found (duplicates, lost, divergent, values lost).
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "fault_proxy/fault_stats.h"
#include "soak/verifier.h"
#include "soak/workload.h"

namespace fieldsync::soak {

struct RunFigures {
  int rounds = 0;
  EditCounts edits;
  int syncs = 0, syncs_ok = 0, syncs_failed = 0, syncs_killed = 0, syncs_skipped_offline = 0;
  int device_kills = 0;
  std::map<std::string, int> server_kills;  // by request path: "/v1/push", "/v1/pull", ...
  int server_restarts = 0;
  int quiesce_passes = 0;
  double seconds = 0;
  int ServerKills() const;
};

void PrintReport(std::ostream& out, const RunFigures& run, const fault_proxy::FaultStats& faults,
                 const VerifyResult& verify, const std::vector<std::string>& findings);

}  // namespace fieldsync::soak
