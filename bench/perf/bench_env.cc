#include "bench_env.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <random>

namespace fieldsync::bench {

ScratchDir::ScratchDir(const std::string& name) {
  path_ = std::filesystem::temp_directory_path() /
          ("fieldsync-bench-" + name + "-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  // FIELDSYNC_BENCH_KEEP=1 leaves the stores behind, to look into their tables afterwards.
  if (const char* keep = std::getenv("FIELDSYNC_BENCH_KEEP"); keep && std::string(keep) == "1") {
    std::cerr << "bench: kept " << path_.string() << "\n";
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Result<HttpResponse> CountingTransport::Send(const HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  auto answer = inner_->Send(request);
  latencies_ms.push_back(SecondsSince(start) * 1000);
  sent_bytes += request.body.size();
  if (answer.ok()) received_bytes += answer->body.size();
  return answer;
}

void CountingTransport::Reset() {
  sent_bytes = received_bytes = 0;
  latencies_ms.clear();
}

Result<SyncReport> Tablet::Sync(double* push_s, double* total_s) {
  SyncOptions options;  // a real tablet's defaults (batches, timeouts, retries)
  options.jitter_seed = 1;
  const auto start = std::chrono::steady_clock::now();
  double pushed_at = 0;
  options.on_progress = [&](const SyncProgress& p) {
    if (p.phase == SyncProgress::Phase::kPush) pushed_at = SecondsSince(start);
  };
  SyncEngine engine(*store, *http, std::move(options));
  auto report = engine.Sync();
  if (push_s) *push_s = pushed_at;
  if (total_s) *total_s = SecondsSince(start);
  return report;
}

Result<std::unique_ptr<BenchServer>> BenchServer::Start(const ScratchDir& dir, const ScaledPlan& plan) {
  auto out = std::make_unique<BenchServer>();
  out->dir_ = &dir;
  server::ServerOptions options;
  options.db_path = dir.File("central.db");
  FS_ASSIGN_OR_RETURN(out->server_, server::Server::Start(options));
  auto& service = out->server_->service();
  for (const auto& user : plan.users) FS_RETURN_IF_ERROR(service.AddUser(user, domain::Role::kLeader, user));
  FS_RETURN_IF_ERROR(service.ImportPlan(plan.data).status());
  return out;
}

Result<Tablet> BenchServer::Enroll(const std::string& user, const std::string& name) {
  Tablet t;
  t.user = user;
  FS_ASSIGN_OR_RETURN(auto code, server_->service().CreateEnrollmentCode(user));
  FS_ASSIGN_OR_RETURN(t.store, DeviceStore::Open(dir_->File(name)));
  FS_ASSIGN_OR_RETURN(auto http, MakeCpprestTransport(server_->url()));
  t.http = std::make_unique<CountingTransport>(std::move(http));
  SyncEngine engine(*t.store, *t.http);
  FS_RETURN_IF_ERROR(engine.Enroll(server_->url(), code, name));
  return t;
}

Status WriteAnswers(DeviceStore& store, const ScaledPlan& plan, size_t first, size_t count, uint64_t seed,
                    std::string* values_floor, size_t per_txn) {
  FindingsGenerator gen(seed);
  std::vector<FieldWrite> batch;
  for (size_t i = first; i < first + count; ++i) {
    auto writes = AnswerWrites(plan.slots[i], gen);
    if (values_floor) AppendValues(writes, values_floor);
    std::move(writes.begin(), writes.end(), std::back_inserter(batch));
    if (batch.size() >= per_txn * kChangesPerAnswer || i + 1 == first + count) {
      FS_RETURN_IF_ERROR(store.Write(batch).status());
      batch.clear();
    }
  }
  return Status::Ok();
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(values.size())));
  return values[index];
}

}  // namespace fieldsync::bench
