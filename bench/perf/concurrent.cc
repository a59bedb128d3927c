// 100 tablets syncing at once, each with its own answers (its own visit), against one server over
// HTTP on 127.0.0.1: total time until all are done, failed syncs (must be 0) and the p99 latency
// of every request made.
#include <atomic>
#include <thread>

#include "bench_env.h"
#include "sections.h"

namespace fieldsync::bench {

void RunConcurrent(const Config& config, Report& report) {
  auto fail = [&](const Status& s) { report.Note("concurrent failed: " + s.ToString()); };
  const size_t devices = 100;
  const size_t per_device = config.quick ? 100 : 1000;
  ScratchDir dir("concurrent");
  const ScaledPlan plan = MakeScaledPlan(devices * per_device, devices, devices, /*shared=*/false);
  auto server = BenchServer::Start(dir, plan);
  if (!server.ok()) return fail(server.status());

  std::vector<Tablet> tablets;
  size_t total_answers = 0;
  for (size_t d = 0; d < devices; ++d) {
    auto tablet = (*server)->Enroll(plan.users[d], "tablet" + std::to_string(d) + ".db");
    if (!tablet.ok()) return fail(tablet.status());
    if (auto r = tablet->Sync(); !r.ok()) return fail(r.status());
    FindingsGenerator gen(1000 + d);
    std::vector<FieldWrite> writes;
    for (const auto& slot : plan.slots) {
      if (slot.visit_index != d) continue;
      auto a = AnswerWrites(slot, gen);
      std::move(a.begin(), a.end(), std::back_inserter(writes));
      ++total_answers;
    }
    if (auto w = tablet->store->Write(writes); !w.ok()) return fail(w.status());
    tablet->http->Reset();
    tablets.push_back(std::move(*tablet));
  }

  std::atomic<int> errors{0};
  std::vector<std::string> first_error(devices);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (size_t d = 0; d < devices; ++d) {
    threads.emplace_back([&, d] {
      auto r = tablets[d].Sync();
      auto pending = tablets[d].store->PendingCount();
      if (!r.ok() || !pending.ok() || *pending != 0) {
        ++errors;
        first_error[d] = r.ok() ? "changes left in the outbox" : r.status().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  const double total_s = SecondsSince(start);
  std::vector<double> latencies;
  for (const auto& t : tablets)
    latencies.insert(latencies.end(), t.http->latencies_ms.begin(), t.http->latencies_ms.end());
  for (const auto& e : first_error)
    if (!e.empty()) {
      report.Note("concurrent: first failed sync: " + e);
      break;
    }
  const std::string shape = std::to_string(devices) + " tablets × " + std::to_string(per_device) + " answers";
  report.Add("concurrent_100_s", total_s, "s", shape + " (" + std::to_string(total_answers) + " answers), all at once");
  report.Add("concurrent_100_errors", errors.load(), "", "syncs that failed or left changes unsent", "= 0");
  report.Add("concurrent_100_p99_ms", Percentile(latencies, 99), "ms",
             "p99 latency of the " + std::to_string(latencies.size()) + " requests");
  report.Add("concurrent_100_answers_per_s", static_cast<double>(total_answers) / total_s, "answers/s", "");
}

}  // namespace fieldsync::bench
