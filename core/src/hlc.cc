#include "fieldsync/hlc.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace fieldsync {

std::string Hlc::ToString() const {
  std::time_t seconds = static_cast<std::time_t>(physical_ms / 1000);
  std::tm utc{};
#if defined(_WIN32)
  gmtime_s(&utc, &seconds);
#else
  gmtime_r(&seconds, &utc);
#endif
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ+%u", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(physical_ms % 1000), counter);
  return buf;
}

HlcClock::HlcClock(Clock& clock, Hlc last, int64_t max_forward_drift_ms)
    : clock_(&clock), last_(last), max_forward_drift_ms_(max_forward_drift_ms) {}

// Moves to `physical_candidate` if it is ahead, otherwise stays on the current physical time with
// `counter_if_same`; a counter past its bound borrows one millisecond instead of wrapping. At the
// very end of the 48-bit range it stays there: a stamp that packed into 0 would lose every
// comparison from then on (found by fuzzing a pull that carried the largest HLC).
void HlcClock::Advance(int64_t physical_candidate, uint32_t counter_if_same) {
  physical_candidate = std::min(physical_candidate, Hlc::kMaxPhysicalMs);
  if (physical_candidate > last_.physical_ms) {
    last_ = Hlc{physical_candidate, 0};
    return;
  }
  if (counter_if_same > Hlc::kMaxCounter) {
    if (last_.physical_ms < Hlc::kMaxPhysicalMs) last_ = Hlc{last_.physical_ms + 1, 0};
    return;
  }
  last_.counter = counter_if_same;
}

Hlc HlcClock::Now() {
  Advance(clock_->NowMillis(), last_.counter + 1);
  return last_;
}

Status HlcClock::Observe(Hlc remote) {
  const int64_t wall = clock_->NowMillis();
  if (remote.physical_ms > wall + max_forward_drift_ms_) {
    return Status::InvalidArgument("timestamp " + remote.ToString() + " is " +
                                   std::to_string((remote.physical_ms - wall) / 1000) +
                                   " s ahead of this clock (limit " + std::to_string(max_forward_drift_ms_ / 1000) +
                                   " s); check the sending device's date and time settings");
  }
  Merge(remote);
  return Status::Ok();
}

void HlcClock::Merge(Hlc remote) {
  const int64_t wall = clock_->NowMillis();
  if (remote > last_) last_ = remote;  // continue from the remote time unless the wall is ahead
  Advance(wall, last_.counter + 1);
}

}  // namespace fieldsync
