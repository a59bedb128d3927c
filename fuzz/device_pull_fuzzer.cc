// Fuzz target device_pull: the input is a PullResponse body as a server (or anything posing as
// one) sends it. The tablet decodes the page with wire_codec like the sync engine (the whole page
// or nothing) and merges it with DeviceStore::ApplyRemote, storing the cursor in the same
// transaction; then the app reads what arrived (visits, checklists, conflicts, search, resolving).
// Invariants: a refused page changes nothing; an applied one leaves every field at the larger
// (HLC, device id) stamp with the winner's value (S6), the outbox untouched and the cursor
// stored (S4); applying it again leaves every field as it is.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "device_fixture.h"
#include "fieldsync.pb.h"
#include "fieldsync/checklist.h"
#include "fieldsync/wire_codec.h"
#include "fuzz_check.h"
#include "quiet_protobuf.h"

namespace fieldsync::fuzz {
namespace {

constexpr const char* kCursorSetting = "fuzz.pull_cursor";

using FieldKey = std::tuple<std::string, std::string, std::string>;
FieldKey KeyOf(const Change& c) { return {c.record_type, c.record_id, c.field}; }
std::string Name(const FieldKey& k) { return std::get<0>(k) + "/" + std::get<1>(k) + "." + std::get<2>(k); }

std::optional<FieldState> StoredField(DeviceStore& store, const FieldKey& key) {
  auto record = store.GetRecord(std::get<0>(key), std::get<1>(key));
  FUZZ_CHECK(record.ok(), record.status().ToString());
  if (!*record) return std::nullopt;
  auto it = (*record)->fields.find(std::get<2>(key));
  if (it == (*record)->fields.end()) return std::nullopt;
  return it->second;
}

// Value equality where a NaN equals itself (a stored NaN is the NaN that was sent).
bool SameValue(const Value& a, const Value& b) {
  const double* x = std::get_if<double>(&a);
  const double* y = std::get_if<double>(&b);
  if (x && y) return std::memcmp(x, y, sizeof *x) == 0 || *x == *y;
  return a == b;
}

// The state every field of the page must have after it is applied: the change with the larger
// stamp, the first one among equal stamps, unless the field already held an equal or larger one.
std::map<FieldKey, std::optional<FieldState>> Expected(DeviceStore& store, const std::vector<Change>& page) {
  std::map<FieldKey, std::optional<FieldState>> expected;
  for (const Change& c : page) {
    auto [it, fresh] = expected.try_emplace(KeyOf(c));
    if (fresh) it->second = StoredField(store, it->first);
    if (it->second && it->second->stamp() >= c.stamp()) continue;
    it->second = FieldState{c.value, c.tombstone, c.hlc, c.device_id, c.author};
  }
  return expected;
}

void CheckApplied(DeviceStore& store, const std::map<FieldKey, std::optional<FieldState>>& expected) {
  for (const auto& [key, want] : expected) {
    auto got = StoredField(store, key);
    FUZZ_CHECK(got.has_value(), "S6: " + Name(key) + " is missing after the page was applied");
    FUZZ_CHECK(got->stamp() == want->stamp(), "S6: " + Name(key) + " does not hold the larger stamp: " +
                                                  got->hlc.ToString() + " " + got->node + " instead of " +
                                                  want->hlc.ToString() + " " + want->node);
    FUZZ_CHECK(got->tombstone == want->tombstone && SameValue(got->value, want->value) && got->author == want->author,
               "S6: " + Name(key) + " holds " + DescribeValue(got->value) + " instead of the winner's " +
                   DescribeValue(want->value));
  }
}

// S8: the clock has folded in every timestamp received, and still packs into 64 bits in HLC order
// (it is persisted packed; a wrapped clock would stamp the next edit before what it had seen).
void CheckClock(DeviceStore& store, const std::vector<Change>& page) {
  const Hlc last = store.LastHlc();
  FUZZ_CHECK(Hlc::Unpack(last.Pack()) == last, "S8: the clock " + last.ToString() + " does not pack into 64 bits");
  for (const Change& c : page) {
    FUZZ_CHECK(last >= c.hlc, "S8: the clock " + last.ToString() + " is behind a received " + c.hlc.ToString());
  }
}

// What the app does with received data; none of it may crash, whatever the server sent.
void ReadLikeTheApp(DeviceStore& store, const std::vector<Change>& page) {
  Checklist checklist(store);
  if (auto visits = checklist.Visits(); visits.ok()) {
    size_t shown = 0;
    for (const auto& v : *visits) {
      for (const auto& u : v.units) {
        if (shown++ < 8) (void)checklist.ChecklistOf(u.code);
      }
    }
  }
  if (auto conflicts = checklist.Conflicts(true); conflicts.ok()) {
    for (const auto& c : *conflicts) {
      if (c.conflict.IsOpen()) {
        (void)checklist.Resolve(c.conflict.id, domain::Resolution::kKeepLoser);
        break;
      }
    }
  }
  for (const Change& c : page) {
    if (const auto* text = std::get_if<std::string>(&c.value)) {
      (void)checklist.Search(text->substr(0, 40));
      break;
    }
  }
}

}  // namespace
}  // namespace fieldsync::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fieldsync;
  using namespace fieldsync::fuzz;
  QuietProtobufLogs();
  wire::PullResponse response;
  if (!response.ParseFromArray(data, static_cast<int>(size))) return 0;
  std::vector<Change> page;
  for (const auto& w : response.changes()) {
    auto c = wire_codec::FromWire(w);
    if (!c.ok()) return 0;  // the engine refuses the whole page before touching the store
    page.push_back(std::move(c).value());
  }
  if (response.has_grouped()) {  // as the engine reads it: the group instead of the list
    size_t bad = 0;
    auto grouped = wire_codec::FromGroup(response.grouped(), &bad);
    if (!grouped.ok()) return 0;
    page = std::move(grouped).value();
  }
  auto& device = DeviceFixture::Get();
  DeviceStore& store = device.FreshStore();
  const auto pending = store.PendingCount();
  FUZZ_CHECK(pending.ok(), pending.status().ToString());
  const auto expected = Expected(store, page);
  const std::string cursor = std::to_string(response.next_cursor());

  Status applied = store.ApplyRemote(page, {{kCursorSetting, cursor}});
  if (!applied.ok()) {
    FUZZ_CHECK(!device.CommittedSinceFresh() || device.Digest() == device.SetUpDigest(),
               "a refused page changed the store: " + applied.ToString());
    return 0;
  }
  CheckApplied(store, expected);
  CheckClock(store, page);
  FUZZ_CHECK(store.PendingCount().ok() && *store.PendingCount() == *pending, "received changes entered the outbox");
  auto stored_cursor = store.GetSetting(kCursorSetting);
  FUZZ_CHECK(stored_cursor.ok() && *stored_cursor == cursor, "S4: the cursor was not stored with the page");

  // S6: the same page again (a pull redone after a cut) leaves every field as it is.
  FUZZ_CHECK(store.ApplyRemote(page, {{kCursorSetting, cursor}}).ok(), "a page applied once failed the second time");
  CheckApplied(store, expected);

  ReadLikeTheApp(store, page);
  return 0;
}
