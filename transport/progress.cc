#include "transport/progress.hpp"

#include <utility>

namespace inet::transport {

progress_reporter::progress_reporter(progress_fn fn, std::optional<std::uint64_t> total,
                                     progress_clock clock, std::chrono::milliseconds interval)
    : fn_(std::move(fn)), total_(total), clock_(std::move(clock)), interval_(interval) {}

std::chrono::steady_clock::time_point progress_reporter::now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

void progress_reporter::add(std::uint64_t n) {
  if (n == 0) return;
  done_ += n;
  if (!fn_ || finished_) return;
  const auto t = now();
  if (last_call_ && t - *last_call_ < interval_) return;
  last_call_ = t;
  fn_(progress{done_, total_, false});
}

void progress_reporter::finish() {
  if (finished_) return;
  finished_ = true;
  if (fn_) fn_(progress{done_, total_, true});
}

byte_sink progress_sink(byte_sink inner, progress_reporter& reporter) {
  return [inner = std::move(inner), &reporter](std::string_view chunk) {
    if (inner) inner(chunk);
    reporter.add(chunk.size());
  };
}

std::size_t progress_source::read(std::span<char> buf) {
  const std::size_t n = inner_.read(buf);
  reporter_.add(n);
  return n;
}

}  // namespace inet::transport
