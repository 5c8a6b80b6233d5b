// transport::stream: reads, writes, timeouts (watchdogs on one lazily set timer), DEFLATE,
// close, and the completion-token forms. Connecting is in stream_connect.cc, TLS in
// stream_tls.cc.
#include "transport/stream.hpp"

#include <algorithm>
#include <span>
#include <string>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include "transport/async_launch.hpp"
#include "transport/stream_impl.hpp"

namespace inet::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::steady_clock;

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto a = ep.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}

// ------------------------------------------------------------------------------- watchdogs

// Pauses on a timer for what `pace` asks after `n` bytes (rebuilt when the rate changed);
// never past the deadline (the next operation then fails with deadline_exceeded).
asio::awaitable<void> stream::impl::pace(rate_limiter& p, std::size_t n) {
  if (time.rate_limit == 0) co_return;
  if (p.rate() != time.rate_limit) p = rate_limiter(time.rate_limit);
  auto wait = p.pause(n);
  if (time.deadline) wait = std::min(wait, std::max(*time.deadline - steady_clock::now(),
                                                    steady_clock::duration::zero()));
  if (wait <= steady_clock::duration::zero()) co_return;
  asio::steady_timer t(sock.get_executor(), wait);
  co_await t.async_wait(asio::use_awaitable);
}

// Arms `w` for one operation: the idle bound, cut short by the deadline.
void stream::impl::arm(std::chrono::milliseconds idle, watchdog& w) {
  if (time.deadline && *time.deadline <= steady_clock::now()) {
    // Already overdue: fail now rather than race a data-ready operation against the timer.
    boost::system::error_code ignored;
    sock.close(ignored);
    throw std::system_error(make_error_code(error::deadline_exceeded),
                            "operation started after the deadline");
  }
  w.armed = true;
  w.idle = idle;
  w.fired.reset();
  schedule(w);
}

// Restarts `w`'s bound from now: idle bound (unless suspended), cut short by the deadline.
void stream::impl::schedule(watchdog& w) {
  w.due.reset();
  w.reason = error::timeout;
  if (idle_suspended == 0) w.due = steady_clock::now() + w.idle;
  if (time.deadline && (!w.due || *time.deadline < *w.due)) {
    w.due = *time.deadline;
    w.reason = error::deadline_exceeded;
  }
  if (w.due) cover(*w.due);
}

// Makes sure the timer fires no later than `t`, setting it only when it would fire later (or
// not at all): a run of reads and writes, each due later than the one before, sets it once.
void stream::impl::cover(clock::time_point t) {
  if (timer_at && *timer_at <= t) return;
  timer_at = t;
  const auto gen = ++timer_generation;
  timer.expires_at(t);
  timer.async_wait([this, gen](boost::system::error_code ec) {
    // `ec` first: a wait aborted by the timer's destruction must not touch the stream.
    if (!ec && gen == timer_generation) on_timer();
  });
}

// The timer fired: operations whose bound has passed fail, the others set it again.
void stream::impl::on_timer() {
  timer_at.reset();
  const auto now = steady_clock::now();
  bool expired = false;
  std::optional<clock::time_point> next;
  for (watchdog* w : {&rd, &wr}) {
    if (!w->armed || !w->due) continue;
    if (*w->due <= now) {
      w->fired = w->reason;
      w->due.reset();
      expired = true;
    } else if (!next || *w->due < *next) {
      next = w->due;
    }
  }
  if (next) cover(*next);
  if (!expired) return;
  boost::system::error_code ignored;
  sock.cancel(ignored);
  resolver.cancel();
}

void stream::impl::stop_timer() {
  if (!timer_at) return;
  timer_at.reset();
  ++timer_generation;
  timer.cancel();
}

std::optional<error> stream::impl::expired(boost::system::error_code ec, watchdog& w) {
  disarm(w);
  if (!ec) {
    w.fired.reset();  // a watchdog that fired as the operation completed decides nothing
    return std::nullopt;
  }
  const watchdog& other = &w == &rd ? wr : rd;
  const std::optional<error> fired = w.fired ? w.fired : other.fired;
  if (!fired || ec != asio::error::operation_aborted) return std::nullopt;
  w.fired.reset();
  boost::system::error_code ignored;
  sock.close(ignored);
  return fired;
}

