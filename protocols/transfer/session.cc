// The transfer session: URL -> handler dispatch, the connection cache, per-host limits, and the
// mapping of exceptions to (error_code, result).
#include "protocols/transfer/session.hpp"

#include <openssl/evp.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <deque>
#include <list>
#include <map>

#include "protocols/transfer/registry.hpp"
#include "protocols/url/url.hpp"
#include "transport/async_launch.hpp"
#include "transport/error.hpp"

namespace inet::transfer {

namespace asio = boost::asio;


namespace {

std::string sha256_hex(std::string_view s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), md, &n, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) out += hex[md[i] >> 4], out += hex[md[i] & 15];
  return out;
}

/// The connection-cache key: everything that decides what a connection is and who it is logged
/// in as. Secrets enter only as SHA-256 digests. Fields are separated by '\n' (none can hold
/// one: URL parts and option values are refused with CR/LF).
std::string connection_key(const url::parsed_url& u, const options& o, const credentials& c) {
  std::string k = u.origin();
  auto add = [&k](std::string_view v) { (k += '\n') += v; };
  auto opt = [&add](const std::optional<std::string>& v) { add(v ? "=" + *v : "-"); };
  opt(c.user);
  add(c.password ? sha256_hex(*c.password) : "-");
  add(o.oauth2_bearer ? sha256_hex(*o.oauth2_bearer) : "-");
  add(std::to_string(reinterpret_cast<std::uintptr_t>(o.token_provider.get())));
  opt(u.auth_mechanism);
  opt(o.login_options);
  add(o.tls ? std::to_string(static_cast<int>(*o.tls)) : "-");
  opt(o.cacert);
  opt(o.capath);
  add(o.insecure ? "insecure" : "verify");
  opt(o.pinned_fingerprint);
  opt(o.client_cert);
  opt(o.client_key);
  if (o.proxy) {
    add(std::to_string(static_cast<int>(o.proxy->type)) + o.proxy->host + ":" +
        std::to_string(o.proxy->port));
    opt(o.proxy->user);
    add(o.proxy->password ? sha256_hex(*o.proxy->password) : "-");
  } else {
    add("direct");
  }
  add(o.compressed ? "deflate" : "plain");
  add("rate=" + std::to_string(o.limit_rate.value_or(0)));
  return k;
}

/// A dead cached connection shows itself by EOF/reset on its first command.
bool looks_dead(const std::error_code& ec) {
  auto is = [&ec](boost::system::error_code b) { return ec == std::error_code(b); };
  return ec == transport::error::unexpected_eof || is(asio::error::eof) ||
         is(asio::error::connection_reset) || is(asio::error::broken_pipe);
}

// what() of a std::system_error without libstdc++'s ": <category message>" suffix.
std::string reason_of(const std::system_error& e) {
  std::string why = e.what();
  std::string suffix = ": " + e.code().message();
  if (why.size() > suffix.size() && why.ends_with(suffix)) why.resize(why.size() - suffix.size());
  return why;
}

}  // namespace

struct session::impl {
  struct idle_entry {
    std::string key;
    std::unique_ptr<connection> conn;
    std::chrono::steady_clock::time_point since;
  };
  struct host_slots {
    std::size_t active = 0;
    std::deque<asio::steady_timer*> waiters;
  };

  /// session::plan_gets: the announced gets with their connection keys ("" = never matches),
  /// and the first one not yet reached.
  struct plan_state {
    std::vector<planned_get> gets;
    std::vector<std::string> keys;
    std::size_t next = 0;
  };

  session_options so;
  std::shared_ptr<plan_state> plan;
  std::list<idle_entry> idle;  // oldest first
  std::map<std::string, host_slots> hosts;
  std::uint64_t opened = 0;

  std::unique_ptr<connection> take(const std::string& key) {
    for (auto it = idle.begin(); it != idle.end(); ++it)
      if (it->key == key) {
        auto c = std::move(it->conn);
        idle.erase(it);
        return c;
      }
    return nullptr;
  }

