// Ledger: every change each device wrote during the soak, keyed by (device id, device sequence),
// taken from the device's outbox right after each local write (read-only). Entries leave a
// device's outbox only when the server acknowledged them (S3), so after the quiesce phase every
// entry here must be on the server exactly once, with the same content. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "soak/store_state.h"

namespace fieldsync::soak {

class Ledger {
 public:
  using Key = std::pair<std::string, int64_t>;  // (device id, device sequence)

  // Records the outbox entries not seen before. An entry seen before with other content means the
  // device reused a sequence number (S2 on the device side): returned as a message.
  std::vector<std::string> Capture(const std::string& device_id, const std::vector<OutboxEntry>& outbox);
  // For tests of the verifier.
  void Add(const std::string& device_id, const OutboxEntry& entry);

  std::map<Key, OutboxEntry> Entries() const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<Key, OutboxEntry> entries_;
};

}  // namespace fieldsync::soak
