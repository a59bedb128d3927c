// FaultStats: what the proxy did, counted by kind (a fault counts when it strikes, not when it is
// planned: a cut planned after byte 3000 of a 300-byte request never happens). Thread-safe
// counters; ToJson() is the format of the stats file.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fault_proxy/fault_plan.h"

namespace fieldsync::fault_proxy {

class FaultStats {
 public:
  void CountFault(FaultKind kind) { faults_[static_cast<int>(kind)]++; }
  void CountConnection() { connections_++; }
  // The target refused the connection (it is down or restarting); the client's connection is reset.
  void CountTargetDown() { target_down_++; }
  void AddBytes(Direction d, uint64_t n) { (d == Direction::kUpstream ? bytes_up_ : bytes_down_) += n; }

  uint64_t Faults(FaultKind kind) const { return faults_[static_cast<int>(kind)]; }
  uint64_t TotalFaults() const;
  uint64_t Connections() const { return connections_; }
  uint64_t TargetDown() const { return target_down_; }

  // {"connections":N,"target_down":N,"bytes_up":N,"bytes_down":N,"faults":{"cut_request":N,...}}
  nlohmann::json ToJson() const;
  // Writes ToJson() to `path` through a temporary file and rename, so a reader never sees half a
  // file. Returns "" or what went wrong.
  std::string WriteFile(const std::string& path) const;

 private:
  std::array<std::atomic<uint64_t>, kFaultKindCount> faults_{};
  std::atomic<uint64_t> connections_{0}, target_down_{0}, bytes_up_{0}, bytes_down_{0};
};

}  // namespace fieldsync::fault_proxy
