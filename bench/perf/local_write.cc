// Local field write: one finding saved through Checklist::Answer (the public API a tablet app
// calls), one durable transaction each (S1), against the floor of a raw SQLite insert of the same
// bytes with the same journal (WAL) and synchronous setting. Both run interleaved in one loop so
// that a noisy neighbour slows both alike.
#include <chrono>
#include <utility>

#include "bench_env.h"
#include "fieldsync/checklist.h"
#include "fieldsync/seed_scenario.h"
#include "fieldsync/sqlite_db.h"
#include "sections.h"

namespace fieldsync::bench {
namespace {

struct Latencies {
  std::vector<double> api_us, raw_us;
};

// Every (unit code, item code) of the seed plan.
std::vector<std::pair<std::string, std::string>> SeedSlots() {
  const auto& plan = seed::Plan31();
  std::vector<std::pair<std::string, std::string>> slots;
  for (const auto& unit : plan.units)
    for (const auto& item : plan.items)
      if (item.template_id == unit.template_id) slots.emplace_back(unit.code, item.code);
  return slots;
}

Result<Latencies> Measure(DeviceStoreOptions::Durability durability, size_t writes, const ScratchDir& dir,
                          const std::string& tag) {
  DeviceStoreOptions options;
  options.durability = durability;
  FS_ASSIGN_OR_RETURN(auto store, DeviceStore::Open(dir.File(tag + "-device.db"), options));
  FS_RETURN_IF_ERROR(store->Initialize("luan"));
  Checklist checklist(*store);
  FS_RETURN_IF_ERROR(checklist.LoadPlan(seed::Plan31()).status());

  FS_ASSIGN_OR_RETURN(auto raw, sql::Database::Open(dir.File(tag + "-raw.db")));
  const bool normal = durability == DeviceStoreOptions::Durability::kNormal;
  FS_RETURN_IF_ERROR(raw->Exec(normal ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL"));
  FS_RETURN_IF_ERROR(raw->Exec("CREATE TABLE t (record_type TEXT, record_id TEXT, field TEXT, value TEXT)"));
  FS_ASSIGN_OR_RETURN(auto insert, raw->Prepare("INSERT INTO t VALUES (?, ?, ?, ?)"));

  const auto slots = SeedSlots();
  FindingsGenerator gen(42);
  Latencies out;
  // The first kWarmUpWrites are not timed: they bring both WAL files to their working size, as on
  // a tablet in use (a fresh file grows with every commit, and growing makes fdatasync write the
  // inode too). The store's WAL restarts after 8192 pages, two per tap.
  constexpr size_t kWarmUpWrites = 4500;
  for (size_t i = 0; i < kWarmUpWrites + writes; ++i) {
    if (i == kWarmUpWrites) out = Latencies{};
    const auto& [unit, item] = slots[i % slots.size()];
    AnswerEdit edit;
    edit.results = gen.Text(220);
    const std::string value = *edit.results;

    auto start = std::chrono::steady_clock::now();
    FS_RETURN_IF_ERROR(checklist.Answer(unit, item, edit).status());
    out.api_us.push_back(SecondsSince(start) * 1e6);

    start = std::chrono::steady_clock::now();
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*raw));
    insert->Bind(1, std::string(domain::kAnswer)).Bind(2, unit + "/" + item).Bind(3, std::string("results"));
    insert->Bind(4, value);
    FS_RETURN_IF_ERROR(insert->Run());
    FS_RETURN_IF_ERROR(txn->Commit());
    out.raw_us.push_back(SecondsSince(start) * 1e6);
  }
  return out;
}

}  // namespace

void RunLocalWrite(const Config& config, Report& report) {
  ScratchDir dir("local-write");
  const size_t writes = config.quick ? 1000 : 5000;
  struct Mode {
    DeviceStoreOptions::Durability durability;
    const char* tag;
  };
  for (const Mode mode : {Mode{DeviceStoreOptions::Durability::kFull, "full"},
                          Mode{DeviceStoreOptions::Durability::kNormal, "normal"}}) {
    auto m = Measure(mode.durability, writes, dir, mode.tag);
    if (!m.ok()) {
      report.Note(std::string("local write (") + mode.tag + ") failed: " + m.status().ToString());
      continue;
    }
    const double api50 = Percentile(m->api_us, 50), api99 = Percentile(m->api_us, 99);
    const double raw50 = Percentile(m->raw_us, 50);
    const std::string suffix = mode.durability == DeviceStoreOptions::Durability::kFull ? "" : "_normal";
    const std::string words = mode.durability == DeviceStoreOptions::Durability::kFull
                                  ? "synchronous=FULL, the default"
                                  : "synchronous=NORMAL";
    report.Add("local_write_p50_us" + suffix, api50, "µs", "one finding saved via Checklist::Answer, " + words);
    report.Add("local_write_p99_us" + suffix, api99, "µs", "same, 99th percentile");
    report.Add("local_write_ratio_sqlite" + suffix, api50 / raw50, "×",
               "p50 over a raw SQLite insert of the same bytes, same settings (raw p50 " +
                   std::to_string(static_cast<int>(raw50)) + " µs)",
               suffix.empty() ? "≤ 1.3" : "");
  }
}

}  // namespace fieldsync::bench
