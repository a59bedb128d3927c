#include "fieldsync/clock.h"

#include <chrono>

namespace fieldsync {

int64_t SystemClock::NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

SystemClock& SystemClock::Default() {
  static SystemClock clock;
  return clock;
}

}  // namespace fieldsync
