#include "soak/ledger.h"

namespace fieldsync::soak {

std::vector<std::string> Ledger::Capture(const std::string& device_id, const std::vector<OutboxEntry>& outbox) {
  std::lock_guard lock(mu_);
  std::vector<std::string> problems;
  for (const auto& e : outbox) {
    auto [it, inserted] = entries_.emplace(Key{device_id, e.device_seq}, e);
    if (!inserted && !(it->second == e)) {
      problems.push_back("S2 device " + device_id + " reused sequence " + std::to_string(e.device_seq) + ": first " +
                         it->second.key.ToString() + " = " + it->second.value.Render() + ", now " + e.key.ToString() +
                         " = " + e.value.Render());
    }
  }
  return problems;
}

void Ledger::Add(const std::string& device_id, const OutboxEntry& entry) {
  std::lock_guard lock(mu_);
  entries_[{device_id, entry.device_seq}] = entry;
}

std::map<Ledger::Key, OutboxEntry> Ledger::Entries() const {
  std::lock_guard lock(mu_);
  return entries_;
}

size_t Ledger::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace fieldsync::soak
