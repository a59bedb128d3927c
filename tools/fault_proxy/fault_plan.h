// FaultPlan: decides, from a seed, what goes wrong on each proxied connection. At most one fault
// per connection, each kind with its own probability; where it strikes (after how many bytes of
// which direction) and how long it lasts come from the same std::mt19937_64, so one seed gives one
// sequence of decisions. (Which connection gets which decision still depends on timing when
// several clients connect at once: the soak driver gives each device its own proxy.)
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace fieldsync::fault_proxy {

enum class FaultKind { kNone, kCutRequest, kCutResponse, kReset, kStall, kLatency, kTruncate };
inline constexpr FaultKind kFaultKinds[] = {FaultKind::kCutRequest, FaultKind::kCutResponse, FaultKind::kReset,
                                            FaultKind::kStall,      FaultKind::kLatency,     FaultKind::kTruncate};
inline constexpr int kFaultKindCount = 7;  // including kNone
const char* FaultName(FaultKind kind);     // "cut_request", ... (the keys of the stats JSON)

// Upstream: client to target (the request). Downstream: target to client (the response).
enum class Direction { kUpstream, kDownstream };

struct FaultSettings {
  // Probability per connection of each kind; their sum must not exceed 1.
  double cut_request = 0;   // close both sides after `offset` request bytes
  double cut_response = 0;  // close both sides after `offset` response bytes
  double reset = 0;         // RST both sides (SO_LINGER 0) after `offset` bytes of either direction
  double stall = 0;         // hold the data of one direction for a while, then close or go on
  double latency = 0;       // add a delay to every chunk of the connection
  double truncate = 0;      // forward a prefix of the response, then FIN to the client
  uint64_t max_offset_bytes = 2048;  // offsets are uniform in [0, max]
  std::chrono::milliseconds stall_min{200}, stall_max{1500};
  double stall_close = 0.5;  // probability that a stall ends by closing the connection
  std::chrono::milliseconds latency_min{20}, latency_max{300};

  double Total() const { return cut_request + cut_response + reset + stall + latency + truncate; }
  // "" when usable, else what to fix.
  std::string Validate() const;
};

struct ConnectionFault {
  FaultKind kind = FaultKind::kNone;
  Direction direction = Direction::kUpstream;
  uint64_t offset = 0;                    // strikes when byte offset+1 of `direction` would pass
  std::chrono::milliseconds duration{0};  // stall length, or latency added per chunk
  bool close_after_stall = false;
};

class FaultPlan {
 public:
  FaultPlan(FaultSettings settings, uint64_t seed) : settings_(settings), rng_(seed) {}
  // The next connection's fault. Thread-safe. While disabled, every connection is clean (and the
  // generator does not advance).
  ConnectionFault Next();
  void SetEnabled(bool enabled);
  const FaultSettings& settings() const { return settings_; }

 private:
  FaultKind Pick(double u) const;

  const FaultSettings settings_;
  std::mutex mu_;
  std::mt19937_64 rng_;
  bool enabled_ = true;
};

}  // namespace fieldsync::fault_proxy
