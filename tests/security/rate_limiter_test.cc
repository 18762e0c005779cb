// RateLimiter: one token bucket per key, driven with explicit times so that
// nothing here sleeps or depends on the machine's speed.
#include "server/rate_limiter.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace citymatch {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

TEST(RateLimiterTest, BurstThenRefusalWithRetryAfter) {
  RateLimiter limiter(/*qps=*/2, /*burst=*/3);
  absl::Duration retry_after = absl::InfiniteDuration();
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.Admit("t", kStart, &retry_after)) << "call " << i;
  }
  EXPECT_FALSE(limiter.Admit("t", kStart, &retry_after));
  // The bucket is empty; one token comes back after 1/qps.
  EXPECT_NEAR(absl::ToDoubleSeconds(retry_after), 0.5, 1e-9);
}

TEST(RateLimiterTest, RefillsOverTime) {
  RateLimiter limiter(/*qps=*/2, /*burst=*/1);
  absl::Duration retry_after;
  ASSERT_TRUE(limiter.Admit("t", kStart, &retry_after));
  ASSERT_FALSE(limiter.Admit("t", kStart, &retry_after));

  // Not yet: a quarter of a second brings back half a token.
  const absl::Time later = kStart + absl::Milliseconds(250);
  EXPECT_FALSE(limiter.Admit("t", later, &retry_after));
  EXPECT_NEAR(absl::ToDoubleSeconds(retry_after), 0.25, 1e-9);

  // After the advertised wait the call is admitted, and the bucket is empty
  // again.
  const absl::Time ready = later + retry_after;
  EXPECT_TRUE(limiter.Admit("t", ready, &retry_after));
  EXPECT_FALSE(limiter.Admit("t", ready, &retry_after));
  EXPECT_NEAR(absl::ToDoubleSeconds(retry_after), 0.5, 1e-9);
}

TEST(RateLimiterTest, SteadyRateIsAdmitted) {
  RateLimiter limiter(/*qps=*/10, /*burst=*/1);
  absl::Duration retry_after;
  // One call every 1/qps seconds, for a while: never refused.
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(limiter.Admit("t", kStart + i * absl::Milliseconds(100),
                              &retry_after))
        << "call " << i;
  }
}

TEST(RateLimiterTest, IdleTimeRefillsAtMostTheBurst) {
  RateLimiter limiter(/*qps=*/5, /*burst=*/4);
  absl::Duration retry_after;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(limiter.Admit("t", kStart, &retry_after));
  ASSERT_FALSE(limiter.Admit("t", kStart, &retry_after));
  const absl::Time much_later = kStart + absl::Hours(5);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(limiter.Admit("t", much_later, &retry_after)) << "call " << i;
  }
  EXPECT_FALSE(limiter.Admit("t", much_later, &retry_after));
}

TEST(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  RateLimiter limiter(/*qps=*/1, /*burst=*/2);
  absl::Duration retry_after;
  ASSERT_TRUE(limiter.Admit("a", kStart, &retry_after));
  ASSERT_TRUE(limiter.Admit("a", kStart, &retry_after));
  ASSERT_FALSE(limiter.Admit("a", kStart, &retry_after));
  EXPECT_TRUE(limiter.Admit("b", kStart, &retry_after));
  EXPECT_TRUE(limiter.Admit("b", kStart, &retry_after));
  EXPECT_FALSE(limiter.Admit("b", kStart, &retry_after));
}

TEST(RateLimiterTest, ZeroQpsMeansNoLimit) {
  RateLimiter limiter(/*qps=*/0, /*burst=*/1);
  absl::Duration retry_after;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(limiter.Admit("t", kStart, &retry_after)) << "call " << i;
  }
}

TEST(RateLimiterTest, BurstBelowOneStillAdmitsOneCall) {
  RateLimiter limiter(/*qps=*/1, /*burst=*/0);
  absl::Duration retry_after;
  EXPECT_TRUE(limiter.Admit("t", kStart, &retry_after));
  EXPECT_FALSE(limiter.Admit("t", kStart, &retry_after));
  EXPECT_NEAR(absl::ToDoubleSeconds(retry_after), 1.0, 1e-9);
}

TEST(RateLimiterTest, ClockGoingBackwardsGrantsNothing) {
  RateLimiter limiter(/*qps=*/1, /*burst=*/1);
  absl::Duration retry_after;
  ASSERT_TRUE(limiter.Admit("t", kStart, &retry_after));
  EXPECT_FALSE(limiter.Admit("t", kStart - absl::Seconds(30), &retry_after));
  EXPECT_GT(retry_after, absl::ZeroDuration());
}

}  // namespace
}  // namespace citymatch
