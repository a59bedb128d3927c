// Central ingest: field changes applied per second by the server (SyncService::Push: checks,
// scope, conflict detection, change log, current state and audit entry, one transaction per batch,
// cut as a tablet's sync engine cuts them: SyncOptions' change and byte bounds), from four
// tablets, against the floor of a raw SQLite bulk insert of the same rows into one table in one
// transaction (same WAL + synchronous=FULL settings).
#include <ctime>

#include "bench_env.h"
#include "fieldsync/sqlite_db.h"
#include "fieldsync/sync_engine.h"
#include "sections.h"

namespace fieldsync::bench {
namespace {

struct DeviceBatches {
  server::Session session;
  std::string device_id;
  std::vector<std::vector<Change>> batches;
};

Result<double> RawBulkInsertSeconds(const std::vector<DeviceBatches>& devices, const ScratchDir& dir) {
  FS_ASSIGN_OR_RETURN(auto raw, sql::Database::Open(dir.File("raw-ingest.db")));
  FS_RETURN_IF_ERROR(raw->Exec(
      "CREATE TABLE change_log (server_seq INTEGER PRIMARY KEY, device_id TEXT, device_seq INTEGER, record_type TEXT, "
      "record_id TEXT, field TEXT, value TEXT, hlc INTEGER, author TEXT)"));
  FS_ASSIGN_OR_RETURN(auto insert, raw->Prepare("INSERT INTO change_log (device_id, device_seq, record_type, "
                                                "record_id, field, value, hlc, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  const auto start = std::chrono::steady_clock::now();
  FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*raw));
  for (const auto& d : devices) {
    for (const auto& batch : d.batches) {
      for (const auto& c : batch) {
        insert->Bind(1, c.device_id).Bind(2, static_cast<int64_t>(c.device_seq)).Bind(3, c.record_type);
        insert->Bind(4, c.record_id).Bind(5, c.field).BindValue(6, c.value);
        insert->Bind(7, static_cast<int64_t>(c.hlc.Pack())).Bind(8, c.author);
        FS_RETURN_IF_ERROR(insert->Run());
      }
    }
  }
  FS_RETURN_IF_ERROR(txn->Commit());
  return SecondsSince(start);
}

}  // namespace

void RunIngest(const Config& config, Report& report) {
  auto fail = [&](const Status& s) { report.Note("ingest failed: " + s.ToString()); };
  const size_t answers = config.quick ? 10000 : 100000;
  const size_t devices = 4;
  ScratchDir dir("ingest");
  const ScaledPlan plan = MakeScaledPlan(answers, std::max<size_t>(devices, answers / 2000), devices, false);
  auto server = BenchServer::Start(dir, plan);
  if (!server.ok()) return fail(server.status());
  auto& service = (*server)->server().service();

  // Each tablet answers the slots of its own visits, as a team splits the work.
  std::vector<DeviceBatches> work;
  size_t total = 0, batch_count = 0;
  for (size_t d = 0; d < devices; ++d) {
    auto tablet = (*server)->Enroll(plan.users[d], "tablet" + std::to_string(d) + ".db");
    if (!tablet.ok()) return fail(tablet.status());
    if (auto r = tablet->Sync(); !r.ok()) return fail(r.status());
    std::vector<FieldWrite> writes;
    FindingsGenerator gen(100 + d);
    for (size_t i = 0; i < plan.slots.size(); ++i) {
      const auto& slot = plan.slots[i];
      if (slot.visit_index % devices != d) continue;  // the visit's assignee answers it
      auto a = AnswerWrites(slot, gen);
      std::move(a.begin(), a.end(), std::back_inserter(writes));
    }
    for (size_t i = 0; i < writes.size(); i += 8000) {
      std::vector<FieldWrite> chunk(writes.begin() + i, writes.begin() + std::min(writes.size(), i + 8000));
      if (auto w = tablet->store->Write(chunk); !w.ok()) return fail(w.status());
    }
    DeviceBatches batches;
    batches.device_id = tablet->store->Identity()->device_id;
    auto session = service.Authenticate(**tablet->store->GetSetting("sync.device_token"));
    if (!session.ok()) return fail(session.status());
    batches.session = *session;
    // Cut by the store itself, as the sync engine does; taking a batch off the outbox here stands
    // in for its acknowledgement.
    const SyncOptions limits;
    while (true) {
      auto pending = tablet->store->PendingChanges(limits.push_batch_changes, limits.push_batch_bytes);
      if (!pending.ok()) return fail(pending.status());
      if (pending->empty()) break;
      total += pending->size();
      if (Status s = tablet->store->Acknowledge(*pending); !s.ok()) return fail(s);
      batches.batches.push_back(std::move(*pending));
    }
    batch_count += batches.batches.size();
    work.push_back(std::move(batches));
  }

  // Round-robin over the tablets, a batch each, as concurrent uploads arrive.
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  for (size_t b = 0;; ++b) {
    bool any = false;
    for (auto& d : work) {
      if (b >= d.batches.size()) continue;
      any = true;
      auto pushed = service.Push(d.session, d.device_id, d.batches[b]);
      if (!pushed.ok()) return fail(pushed.status());
    }
    if (!any) break;
  }
  const double ours = SecondsSince(start);
  report.Note("ingest: " + std::to_string(ours) + " s wall, " +
              std::to_string(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC) + " s CPU");
  auto raw = RawBulkInsertSeconds(work, dir);
  if (!raw.ok()) return fail(raw.status());
  const double rate = static_cast<double>(total) / ours;
  report.Add("ingest_changes_per_s", rate, "changes/s",
             "server applies " + std::to_string(total) + " field changes from 4 tablets in " +
                 std::to_string(batch_count) + " batches", "≥ 50000");
  report.Add("ingest_ratio_sqlite", ours / *raw, "×",
             "time over a raw SQLite bulk insert of the same rows in one transaction (" +
                 std::to_string(static_cast<int64_t>(static_cast<double>(total) / *raw)) + " rows/s)");
}

}  // namespace fieldsync::bench
