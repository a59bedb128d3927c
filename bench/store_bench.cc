// Device store write and search throughput.
//   build/bin/fieldsync_bench --benchmark_filter=Store
#include <benchmark/benchmark.h>

#include <filesystem>

#include "fieldsync/checklist.h"
#include "fieldsync/seed_scenario.h"

namespace {

std::string FreshPath(const char* name) {
  auto path = std::filesystem::temp_directory_path() / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

// One answer edit = one durable transaction (S1): the cost an inspector pays per save.
void BM_StoreAnswerWrite(benchmark::State& state) {
  auto store = std::move(fieldsync::DeviceStore::Open(FreshPath("fs-bench-write.db")).value());
  (void)store->Initialize("bench");
  fieldsync::Checklist checklist(*store);
  (void)checklist.LoadPlan(fieldsync::seed::Plan31());
  int64_t i = 0;
  for (auto _ : state) {
    fieldsync::AnswerEdit edit;
    edit.results = "Kết quả lần " + std::to_string(i++);
    auto r = checklist.Answer("Q4", "A1", edit);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreAnswerWrite);

void BM_StoreSearch(benchmark::State& state) {
  auto store = std::move(fieldsync::DeviceStore::Open(FreshPath("fs-bench-search.db")).value());
  (void)store->Initialize("bench");
  fieldsync::Checklist checklist(*store);
  (void)checklist.LoadPlan(fieldsync::seed::Plan31());
  for (auto _ : state) {
    auto r = checklist.Search("thoa uoc lao dong");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_StoreSearch);

}  // namespace
