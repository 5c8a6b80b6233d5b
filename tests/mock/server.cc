// GCC 12 reports a false -Wmaybe-uninitialized inside std::regex's
// std::function members at -O1 (e.g. --config=asan).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "tests/mock/server.hpp"

#include "tests/mock/session.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>

#include <regex>
#include <thread>

namespace inet::test {

using detail::escape_short;
using detail::session;

// ---- script builder -----------------------------------------------------------

script& script::add(std::string what, std::function<void(session&)> fn) {
  steps_.push_back(step{std::move(what), std::move(fn)});
  return *this;
}

script& script::send(std::string bytes) {
  std::string what = "send \"" + escape_short(bytes) + "\"";
  return add(std::move(what), [b = std::move(bytes)](session& s) { s.write(b); });
}

script& script::expect(std::string line) {
  std::string what = "expect \"" + escape_short(line) + "\"";
  return add(std::move(what), [want = std::move(line)](session& s) {
    std::string got = s.read_line();
    if (got != want)
      s.fail("expected \"" + escape_short(want) + "\", got \"" + escape_short(got, 400) + "\"");
  });
}

script& script::expect_regex(std::string ecmascript_regex) {
  // Compiled now so that a bad pattern throws std::regex_error in the test.
  auto re = std::make_shared<std::regex>(ecmascript_regex, std::regex::ECMAScript);
  std::string what = "expect_regex /" + escape_short(ecmascript_regex) + "/";
  return add(std::move(what), [re, pattern = std::move(ecmascript_regex)](session& s) {
    std::string got = s.read_line();
    if (!std::regex_match(got, *re))
      s.fail("line \"" + escape_short(got, 400) + "\" does not match /" + escape_short(pattern) + "/");
  });
}

script& script::expect_any_line(std::string* out) {
  return add("expect_any_line", [out](session& s) {
    std::string got = s.read_line();
    if (out != nullptr) *out = std::move(got);
  });
}

script& script::expect_until(std::string terminator_line, std::string* captured) {
  std::string what = "expect_until \"" + escape_short(terminator_line) + "\"";
  return add(std::move(what), [t = std::move(terminator_line), captured](session& s) {
    s.expect_until(t, captured);
  });
}

script& script::expect_bytes(std::size_t n, std::string* captured) {
  return add("expect_bytes " + std::to_string(n), [n, captured](session& s) {
    std::string got = s.read_bytes(n);
    if (captured != nullptr) *captured = std::move(got);
  });
}

script& script::expect_eof() {
  return add("expect_eof", [](session& s) { s.expect_eof(); });
}

script& script::expect_silence(std::chrono::milliseconds d) {
  return add("expect_silence " + std::to_string(d.count()) + " ms",
             [d](session& s) { s.expect_silence(d); });
}

script& script::start_tls(cert_kind k, bool require_client_cert) {
  static const char* const kinds[] = {"good", "wrong_host", "expired", "self_signed", "not_yet_valid"};
  std::string what = std::string("start_tls cert=") + kinds[static_cast<int>(k)] +
                     (require_client_cert ? " require_client_cert" : "");
  return add(std::move(what), [k, require_client_cert](session& s) {
    s.start_tls(k, require_client_cert);
  });
}

script& script::start_deflate() {
  return add("start_deflate", [](session& s) { s.start_deflate(); });
}

script& script::send_raw(std::string bytes) {
  std::string what = "send_raw \"" + detail::escape_short(bytes) + "\"";
  return add(std::move(what), [b = std::move(bytes)](session& s) { s.send_raw(b); });
}

script& script::stall(std::chrono::milliseconds d) {
  return add("stall " + std::to_string(d.count()) + " ms", [d](session& s) { s.stall(d); });
}

script& script::trickle(std::string bytes, std::chrono::milliseconds per_byte) {
  std::string what = "trickle \"" + escape_short(bytes) + "\"";
  return add(std::move(what), [b = std::move(bytes), per_byte](session& s) { s.trickle(b, per_byte); });
}

script& script::send_repeated(std::string chunk, std::size_t times) {
  std::string what = "send_repeated \"" + escape_short(chunk) + "\" x " + std::to_string(times);
  return add(std::move(what), [c = std::move(chunk), times](session& s) { s.send_repeated(c, times); });
}

script& script::close(close_mode m) {
  static const char* const names[] = {"graceful", "fin_only", "reset"};
  return add(std::string("close ") + names[static_cast<int>(m)], [m](session& s) { s.close(m); });
}

script& script::accept_next() {
  return add("accept_next", [](session& s) { s.accept(); });
}

script& script::use_connection(std::size_t index) {
  return add("use_connection " + std::to_string(index), [index](session& s) { s.use_connection(index); });
}

script& script::respond(std::function<std::string(const std::string&)> fn) {
  return add("respond", [fn = std::move(fn)](session& s) { s.write(fn(s.read_line())); });
}

script& script::run(std::function<void(connection_ctl&)> fn) {
  return add("run (custom step)", [fn = std::move(fn)](session& s) { fn(s); });
}

// ---- mock_server ------------------------------------------------------------------

struct mock_server::impl {
  impl(script s, server_options o) : opts(std::move(o)), scr(std::move(s)) {}
  void thread_main();
  bool run_step(std::size_t number, const std::string& what, const std::function<void()>& fn);

