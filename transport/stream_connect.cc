// transport::stream::connect: resolve (bounded), Happy Eyeballs (RFC 8305), proxies.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/error.hpp"
#include "transport/idn.hpp"
#include "transport/proxy.hpp"
#include "transport/stream_impl.hpp"

namespace inet::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::steady_clock;

namespace {

// RFC 8305 §4: interleave address families, IPv6 first.
std::vector<tcp::endpoint> interleave(const tcp::resolver::results_type& results) {
  std::vector<tcp::endpoint> v6, v4, out;
  for (const auto& r : results) (r.endpoint().address().is_v6() ? v6 : v4).push_back(r.endpoint());
  for (std::size_t i = 0; i < std::max(v6.size(), v4.size()); ++i) {
    if (i < v6.size()) out.push_back(v6[i]);
    if (i < v4.size()) out.push_back(v4[i]);
  }
  return out;
}

// RFC 8305 §5: start a connection attempt every `attempt_delay` (or as soon as the previous
// one fails) while earlier ones are still pending; the first to succeed wins and the others
// are closed. Bounded by `end`.
struct race_result {
  std::optional<tcp::socket> socket;
  tcp::endpoint endpoint;
  std::error_code error;
};

struct race_state {
  race_state(const asio::any_io_executor& ex, const trace& t) : wake(ex), tracer(t) {}
  asio::steady_timer wake;
  trace tracer;  // a copy: attempts may finish after the stream is gone
  std::vector<std::shared_ptr<tcp::socket>> attempts;
  std::optional<tcp::socket> winner;
  tcp::endpoint winner_ep;
  std::error_code last;
  std::size_t pending = 0;
};

asio::awaitable<void> attempt(std::shared_ptr<race_state> st, std::shared_ptr<tcp::socket> sock,
                              tcp::endpoint ep) {
  boost::system::error_code ec;
  co_await sock->async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
  --st->pending;
  if (!ec && !st->winner) {
    st->winner.emplace(std::move(*sock));
    st->winner_ep = ep;
  } else if (ec && ec != asio::error::operation_aborted) {
    st->last = ec;
    st->tracer.info("connect to " + endpoint_text(ep) + " failed: " + ec.message());
  }
  st->wake.cancel();
}

asio::awaitable<race_result> race_connect(asio::any_io_executor ex,
                                          const std::vector<tcp::endpoint>& endpoints,
                                          std::chrono::milliseconds attempt_delay,
                                          steady_clock::time_point end, const trace& tracer) {
  auto st = std::make_shared<race_state>(ex, tracer);
  st->last = make_error_code(error::connect_timeout);
  std::size_t next = 0;
  while (!st->winner && steady_clock::now() < end) {
    if (next < endpoints.size()) {
      auto sock = std::make_shared<tcp::socket>(ex);
      st->attempts.push_back(sock);
      ++st->pending;
      asio::co_spawn(ex, attempt(st, sock, endpoints[next]), asio::detached);
      ++next;
      st->wake.expires_at(std::min(end, steady_clock::now() + attempt_delay));
    } else if (st->pending == 0) {
      break;  // every address failed
    } else {
      st->wake.expires_at(end);
    }
    boost::system::error_code ec;
    co_await st->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    // Woken early by a finished attempt: if it failed, the loop starts the next one now.
  }
  for (auto& a : st->attempts) {
    boost::system::error_code ignored;
    if (a->is_open()) a->close(ignored);
  }
  race_result r;
  if (st->winner) {
    r.socket = std::move(st->winner);
    r.endpoint = st->winner_ep;
  } else {
    r.error = steady_clock::now() >= end && st->pending > 0
                  ? make_error_code(error::connect_timeout)
                  : st->last;
  }
  co_return r;
}

struct resolve_state {
  explicit resolve_state(const asio::any_io_executor& ex) : resolver(ex), wake(ex) {}
  tcp::resolver resolver;
  asio::steady_timer wake;
  bool done = false;
  boost::system::error_code ec;
  tcp::resolver::results_type results;
};

asio::awaitable<void> resolve_in_background(std::shared_ptr<resolve_state> st, std::string host,
                                            std::string port) {
  st->results = co_await st->resolver.async_resolve(
      host, port, asio::redirect_error(asio::use_awaitable, st->ec));
  st->done = true;
  st->wake.cancel();
}

// Resolves host:port, giving up at `end` with error::connect_timeout in `ec`.
asio::awaitable<tcp::resolver::results_type> bounded_resolve(asio::any_io_executor ex,
                                                            const std::string& host,
                                                            std::uint16_t port,
                                                            steady_clock::time_point end,
                                                            boost::system::error_code& ec) {
  auto st = std::make_shared<resolve_state>(ex);
  asio::co_spawn(ex, resolve_in_background(st, host, std::to_string(port)), asio::detached);
  st->wake.expires_at(end);
  boost::system::error_code wait_ec;
  co_await st->wake.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
  if (!st->done) {
    st->resolver.cancel();
    ec = make_error_code(error::connect_timeout);
    co_return tcp::resolver::results_type();
  }
  ec = st->ec;
  co_return st->results;
}
}  // namespace

