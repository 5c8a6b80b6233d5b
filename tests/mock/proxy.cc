#include "tests/mock/proxy.hpp"

// GCC 12 reports a false -Wmismatched-new-delete on Asio's awaitable frame
// allocator (operator new/delete pair of awaitable_frame_base) at -O1.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace inet::test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using error_code = boost::system::error_code;
using socket_ptr = std::shared_ptr<tcp::socket>;

/// Listener + thread shared by both proxies. `serve` handles one client.
class proxy_core {
 public:
  using serve_fn = std::function<awaitable<void>(socket_ptr)>;

  explicit proxy_core(serve_fn serve) : serve_(std::move(serve)) {
    tcp::endpoint ep(asio::ip::address_v4::loopback(), 0);
    acceptor_.open(ep.protocol());
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~proxy_core() {
    io_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  int connections() const { return connections_; }
  asio::io_context& io() { return io_; }

 private:
  awaitable<void> accept_loop() {
    for (;;) {
      auto s = std::make_shared<tcp::socket>(io_);
      error_code ec;
      co_await acceptor_.async_accept(*s, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      ++connections_;
      asio::co_spawn(io_, serve_(s), asio::detached);
    }
  }

  serve_fn serve_;
  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

/// Copies from -> to until EOF (then half-closes `to`) or an error (then
/// closes both so the other direction ends too).
awaitable<void> pump(socket_ptr from, socket_ptr to) {
  std::array<char, 16384> buf;
  for (;;) {
    error_code ec;
    std::size_t n = co_await from->async_read_some(asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (n > 0) {
      error_code wec;
      co_await asio::async_write(*to, asio::buffer(buf.data(), n), asio::redirect_error(use_awaitable, wec));
      if (wec) ec = wec;
    }
    if (ec == asio::error::eof) {
      to->shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
    if (ec) {
      from->close(ec);
      to->close(ec);
      co_return;
    }
  }
}

void relay(asio::io_context& io, socket_ptr a, socket_ptr b) {
  asio::co_spawn(io, pump(a, b), asio::detached);
  asio::co_spawn(io, pump(b, a), asio::detached);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// Loopback endpoints for a requested host (literal or name); empty = not allowed.
std::vector<tcp::endpoint> loopback_targets(const std::string& host, std::uint16_t port,
                                            bool any_name) {
  error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (!ec) {
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
      addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    if (!addr.is_loopback()) return {};
    return {tcp::endpoint(addr, port)};
  }
  if (iequals(host, "localhost") || any_name)
    return {tcp::endpoint(asio::ip::address_v4::loopback(), port),
            tcp::endpoint(asio::ip::address_v6::loopback(), port)};
  return {};
}

/// Connects to the first reachable endpoint; nullptr if none.
awaitable<socket_ptr> connect_any(asio::io_context& io, const std::vector<tcp::endpoint>& eps) {
  auto s = std::make_shared<tcp::socket>(io);
  error_code ec;
  co_await asio::async_connect(*s, eps, asio::redirect_error(use_awaitable, ec));
  co_return ec ? nullptr : s;
}

std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

// ---- SOCKS5 (RFC 1928, RFC 1929) ------------------------------------------------

struct mock_socks5_proxy::impl {
  explicit impl(options o) : opts(std::move(o)), core([this](socket_ptr s) { return serve(s); }) {}

  awaitable<void> serve(socket_ptr s);
  awaitable<bool> negotiate(tcp::socket& s);

  options opts;
  mutable std::mutex mu;
  std::string last_target;
  bool remote_dns = false;
  proxy_core core;  // last: its thread stops before the fields above go away
};

awaitable<bool> mock_socks5_proxy::impl::negotiate(tcp::socket& s) {
  std::array<unsigned char, 2> head;
  co_await asio::async_read(s, asio::buffer(head), use_awaitable);
  if (head[0] != 5) co_return false;
  std::vector<unsigned char> methods(head[1]);
  co_await asio::async_read(s, asio::buffer(methods), use_awaitable);
  bool want_auth = !opts.user.empty() || !opts.pass.empty();
  unsigned char wanted = want_auth ? 0x02 : 0x00;
  bool offered = std::find(methods.begin(), methods.end(), wanted) != methods.end();
  std::array<unsigned char, 2> choice{5, static_cast<unsigned char>(offered ? wanted : 0xFF)};
  co_await asio::async_write(s, asio::buffer(choice), use_awaitable);
  if (!offered) co_return false;
  if (!want_auth) co_return true;
  // RFC 1929: VER=1 ULEN UNAME PLEN PASSWD
  std::array<unsigned char, 2> uh;
  co_await asio::async_read(s, asio::buffer(uh), use_awaitable);
  std::string user(uh[1], '\0');
  co_await asio::async_read(s, asio::buffer(user), use_awaitable);
  std::array<unsigned char, 1> plen;
  co_await asio::async_read(s, asio::buffer(plen), use_awaitable);
  std::string pass(plen[0], '\0');
  co_await asio::async_read(s, asio::buffer(pass), use_awaitable);
  bool good = uh[0] == 1 && user == opts.user && pass == opts.pass;
  std::array<unsigned char, 2> status{1, static_cast<unsigned char>(good ? 0 : 1)};
  co_await asio::async_write(s, asio::buffer(status), use_awaitable);
  co_return good;
}

awaitable<void> mock_socks5_proxy::impl::serve(socket_ptr s) {
  try {
    if (!co_await negotiate(*s)) co_return;
    std::array<unsigned char, 4> req;  // VER CMD RSV ATYP
    co_await asio::async_read(*s, asio::buffer(req), use_awaitable);
    std::string host;
    if (req[3] == 1 || req[3] == 4) {
      std::vector<unsigned char> raw(req[3] == 1 ? 4 : 16);
      co_await asio::async_read(*s, asio::buffer(raw), use_awaitable);
      asio::ip::address a;
      if (req[3] == 1) {
        asio::ip::address_v4::bytes_type b;
        std::copy(raw.begin(), raw.end(), b.begin());
        a = asio::ip::address_v4(b);
      } else {
        asio::ip::address_v6::bytes_type b;
        std::copy(raw.begin(), raw.end(), b.begin());
        a = asio::ip::address_v6(b);
      }
      host = a.to_string();
    } else if (req[3] == 3) {
      std::array<unsigned char, 1> len;
      co_await asio::async_read(*s, asio::buffer(len), use_awaitable);
      host.assign(len[0], '\0');
      co_await asio::async_read(*s, asio::buffer(host), use_awaitable);
    }
    unsigned char rep = 0;
    std::uint16_t port = 0;
    if (req[3] == 1 || req[3] == 3 || req[3] == 4) {
      std::array<unsigned char, 2> p;
      co_await asio::async_read(*s, asio::buffer(p), use_awaitable);
      port = static_cast<std::uint16_t>(p[0] << 8 | p[1]);
      std::lock_guard lock(mu);
      last_target = (req[3] == 4 ? "[" + host + "]" : host) + ":" + std::to_string(port);
      remote_dns = req[3] == 3;
    } else {
      rep = 0x08;
    }
    if (rep == 0 && req[1] != 1) rep = 0x07;
    if (rep == 0 && opts.reject) rep = 0x02;
    std::vector<tcp::endpoint> eps;
    if (rep == 0) {
      eps = loopback_targets(host, port, opts.any_name_is_loopback);
      if (eps.empty()) rep = req[3] == 3 ? 0x04 : 0x02;
    }
    socket_ptr target;
    if (rep == 0) {
      target = co_await connect_any(core.io(), eps);
      if (!target) rep = 0x05;
    }
    std::array<unsigned char, 10> reply{5, rep, 0, 1, 0, 0, 0, 0, 0, 0};
    if (target) {
      error_code ec;
      tcp::endpoint local = target->local_endpoint(ec);
      if (!ec && local.address().is_v4()) {
        auto b = local.address().to_v4().to_bytes();
        std::copy(b.begin(), b.end(), reply.begin() + 4);
        reply[8] = static_cast<unsigned char>(local.port() >> 8);
        reply[9] = static_cast<unsigned char>(local.port() & 0xff);
      }
    }
    co_await asio::async_write(*s, asio::buffer(reply), use_awaitable);
    if (target) relay(core.io(), s, target);
  } catch (const std::exception&) {
    // client went away mid-handshake: nothing to report
  }
}

mock_socks5_proxy::mock_socks5_proxy(options o) : impl_(std::make_unique<impl>(std::move(o))) {}
mock_socks5_proxy::~mock_socks5_proxy() = default;
std::uint16_t mock_socks5_proxy::port() const { return impl_->core.port(); }
int mock_socks5_proxy::connections() const { return impl_->core.connections(); }

std::string mock_socks5_proxy::last_target() const {
  std::lock_guard lock(impl_->mu);
  return impl_->last_target;
}

bool mock_socks5_proxy::used_remote_dns() const {
  std::lock_guard lock(impl_->mu);
  return impl_->remote_dns;
}

// ---- HTTP CONNECT -------------------------------------------------------------------

struct mock_http_connect_proxy::impl {
  explicit impl(options o) : opts(std::move(o)), core([this](socket_ptr s) { return serve(s); }) {}

  awaitable<void> serve(socket_ptr s);
  /// Status to answer `head` with (200 = go ahead); sets host/port.
  int check(const std::string& head, std::string& host, std::uint16_t& port) const;

  options opts;
  mutable std::mutex mu;
  std::string last_request;
  proxy_core core;
};

namespace {

/// Splits "host:port" / "[v6]:port" (RFC 9110 9.3.6 authority-form).
bool split_authority(std::string_view a, std::string& host, std::uint16_t& port) {
  std::size_t colon = a.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == a.size()) return false;
  std::string_view h = a.substr(0, colon), p = a.substr(colon + 1);
  if (!h.empty() && h.front() == '[') {
    if (h.size() < 2 || h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  }
  unsigned long v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned long>(c - '0');
    if (v > 65535) return false;
  }
  if (h.empty() || v == 0) return false;
  host = std::string(h);
  port = static_cast<std::uint16_t>(v);
  return true;
}

std::optional<std::string> header_value(std::string_view head, std::string_view name) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    std::size_t start = pos + 2, end = head.find("\r\n", start);
    std::string_view line = head.substr(start, end - start);
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && iequals(line.substr(0, colon), name)) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return std::string(v);
    }
    pos = end;
  }
  return std::nullopt;
}

std::string status_head(int status) {
  std::string reason = status == 200   ? "Connection established"
                       : status == 407 ? "Proxy Authentication Required"
                                       : "Mock Proxy Status";
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  if (status == 407) out += "Proxy-Authenticate: Basic realm=\"mock\"\r\n";
  if (status / 100 != 2) out += "Content-Length: 0\r\nConnection: close\r\n";
  return out + "\r\n";
}

}  // namespace

int mock_http_connect_proxy::impl::check(const std::string& head, std::string& host,
                                         std::uint16_t& port) const {
  std::string_view line = std::string_view(head).substr(0, head.find("\r\n"));
  std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || line.substr(sp2 + 1).substr(0, 5) != "HTTP/")
    return 400;
  if (line.substr(0, sp1) != "CONNECT") return 405;
  if (!split_authority(line.substr(sp1 + 1, sp2 - sp1 - 1), host, port)) return 400;
  if (!opts.basic_auth.empty()) {
    auto v = header_value(head, "Proxy-Authorization");
    if (!v || v->size() < 6 || !iequals(v->substr(0, 6), "basic ")) return 407;
    std::string token = v->substr(6);
    while (!token.empty() && token.front() == ' ') token.erase(0, 1);
    if (token != base64(opts.basic_auth)) return 407;
  }
  return opts.status;
}

awaitable<void> mock_http_connect_proxy::impl::serve(socket_ptr s) {
  try {
    std::string buf;
    error_code ec;
    std::size_t n = co_await asio::async_read_until(*s, asio::dynamic_buffer(buf, 64 * 1024), "\r\n\r\n",
                                                    asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::not_found)
        co_await asio::async_write(*s, asio::buffer(status_head(400)), use_awaitable);
      co_return;
    }
    std::string head = buf.substr(0, n), rest = buf.substr(n);
    {
      std::lock_guard lock(mu);
      last_request = head;
    }
    std::string host;
    std::uint16_t port = 0;
    int status = check(head, host, port);
    socket_ptr target;
    if (status / 100 == 2) {
      auto eps = loopback_targets(host, port, false);
      if (eps.empty()) status = 403;
      else if (!(target = co_await connect_any(core.io(), eps))) status = 502;
    }
    co_await asio::async_write(*s, asio::buffer(status_head(status)), use_awaitable);
    if (!target) co_return;
    if (!rest.empty()) co_await asio::async_write(*target, asio::buffer(rest), use_awaitable);
    relay(core.io(), s, target);
  } catch (const std::exception&) {
    // client or target went away mid-handshake
  }
}

mock_http_connect_proxy::mock_http_connect_proxy(options o) : impl_(std::make_unique<impl>(std::move(o))) {}
mock_http_connect_proxy::~mock_http_connect_proxy() = default;
std::uint16_t mock_http_connect_proxy::port() const { return impl_->core.port(); }
int mock_http_connect_proxy::connections() const { return impl_->core.connections(); }

std::string mock_http_connect_proxy::last_request() const {
  std::lock_guard lock(impl_->mu);
  return impl_->last_request;
}

}  // namespace inet::test
