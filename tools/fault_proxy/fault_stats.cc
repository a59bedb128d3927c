#include "fault_proxy/fault_stats.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace fieldsync::fault_proxy {

uint64_t FaultStats::TotalFaults() const {
  uint64_t total = 0;
  for (FaultKind k : kFaultKinds) total += Faults(k);
  return total;
}

nlohmann::json FaultStats::ToJson() const {
  nlohmann::json faults = nlohmann::json::object();
  for (FaultKind k : kFaultKinds) faults[FaultName(k)] = Faults(k);
  return {{"connections", connections_.load()},
          {"target_down", target_down_.load()},
          {"bytes_up", bytes_up_.load()},
          {"bytes_down", bytes_down_.load()},
          {"faults", faults}};
}

std::string FaultStats::WriteFile(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << ToJson().dump(2) << "\n";
    if (!out.flush()) return "cannot write " + tmp + ": " + std::strerror(errno);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno);
  }
  return "";
}

}  // namespace fieldsync::fault_proxy