asio::awaitable<void> stream::connect(std::string host, std::uint16_t port, connect_options opts) {
  impl& s = *impl_;
  s.time = opts.time;
  s.fresh_connection();
  host = to_ascii_host(host);  // IDNA2008: resolve, proxy requests and SNI use the A-label
  const bool via_proxy = opts.proxy.type != proxy_options::kind::none;
  const std::string dial_host = via_proxy ? to_ascii_host(opts.proxy.host) : host;
  const std::uint16_t dial_port = via_proxy ? opts.proxy.port : port;
  // The connect timeout covers resolve, every attempt and the proxy handshake.
  auto connect_end = steady_clock::now() + opts.time.connect;
  if (opts.time.deadline && *opts.time.deadline < connect_end) connect_end = *opts.time.deadline;
  auto remaining = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(connect_end -
                                                                          steady_clock::now()));
  };

  boost::system::error_code ec;
  // getaddrinfo cannot be interrupted: resolve in the background and stop waiting at the
  // connect bound (the lookup finishes on its own later and is discarded).
  auto results = co_await bounded_resolve(s.sock.get_executor(), dial_host, dial_port,
                                          connect_end, ec);
  if (ec == make_error_code(error::connect_timeout))
    throw std::system_error(make_error_code(error::connect_timeout), "resolve " + dial_host);
  if (ec || results.empty())
    throw std::system_error(make_error_code(error::resolve_failed),
                            "could not resolve host '" + dial_host + "'" +
                                (ec ? " (" + ec.message() + ")" : std::string()));

  const auto endpoints = interleave(results);
  auto won = co_await race_connect(s.sock.get_executor(), endpoints, opts.attempt_delay,
                                   connect_end, s.tracer);
  if (!won.socket) {
    throw std::system_error(won.error, "connect to " + dial_host + ":" + std::to_string(dial_port));
  }
  s.sock = std::move(*won.socket);
  s.tracer.info("Connected to " + dial_host + " (" + endpoint_text(won.endpoint) + ")");
  s.sock.set_option(tcp::no_delay(true), ec);
  s.sock.non_blocking(true, ec);  // the plain-TCP fast paths try a read or write at once

  if (via_proxy) {
    const auto saved = s.time;
    s.time.idle = remaining();
    if (!s.time.deadline || *s.time.deadline > connect_end) s.time.deadline = connect_end;
    try {
      co_await proxy_handshake(*this, opts.proxy, host, port);
    } catch (const std::system_error& e) {
      s.time = saved;
      if (e.code() == make_error_code(error::deadline_exceeded) ||
          e.code() == make_error_code(error::timeout))
        throw std::system_error(make_error_code(error::connect_timeout), "proxy handshake");
      throw;
    }
    s.time = saved;
  }
}

}  // namespace inet::transport
