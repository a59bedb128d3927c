// The soak's end-of-run checks, over the stores read after the quiesce phase:
//   exactly once (S2, S3)  every change a device wrote (the Ledger) is on the server once, with the
//                          content the device wrote; the server has no change of theirs they never
//                          wrote; none was refused for good (the soak only does what users may do)
//   convergence (S5, S12)  no outbox left; each device holds exactly the server's current fields in
//                          its user's scope, nothing more
//   nothing lost (S7, S9)  every answer value the server accepted is current, was overwritten by a
//                          change that had seen it, or is kept in a conflict record; deletions stand
// Each check adds figures and violations (messages naming the promise, the field and the change).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "soak/ledger.h"
#include "soak/store_state.h"

namespace fieldsync::soak {

struct VerifyFigures {
  size_t changes_written = 0;   // ledger entries
  size_t server_changes = 0;    // change log rows
  size_t duplicates = 0, lost = 0, altered = 0, unknown = 0, rejected = 0;
  size_t devices_compared = 0, fields_compared = 0, divergent_fields = 0, pending = 0;
  size_t values_checked = 0, values_lost = 0, deletions_undone = 0;
  size_t conflicts = 0, open_conflicts = 0;
};

class VerifyResult {
 public:
  VerifyFigures figures;
  void Violation(std::string message);
  bool ok() const { return violation_count_ == 0; }
  size_t violation_count() const { return violation_count_; }
  // The first violations (all are counted; the list is capped so a broken run stays readable).
  const std::vector<std::string>& violations() const { return violations_; }

 private:
  static constexpr size_t kMaxListed = 40;
  size_t violation_count_ = 0;
  std::vector<std::string> violations_;
};

using LedgerEntries = std::map<Ledger::Key, OutboxEntry>;

void CheckExactlyOnce(const ServerState& server, const std::vector<DeviceState>& devices, const LedgerEntries& ledger,
                      VerifyResult& out);
void CheckConvergence(const ServerState& server, const std::vector<DeviceState>& devices, VerifyResult& out);
void CheckNothingLost(const ServerState& server, VerifyResult& out);

// All three.
VerifyResult Verify(const ServerState& server, const std::vector<DeviceState>& devices, const LedgerEntries& ledger);

}  // namespace fieldsync::soak
