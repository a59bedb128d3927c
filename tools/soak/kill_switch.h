// KillSwitch: a SIGKILL armed to strike at a precise point of a proxied exchange. The proxy's tap
// reports every forwarded chunk; once a chunk of the armed request path and direction takes the
// connection past the armed byte count, the switch waits the armed delay (in the relay thread, so
// that connection holds still meanwhile) and runs the kill, once. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "fault_proxy/relay.h"

namespace fieldsync::soak {

struct KillTrigger {
  std::string path;  // "/v1/push", "/v1/pull", ... ; "" : any request
  fault_proxy::Direction direction = fault_proxy::Direction::kUpstream;
  uint64_t bytes = 0;  // strikes once at least this many bytes of `direction` passed
  std::chrono::milliseconds delay{0};
};

class KillSwitch {
 public:
  // `kill` gets the request path it strikes in and returns whether it killed a running process.
  using Kill = std::function<bool(const std::string& path)>;
  void Arm(const KillTrigger& trigger, Kill kill);
  // After Disarm returns, the kill no longer runs (so what it refers to may go).
  void Disarm();
  void OnEvent(const fault_proxy::LinkEvent& event);
  // The path of the request during which the kill struck, "" when it did not; resets it.
  std::string TakeStruckPath();

 private:
  std::mutex mu_;
  bool armed_ = false;
  KillTrigger trigger_;
  Kill kill_;
  std::string struck_path_;
};

}  // namespace fieldsync::soak
