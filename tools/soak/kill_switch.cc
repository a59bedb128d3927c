#include "soak/kill_switch.h"

#include <thread>
#include <utility>

namespace fieldsync::soak {

void KillSwitch::Arm(const KillTrigger& trigger, Kill kill) {
  std::lock_guard lock(mu_);
  armed_ = true;
  trigger_ = trigger;
  kill_ = std::move(kill);
  struck_path_.clear();
}

void KillSwitch::Disarm() {
  std::lock_guard lock(mu_);
  armed_ = false;
  kill_ = nullptr;
}

void KillSwitch::OnEvent(const fault_proxy::LinkEvent& event) {
  std::lock_guard lock(mu_);
  if (!armed_ || event.direction != trigger_.direction || event.total_bytes < trigger_.bytes) return;
  if (!trigger_.path.empty() && event.path != trigger_.path) return;
  armed_ = false;
  std::this_thread::sleep_for(trigger_.delay);
  if (kill_(event.path)) struck_path_ = event.path;
}

std::string KillSwitch::TakeStruckPath() {
  std::lock_guard lock(mu_);
  return std::exchange(struck_path_, "");
}

}  // namespace fieldsync::soak
