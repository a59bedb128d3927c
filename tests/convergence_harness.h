// The randomized convergence harness (SYNC.md S5–S9). One run: a server and K tablets (3 to 8)
// in one process, joined by an in-process transport that drops, cuts, duplicates and replays
// requests; random edits to shared and disjoint answer parts, deletes, conflict resolutions,
// clock skews up to ±24 h and jumps back, tablet restarts. After quiescence it checks:
//   S5  every tablet's answers (and conflicts, for leader and deputy) equal the server's;
//   S7  every value ever accepted is current, knowingly overwritten, or kept in a conflict record;
//   S8  every change is stamped after the value it had seen;
//   S9  no deleted answer comes back unless someone restored it having seen the deletion.
// Deterministic for a seed: a failing seed replays exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fieldsync::testkit {

struct ConvergenceConfig {
  uint64_t seed = 1;
  int devices = 0;          // 0: 3 + seed % 6
  int operations = 60;      // random operations before quiescence
  double fault_rate = 0.3;  // share of requests hit by a fault while the chaos lasts
  std::string work_dir;     // where the run's databases go (a fresh folder)
  bool trace = false;       // on a problem, add the history of the fields involved to `problems`
};

struct ConvergenceResult {
  uint64_t seed = 0;
  int devices = 0;
  int operations = 0;
  int syncs = 0;
  int conflicts_created = 0;
  int conflicts_resolved = 0;
  int faults_injected = 0;
  int values_checked = 0;
  int values_lost = 0;
  int resurrections = 0;
  int divergent_fields = 0;
  std::vector<std::string> problems;  // human-readable, first few
  std::string trace;                  // with config.trace: log and conflicts of the fields involved
  bool ok() const { return problems.empty(); }
};

ConvergenceResult RunConvergence(const ConvergenceConfig& config);

}  // namespace fieldsync::testkit
