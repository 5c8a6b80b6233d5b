// Progress reporting for streaming transfers: a callback type, a rate limiter that calls it at
// most about ten times a second (and always once more at the end), and wrappers that add
// progress to any byte_sink / byte_source (transport/body.hpp). No I/O.
//
//   transport::progress_reporter meter(on_progress, expected_size);   // size may be unknown
//   client.retr(n, transport::progress_sink(sink, meter));           // count what the sink gets
//   meter.finish();                                                  // the last call
//
// The protocol clients do this themselves when given a callback: smtp::client_options::progress
// (message upload), pop3::client_options::progress (RETR/TOP bodies), imap::fetch_options::
// progress (FETCH body sections) and imap::append_options::progress (APPEND upload).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "transport/body.hpp"

namespace inet::transport {

/// One progress report. Units are bytes of payload as the application sees them: message bytes
/// delivered to the sink after dot-unstuffing (POP3) or of a literal (IMAP), message bytes read
/// from the source before dot-stuffing and CRLF normalisation (SMTP). Protocol framing (status
/// lines, "." terminators, literal headers) is not counted.
struct progress {
  std::uint64_t done = 0;              ///< bytes moved so far in this transfer
  /// Bytes expected when known beforehand (SMTP: envelope::size_hint; POP3: the size LIST
  /// reported; IMAP: the literal's size). It is the peer's or caller's claim: `done` may end
  /// below or above it (a POP3 server counting LF line ends, a size_hint that was a guess).
  std::optional<std::uint64_t> total;
  /// True on the last call of a transfer (`done` is then the exact final count). Made once,
  /// when the transfer completed; a failed transfer ends with its error instead.
  bool finished = false;
};

/// Receives progress reports. Called on the thread running the transfer, between reads or
/// writes: keep it short. Throwing from it aborts the transfer with that exception (like a
/// throwing byte_sink), which is a way to cancel.
using progress_fn = std::function<void(const progress&)>;

/// The clock a progress_reporter reads; injectable for tests.
using progress_clock = std::function<std::chrono::steady_clock::time_point()>;

/// The shortest time between two reports of one transfer (the final call excepted): 100 ms,
/// i.e. at most ten calls per second.
inline constexpr std::chrono::milliseconds progress_interval{100};

/// Counts a transfer's bytes and rate-limits calls to a progress_fn: add() calls it when at
/// least `interval` passed since the previous call (the first add() calls at once), finish()
/// always calls it once more with finished = true and the exact count. An empty progress_fn
/// makes every member a cheap no-op (the clock is not read).
class progress_reporter {
 public:
  explicit progress_reporter(progress_fn fn, std::optional<std::uint64_t> total = std::nullopt,
                             progress_clock clock = {},
                             std::chrono::milliseconds interval = progress_interval);

  /// Counts `n` more bytes (0 is ignored) and reports if the interval has passed.
  void add(std::uint64_t n);
  /// The final report: {done, total, finished = true}. Only the first call reports; add()
  /// after finish() counts but reports nothing.
  void finish();

  std::uint64_t done() const noexcept { return done_; }
  const std::optional<std::uint64_t>& total() const noexcept { return total_; }
  bool finished() const noexcept { return finished_; }
  /// True when there is a callback to report to.
  bool active() const noexcept { return static_cast<bool>(fn_); }

 private:
  std::chrono::steady_clock::time_point now() const;

  progress_fn fn_;
  std::optional<std::uint64_t> total_;
  progress_clock clock_;
  std::chrono::milliseconds interval_;
  std::uint64_t done_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_call_;
  bool finished_ = false;
};

/// A byte_sink that forwards each chunk to `inner`, then counts its bytes in `reporter` (a
/// chunk `inner` throws on is not counted). `reporter` must outlive the returned sink; call
/// reporter.finish() when the transfer completes.
byte_sink progress_sink(byte_sink inner, progress_reporter& reporter);

/// A byte_source that reads from `inner` and counts what it returns in `reporter`. Both must
/// outlive it. End of data (read() returning 0) does not finish the reporter: the transfer is
/// complete only when the peer has accepted it, so the caller calls reporter.finish().
class progress_source final : public byte_source {
 public:
  progress_source(byte_source& inner, progress_reporter& reporter)
      : inner_(inner), reporter_(reporter) {}
  std::size_t read(std::span<char> buf) override;

 private:
  byte_source& inner_;
  progress_reporter& reporter_;
};

}  // namespace inet::transport
