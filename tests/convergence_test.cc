// S5–S9 under random operations and faults, fixed seeds (tests/convergence_harness.h). A failing
// seed prints itself; replay it with `build/bin/fieldsync_convergence --seed N --runs 1 --verbose`.
#include <gtest/gtest.h>

#include "convergence_harness.h"
#include "temp_dir.h"

namespace fieldsync::testkit {
namespace {

// Databases in memory-backed /dev/shm where there is one: the harness checks logic, not fsync.
std::filesystem::path FastScratch() {
  std::error_code ec;
  return std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm")
                                                       : std::filesystem::temp_directory_path();
}

class ConvergenceSeeds : public ::testing::TestWithParam<uint64_t> {};

TEST_P(ConvergenceSeeds, S5_S6_S7_S8_S9_ReplicasConvergeAndNothingIsLost) {
  // Each test case runs a block of seeds so ctest stays fast while covering a few hundred runs.
  constexpr uint64_t kSeedsPerCase = 25;
  for (uint64_t seed = GetParam() * kSeedsPerCase; seed < (GetParam() + 1) * kSeedsPerCase; ++seed) {
    TempDir dir(FastScratch());
    ConvergenceConfig config;
    config.seed = seed;
    config.work_dir = dir.File("run");
    ConvergenceResult r = RunConvergence(config);
    ASSERT_TRUE(r.ok()) << "seed " << seed << " (" << r.devices << " devices) failed; replay: "
                        << "build/bin/fieldsync_convergence --seed " << seed << " --runs 1 --verbose\n"
                        << [&] {
                             std::string all;
                             for (const auto& p : r.problems) all += "  " + p + "\n";
                             return all;
                           }();
    EXPECT_EQ(r.values_lost, 0);
    EXPECT_EQ(r.resurrections, 0);
    EXPECT_EQ(r.divergent_fields, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Blocks, ConvergenceSeeds, ::testing::Range<uint64_t>(0, 8));

}  // namespace
}  // namespace fieldsync::testkit
