#include "soak/soak_options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "fault_proxy/units.h"

namespace fieldsync::soak {
namespace {

std::string SelfDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "." : exe.parent_path().string();
}

// Splits a total fault probability over the kinds (the cuts most, they are the common case).
void SpreadFaults(double total, fault_proxy::FaultSettings& f) {
  f.cut_request = total * 0.2;
  f.cut_response = total * 0.25;
  f.reset = total * 0.15;
  f.stall = total * 0.1;
  f.latency = total * 0.15;
  f.truncate = total * 0.15;
}

}  // namespace

std::optional<int> ParseSoakArgs(int argc, char** argv, SoakOptions& out) {
  CLI::App app{"fieldsync-soak: the seed scenario with real server and device processes, faults on every link "
               "and SIGKILLs midway, then checks that nothing was lost, doubled or left diverged.",
               "fieldsync-soak"};
  double fault_rate = 0.3;
  auto probability = CLI::Range(0.0, 1.0);
  app.add_option("--rounds", out.rounds, "rounds of edits and syncs (default: as many as fit in --minutes)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--minutes", out.minutes, "time bound of the rounds (default 5); quiesce and checks come after")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", out.seed, "seed of every random choice (default 1)");
  app.add_option("--bin-dir", out.bin_dir, "folder with fieldsync and fieldsync-server (default: this binary's)");
  app.add_option("--work-dir", out.work_dir, "folder for the stores and logs (default: a new one in /tmp)");
  app.add_flag("--keep", out.keep, "keep the work folder after a clean run (a failed run always keeps it)");
  app.add_flag("--verbose", out.verbose, "print every sync and kill");
  app.add_option("--fault-rate", fault_rate, "probability of a fault per proxied connection (default 0.3)")
      ->check(probability);
  app.add_option("--fault-bytes", out.faults.max_offset_bytes, "faults strike within the first N bytes (default 1500)");
  app.add_option("--device-kill", out.device_kill, "probability a device's sync is SIGKILLed midway (default 0.2)")
      ->check(probability);
  app.add_option("--server-kill", out.server_kill, "probability per round of a server SIGKILL mid-push/pull (0.3)")
      ->check(probability);
  app.add_option("--offline", out.offline, "probability a device skips a round's sync (default 0.2)")
      ->check(probability);
  app.add_option("--edits", out.workload.max_edits_per_round, "most edits per device and round (default 5)")
      ->check(CLI::Range(1, 100));
  app.add_option("--mobile-rate", out.mobile_rate, "bandwidth of ha's mobile link (default 64kB/s; 0: unlimited)");
  app.add_option("--mobile-latency", out.mobile_latency, "one-way latency of ha's mobile link (default 100ms)");
  app.add_flag("--expect-chaos", out.expect_chaos,
               "fail unless the run injected a fault, killed a device sync and killed the server (for tests)");
  out.faults.max_offset_bytes = 1500;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help: 0; a usage error: 2, as the project's other commands
  }
  auto rate = fault_proxy::ParseRate(out.mobile_rate);
  auto latency = fault_proxy::ParseDuration(out.mobile_latency);
  if (!rate || !latency) {
    std::cerr << "fieldsync-soak: --mobile-rate takes e.g. 32kB/s and --mobile-latency e.g. 300ms\n";
    return 2;
  }
  out.mobile_link = {*rate, *latency};
  SpreadFaults(fault_rate, out.faults);
  out.faults.stall_max = std::chrono::milliseconds(1200);
  if (out.bin_dir.empty()) out.bin_dir = SelfDir();
  return std::nullopt;
}

std::string ReplayCommand(const SoakOptions& o) {
  std::ostringstream s;
  s << "scripts/soak --seed " << o.seed << " --minutes " << o.minutes;
  if (o.rounds) s << " --rounds " << o.rounds;
  s << " --fault-rate " << o.faults.Total() << " --fault-bytes " << o.faults.max_offset_bytes << " --device-kill "
    << o.device_kill << " --server-kill " << o.server_kill << " --offline " << o.offline << " --edits "
    << o.workload.max_edits_per_round << " --mobile-rate " << o.mobile_rate << " --mobile-latency "
    << o.mobile_latency << (o.expect_chaos ? " --expect-chaos" : "");
  return s.str();
}

}  // namespace fieldsync::soak
