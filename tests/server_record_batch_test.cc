// A batch's records are read once, changed in memory and written once (server/record_batch.h).
// Property, with fixed seeds: the same changes applied in random batches, or one change per
// batch, leave the same current state, the same conflicts (S6, S7, S9) and the same scopes (S12)
// — so the in-memory view a batch works on is exactly what the store would hold after each change.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "fieldsync/hlc.h"
#include "fieldsync/server/conflict.h"
#include "fieldsync/server/server_store.h"
#include "temp_dir.h"
#include "test_clock.h"

namespace fieldsync::server {
namespace {

constexpr const char* kDevices[] = {"dev-khoa", "dev-luan", "dev-ha"};
constexpr const char* kFields[] = {"results", "limitations", "unit_id", kDeletedField};

// Changes to a few records from three devices: texts, tombstones and deletions, stamps close
// together so that edits race, and each a copy of what its device last saw of the field, or not.
std::vector<ScopedChange> RandomChanges(uint32_t seed, size_t count) {
  std::mt19937 rng(seed);
  std::map<std::string, uint64_t> next_seq;
  std::map<std::string, Hlc> seen;  // what the last write of a field stamped (as every device saw)
  std::vector<ScopedChange> out;
  for (size_t i = 0; i < count; ++i) {
    Change c;
    c.record_type = "answer";
    c.record_id = "u" + std::to_string(rng() % 2) + "/i" + std::to_string(rng() % 3);
    c.field = kFields[rng() % 4];
    c.device_id = kDevices[rng() % 3];
    c.device_seq = ++next_seq[c.device_id];
    c.author = c.device_id.substr(4);
    c.hlc = Hlc{1'700'000'000'000 + static_cast<int64_t>(rng() % 50), static_cast<uint32_t>(rng() % 3)};
    const std::string key = c.record_id + "." + c.field;
    if (rng() % 2 && seen.count(key)) c.seen_hlc = seen[key];
    if (c.field == std::string(kDeletedField)) {
      c.value = rng() % 3 == 0;
    } else if (rng() % 5 == 0) {
      c.tombstone = true;
    } else {
      c.value = "giá trị " + std::to_string(rng() % 4);
    }
    seen[key] = c.hlc;
    out.push_back(ScopedChange{c, "visit:v" + std::to_string(rng() % 2)});  // a later proposal never moves a scope
  }
  return out;
}

// Each record the store holds, deleted or not (conflict records by their fields other than the
// server's own stamps), with its scope, rendered for comparing.
std::vector<std::string> Dump(ServerStore& store) {
  std::vector<std::string> out;
  for (const char* type : {"answer", conflict::kType}) {
    // Deleted answers too (ListRecords leaves them out).
    std::vector<Record> records;
    auto conflicts = store.ListRecords(conflict::kType);
    EXPECT_TRUE(conflicts.ok()) << conflicts.status().ToString();
    if (std::string(type) == conflict::kType && conflicts.ok()) records = *conflicts;
    for (int u = 0; u < 2 && std::string(type) != conflict::kType; ++u) {
      for (int i = 0; i < 3; ++i) {
        auto r = store.GetRecord(type, "u" + std::to_string(u) + "/i" + std::to_string(i));
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        if (r.ok() && *r) records.push_back(**r);
      }
    }
    for (const auto& r : records) {
      auto scope = store.RecordScope(type, r.id);
      std::string line = std::string(type) + "/" + r.id + " @" + (scope.ok() ? scope->value_or("?") : "error");
      for (const auto& [name, f] : r.fields) {
        line += " " + name + "=" + (f.tombstone ? "(deleted)" : DescribeValue(f.value));
        if (std::string(type) != conflict::kType) line += "/" + f.hlc.ToString() + "/" + f.node;
      }
      out.push_back(line);
    }
  }
  return out;
}

TEST(RecordBatch, S6_S7_S9_BatchesLeaveWhatOneChangeAtATimeLeaves) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto changes = RandomChanges(seed, 120);
    TempDir dir;
    auto batched = OpenSqliteServerStore(dir.File("batched.db"));
    auto single = OpenSqliteServerStore(dir.File("single.db"));
    ASSERT_TRUE(batched.ok() && single.ok());
    ManualClock wall(1'700'000'000'000);
    HlcClock clock_a(wall, Hlc{}), clock_b(wall, Hlc{});
    std::mt19937 rng(seed * 7919);
    for (size_t i = 0; i < changes.size();) {
      const size_t n = std::min<size_t>(1 + rng() % 40, changes.size() - i);
      std::vector<ScopedChange> batch(changes.begin() + static_cast<std::ptrdiff_t>(i),
                                      changes.begin() + static_cast<std::ptrdiff_t>(i + n));
      auto applied = (*batched)->ApplyChanges(batch, clock_a, "server", AuditEvent{}, nullptr);
      ASSERT_TRUE(applied.ok()) << applied.status().ToString();
      for (const auto& one : batch) {
        auto alone = (*single)->ApplyChanges({one}, clock_b, "server", AuditEvent{}, nullptr);
        ASSERT_TRUE(alone.ok()) << alone.status().ToString();
      }
      i += n;
    }
    const auto expected = Dump(**single);
    EXPECT_EQ(Dump(**batched), expected);
    size_t conflicts = 0;
    for (const auto& line : expected) conflicts += line.starts_with(conflict::kType);
    EXPECT_GT(conflicts, 0u) << "the workload must make conflicts for the property to bite";
  }
}

}  // namespace
}  // namespace fieldsync::server
