// fieldsync_perf: the benchmark suite behind `bench/run` (see README "Performance").
//   fieldsync_perf [--quick] [--only SECTION] --machine "CPU" --cores N --commit SHA --bin-dir build/bin
// Prints progress on stderr, then a markdown table and, as the last line, one JSON object.
#include <cstring>
#include <iostream>
#include <string>

#include "sections.h"

int main(int argc, char** argv) {
  using namespace fieldsync::bench;
  Config config;
  std::string machine = "unknown", commit = "unknown", bin_dir = ".", only;
  int cores = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--quick") config.quick = true;
    else if (arg == "--machine") machine = next();
    else if (arg == "--cores") cores = std::stoi(next());
    else if (arg == "--commit") commit = next();
    else if (arg == "--bin-dir") bin_dir = next();
    else if (arg == "--only") only = next();
    else {
      std::cerr << "unknown argument " << arg << "; see the comment at the top of bench/perf/perf_main.cc\n";
      return 2;
    }
  }
  Report report;
  auto want = [&](const char* section) {
    if (!only.empty() && only != section) return false;
    std::cerr << "bench: " << section << std::endl;
    return true;
  };
  if (want("local_write")) RunLocalWrite(config, report);
  if (want("sync_10k")) RunSyncThroughput(10000, "10k", report);
  if (want("sync_100k") && !config.quick) RunSyncThroughput(100000, "100k", report);
  if (want("ingest")) RunIngest(config, report);
  if (want("concurrent")) RunConcurrent(config, report);
  if (want("memory")) RunMemory(config, bin_dir.c_str(), report);
  report.Print(machine, cores, commit, config.quick);
  return 0;
}
