// Mock proxies for transport tests: a SOCKS5 server (RFC 1928, with RFC 1929
// username/password auth) and an HTTP CONNECT proxy (RFC 9110 9.3.6).
//
// Each listens on 127.0.0.1:<ephemeral>, runs on its own thread, serves any
// number of clients (one after another or at once), and after a successful
// handshake relays bytes both ways until both sides closed. Targets must be
// loopback: IPv4/IPv6 literals 127.0.0.1 / ::1 (any 127/8) or the name
// "localhost"; anything else is refused (no DNS lookups ever leave the host).
// Destruction closes every socket and joins the thread; it never hangs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace inet::test {

struct socks5_proxy_options {
  std::string user{};  ///< with pass: require RFC 1929 auth (method 0x02); empty = method 0x00
  std::string pass{};
  bool reject = false;  ///< answer every CONNECT with REP 0x02 (not allowed by ruleset)
  /// Treat every domain name (not only "localhost") as 127.0.0.1, for
  /// remote-DNS tests with made-up names.
  bool any_name_is_loopback = false;
};

/// SOCKS5 CONNECT proxy. Replies: 0x00 success, 0x02 rejected / non-loopback
/// address, 0x04 name not allowed, 0x05 target refused, 0x07 command not
/// supported (only CONNECT), 0x08 address type not supported.
class mock_socks5_proxy {
 public:
  using options = socks5_proxy_options;
  /// Binds 127.0.0.1:0 and starts serving; throws std::system_error on failure.
  explicit mock_socks5_proxy(options o = {});
  ~mock_socks5_proxy();
  mock_socks5_proxy(const mock_socks5_proxy&) = delete;
  mock_socks5_proxy& operator=(const mock_socks5_proxy&) = delete;

  std::uint16_t port() const;
  /// Target of the last CONNECT request as "host:port" ("[::1]:25" for IPv6
  /// literals), exactly as requested (domain name or IP); "" before any.
  std::string last_target() const;
  /// True if the last request named the target by domain name (ATYP 0x03),
  /// i.e. the client left name resolution to the proxy.
  bool used_remote_dns() const;
  /// Number of client connections accepted so far.
  int connections() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

struct http_connect_proxy_options {
  /// Expected "user:pass" in "Proxy-Authorization: Basic ..."; a missing or
  /// wrong one gets 407 with "Proxy-Authenticate: Basic". Empty = no auth.
  std::string basic_auth{};
  int status = 200;  ///< status for every CONNECT; not 2xx = refuse and close
};

/// HTTP CONNECT proxy. Sends "HTTP/1.1 200 Connection established" and relays
/// (bytes after the request head are forwarded). Errors: 400 malformed head
/// (over 64 KiB or bad request line), 405 not CONNECT, 407 auth, 403
/// non-loopback target, 502 target refused; every error closes the connection.
class mock_http_connect_proxy {
 public:
  using options = http_connect_proxy_options;
  explicit mock_http_connect_proxy(options o = {});
  ~mock_http_connect_proxy();
  mock_http_connect_proxy(const mock_http_connect_proxy&) = delete;
  mock_http_connect_proxy& operator=(const mock_http_connect_proxy&) = delete;

  std::uint16_t port() const;
  /// The last request head, from the request line up to and including the
  /// empty line ("\r\n\r\n"); "" before any.
  std::string last_request() const;
  int connections() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace inet::test
