// A Clock that tests set by hand: jumps backwards, skews, freezes.
#pragma once

#include <atomic>

#include "fieldsync/clock.h"

namespace fieldsync {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_ms) : now_(now_ms) {}
  int64_t NowMillis() override { return now_.load(); }
  void Set(int64_t ms) { now_.store(ms); }
  void Advance(int64_t delta_ms) { now_.fetch_add(delta_ms); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace fieldsync
