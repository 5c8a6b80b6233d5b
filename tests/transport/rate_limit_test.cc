// transport::rate_limiter with a fake clock: the pauses it asks for keep the average rate at or
// below the limit, idle time earns no burst, 0 means unlimited.
#include "transport/rate_limit.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace inet::transport {
namespace {

using clock = rate_limiter::clock;
using std::chrono::milliseconds;

struct fake_clock {
  clock::time_point t{std::chrono::hours(1)};
  rate_limiter::clock_fn fn() {
    return [this] { return t; };
  }
};

double seconds(clock::duration d) { return std::chrono::duration<double>(d).count(); }

TEST(RateLimiter, PausesKeepTheAverageAtTheRate) {
  fake_clock c;
  rate_limiter r(1000, c.fn());  // 1000 bytes/s
  const auto start = c.t;
  std::uint64_t moved = 0;
  for (int i = 0; i < 50; ++i) {
    const std::uint64_t n = 100 + 37 * (i % 5);  // uneven chunks, read instantly
    moved += n;
    c.t += r.pause(n);  // the transport sleeps exactly what it is told
    EXPECT_LE(static_cast<double>(moved) / seconds(c.t - start), 1000.0 * 1.0001);
  }
  EXPECT_NEAR(static_cast<double>(moved) / seconds(c.t - start), 1000.0, 1.0);
}

TEST(RateLimiter, SlowerThanTheRateNeedsNoPauseAndIdleTimeEarnsNoBurst) {
  fake_clock c;
  rate_limiter r(1000, c.fn());
  EXPECT_EQ(r.pause(500), milliseconds(500));
  c.t += milliseconds(500);
  c.t += std::chrono::seconds(10);  // idle: no credit for it
  EXPECT_EQ(r.pause(2000), std::chrono::seconds(2));
  c.t += std::chrono::seconds(3);  // the peer was slower than the rate
  EXPECT_EQ(r.pause(100), milliseconds(100));
}

TEST(RateLimiter, ZeroIsUnlimited) {
  fake_clock c;
  rate_limiter r(0, c.fn());
  EXPECT_EQ(r.pause(1'000'000), clock::duration::zero());
  rate_limiter d;
  EXPECT_EQ(d.pause(1), clock::duration::zero());
}

}  // namespace
}  // namespace inet::transport
