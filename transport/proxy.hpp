// Proxy tunnels over an already-connected stream: SOCKS5 (RFC 1928, user/password RFC 1929,
// local or remote name resolution) and HTTP CONNECT (RFC 9110 §9.3.6, Basic auth).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "transport/options.hpp"

namespace inet::transport {

class stream;

/// Asks the proxy `s` is connected to for a tunnel to host:port. Throws std::system_error:
/// error::proxy_auth_failed (SOCKS5 auth rejected, HTTP 407), error::proxy_failed (any other
/// refusal or malformed answer, with the proxy's reason), error::resolve_failed (socks5 local
/// resolution), timeouts. On return the stream carries the tunnelled bytes.
boost::asio::awaitable<void> proxy_handshake(stream& s, const proxy_options& proxy,
                                             const std::string& host, std::uint16_t port);

namespace detail {

// Sans-I/O parts of the handshakes: what the proxy answers is judged here, the coroutines above
// only move bytes (and the fuzz target tests/fuzz/inputs_fuzz.cc feeds these directly).

/// SOCKS5 method selection (RFC 1928 §3), exactly 2 bytes: returns the chosen method, 0 (no
/// authentication) or 2 (user/password, only when `with_auth`). Throws std::system_error:
/// error::proxy_failed (not version 5, unsupported method), error::proxy_auth_failed (0xFF "no
/// acceptable method", or user/password demanded without credentials).
unsigned char parse_socks5_method(std::string_view reply, bool with_auth);

/// SOCKS5 user/password status (RFC 1929 §2), exactly 2 bytes: returns if the status byte is 0,
/// else throws std::system_error(error::proxy_auth_failed).
void check_socks5_auth_status(std::string_view reply);

/// The SOCKS5 CONNECT reply (RFC 1928 §6) read so far, `got` (any length): returns how many more
/// bytes to read before calling again, 0 once the reply is complete (bytes beyond its end are not
/// looked at). A reply is 4 head bytes, then the bound address (ATYP 1: 4 bytes, 4: 16 bytes,
/// 3: a length byte and that many bytes), then a 2-byte port: at most 262 bytes in all. Throws
/// std::system_error(error::proxy_failed) for a version other than 5, a non-zero REP (message
/// names the RFC 1928 reason) or an unknown ATYP.
std::size_t socks5_reply_needs(std::string_view got);

/// Longest HTTP CONNECT response head accepted, in bytes (status line and fields).
inline constexpr std::size_t max_connect_head_bytes = 16 * 1024;

/// The HTTP CONNECT response head (RFC 9110 §9.3.6), fed one byte at a time so that nothing
/// after the blank line is consumed (those bytes belong to the tunnel). LF or CRLF line ends.
class connect_head_parser {
 public:
  /// Takes the next byte. Returns true when it was the LF of the blank line that ends the head
  /// (the tunnel is open: feed no more). Throws std::system_error: error::proxy_auth_failed for
  /// status 407, error::proxy_failed for a status line that is not "HTTP/1.x NNN", any status
  /// other than 2xx, or a head over max_connect_head_bytes. The messages quote the status line
  /// with control characters escaped, cut to 200 bytes.
  bool feed(char c);

 private:
  std::string line_;
  std::size_t total_ = 0;
  bool first_ = true;
};

}  // namespace detail

}  // namespace inet::transport
