// IMAP client for bench/run, through inetpp's library, against a real dovecot.
//
//   imap_bench cmd  HOST PORT USER PASS COMMAND [--tls CA]
//       logs in, SELECTs INBOX, sends COMMAND ("FETCH 1:* BODY[]", "UID SEARCH ALL" ...) and
//       counts the bytes of its untagged responses (discarded); --tls: implicit TLS (imaps).
//   imap_bench idle HOST PORT USER PASS COUNT
//       opens COUNT connections from one io_context (50 logins in flight at a time), each
//       SELECTs INBOX and IDLEs; then one more connection APPENDs a message and the time until
//       the first and the last idler sees it is measured (waiting at most 10 s). Prints one line
//       of key=value: connected, failed, rss_idle_kib, rss_before_kib, woken, and when one woke
//       wake_first_ms, wake_all_ms (the last idler that woke within the 10 s).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "protocols/imap/client.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

inet::imap::client_options options(int argc, char** argv) {
  inet::imap::client_options o;
  o.host = argv[2];
  o.port = static_cast<std::uint16_t>(std::atoi(argv[3]));
  o.credentials.username = argv[4];
  o.credentials.password = argv[5];
  o.policy = inet::transport::tls_policy::none;
  o.auth_mechanism = "PLAIN";  // as Python's LOGIN: no SCRAM key derivation per login
  o.enable_utf8 = false;
  o.connect.time.connect = std::chrono::seconds(300);
  o.connect.time.idle = std::chrono::seconds(300);
  o.per_command = {};
  o.per_command.max_bytes = std::uint64_t{1} << 40;
  if (argc >= 9 && std::string(argv[7]) == "--tls") {
    o.security = inet::imap::security::implicit_tls;
    o.policy.reset();
    o.tls.ca_file = argv[8];
  }
  return o;
}

long rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

int run_cmd(const inet::imap::client_options& o, const std::string& command) {
  inet::imap::blocking_client c;
  c.connect(o);
  c.select("INBOX");
  std::uint64_t bytes = 0;
  std::size_t responses = 0;
  // Each response is counted, not kept: memory stays flat in the number of messages.
  c.command(command, [&](std::string_view s) { bytes += s.size(); }, {},
            [&](const inet::imap::response&) { return ++responses, false; });
  c.logout();
  std::cerr << "imap_bench: " << bytes << " bytes, " << responses << " responses\n";
  return 0;
}

struct idle_state {
  long connected = 0, woken = 0, failed = 0;
  clock_type::time_point appended, first, last;
  std::exception_ptr failure;
};

// `o` is run_idle's (it outlives every idler): a copy in each idler's frame would stay alive
// for the whole IDLE, ~1 KiB per connection that a program holding connections would not keep.
boost::asio::awaitable<void> idler(inet::imap::client& c, const inet::imap::client_options& o,
                                   idle_state& st) {
  co_await c.connect(o);
  std::string box = "INBOX";
  co_await c.select(std::move(box));
  ++st.connected;
  co_await c.idle(std::chrono::minutes(10), true);
  const auto now = clock_type::now();
  if (st.woken++ == 0) st.first = now;
  st.last = now;
}

boost::asio::awaitable<void> run_idle(inet::imap::client_options o, long count, idle_state& st,
                                      std::vector<std::unique_ptr<inet::imap::client>>& clients) {
  auto ex = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer t(ex);
  for (long i = 0; i < count; ++i) {
    while (i - st.connected - st.failed >= 50) {  // at most 50 logins in flight
      t.expires_after(std::chrono::milliseconds(5));
      co_await t.async_wait(boost::asio::use_awaitable);
    }
    clients.push_back(std::make_unique<inet::imap::client>(ex));
    boost::asio::co_spawn(ex, idler(*clients.back(), o, st), [&st](std::exception_ptr e) {
      if (e) {
        ++st.failed;
        if (!st.failure) st.failure = e;
      }
    });
  }
  while (st.connected + st.failed < count) {
    t.expires_after(std::chrono::milliseconds(20));
    co_await t.async_wait(boost::asio::use_awaitable);
  }
  t.expires_after(std::chrono::seconds(1));  // every IDLE command is on the wire
  co_await t.async_wait(boost::asio::use_awaitable);
  std::cout << "connected=" << st.connected << " failed=" << st.failed
            << " rss_idle_kib=" << rss_kib() << " ";
  inet::imap::client w(ex);
  co_await w.connect(o);
  const std::string msg = "From: a@example.test\r\nSubject: wake\r\n\r\nwake up\r\n";
  inet::memory_source src(msg);
  std::string box = "INBOX";
  inet::imap::append_options ao;  // named: GCC 12 mishandles temporaries in co_await
  st.appended = clock_type::now();
  co_await w.append(std::move(box), src, msg.size(), std::move(ao));
  while (st.woken < st.connected) {
    t.expires_after(std::chrono::milliseconds(1));
    co_await t.async_wait(boost::asio::use_awaitable);
    if (clock_type::now() - st.appended > std::chrono::seconds(10)) break;  // report who woke
  }
  co_await w.logout();
  for (auto& c : clients) c->close();
}

int idle_main(const inet::imap::client_options& o, long count) {
  boost::asio::io_context io(1);
  idle_state st;
  std::vector<std::unique_ptr<inet::imap::client>> clients;
  clients.reserve(static_cast<std::size_t>(count));
  const long before = rss_kib();
  std::exception_ptr failure;
  boost::asio::co_spawn(io, run_idle(o, count, st, clients),
                        [&](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
  using ms = std::chrono::duration<double, std::milli>;
  std::cout << "rss_before_kib=" << before << " woken=" << st.woken;
  if (st.woken > 0)  // else there is no wake-up time (dovecot may tell none within 10 s)
    std::cout << " wake_first_ms=" << ms(st.first - st.appended).count()
              << " wake_all_ms=" << ms(st.last - st.appended).count();
  std::cout << "\n";
  if (st.failure && st.connected == 0) std::rethrow_exception(st.failure);
  if (st.failure) {
    try {
      std::rethrow_exception(st.failure);
    } catch (const std::exception& e) {
      std::cerr << "imap_bench: " << st.failed << " connections failed, first: " << e.what()
                << "\n";
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::cerr << "usage: imap_bench cmd|idle HOST PORT USER PASS COMMAND|COUNT [--tls CA]\n";
    return 2;
  }
  const std::string mode = argv[1];
  try {
    const auto o = options(argc, argv);
    if (mode == "cmd") return run_cmd(o, argv[6]);
    if (mode == "idle") return idle_main(o, std::atol(argv[6]));
    std::cerr << "imap_bench: unknown mode " << mode << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "imap_bench: " << e.what() << "\n";
    return 1;
  }
}
