#include "fault_proxy/link_shape.h"

#include <algorithm>
#include <limits>

namespace fieldsync::fault_proxy {

TokenBucket::TokenBucket(uint64_t rate)
    : rate_(static_cast<double>(rate)),
      burst_(std::max(512.0, rate_ / 20)),
      tokens_(burst_),
      last_(SteadyClock::now()) {}

void TokenBucket::Refill(SteadyClock::time_point now) {
  if (now <= last_) return;
  tokens_ = std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
  last_ = now;
}

size_t TokenBucket::Available(SteadyClock::time_point now) {
  if (rate_ == 0) return std::numeric_limits<size_t>::max();
  Refill(now);
  return static_cast<size_t>(tokens_);
}

void TokenBucket::Spend(size_t bytes) {
  if (rate_ != 0) tokens_ -= static_cast<double>(bytes);
}

SteadyClock::time_point TokenBucket::ReadyAt(SteadyClock::time_point now) {
  if (Available(now) >= 1) return now;
  const double wait_s = (1 - tokens_) / rate_;
  return now + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(wait_s));
}

}  // namespace fieldsync::fault_proxy
