// Bounded reading from a transport::stream: CRLF lines with a hard length limit (a longer line
// is an error, never an allocation), exact-count bodies and until-EOF bodies into a sink.
#pragma once

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "transport/body.hpp"

namespace inet::transport {

class stream;

/// Buffered reader over one stream. Nothing is allocated until the first read, which allocates
/// 16 KiB of read-ahead; the buffer doubles only while a line needs more room, up to
/// max_line_bytes + 2 (CRLF) + 16 KiB. wait_idle() frees it again while a connection idles.
class line_reader {
 public:
  static constexpr std::size_t default_max_line = 64 * 1024;

  explicit line_reader(stream& s, std::size_t max_line_bytes = default_max_line);

  /// Reads one line and returns it without its terminator. Lines end in CRLF; a bare LF is
  /// accepted (and a CR before it stripped) because real servers send them. The view stays
  /// valid until the next call on this reader. Throws std::system_error:
  /// error::line_too_long when more than max_line_bytes arrive without LF,
  /// error::unexpected_eof when the peer closes mid-line or before any byte of the line,
  /// plus the stream's timeout and socket errors.
  boost::asio::awaitable<std::string_view> read_line();

  /// For a caller that may wait long for its next line (IMAP IDLE, RFC 2177): when nothing is
  /// buffered, frees the buffer and waits until the stream has bytes to read, reading none
  /// (stream::wait_readable); the next read allocates the 16 KiB read-ahead again. Returns at
  /// once, keeping the buffer, when bytes are buffered or the stream is TLS or compressed
  /// (bytes may wait inside it). Timeouts, cancellation and errors as read_line().
  boost::asio::awaitable<void> wait_idle();

  /// Delivers exactly `n` bytes to `sink` in chunks of at most the buffer size.
  /// Throws error::unexpected_eof if the peer closes early. Returns n.
  boost::asio::awaitable<std::uint64_t> read_exact(std::uint64_t n, const byte_sink& sink);

  /// The bytes received and not yet consumed, waiting for at least one when there are none
  /// (for byte-level decoders such as line::dot_decoder; pair it with consume()). The view
  /// stays valid until the next call on this reader. Throws error::unexpected_eof when the
  /// peer closes first, plus the stream's timeout and socket errors.
  boost::asio::awaitable<std::string_view> read_some();
  /// Marks the first `n` bytes of the last read_some() view as consumed (n <= its size).
  void consume(std::size_t n) noexcept { begin_ += std::min(n, end_ - begin_); }

  /// Delivers everything until EOF to `sink`. Throws error::body_too_large once more than
  /// `max_bytes` would be delivered (nothing past the limit reaches the sink). Returns the count.
  boost::asio::awaitable<std::uint64_t> read_until_eof(const byte_sink& sink,
                                                       std::uint64_t max_bytes = UINT64_MAX);

  /// Bytes received but not yet consumed. A STARTTLS upgrade requires this to be 0.
  std::size_t buffered() const noexcept { return end_ - begin_; }
  /// Drops buffered bytes (after a TLS upgrade nothing read in plaintext may be used).
  void clear() noexcept { begin_ = end_ = 0; }
  /// Returns the buffered bytes and drops them (a COMPRESS upgrade hands them to the stream's
  /// inflater, RFC 4978 §3: the server may compress right after its OK).
  std::string take_buffered() {
    std::string out(buf_.data() + begin_, end_ - begin_);
    clear();
    return out;
  }

  std::size_t max_line() const noexcept { return max_line_; }
  /// Bytes of buffer allocated now (0 before the first read; see the class comment).
  std::size_t buffer_size() const noexcept { return buf_.size(); }
  stream& get_stream() noexcept { return stream_; }

 private:
  boost::asio::awaitable<std::size_t> fill();
  void grow();  // doubles the buffer (16 KiB at first), up to the line limit's need

  stream& stream_;
  std::size_t max_line_;
  std::vector<char> buf_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace inet::transport
