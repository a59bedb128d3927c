// The benchmark sections, one per file; each adds its figures to the report.
#pragma once

#include <cstddef>

#include "report.h"

namespace fieldsync::bench {

struct Config {
  bool quick = false;
};

void RunLocalWrite(const Config& config, Report& report);                     // local_write.cc
void RunSyncThroughput(size_t answers, const char* label, Report& report);    // sync_throughput.cc
void RunIngest(const Config& config, Report& report);                         // ingest.cc
void RunConcurrent(const Config& config, Report& report);                     // concurrent.cc
void RunMemory(const Config& config, const char* bin_dir, Report& report);    // memory.cc

}  // namespace fieldsync::bench