  /// Removes expired entries and, over max_idle, the oldest; returns them for a goodbye.
  std::vector<std::unique_ptr<connection>> evict(std::size_t room) {
    std::vector<std::unique_ptr<connection>> out;
    const auto now = std::chrono::steady_clock::now();
    for (auto it = idle.begin(); it != idle.end();) {
      if (now - it->since >= so.idle_expiry || idle.size() + room > so.max_idle) {
        out.push_back(std::move(it->conn));
        it = idle.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }

  asio::awaitable<void> goodbye_all(std::vector<std::unique_ptr<connection>> conns) {
    using namespace asio::experimental::awaitable_operators;
    for (auto& c : conns) {
      if (!c) continue;
      asio::steady_timer t(co_await asio::this_coro::executor, so.goodbye_timeout);
      co_await (c->goodbye() || t.async_wait(asio::use_awaitable));
      c.reset();  // closes, whether the goodbye finished or was cut short
    }
  }

  asio::awaitable<void> acquire(const std::string& host) {
    host_slots& h = hosts[host];
    if (h.active < so.max_per_host) {
      ++h.active;
      co_return;
    }
    asio::steady_timer t(co_await asio::this_coro::executor,
                         std::chrono::steady_clock::time_point::max());
    h.waiters.push_back(&t);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    // The slot was handed over by release() (active unchanged), or we were cancelled.
    auto& w = hosts[host].waiters;
    for (auto it = w.begin(); it != w.end(); ++it)
      if (*it == &t) {  // still queued: cancelled, not handed a slot
        w.erase(it);
        throw std::system_error(
            std::error_code(boost::system::error_code(asio::error::operation_aborted)));
      }
  }

  void release(const std::string& host) {
    host_slots& h = hosts[host];
    if (!h.waiters.empty()) {
      asio::steady_timer* next = h.waiters.front();
      h.waiters.pop_front();
      next->cancel();  // hands our slot over
      return;
    }
    if (h.active > 0) --h.active;
    if (h.active == 0) hosts.erase(host);
  }

  /// Finds the get of `u` (connection key `key`) among the next plan entries; returns the
  /// entries after it with the same key (call::ahead), at most so.plan_window.
  std::span<const planned_get> ahead_of(const url::parsed_url& u, const std::string& key) {
    if (!plan) return {};
    plan_state& p = *plan;
    const std::size_t end = std::min(p.gets.size(), p.next + so.plan_window + 1);
    for (std::size_t i = p.next; i < end; ++i) {
      const url::parsed_url& e = p.gets[i].url;
      if (p.keys[i] != key || e.path != u.path || e.path_params != u.path_params ||
          e.query != u.query)
        continue;
      p.next = i + 1;
      std::size_t j = p.next;
      while (j < p.gets.size() && j - p.next < so.plan_window && p.keys[j] == key) ++j;
      return {p.gets.data() + p.next, j - p.next};
    }
    return {};
  }

  asio::awaitable<std::pair<std::error_code, result>> run_text(direction d, std::string text,
                                                               options o, byte_sink sink,
                                                               byte_source* source);
  asio::awaitable<std::pair<std::error_code, result>> run(direction d, url::parsed_url u,
                                                          options o, byte_sink sink,
                                                          byte_source* source);
  asio::awaitable<void> attempt(const handler_fn& h, call& c, const std::string& key);
};

std::size_t counting_source::read(std::span<char> buf) {
  std::size_t n = 0;
  try {
    n = c_.source->read(buf);
  } catch (const transfer_exception&) {
    throw;
  } catch (const std::exception& e) {
    throw transfer_exception(make_error_code(error::read_error), e.what(), where_);
  }
  c_.moved(n, c_.opts.upload_size);
  return n;
}

void call::moved(std::uint64_t n, std::optional<std::uint64_t> total) {
  res.bytes += n;
  if (!opts.progress) return;
  if (!progress) progress.emplace(opts.progress, total);
  progress->add(n);
}

namespace {

/// Wraps the caller's sink: counts bytes, reports progress, turns its exceptions into
/// error::write_error with their what().
byte_sink counting_sink(byte_sink inner, call& c) {
  return [inner = std::move(inner), &c](std::string_view chunk) {
    try {
      if (inner) inner(chunk);
      c.moved(chunk.size(), c.expected_total);
    } catch (const transfer_exception&) {
      throw;
    } catch (const std::exception& e) {
      throw transfer_exception(make_error_code(error::write_error), e.what());
    }
  };
}

void record_failure(std::exception_ptr e, call& c, std::error_code& ec) {
  try {
    std::rethrow_exception(e);
  } catch (const transfer_exception& x) {
    ec = x.code();
    c.res.message = x.why();
  } catch (const std::system_error& x) {
    ec = x.code();
    c.res.message = x.what();
    if (curl_exit_code(ec, c.where) == exit_code::partial_file)
      c.res.message = "Transfer closed before the end of the response: " + c.res.message;
  } catch (const std::bad_alloc&) {
    ec = std::make_error_code(std::errc::not_enough_memory);
    c.res.message = "out of memory";
  } catch (const std::exception& x) {
    ec = make_error_code(error::failed_init);
    c.res.message = x.what();
  }
  c.res.failed_in = c.where;
}

}  // namespace

asio::awaitable<void> session::impl::attempt(const handler_fn& h, call& c,
                                             const std::string& key) {
  c.cached = take(key);
  c.res.reused_connection = c.cached != nullptr;
  c.keep.reset();
  c.where = c.cached ? stage::transfer : stage::connect;
  if (!c.opts.max_time) {
    co_await h(c);
    co_return;
  }
  // options::max_time: the whole transfer, also on a reused connection (whose transport has no
  // overall deadline). When the timer wins, the handler is cancelled: its connection is dropped.
  // (operator|| waits for the first *success*: the handler's exception is carried as a value.)
  using namespace asio::experimental::awaitable_operators;
  auto guarded = [](const handler_fn& fn, call& cl) -> asio::awaitable<std::exception_ptr> {
    try {
      co_await fn(cl);
    } catch (...) {
      co_return std::current_exception();
    }
    co_return nullptr;
  };
  asio::steady_timer t(co_await asio::this_coro::executor, *c.opts.max_time);
  const auto winner = co_await (guarded(h, c) || t.async_wait(asio::use_awaitable));
  if (winner.index() == 0) {
    if (std::get<0>(winner)) std::rethrow_exception(std::get<0>(winner));
  } else {
    c.keep.reset();
    throw transfer_exception(
        std::error_code(transport::error::deadline_exceeded),
        "Operation timed out after " + std::to_string(c.opts.max_time->count()) +
            " milliseconds with " + std::to_string(c.res.bytes) + " bytes received",
        c.where);
  }
}

asio::awaitable<std::pair<std::error_code, result>> session::impl::run_text(
    direction d, std::string text, options o, byte_sink sink, byte_source* source) {
  url::parsed_url u;
  try {
    u = url::parse(text);
  } catch (const std::system_error& e) {
    result res;
    res.message = reason_of(e);
    co_return std::pair{e.code(), std::move(res)};
  }
  co_return co_await run(d, std::move(u), std::move(o), std::move(sink), source);
}

asio::awaitable<std::pair<std::error_code, result>> session::impl::run(
    direction d, url::parsed_url u, options o, byte_sink sink, byte_source* source) {
  result res;
  const handler_fn* h = find_handler(u.scheme, d);
  if (!h) {
    res.message = "Protocol \"" + u.scheme_name + "\" not supported or disabled" +
                  (d == direction::put ? " for uploads" : "");
    co_return std::pair{make_error_code(error::unsupported_protocol), std::move(res)};
  }
  credentials creds;
  try {
    creds = resolve_credentials(o, u);
  } catch (const std::system_error& e) {
    res.message = e.what();
    co_return std::pair{e.code(), std::move(res)};
  }
  const std::string key = connection_key(u, o, creds);
  const std::string host = u.origin();
  co_await acquire(host);
  co_await goodbye_all(evict(0));  // expired connections are never reused
  call c{u, o, creds, {}, source, res};
  c.sink = counting_sink(std::move(sink), c);
  c.opened = [this] { ++opened; };
  const std::shared_ptr<plan_state> planned = plan;  // call::ahead outlives a new plan_gets()
  if (d == direction::get) c.ahead = ahead_of(u, key);
  std::error_code ec;
  for (int round = 0; round < 2; ++round) {
    std::exception_ptr failure;
    try {
      co_await attempt(*h, c, key);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      record_failure(failure, c, ec);
      // A cached connection found dead before anything was delivered: reopen once (reads only).
      if (c.res.reused_connection && d == direction::get && res.bytes == 0 && looks_dead(ec) &&
          round == 0) {
        ec.clear();
        res = result{};
        c.progress.reset();
        continue;
      }
    }
    break;
  }
  if (!ec && o.progress) {
    if (!c.progress) c.progress.emplace(o.progress, c.expected_total);
    c.progress->finish();  // the last call, with the exact count
  }
  if (c.keep) {
    auto gone = evict(1);
    idle.push_back({key, std::move(c.keep), std::chrono::steady_clock::now()});
    release(host);
    co_await goodbye_all(std::move(gone));
  } else {
    release(host);
  }
  co_return std::pair{ec, std::move(res)};
}

session::session(asio::any_io_executor ex, session_options so)
    : ex_(std::move(ex)), impl_(std::make_unique<impl>()) {
  impl_->so = so;
}

session::~session() = default;

asio::awaitable<std::pair<std::error_code, result>> session::co_get(std::string url, options o,
                                                                    byte_sink sink) {
  return impl_->run_text(direction::get, std::move(url), std::move(o), std::move(sink), nullptr);
}

asio::awaitable<std::pair<std::error_code, result>> session::co_get(url::parsed_url url,
                                                                    options o, byte_sink sink) {
  return impl_->run(direction::get, std::move(url), std::move(o), std::move(sink), nullptr);
}

asio::awaitable<std::pair<std::error_code, result>> session::co_put(std::string url, options o,
                                                                    byte_source& source) {
  return impl_->run_text(direction::put, std::move(url), std::move(o), {}, &source);
}

asio::awaitable<std::pair<std::error_code, result>> session::co_put(url::parsed_url url,
                                                                    options o,
                                                                    byte_source& source) {
  return impl_->run(direction::put, std::move(url), std::move(o), {}, &source);
}

void session::plan_gets(std::vector<planned_get> gets) {
  auto p = std::make_shared<impl::plan_state>();
  p->keys.reserve(gets.size());
  for (const planned_get& g : gets) {
    if (!plans_ahead(g.url.scheme, direction::get)) {  // only separates the others
      p->keys.emplace_back();
      continue;
    }
    try {
      p->keys.push_back(connection_key(g.url, g.opts, resolve_credentials(g.opts, g.url)));
    } catch (const std::exception&) {
      p->keys.emplace_back();
    }
  }
  p->gets = std::move(gets);
  impl_->plan = p->gets.empty() ? nullptr : std::move(p);
}

asio::awaitable<std::pair<std::error_code, int>> session::co_close() {
  std::vector<std::unique_ptr<connection>> all;
  for (auto& e : impl_->idle) all.push_back(std::move(e.conn));
  impl_->idle.clear();
  const int n = static_cast<int>(all.size());
  co_await impl_->goodbye_all(std::move(all));
  co_return std::pair{std::error_code{}, n};
}

std::uint64_t session::connections_opened() const noexcept { return impl_->opened; }
std::size_t session::idle_connections() const noexcept { return impl_->idle.size(); }

// --- blocking forms ---------------------------------------------------------------------------

blocking_session::blocking_session(session_options so) : session_(io_.get_executor(), so) {}

blocking_session::~blocking_session() { close(); }

namespace {

template <class Start>
result run_blocking(asio::io_context& io, Start start, std::error_code& ec) {
  result out;
  bool done = false;
  start([&](std::error_code e, result r) {
    ec = e;
    out = std::move(r);
    done = true;
  });
  io.restart();
  while (!done && io.run_one() > 0) {
  }
  return out;
}

}  // namespace

result blocking_session::get(const std::string& url, const options& o, byte_sink sink,
                             std::error_code& ec) {
  return run_blocking(
      io_, [&](auto h) { session_.async_get(url, o, std::move(sink), std::move(h)); }, ec);
}

result blocking_session::put(const std::string& url, const options& o, byte_source& source,
                             std::error_code& ec) {
  return run_blocking(
      io_, [&](auto h) { session_.async_put(url, o, source, std::move(h)); }, ec);
}

result blocking_session::get(const url::parsed_url& url, const options& o, byte_sink sink,
                             std::error_code& ec) {
  return run_blocking(
      io_, [&](auto h) { session_.async_get(url, o, std::move(sink), std::move(h)); }, ec);
}

result blocking_session::put(const url::parsed_url& url, const options& o, byte_source& source,
                             std::error_code& ec) {
  return run_blocking(
      io_, [&](auto h) { session_.async_put(url, o, source, std::move(h)); }, ec);
}

result blocking_session::get(const std::string& url, const options& o, byte_sink sink) {
  std::error_code ec;
  result r = get(url, o, std::move(sink), ec);
  if (ec) throw transfer_exception(ec, r.message, r.failed_in);
  return r;
}

result blocking_session::put(const std::string& url, const options& o, byte_source& source) {
  std::error_code ec;
  result r = put(url, o, source, ec);
  if (ec) throw transfer_exception(ec, r.message, r.failed_in);
  return r;
}

void blocking_session::close() noexcept {
  try {
    bool done = false;
    session_.async_close([&](std::error_code, int) { done = true; });
    io_.restart();
    while (!done && io_.run_one() > 0) {
    }
  } catch (...) {
  }
}

}  // namespace inet::transfer

// The async front's instantiations for the session's result types.
template void inet::transport::launch_reported<inet::transfer::result>(
    async_target, boost::asio::awaitable<std::pair<std::error_code, inet::transfer::result>>,
    boost::asio::any_completion_handler<void(std::error_code, inet::transfer::result)>);
template void inet::transport::launch_reported<int>(
    async_target, boost::asio::awaitable<std::pair<std::error_code, int>>,
    boost::asio::any_completion_handler<void(std::error_code, int)>);
