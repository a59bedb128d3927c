// Command line of `fieldsync-fault-proxy` (CLI11), turned into ProxyOptions.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "fault_proxy/proxy_server.h"

namespace fieldsync::fault_proxy {

struct ProxyArgs {
  ProxyOptions options;
  std::string stats_file;  // "" : print the stats on exit only
  std::chrono::milliseconds stats_interval{1000};
};

// Fills `out` and returns nullopt, or returns the exit code after --help or a usage error (printed).
std::optional<int> ParseProxyArgs(int argc, char** argv, ProxyArgs& out);

}  // namespace fieldsync::fault_proxy
