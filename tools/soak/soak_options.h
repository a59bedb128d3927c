// Command line of `fieldsync-soak` (CLI11). Every random choice of a run derives from --seed, so a
// failing seed can be replayed with the same options (process timing still varies).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "fault_proxy/fault_plan.h"
#include "fault_proxy/link_shape.h"
#include "soak/workload.h"

namespace fieldsync::soak {

struct SoakOptions {
  int rounds = 0;                         // 0: as many as fit in `minutes`
  double minutes = 5;                     // bound of the rounds phase
  uint64_t seed = 1;
  std::string bin_dir;                    // fieldsync, fieldsync-server; default: next to the soak binary
  std::string work_dir;                   // default: a new temporary folder
  bool keep = false;                      // keep the work folder after a clean run
  bool verbose = false;
  fault_proxy::FaultSettings faults;      // per connection, on every device's link
  double device_kill = 0.2;               // per device sync: SIGKILL it midway
  double server_kill = 0.3;               // per round: SIGKILL the server mid-push or mid-pull
  double offline = 0.2;                   // per device and round: skip the sync (keeps working offline)
  std::string mobile_rate = "64kB/s", mobile_latency = "100ms";  // ha's link: a slow mobile connection
  fault_proxy::LinkShape mobile_link;     // the same, parsed
  WorkloadSettings workload;
  int sync_attempts = 3;                  // `fieldsync sync --attempts` during the rounds
  bool expect_chaos = false;              // fail unless a fault, a device kill and a server kill happened
};

// Fills `out` and returns nullopt, or returns the exit code after --help or a usage error.
std::optional<int> ParseSoakArgs(int argc, char** argv, SoakOptions& out);

// The command line that replays this run (scripts/soak takes the options of fieldsync-soak).
std::string ReplayCommand(const SoakOptions& o);

}  // namespace fieldsync::soak
