// The inside of transport::stream, shared by stream.cc (I/O, timeouts), stream_connect.cc
// (resolve, Happy Eyeballs, proxies) and stream_tls.cc (handshake, TLS details). Not public.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "transport/deflate.hpp"
#include "transport/error.hpp"
#include "transport/rate_limit.hpp"
#include "transport/stream.hpp"
#include "transport/trace.hpp"

namespace inet::transport {

/// "127.0.0.1:25" / "[::1]:25".
std::string endpoint_text(const boost::asio::ip::tcp::endpoint& ep);

/// Bounds one pending operation (a read, or a write): its idle bound cut short by the deadline.
/// The bound is a time (`due`) fixed when the operation starts; the stream's one timer, not this
/// struct, waits for it (see stream::impl::cover).
struct watchdog {
  bool armed = false;                 // an operation is pending under this watchdog
  std::chrono::milliseconds idle{0};  // that operation's idle bound
  std::optional<std::chrono::steady_clock::time_point> due;  // when it expires (none: no bound)
  error reason = error::timeout;      // what expiring at `due` means
  std::optional<error> fired;         // which bound expired for that operation
};

struct stream::impl {
  using clock = std::chrono::steady_clock;
  using tcp = boost::asio::ip::tcp;

  explicit impl(boost::asio::any_io_executor ex) : sock(ex), timer(ex), resolver(ex) {}
  ~impl() {
    if (destroyed) *destroyed = true;
  }

  tcp::socket sock;
  // One timer for both watchdogs, set lazily: an operation whose bound is later than the
  // timer's expiry leaves the timer alone (no cancel + timerfd_settime per read or write); when
  // it fires, operations whose bound has not come yet set it again for the remainder. Once no
  // operation is pending it is cancelled (settle_timer), so io_context::run() returns.
  boost::asio::steady_timer timer;
  std::optional<clock::time_point> timer_at;  // its expiry while a wait is pending
  std::uint64_t timer_generation = 0;
  watchdog rd;  // reads, and the exclusive operations (connect, handshake, graceful close)
  watchdog wr;  // writes (may be pending together with a read)
  tcp::resolver resolver;
  std::unique_ptr<boost::asio::ssl::context> ctx;
  std::unique_ptr<boost::asio::ssl::stream<tcp::socket&>> tls;
  timeouts time;
  int idle_suspended = 0;  // scoped_idle_suspension guards alive: only the deadline applies
  bool verified = false;
  bool eof = false;  // the peer closed: further reads return 0 at once (no second epoll wait)
  bool last_was_write = false;  // the last operation started was a write (see raw_read_some)
  bool* destroyed = nullptr;  // set by a completion running a handler that may destroy us
  trace tracer{"tls"};
  std::unique_ptr<deflate_codec> deflate;  // COMPRESS=DEFLATE (RFC 4978), until the next connect
  std::vector<char> gathered;  // async_write_some's copy of several small buffers
  rate_limiter rd_pace, wr_pace;  // timeouts::rate_limit, per direction
  // A write's cancellation: the caller's slot forwards terminal requests only.
  boost::asio::cancellation_signal write_cancel;

  boost::asio::awaitable<void> pace(rate_limiter& p, std::size_t n);
  boost::asio::awaitable<std::size_t> raw_read_some(boost::asio::mutable_buffer buf);
  boost::asio::awaitable<void> raw_write(boost::asio::const_buffer buf);

