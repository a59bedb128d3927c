// Push of N answers from one tablet to the server over HTTP on 127.0.0.1, until the last batch is
// acknowledged; then pull of the same N answers into a second tablet that already had the plan,
// until applied. Bytes are HTTP bodies both ways; the floor is the answers' values alone
// (rating + four findings) compressed with zstd level 3.
#include <ctime>

#include "bench_env.h"
#include "sections.h"
#include "zstd_floor.h"

namespace fieldsync::bench {

void RunSyncThroughput(size_t answers, const char* label, Report& report) {
  const std::string tag = label;
  auto fail = [&](const Status& s) { report.Note("sync " + tag + " failed: " + s.ToString()); };
  ScratchDir dir("sync-" + tag);
  const ScaledPlan plan = MakeScaledPlan(answers, std::max<size_t>(3, answers / 2000), 2, /*shared=*/true);
  auto server = BenchServer::Start(dir, plan);
  if (!server.ok()) return fail(server.status());
  auto pusher = (*server)->Enroll(plan.users[0], "pusher.db");
  auto puller = pusher.ok() ? (*server)->Enroll(plan.users[1], "puller.db") : pusher.status();
  if (!puller.ok()) return fail(puller.status());
  for (Tablet* t : {&*pusher, &*puller}) {  // both take the plan first
    if (auto r = t->Sync(); !r.ok()) return fail(r.status());
  }
  std::string values;
  if (Status s = WriteAnswers(*pusher->store, plan, 0, answers, 7, &values); !s.ok()) return fail(s);

  pusher->http->Reset();
  double push_s = 0;
  std::clock_t cpu = std::clock();
  if (auto r = pusher->Sync(&push_s); !r.ok()) return fail(r.status());
  const double push_cpu_s = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
  const double push_bytes = static_cast<double>(pusher->http->sent_bytes) / static_cast<double>(answers);

  puller->http->Reset();
  double pull_s = 0;
  cpu = std::clock();
  auto pulled = puller->Sync(nullptr, &pull_s);
  const double pull_cpu_s = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
  if (!pulled.ok()) return fail(pulled.status());
  if (pulled->received < static_cast<int64_t>(answers * kChangesPerAnswer)) {
    return fail(Status::Internal("the second tablet received " + std::to_string(pulled->received) + " changes"));
  }
  const double pull_bytes = static_cast<double>(puller->http->received_bytes) / static_cast<double>(answers);
  const double floor = static_cast<double>(ZstdLevel3Size(values)) / static_cast<double>(answers);

  // CPU seconds of this process (tablet and server both run here): on a shared machine, wall time
  // also counts waiting for a core, CPU time does not.
  report.Note("sync " + tag + ": push " + std::to_string(push_cpu_s) + " s CPU (whole sync, echo included), pull " +
              std::to_string(pull_cpu_s) + " s CPU; " + std::to_string(pusher->http->latencies_ms.size()) +
              " requests from the pushing tablet");
  const std::string n = std::to_string(answers);
  report.Add("push_" + tag + "_s", push_s, "s", "push " + n + " answers (" + std::to_string(answers * kChangesPerAnswer) +
             " field changes) over HTTP until acknowledged", tag == "10k" ? "≤ 0.35" : "≤ 2.6");
  report.Add("push_" + tag + "_answers_per_s", static_cast<double>(answers) / push_s, "answers/s", "");
  report.Add("pull_" + tag + "_s", pull_s, "s", "pull " + n + " answers into a second tablet until applied",
             tag == "10k" ? "≤ 0.35" : "≤ 2.6");
  report.Add("pull_" + tag + "_answers_per_s", static_cast<double>(answers) / pull_s, "answers/s", "");
  if (tag == "10k") {
    report.Add("push_bytes_per_answer", push_bytes, "B", "HTTP body bytes per answer pushed");
    report.Add("pull_bytes_per_answer", pull_bytes, "B", "HTTP body bytes per answer pulled");
    report.Add("floor_bytes_per_answer", floor, "B", "the answer's values alone, zstd level 3");
    report.Add("bytes_ratio_floor", std::max(push_bytes, pull_bytes) / floor, "×",
               "larger of push/pull bytes over the floor", "≤ 1.5");
  }
}

}  // namespace fieldsync::bench
