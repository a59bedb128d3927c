// LinkShape: a slow mobile link applied to every connection, with or without faults: a bandwidth
// cap per direction (a token bucket) and a one-way delay added to every chunk.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace fieldsync::fault_proxy {

using SteadyClock = std::chrono::steady_clock;

struct LinkShape {
  uint64_t rate_bytes_per_second = 0;  // 0: unlimited
  std::chrono::milliseconds latency{0};
};

// Bytes may pass at `rate` per second, in bursts of at most ~50 ms worth (and at least 512 bytes,
// so a small request is not cut into crumbs). A rate of 0 lets everything through.
class TokenBucket {
 public:
  explicit TokenBucket(uint64_t rate_bytes_per_second);
  // How many bytes may pass now.
  size_t Available(SteadyClock::time_point now);
  void Spend(size_t bytes);
  // When at least one byte may pass (now when unlimited or already available).
  SteadyClock::time_point ReadyAt(SteadyClock::time_point now);

 private:
  void Refill(SteadyClock::time_point now);

  const double rate_, burst_;
  double tokens_;
  SteadyClock::time_point last_;
};

}  // namespace fieldsync::fault_proxy
