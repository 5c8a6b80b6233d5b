#include "transport/line_reader.hpp"

#include <algorithm>
#include <cstring>

#include "transport/error.hpp"
#include "transport/stream.hpp"

namespace inet::transport {

namespace asio = boost::asio;

namespace {
constexpr std::size_t read_ahead = 16 * 1024;
}

line_reader::line_reader(stream& s, std::size_t max_line_bytes)
    : stream_(s), max_line_(max_line_bytes) {}

void line_reader::grow() {
  const std::size_t cap = max_line_ + 2 + read_ahead;
  buf_.resize(std::min(cap, std::max(read_ahead, buf_.size() * 2)));
}

asio::awaitable<std::size_t> line_reader::fill() {
  if (begin_ > 0 && (end_ == buf_.size() || begin_ == end_)) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) grow();  // first read: the read-ahead only
  const std::size_t n = co_await stream_.read_some(asio::buffer(buf_.data() + end_, buf_.size() - end_));
  end_ += n;
  co_return n;
}

asio::awaitable<std::string_view> line_reader::read_line() {
  if (buf_.empty()) grow();
  std::size_t scanned = 0;
  for (;;) {
    const char* start = buf_.data() + begin_;
    const std::size_t avail = end_ - begin_;
    if (const void* lf = std::memchr(start + scanned, '\n', avail - scanned)) {
      const std::size_t len = static_cast<const char*>(lf) - start;
      std::size_t text_len = len;
      if (text_len > 0 && start[text_len - 1] == '\r') --text_len;
      if (text_len > max_line_)
        throw std::system_error(make_error_code(error::line_too_long),
                                "line of " + std::to_string(text_len) + " bytes (limit " +
                                    std::to_string(max_line_) + ")");
      begin_ += len + 1;
      co_return std::string_view(start, text_len);
    }
    scanned = avail;
    if (avail > max_line_ + 1)  // +1: a CR may still be followed by LF
      throw std::system_error(make_error_code(error::line_too_long),
                              "no end of line within " + std::to_string(max_line_) + " bytes");
    // Make room at the front if the buffer end is reached, then grow (never past the limit:
    // avail <= max_line_ + 1 here, less than max_line_ + 2 + read_ahead).
    if (end_ == buf_.size() && begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, avail);
      begin_ = 0;
      end_ = avail;
    }
    if (end_ == buf_.size()) grow();
    const std::size_t n = co_await stream_.read_some(
        asio::buffer(buf_.data() + end_, buf_.size() - end_));
    if (n == 0)
      throw std::system_error(make_error_code(error::unexpected_eof),
                              avail ? "connection closed in the middle of a line"
                                    : "connection closed by peer");
    end_ += n;
  }
}

asio::awaitable<void> line_reader::wait_idle() {
  if (begin_ != end_ || stream_.is_tls() || stream_.is_compressed()) co_return;
  begin_ = end_ = 0;
  std::vector<char>().swap(buf_);  // clear() would keep the capacity
  co_await stream_.wait_readable();
}

asio::awaitable<std::string_view> line_reader::read_some() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
    const std::size_t n = co_await fill();  // not inside the if: GCC 12 miscompiled that here
    if (n == 0)
      throw std::system_error(make_error_code(error::unexpected_eof), "connection closed by peer");
  }
  const std::string_view avail(buf_.data() + begin_, end_ - begin_);
  co_return avail;
}

asio::awaitable<std::uint64_t> line_reader::read_exact(std::uint64_t n, const byte_sink& sink) {
  std::uint64_t left = n;
  while (left > 0) {
    if (begin_ == end_) {
      begin_ = end_ = 0;
      if (co_await fill() == 0)
        throw std::system_error(make_error_code(error::unexpected_eof),
                                "connection closed with " + std::to_string(left) + " of " +
                                    std::to_string(n) + " bytes missing");
    }
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(left, end_ - begin_));
    sink(std::string_view(buf_.data() + begin_, take));
    begin_ += take;
    left -= take;
  }
  co_return n;
}

asio::awaitable<std::uint64_t> line_reader::read_until_eof(const byte_sink& sink,
                                                           std::uint64_t max_bytes) {
  std::uint64_t total = 0;
  for (;;) {
    if (begin_ == end_) {
      begin_ = end_ = 0;
      if (co_await fill() == 0) co_return total;
    }
    const std::size_t take = end_ - begin_;
    if (total + take > max_bytes)
      throw std::system_error(make_error_code(error::body_too_large),
                              "body exceeds " + std::to_string(max_bytes) + " bytes");
    sink(std::string_view(buf_.data() + begin_, take));
    begin_ += take;
    total += take;
  }
}

}  // namespace inet::transport
