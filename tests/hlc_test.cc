// HLC properties (SYNC.md "Model", S8): monotonic under a wall clock that jumps backwards,
// the receive rule, the bounded counter and the forward-drift bound.
#include "fieldsync/hlc.h"

#include <gtest/gtest.h>

#include <random>

#include "test_clock.h"

namespace fieldsync {
namespace {

TEST(Hlc, PackOrderIsTimestampOrder) {
  Hlc a{1000, 5}, b{1000, 6}, c{1001, 0};
  EXPECT_LT(a.Pack(), b.Pack());
  EXPECT_LT(b.Pack(), c.Pack());
  EXPECT_EQ(Hlc::Unpack(b.Pack()), b);
}

TEST(Hlc, S8_MonotonicWhenWallClockJumpsBackwards) {
  ManualClock clock(1'700'000'000'000);
  HlcClock hlc(clock, Hlc{});
  Hlc first = hlc.Now();
  clock.Set(1'700'000'000'000 - 3 * 3600 * 1000);  // three hours back
  Hlc second = hlc.Now();
  Hlc third = hlc.Now();
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_EQ(second.physical_ms, first.physical_ms) << "physical part must hold, not follow the clock back";
}

TEST(Hlc, S8_RandomClockWalkNeverGoesBackwards) {
  std::mt19937_64 rng(20230706);
  ManualClock clock(1'700'000'000'000);
  HlcClock hlc(clock, Hlc{});
  Hlc previous = hlc.Now();
  for (int i = 0; i < 20000; ++i) {
    clock.Advance(static_cast<int64_t>(rng() % 2001) - 1000);  // ±1 s jitter, both directions
    Hlc next;
    if (rng() % 4 == 0) {
      Hlc remote{clock.NowMillis() + static_cast<int64_t>(rng() % 1000), static_cast<uint32_t>(rng() % 100)};
      ASSERT_TRUE(hlc.Observe(remote).ok());
      EXPECT_GT(hlc.last(), remote) << "after receiving, the clock is past the received timestamp";
      next = hlc.last();
    } else {
      next = hlc.Now();
    }
    ASSERT_GT(next, previous) << "step " << i;
    previous = next;
  }
}

TEST(Hlc, ReceiveTakesMaxOfLocalRemoteAndWall) {
  ManualClock clock(10'000);
  HlcClock hlc(clock, Hlc{});
  (void)hlc.Now();  // {10000, 0}
  ASSERT_TRUE(hlc.Observe(Hlc{10'000, 7}).ok());
  EXPECT_EQ(hlc.last(), (Hlc{10'000, 8})) << "same physical time: counter is max + 1";
  ASSERT_TRUE(hlc.Observe(Hlc{10'200, 3}).ok());
  EXPECT_EQ(hlc.last(), (Hlc{10'200, 4})) << "remote ahead of wall clock: continue from remote";
  clock.Set(20'000);
  ASSERT_TRUE(hlc.Observe(Hlc{10'500, 9}).ok());
  EXPECT_EQ(hlc.last(), (Hlc{20'000, 0})) << "wall clock ahead of both: counter resets";
}

TEST(Hlc, CounterIsBoundedAndBorrowsAMillisecond) {
  ManualClock clock(5'000);
  HlcClock hlc(clock, Hlc{5'000, Hlc::kMaxCounter - 1});
  EXPECT_EQ(hlc.Now(), (Hlc{5'000, Hlc::kMaxCounter}));
  Hlc next = hlc.Now();
  EXPECT_EQ(next, (Hlc{5'001, 0}));
  EXPECT_EQ(Hlc::Unpack(next.Pack()), next) << "never spills into the physical bits";
}

TEST(Hlc, S8_SaturatesAtTheEndOfTheRangeInsteadOfWrappingToZero) {
  ManualClock clock(5'000);
  HlcClock hlc(clock, Hlc{});
  hlc.Merge(Hlc::Unpack(~uint64_t{0}));  // the largest stamp a (broken) server could send
  for (int i = 0; i < 3; ++i) {
    Hlc now = hlc.Now();
    EXPECT_EQ(Hlc::Unpack(now.Pack()), now);
    EXPECT_EQ(now.Pack(), ~uint64_t{0}) << "stays the largest, never 0";
  }
}

TEST(Hlc, S8_RejectsTimestampsTooFarInTheFuture) {
  ManualClock clock(1'000'000);
  HlcClock hlc(clock, Hlc{}, /*max_forward_drift_ms=*/60'000);
  Hlc before = hlc.Now();
  Status s = hlc.Observe(Hlc{1'000'000 + 3 * 3600 * 1000, 0});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("date and time"), std::string::npos) << s.message();
  EXPECT_EQ(hlc.last(), before) << "a refused timestamp leaves the clock unchanged";
  EXPECT_TRUE(hlc.Observe(Hlc{1'000'000 + 59'000, 0}).ok());
}

}  // namespace
}  // namespace fieldsync
