// Pacing for curl's --limit-rate: how long to pause after moving bytes so that a direction of a
// connection never averages more than a given number of bytes per second. No I/O and no timer:
// the transport waits on an Asio timer for the pause it returns (transport::stream), so a paced
// connection never blocks the executor. The clock is injectable (tests use a fake one).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>

namespace inet::transport {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  using clock_fn = std::function<clock::time_point()>;

  /// `bytes_per_second` 0 = unlimited (pause() is always zero).
  explicit rate_limiter(std::uint64_t bytes_per_second = 0, clock_fn now = &clock::now)
      : rate_(bytes_per_second), now_(std::move(now)) {}

  std::uint64_t rate() const noexcept { return rate_; }

  /// Accounts `n` bytes moved now and returns the pause before the next transfer in this
  /// direction (zero when under the rate). Time spent idle earns no credit: after a pause of
  /// exactly the returned length, bytes / elapsed time since the first byte <= the rate.
  clock::duration pause(std::uint64_t n) {
    if (rate_ == 0 || n == 0) return clock::duration::zero();
    const auto now = now_();
    const auto cost = std::chrono::duration_cast<clock::duration>(
        std::chrono::duration<double>(static_cast<double>(n) / static_cast<double>(rate_)));
    paid_until_ = std::max(paid_until_, now) + cost;
    return paid_until_ - now;
  }

 private:
  std::uint64_t rate_;
  clock_fn now_;
  clock::time_point paid_until_{};
};

}  // namespace inet::transport