  server_options opts;
  script scr;
  detail::asio::io_context io;
  detail::tcp::acceptor acceptor{io};
  detail::shared_state st;
  std::unique_ptr<session> sess;
  std::uint16_t port = 0;
  std::thread thread;
};

bool mock_server::impl::run_step(std::size_t number, const std::string& what,
                                 const std::function<void()>& fn) {
  std::string label = "step " + std::to_string(number) + " of " +
                      std::to_string(scr.steps().size()) + " (" + what + ")";
  {
    std::lock_guard lock(st.mu);
    st.current = label;
  }
  std::string why;
  try {
    fn();
    return true;
  } catch (const std::exception& e) {
    why = e.what();
  } catch (...) {
    why = "unknown exception";
  }
  try {
    sess->abort_connection();
  } catch (...) {
  }
  std::lock_guard lock(st.mu);
  st.failure = label + " failed: " + why;
  return false;
}

void mock_server::impl::thread_main() {
  bool good = run_step(0, "accept the first connection", [&] { sess->accept(); });
  for (std::size_t i = 0; good && i < scr.steps().size(); ++i) {
    const script::step& s = scr.steps()[i];
    good = run_step(i + 1, s.what, [&] { s.fn(*sess); });
  }
  if (good) sess->finish();
  std::lock_guard lock(st.mu);
  st.ok = good;
  st.done = true;
  st.cv.notify_all();
}

mock_server::mock_server(script s, server_options o) : impl_(std::make_unique<impl>(std::move(s), std::move(o))) {
  namespace asio = detail::asio;
  asio::ip::address addr = impl_->opts.ipv6 ? asio::ip::address(asio::ip::address_v6::loopback())
                                            : asio::ip::address(asio::ip::address_v4::loopback());
  detail::tcp::endpoint ep(addr, 0);
  impl_->acceptor.open(ep.protocol());
  if (impl_->opts.ipv6) impl_->acceptor.set_option(asio::ip::v6_only(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->sess = std::make_unique<session>(impl_->io, impl_->acceptor, impl_->opts, impl_->st);
  impl_->thread = std::thread([this] { impl_->thread_main(); });
}

mock_server::~mock_server() {
  session* s = impl_->sess.get();
  s->stopping = true;
  boost::asio::post(impl_->io, [s] { s->shutdown_all(); });
  impl_->thread.join();
  s->shutdown_all();
}

std::uint16_t mock_server::port() const { return impl_->port; }

std::string mock_server::host() const { return impl_->opts.ipv6 ? "::1" : "127.0.0.1"; }

bool mock_server::wait_done(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->st.mu);
  return impl_->st.cv.wait_for(lock, timeout, [&] { return impl_->st.done; });
}

bool mock_server::ok() const {
  std::lock_guard lock(impl_->st.mu);
  return impl_->st.done && impl_->st.ok;
}

std::string mock_server::failure() const {
  const detail::shared_state& st = impl_->st;
  std::lock_guard lock(st.mu);
  if (st.done && st.ok) return {};
  std::string out = st.done ? st.failure : "script still running at " + st.current;
  out += "\ntranscript (S> server, C> client, -- events):\n" + st.transcript;
  if (!st.client_partial.empty()) out += "C> " + escape_short(st.client_partial, 4096) + "\n";
  return out;
}

std::string mock_server::received() const {
  std::lock_guard lock(impl_->st.mu);
  return impl_->st.received;
}

std::vector<std::string> mock_server::received_lines() const {
  std::string all = received();
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t pos; (pos = all.find("\r\n", start)) != std::string::npos; start = pos + 2)
    lines.push_back(all.substr(start, pos - start));
  if (start < all.size()) lines.push_back(all.substr(start));
  return lines;
}

}  // namespace inet::test
