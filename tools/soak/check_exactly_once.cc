// S2, S3: see verifier.h.
#include <set>

#include "soak/verifier.h"

namespace fieldsync::soak {
namespace {

std::string Name(const Ledger::Key& k) { return k.first + "#" + std::to_string(k.second); }

bool SameContent(const LoggedChange& c, const OutboxEntry& e) {
  return c.key == e.key && c.tombstone == e.tombstone && (c.tombstone || c.value == e.value);
}

}  // namespace

void CheckExactlyOnce(const ServerState& server, const std::vector<DeviceState>& devices, const LedgerEntries& ledger,
                      VerifyResult& out) {
  auto& f = out.figures;
  // Set aside by the tablet after a refusal for good: never acknowledged, so not lost, but the
  // soak only asks for what users may do, so each is a finding of its own.
  std::map<Ledger::Key, const RejectedEntry*> rejected;
  for (const auto& d : devices) {
    for (const auto& r : d.rejected) {
      rejected[{d.device_id, r.change.device_seq}] = &r;
      ++f.rejected;
      out.Violation("refused for good (the soak only asks for what users may do): " + d.user + "'s " + Name({d.device_id, r.change.device_seq}) + " (" +
                    r.change.key.ToString() + " = " + r.change.value.Render() + "): " + r.code + ": " + r.reason);
    }
  }
  f.changes_written = ledger.size();
  f.server_changes = server.log.size();
  std::map<Ledger::Key, std::vector<const LoggedChange*>> logged;
  for (const auto& c : server.log) logged[{c.device_id, c.device_seq}].push_back(&c);

  std::set<std::string> soak_devices;
  for (const auto& [key, entry] : ledger) {
    soak_devices.insert(key.first);
    auto it = logged.find(key);
    if (it == logged.end() && rejected.count(key)) continue;
    if (it == logged.end()) {
      ++f.lost;
      out.Violation("S3 lost: " + Name(key) + " (" + entry.key.ToString() + " = " + entry.value.Render() +
                    ") left the device's outbox but is not on the server");
      continue;
    }
    if (!SameContent(*it->second.front(), entry)) {
      ++f.altered;
      out.Violation("S2 altered: " + Name(key) + " was written as " + entry.key.ToString() + " = " +
                    entry.value.Render() + ", the server holds " + it->second.front()->key.ToString() + " = " +
                    it->second.front()->value.Render());
    }
    auto key_count = server.applied.find(key);
    if (key_count == server.applied.end()) {
      out.Violation("S2 " + Name(key) + " is in the change log but has no exactly-once key in `applied_ranges`");
    } else if (key_count->second > 1) {
      out.Violation("S2 " + Name(key) + " is covered by " + std::to_string(key_count->second) +
                    " overlapping ranges in `applied_ranges`");
    }
  }
  for (const auto& [key, rows] : logged) {
    if (rows.size() > 1) {
      f.duplicates += rows.size() - 1;
      out.Violation("S2 duplicate: " + Name(key) + " is in the server's change log " + std::to_string(rows.size()) +
                    " times (server_seq " + std::to_string(rows[0]->server_seq) + " and " +
                    std::to_string(rows[1]->server_seq) + ")");
    }
    if (soak_devices.count(key.first) && !ledger.count(key)) {
      ++f.unknown;
      out.Violation("S2 unknown: the server holds " + Name(key) + " (" + rows[0]->key.ToString() +
                    "), which that device never wrote");
    }
  }
}

}  // namespace fieldsync::soak
