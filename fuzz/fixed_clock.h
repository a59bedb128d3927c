// A wall clock that never moves, so a fuzz input behaves the same on every run (HLCs still advance
// through their logical counter).
#pragma once

#include <cstdint>

#include "fieldsync/clock.h"

namespace fieldsync::fuzz {

class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMillis() override { return now_ms_; }

 private:
  int64_t now_ms_;
};

}  // namespace fieldsync::fuzz
