#include "transport/proxy.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/base64.hpp"
#include "transport/error.hpp"
#include "transport/stream.hpp"
#include "transport/trace.hpp"

namespace inet::transport {

namespace asio = boost::asio;

namespace {

[[noreturn]] void fail(error e, const std::string& why) {
  throw std::system_error(make_error_code(e), why);
}

// Reads exactly n bytes (SOCKS replies are small and fixed-size).
asio::awaitable<std::string> read_n(stream& s, std::size_t n) {
  std::string out(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    const std::size_t k = co_await s.read_some(asio::buffer(out.data() + got, n - got));
    if (k == 0) fail(error::proxy_failed, "proxy closed the connection during the handshake");
    got += k;
  }
  co_return out;
}

asio::awaitable<void> socks5(stream& s, const proxy_options& p, const std::string& host,
                             std::uint16_t port) {
  const bool with_auth = !p.username.empty();
  if (p.username.size() > 255 || p.password.size() > 255)
    fail(error::proxy_auth_failed, "SOCKS5 user name or password longer than 255 bytes");
  // RFC 1928 §3: version 5, methods: no-auth (0) and, with credentials, user/pass (2).
  std::string hello = with_auth ? std::string("\x05\x02\x00\x02", 4) : std::string("\x05\x01\x00", 3);
  co_await s.write(asio::buffer(hello));
  const unsigned char method = detail::parse_socks5_method(co_await read_n(s, 2), with_auth);
  if (method == 2) {
    // RFC 1929 §2.
    std::string req;
    req.push_back(1);
    req.push_back(static_cast<char>(p.username.size()));
    req += p.username;
    req.push_back(static_cast<char>(p.password.size()));
    req += p.password;
    co_await s.write(asio::buffer(req));
    detail::check_socks5_auth_status(co_await read_n(s, 2));
  }

  std::string req("\x05\x01\x00", 3);  // CONNECT
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec && p.type == proxy_options::kind::socks5) {
    // Local resolution (curl's socks5://).
    asio::ip::tcp::resolver resolver(s.get_executor());
    auto results = co_await resolver.async_resolve(host, std::to_string(port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec || results.empty()) fail(error::resolve_failed, "could not resolve host '" + host + "'");
    addr = results.begin()->endpoint().address();
    ec.clear();
  }
  if (!ec) {
    if (addr.is_v4()) {
      req.push_back(1);
      const auto b = addr.to_v4().to_bytes();
      req.append(reinterpret_cast<const char*>(b.data()), b.size());
    } else {
      req.push_back(4);
      const auto b = addr.to_v6().to_bytes();
      req.append(reinterpret_cast<const char*>(b.data()), b.size());
    }
  } else {
    if (host.size() > 255) fail(error::proxy_failed, "host name too long for SOCKS5");
    req.push_back(3);  // DOMAINNAME: the proxy resolves (socks5h)
    req.push_back(static_cast<char>(host.size()));
    req += host;
  }
  req.push_back(static_cast<char>(port >> 8));
  req.push_back(static_cast<char>(port & 0xFF));
  co_await s.write(asio::buffer(req));

  std::string reply;
  for (std::size_t more; (more = detail::socks5_reply_needs(reply)) != 0;)
    reply += co_await read_n(s, more);
}

asio::awaitable<void> http_connect(stream& s, const proxy_options& p, const std::string& host,
                                   std::uint16_t port) {
  for (const std::string* v : {&host, &p.username, &p.password})
    for (char c : *v)
      if (c == '\r' || c == '\n' || c == '\0')
        fail(error::invalid_argument, "CR, LF or NUL in proxy request");
  const bool v6 = host.find(':') != std::string::npos;
  const std::string authority = (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  std::string req = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
  if (!p.username.empty())
    req += "Proxy-Authorization: Basic " + codec::base64_encode(p.username + ":" + p.password) + "\r\n";
  req += "Proxy-Connection: Keep-Alive\r\n\r\n";
  co_await s.write(asio::buffer(req));

  // Nothing after the blank line may be consumed (it belongs to the tunnelled protocol), so
  // read one byte at a time.
  detail::connect_head_parser head;
  for (;;) {
    char c;
    const std::size_t k = co_await s.read_some(asio::buffer(&c, 1));
    if (k == 0) fail(error::proxy_failed, "proxy closed the connection during CONNECT");
    if (head.feed(c)) break;
  }
}

}  // namespace

asio::awaitable<void> proxy_handshake(stream& s, const proxy_options& proxy,
                                      const std::string& host, std::uint16_t port) {
  switch (proxy.type) {
    case proxy_options::kind::none: co_return;
    case proxy_options::kind::socks5:
    case proxy_options::kind::socks5_remote: co_await socks5(s, proxy, host, port); co_return;
    case proxy_options::kind::http_connect: co_await http_connect(s, proxy, host, port); co_return;
  }
}

}  // namespace inet::transport