  // ---- socket/TLS I/O whose completion settles the timer after the handler returned
  //
  // `h` runs first (a coroutine resumes inside it and usually starts its next operation);
  // then, if no operation is pending and the stream still exists, the timer is cancelled.
  template <typename Handler>
  auto settling(Handler&& h) {
    auto slot = boost::asio::get_associated_cancellation_slot(h);
    auto ex = boost::asio::get_associated_executor(h, sock.get_executor());
    return boost::asio::bind_cancellation_slot(
        slot, boost::asio::bind_executor(
                  ex, [this, h = std::forward<Handler>(h)](auto... result) mutable {
                    bool gone = false;
                    bool* outer = destroyed;
                    destroyed = &gone;
                    std::move(h)(result...);
                    if (gone) {
                      if (outer) *outer = true;
                      return;
                    }
                    destroyed = outer;
                    settle_timer();
                  }));
  }
  // Reads some bytes from the socket or TLS; `void(error_code, std::size_t)`.
  template <typename Token>
  auto async_io_read(boost::asio::mutable_buffer buf, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto h, boost::asio::mutable_buffer b) {
          if (tls)
            tls->async_read_some(b, settling(std::move(h)));
          else
            sock.async_read_some(b, settling(std::move(h)));
        },
        token, buf);
  }
  // Plain TCP: waits until the socket is readable, then reads what is there (no speculative
  // read that fails with EAGAIN first); `void(error_code, std::size_t)`.
  template <typename Token>
  auto async_io_wait_then_read(boost::asio::mutable_buffer buf, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto h, boost::asio::mutable_buffer b) { wait_then_read(b, std::move(h)); }, token,
        buf);
  }
  template <typename Handler>
  void wait_then_read(boost::asio::mutable_buffer b, Handler h) {
    auto slot = boost::asio::get_associated_cancellation_slot(h);
    auto ex = boost::asio::get_associated_executor(h, sock.get_executor());
    sock.async_wait(
        tcp::socket::wait_read,
        settling(boost::asio::bind_cancellation_slot(
            slot, boost::asio::bind_executor(
                      ex, [this, b, h = std::move(h)](boost::system::error_code ec) mutable {
                        std::size_t n = 0;
                        if (!ec) n = sock.read_some(b, ec);
                        if (ec == boost::asio::error::would_block)  // readable, then not: wait
                          return wait_then_read(b, std::move(h));
                        std::move(h)(ec, n);
                      }))));
  }
  // Writes all of `buf` to the socket or TLS; `void(error_code, std::size_t)`.
  template <typename Token>
  auto async_io_write(boost::asio::const_buffer buf, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto h, boost::asio::const_buffer b) {
          if (tls)
            boost::asio::async_write(*tls, b, settling(std::move(h)));
          else
            boost::asio::async_write(sock, b, settling(std::move(h)));
        },
        token, buf);
  }

  // ---- watchdogs
  void arm(std::chrono::milliseconds idle, watchdog& w);
  void arm(std::chrono::milliseconds idle) { arm(idle, rd); }
  void check_overdue();
  void schedule(watchdog& w);
  void cover(clock::time_point t);
  void on_timer();
  void stop_timer();
  // Cancels the timer when no operation is pending (see `timer`).
  void settle_timer() {
    if (timer_at && !rd.armed && !wr.armed) stop_timer();
  }
  void disarm(watchdog& w) {
    w.armed = false;
    w.due.reset();
  }
  // Ends a read-side operation that needs no verdict (EOF, graceful close, handshake failure).
  void disarm() {
    disarm(rd);
    rd.fired.reset();
    settle_timer();
  }
  // An operation's result as an error code, naming timeouts precisely (closes the socket when
  // a bound expired). An operation aborted because the other direction's watchdog fired
  // reports that watchdog's reason. Success: an empty code.
  boost::system::error_code verdict(boost::system::error_code ec, watchdog& w);
  // Ends `w`'s operation; the bound that expired when a watchdog aborted it (socket closed).
  std::optional<error> expired(boost::system::error_code ec, watchdog& w);
  // The error a token-form read (rd) or write (wr) fails with before it starts; else arms `w`.
  boost::system::error_code start_error(watchdog& w);
  // As verdict(), but throws std::system_error(code, what) for a failure.
  void check(boost::system::error_code ec, const char* what, watchdog& w);
  void check(boost::system::error_code ec, const char* what) { check(ec, what, rd); }
  void reset_tls() {
    tls.reset();
    ctx.reset();
    verified = false;
  }
  // A new connection: no TLS, no DEFLATE, no EOF, no watchdog verdicts.
  void fresh_connection() {
    reset_tls();
    deflate.reset();
    eof = false;
    rd.fired.reset();
    wr.fired.reset();
  }
};

}  // namespace inet::transport
