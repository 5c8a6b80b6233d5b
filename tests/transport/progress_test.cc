// progress_reporter (rate limit, final call) and the byte_sink / byte_source wrappers, with an
// injected clock (no timing in these tests).
#include "transport/progress.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace inet::transport {
namespace {

using namespace std::chrono_literals;
using time_point = std::chrono::steady_clock::time_point;

/// A clock the test moves by hand.
struct fake_clock {
  time_point now{};
  progress_clock fn() {
    return [this] { return now; };
  }
};

/// Every report, with the fake time it was made at.
struct recorder {
  fake_clock* clock = nullptr;
  std::vector<progress> calls;
  std::vector<time_point> at;
  progress_fn fn() {
    return [this](const progress& p) {
      calls.push_back(p);
      at.push_back(clock->now);
    };
  }
};

/// Checks the contract: at most one call per 100 ms except the final one, done never goes back,
/// exactly one finished call and it is the last.
void expect_rate_limited(const recorder& r) {
  ASSERT_FALSE(r.calls.empty());
  for (std::size_t i = 1; i < r.calls.size(); ++i) {
    EXPECT_GE(r.calls[i].done, r.calls[i - 1].done) << "call " << i;
    if (!r.calls[i].finished) {
      EXPECT_GE(r.at[i] - r.at[i - 1], 100ms) << "call " << i;
    }
  }
  for (std::size_t i = 0; i + 1 < r.calls.size(); ++i) EXPECT_FALSE(r.calls[i].finished);
  EXPECT_TRUE(r.calls.back().finished);
}

TEST(ProgressReporter, AtMostOneCallPer100msThenExactFinalCount) {
  fake_clock clock;
  recorder rec{&clock};
  progress_reporter meter(rec.fn(), 10'000, clock.fn());
  for (int i = 0; i < 1000; ++i) {  // 1000 chunks of 10 bytes, 7 ms apart: 7 s in all
    meter.add(10);
    clock.now += 7ms;
  }
  meter.finish();
  expect_rate_limited(rec);
  // 7 s at one call per >= 100 ms (a call every 15th chunk = 105 ms): 67 calls, plus the final.
  EXPECT_EQ(rec.calls.size(), 68u);
  EXPECT_EQ(rec.calls.front().done, 10u);  // the first add reports at once
  EXPECT_EQ(rec.calls.back().done, 10'000u);
  for (const auto& c : rec.calls) EXPECT_EQ(c.total, std::optional<std::uint64_t>(10'000));
}

TEST(ProgressReporter, FinalCallEvenWhenNothingElseIsDue) {
  fake_clock clock;
  recorder rec{&clock};
  progress_reporter meter(rec.fn(), std::nullopt, clock.fn());
  meter.add(5);
  meter.add(6);  // same instant: rate-limited
  meter.finish();
  ASSERT_EQ(rec.calls.size(), 2u);
  EXPECT_EQ(rec.calls[0].done, 5u);
  EXPECT_FALSE(rec.calls[0].finished);
  EXPECT_EQ(rec.calls[1].done, 11u);
  EXPECT_TRUE(rec.calls[1].finished);
  EXPECT_EQ(rec.calls[1].total, std::nullopt);
}

TEST(ProgressReporter, EmptyTransferStillGetsItsFinalCall) {
  fake_clock clock;
  recorder rec{&clock};
  progress_reporter meter(rec.fn(), 0, clock.fn());
  meter.add(0);
  meter.finish();
  meter.finish();  // once only
  ASSERT_EQ(rec.calls.size(), 1u);
  EXPECT_EQ(rec.calls[0].done, 0u);
  EXPECT_TRUE(rec.calls[0].finished);
}

TEST(ProgressReporter, AddAfterFinishCountsButDoesNotReport) {
  fake_clock clock;
  recorder rec{&clock};
  progress_reporter meter(rec.fn(), std::nullopt, clock.fn());
  meter.finish();
  clock.now += 1s;
  meter.add(3);
  EXPECT_EQ(rec.calls.size(), 1u);
  EXPECT_EQ(meter.done(), 3u);
}

TEST(ProgressReporter, WithoutCallbackTheClockIsNeverRead) {
  int reads = 0;
  progress_reporter meter({}, 1, [&reads] {
    ++reads;
    return time_point{};
  });
  EXPECT_FALSE(meter.active());
  meter.add(100);
  meter.finish();
  EXPECT_EQ(reads, 0);
  EXPECT_EQ(meter.done(), 100u);
}

TEST(ProgressReporter, ThrowingCallbackPropagates) {
  progress_reporter meter([](const progress&) { throw std::runtime_error("cancelled"); });
  EXPECT_THROW(meter.add(1), std::runtime_error);
}

TEST(ProgressSink, ForwardsEveryChunkAndCountsIt) {
  fake_clock clock;
  recorder rec{&clock};
  progress_reporter meter(rec.fn(), 300'000, clock.fn());
  std::string got;
  byte_sink sink = progress_sink(string_sink(got), meter);
  std::string expected;
  for (int i = 0; i < 3000; ++i) {
    const std::string chunk(100, static_cast<char>('a' + i % 26));
    expected += chunk;
    sink(chunk);
    clock.now += 1ms;
  }
  meter.finish();
  EXPECT_EQ(got, expected);
  expect_rate_limited(rec);
  EXPECT_EQ(rec.calls.back().done, 300'000u);
  EXPECT_EQ(rec.calls.size(), 31u);  // 3 s: t = 0, 100, ..., 2900 ms, and the final call
  for (const auto& c : rec.calls) EXPECT_EQ(c.total, std::optional<std::uint64_t>(300'000));
}

TEST(ProgressSink, ChunkTheInnerSinkRejectsIsNotCounted) {
  progress_reporter meter([](const progress&) {});
  byte_sink sink = progress_sink([](std::string_view) { throw std::runtime_error("disk full"); },
                                 meter);
  EXPECT_THROW(sink("abc"), std::runtime_error);
  EXPECT_EQ(meter.done(), 0u);
}

TEST(ProgressSource, CountsWhatIsReadAndLeavesFinishToTheCaller) {
  fake_clock clock;
  recorder rec{&clock};
  const std::string data(1'000'000, 'x');
  memory_source inner(data);
  progress_reporter meter(rec.fn(), data.size(), clock.fn());
  progress_source src(inner, meter);
  std::vector<char> buf(4096);
  std::string out;
  for (;;) {
    const std::size_t n = src.read(buf);
    if (n == 0) break;
    out.append(buf.data(), n);
    clock.now += 2ms;
  }
  EXPECT_EQ(out, data);
  EXPECT_FALSE(meter.finished());  // end of data is not the end of the transfer
  ASSERT_FALSE(rec.calls.empty());
  EXPECT_FALSE(rec.calls.back().finished);
  meter.finish();
  expect_rate_limited(rec);
  EXPECT_EQ(rec.calls.back().done, data.size());
  EXPECT_EQ(rec.calls.back().total, std::optional<std::uint64_t>(data.size()));
}

}  // namespace
}  // namespace inet::transport
