#include "soak/verifier.h"

namespace fieldsync::soak {

void VerifyResult::Violation(std::string message) {
  ++violation_count_;
  if (violations_.size() < kMaxListed) violations_.push_back(std::move(message));
}

VerifyResult Verify(const ServerState& server, const std::vector<DeviceState>& devices, const LedgerEntries& ledger) {
  VerifyResult out;
  CheckExactlyOnce(server, devices, ledger, out);
  CheckConvergence(server, devices, out);
  CheckNothingLost(server, out);
  return out;
}

}  // namespace fieldsync::soak
