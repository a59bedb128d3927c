// Clock: the source of wall-clock time for HLCs. Injected so tests can make it jump backwards and
// so a platform can supply its own. SystemClock uses std::chrono and is portable.
// Implementations must be thread-safe.
#pragma once

#include <cstdint>

namespace fieldsync {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch; may jump in either direction.
  virtual int64_t NowMillis() = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() override;
  static SystemClock& Default();
};

}  // namespace fieldsync