boost::system::error_code stream::impl::verdict(boost::system::error_code ec, watchdog& w) {
  if (const auto fired = expired(ec, w)) return make_error_code(*fired);
  return ec;
}

void stream::impl::check(boost::system::error_code ec, const char* what, watchdog& w) {
  if (const auto fired = expired(ec, w)) throw std::system_error(make_error_code(*fired), what);
  if (!ec) return;
  if (ec == asio::error::operation_aborted)
    throw std::system_error(make_error_code(error::operation_aborted), what);
  throw std::system_error(ec, what);
}

// ------------------------------------------------------------------------- reads and writes

stream::stream(asio::any_io_executor ex) : impl_(std::make_unique<impl>(std::move(ex))) {}
stream::~stream() = default;

asio::any_io_executor stream::get_executor() const { return impl_->sock.get_executor(); }

// Fails now when the deadline has passed (as arm() does), for the fast paths that arm nothing.
void stream::impl::check_overdue() {
  if (time.deadline && *time.deadline <= steady_clock::now()) arm(time.idle);  // throws
}

// Plain TCP: a read that does not follow a write tries the socket at once (bulk data is
// usually there: no completion posted, no scheduler round) and otherwise waits for
// readability; a read right after a write (a request/response exchange, where the reply is
// rarely there yet) is one asynchronous read (Asio tries it once, then waits). TLS: the TLS
// stream's read.
asio::awaitable<std::size_t> stream::impl::raw_read_some(asio::mutable_buffer buf) {
  if (!sock.is_open()) throw std::system_error(make_error_code(error::not_connected), "read");
  if (eof) co_return 0;
  boost::system::error_code ec;
  std::size_t n = 0;
  const bool after_write = last_was_write;
  last_was_write = false;
  if (!tls && !after_write) {
    check_overdue();
    n = sock.read_some(buf, ec);
    if (!ec) {
      co_await pace(rd_pace, n);
      co_return n;
    }
  }
  if (tls || after_write || ec == asio::error::would_block) {
    arm(time.idle);
    if (tls || after_write)
      n = co_await async_io_read(buf, asio::redirect_error(asio::use_awaitable, ec));
    else  // the socket had nothing a moment ago: no second attempt before waiting
      n = co_await async_io_wait_then_read(buf, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    disarm();
    eof = true;
    co_return 0;
  }
  check(ec, "read");
  co_await pace(rd_pace, n);
  co_return n;
}

// Plain TCP: tries the socket at once; waits (armed) only for what it did not take.
asio::awaitable<void> stream::impl::raw_write(asio::const_buffer buf) {
  if (!sock.is_open()) throw std::system_error(make_error_code(error::not_connected), "write");
  last_was_write = true;
  const std::size_t size = buf.size();
  boost::system::error_code ec;
  if (!tls) {
    check_overdue();
    const std::size_t n = sock.write_some(buf, ec);
    if (ec && ec != asio::error::would_block) check(ec, "write", wr);  // throws
    buf += n;
  }
  if (buf.size() > 0) {
    arm(time.idle, wr);
    co_await async_io_write(buf, asio::redirect_error(asio::use_awaitable, ec));
    check(ec, "write", wr);
  }
  co_await pace(wr_pace, size);
}

asio::awaitable<std::size_t> stream::read_some(asio::mutable_buffer buf) {
  impl& s = *impl_;
  if (!s.deflate) co_return co_await s.raw_read_some(buf);
  const std::span<char> out(static_cast<char*>(buf.data()), buf.size());
  for (;;) {
    // Output inflate still holds from the last call comes first, then the pending input.
    if (const std::size_t n = s.deflate->decompress(out); n > 0) co_return n;
    if (s.deflate->finished()) co_return 0;  // the peer ended its compressed stream
    const std::span<char> space = s.deflate->input_space();
    if (space.empty())
      throw std::system_error(make_error_code(error::compression_failed), "inflate made no progress");
    const std::size_t got = co_await s.raw_read_some(asio::buffer(space.data(), space.size()));
    if (got == 0) co_return 0;
    s.deflate->commit_input(got);
  }
}

asio::awaitable<void> stream::wait_readable() {
  impl& s = *impl_;
  if (!s.sock.is_open()) throw std::system_error(make_error_code(error::not_connected), "read");
  if (s.eof || s.tls || s.deflate) co_return;
  boost::system::error_code ec;
  s.arm(s.time.idle);
  co_await s.sock.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
  s.check(ec, "read");
}

asio::awaitable<void> stream::write(asio::const_buffer buf) {
  impl& s = *impl_;
  if (!s.deflate) {
    co_await s.raw_write(buf);
    co_return;
  }
  const std::string packed = s.deflate->compress(std::string_view(static_cast<const char*>(buf.data()), buf.size()));
  co_await s.raw_write(asio::buffer(packed));
}

void stream::start_compression(std::string_view already_read) {
  impl_->deflate = std::make_unique<deflate_codec>();
  impl_->deflate->add_input(already_read);
}

bool stream::is_compressed() const noexcept { return impl_->deflate != nullptr; }

asio::awaitable<void> stream::graceful_close() {
  impl& s = *impl_;
  if (s.tls && s.sock.is_open()) {
    boost::system::error_code ec;
    const auto saved = s.time;
    s.arm(std::min(s.time.idle, std::chrono::milliseconds(500)));
    co_await s.tls->async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    s.disarm();
    s.time = saved;
  }
  close();
}

void stream::close() noexcept {
  boost::system::error_code ignored;
  impl_->disarm(impl_->rd);
  impl_->disarm(impl_->wr);
  impl_->stop_timer();
  impl_->sock.shutdown(tcp::socket::shutdown_both, ignored);
  impl_->sock.close(ignored);
  // The TLS state stays until the next connect(): freeing it here would mark its session as
  // not resumable for connections that still want to resume it.
}

void stream::cancel() noexcept {
  boost::system::error_code ignored;
  impl_->sock.cancel(ignored);
  impl_->resolver.cancel();
}

bool stream::is_open() const noexcept { return impl_->sock.is_open(); }
bool stream::is_tls() const noexcept { return static_cast<bool>(impl_->tls); }


std::string stream::remote_endpoint() const {
  boost::system::error_code ec;
  const auto ep = impl_->sock.remote_endpoint(ec);
  return ec ? std::string() : endpoint_text(ep);
}

std::string stream::local_endpoint() const {
  boost::system::error_code ec;
  const auto ep = impl_->sock.local_endpoint(ec);
  return ec ? std::string() : endpoint_text(ep);
}

tcp::endpoint stream::remote_ip_endpoint() const {
  boost::system::error_code ec;
  const auto ep = impl_->sock.remote_endpoint(ec);
  return ec ? tcp::endpoint() : ep;
}

tcp::endpoint stream::local_ip_endpoint() const {
  boost::system::error_code ec;
  const auto ep = impl_->sock.local_endpoint(ec);
  return ec ? tcp::endpoint() : ep;
}

void stream::attach(tcp::socket&& sock) {
  close();
  impl_->fresh_connection();
  impl_->sock = std::move(sock);
  boost::system::error_code ignored;
  impl_->sock.set_option(tcp::no_delay(true), ignored);
  impl_->sock.non_blocking(true, ignored);  // the plain-TCP fast paths try a read or write at once
}


// ------------------------------------------------------------------ completion-token forms
// Plain TCP and TLS without DEFLATE or a rate limit: the socket/TLS operation is started
// directly with a handler that gives the watchdog's verdict (no coroutine, no post per call).
// With DEFLATE or a rate limit the token forms run the coroutine forms above through
// transport::launch (transport/async.hpp), which maps exceptions to error codes. A read
// honours every cancellation type, a write terminal only.

namespace {

asio::awaitable<std::size_t> read_some_or_eof(stream& s, asio::mutable_buffer buf) {
  // A cancelled read consumed nothing the next read will not return (bytes already taken off
  // the socket stay inside OpenSSL or the inflater): every cancellation type is safe.
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  if (buf.size() == 0) co_return 0;
  const std::size_t n = co_await s.read_some(buf);
  if (n == 0) throw boost::system::system_error(asio::error::eof);
  co_return n;
}

asio::awaitable<std::size_t> write_whole(stream& s, asio::const_buffer buf) {
  if (buf.size() > 0) co_await s.write(buf);
  co_return buf.size();
}

// Completes `h` from its executor, never inside the initiating call.
void post_completion(const asio::any_io_executor& io, detail::size_handler h,
                     boost::system::error_code ec, std::size_t n) {
  auto ex = asio::get_associated_executor(h, io);
  asio::post(io, asio::bind_executor(ex, [h = std::move(h), ec, n]() mutable {
               std::move(h)(ec, n);
             }));
}

void clear_slot(detail::size_handler& h) {
  auto slot = asio::get_associated_cancellation_slot(h);
  if (slot.is_connected()) slot.clear();
}

}  // namespace

// The error a direct read or write fails with before it starts (empty: start it).
boost::system::error_code stream::impl::start_error(watchdog& w) {
  if (!sock.is_open()) return make_error_code(error::not_connected);
  if (&w == &rd && eof) return asio::error::eof;
  try {
    arm(time.idle, w);
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

void stream::start_read_some(asio::mutable_buffer buf, detail::size_handler h) {
  impl& s = *impl_;
  if (s.deflate || s.time.rate_limit != 0) {
    launch<std::size_t>({get_executor(), nullptr, {}, asio::cancellation_type::all},
                        read_some_or_eof(*this, buf), std::move(h));
    return;
  }
  const auto early = buf.size() == 0 ? boost::system::error_code() : s.start_error(s.rd);
  if (buf.size() == 0 || early) return post_completion(get_executor(), std::move(h), early, 0);
  auto slot = asio::get_associated_cancellation_slot(h);
  auto ex = asio::get_associated_executor(h, get_executor());
  auto done = asio::bind_cancellation_slot(
      slot, asio::bind_executor(ex, [&s, h = std::move(h)](boost::system::error_code ec,
                                                            std::size_t n) mutable {
        clear_slot(h);
        if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
          s.disarm();
          s.eof = true;
          return std::move(h)(asio::error::eof, 0);
        }
        ec = s.verdict(ec, s.rd);
        std::move(h)(ec, ec ? 0 : n);
      }));
  s.last_was_write = false;
  s.async_io_read(buf, std::move(done));
}

void stream::start_write_some(asio::const_buffer buf, detail::size_handler h) {
  impl& s = *impl_;
  if (s.deflate || s.time.rate_limit != 0) {
    launch<std::size_t>({get_executor()}, write_whole(*this, buf), std::move(h));
    return;
  }
  const auto early = buf.size() == 0 ? boost::system::error_code() : s.start_error(s.wr);
  if (buf.size() == 0 || early) return post_completion(get_executor(), std::move(h), early, 0);
  s.last_was_write = true;
  auto ex = asio::get_associated_executor(h, get_executor());
  auto slot = asio::get_associated_cancellation_slot(h);
  auto done = asio::bind_executor(ex, [&s, h = std::move(h)](boost::system::error_code ec,
                                                             std::size_t n) mutable {
    clear_slot(h);
    ec = s.verdict(ec, s.wr);
    std::move(h)(ec, ec ? 0 : n);
  });
  if (!slot.is_connected()) return s.async_io_write(buf, std::move(done));
  // Terminal cancellation only: a write cut anywhere else leaves the stream unusable.
  slot.assign([&s](asio::cancellation_type type) {
    if ((type & asio::cancellation_type::terminal) != asio::cancellation_type::none)
      s.write_cancel.emit(asio::cancellation_type::terminal);
  });
  s.async_io_write(buf, asio::bind_cancellation_slot(s.write_cancel.slot(), std::move(done)));
}

asio::mutable_buffer stream::gather_space(std::size_t n) {
  impl_->gathered.resize(n);
  return asio::buffer(impl_->gathered);
}

// ------------------------------------------------------------------------- idle suspension

void stream::suspend_idle(bool on) noexcept {
  impl& s = *impl_;
  s.idle_suspended += on ? 1 : -1;
  if (s.idle_suspended > 1 || (!on && s.idle_suspended > 0)) return;  // no change of regime
  // Pending operations switch bounds now: deadline only, or a fresh idle bound from now.
  for (watchdog* w : {&s.rd, &s.wr})
    if (w->armed) s.schedule(*w);
}

void stream::set_timeouts(const timeouts& t) noexcept { impl_->time = t; }
const timeouts& stream::get_timeouts() const noexcept { return impl_->time; }

}  // namespace inet::transport
