// The long run of the randomized convergence harness (tests/convergence_harness.h):
//   build/bin/fieldsync_convergence --runs 10000 [--first-seed 0] [--operations 60]
//   build/bin/fieldsync_convergence --seed 1234 --runs 1 --verbose     # replay one seed
// Prints totals (runs, operations, conflicts created and resolved, faults injected, values lost)
// and every failing seed; exits non-zero when any run failed.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "convergence_harness.h"

int main(int argc, char** argv) {
  uint64_t first = 0;
  long runs = 1000;
  int operations = 60;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--seed" || a == "--first-seed") first = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--runs") runs = std::strtol(next().c_str(), nullptr, 10);
    else if (a == "--operations") operations = std::atoi(next().c_str());
    else if (a == "--verbose") verbose = true;
    else {
      std::cerr << "usage: fieldsync_convergence [--first-seed N | --seed N] [--runs N] [--operations N] [--verbose]\n";
      return 2;
    }
  }
  std::error_code ec;
  auto scratch = std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm")
                                                               : std::filesystem::temp_directory_path();
  scratch /= "fieldsync-convergence-" + std::to_string(::getpid());
  long failed = 0, ops = 0, syncs = 0, created = 0, resolved = 0, faults = 0, lost = 0, undone = 0, diverged = 0;
  auto start = std::chrono::steady_clock::now();
  for (long n = 0; n < runs; ++n) {
    fieldsync::testkit::ConvergenceConfig config;
    config.seed = first + static_cast<uint64_t>(n);
    config.operations = operations;
    config.work_dir = (scratch / std::to_string(config.seed)).string();
    config.trace = verbose;
    auto r = fieldsync::testkit::RunConvergence(config);
    std::filesystem::remove_all(config.work_dir, ec);
    ops += r.operations, syncs += r.syncs, created += r.conflicts_created, resolved += r.conflicts_resolved;
    faults += r.faults_injected, lost += r.values_lost, undone += r.resurrections, diverged += r.divergent_fields;
    if (!r.ok()) {
      ++failed;
      std::cout << "FAILED seed " << r.seed << " (" << r.devices << " devices):\n";
      for (const auto& p : r.problems) std::cout << "  " << p << "\n";
      if (verbose) std::cout << r.trace;
    } else if (verbose) {
      std::cout << "seed " << r.seed << " ok: " << r.devices << " devices, " << r.operations << " operations, "
                << r.conflicts_created << " conflicts, " << r.faults_injected << " faults\n";
    }
  }
  std::filesystem::remove_all(scratch, ec);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "runs " << runs << ", failed " << failed << ", operations " << ops << ", syncs " << syncs
            << ", conflicts created " << created << ", resolved " << resolved << ", faults injected " << faults
            << ", values lost " << lost << ", deletions undone " << undone << ", divergent fields " << diverged
            << " (" << seconds << " s)\n";
  return failed ? 1 : 0;
}
