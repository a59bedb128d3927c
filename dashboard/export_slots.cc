#include "export_slots.h"

namespace fieldsync::dashboard {

ExportSlots::ExportSlots(size_t max) : max_(max) {}

std::shared_ptr<const void> ExportSlots::TryTake() {
  std::lock_guard lock(count_->mu);
  if (count_->taken >= max_) return nullptr;
  ++count_->taken;
  // The token points at the counter (never null) and gives the slot back when released.
  return std::shared_ptr<const void>(count_.get(), [count = count_](const void*) {
    std::lock_guard lock(count->mu);
    --count->taken;
  });
}

}  // namespace fieldsync::dashboard
