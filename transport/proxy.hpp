// Proxy tunnels over an already-connected stream: SOCKS5 (RFC 1928, user/password RFC 1929,
// local or remote name resolution) and HTTP CONNECT (RFC 9110 §9.3.6, Basic auth).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

#include "transport/options.hpp"

namespace inet::transport {

class stream;

/// Asks the proxy `s` is connected to for a tunnel to host:port. Throws std::system_error:
/// error::proxy_auth_failed (SOCKS5 auth rejected, HTTP 407), error::proxy_failed (any other
/// refusal or malformed answer, with the proxy's reason), error::resolve_failed (socks5 local
/// resolution), timeouts. On return the stream carries the tunnelled bytes.
boost::asio::awaitable<void> proxy_handshake(stream& s, const proxy_options& proxy,
                                             const std::string& host, std::uint16_t port);

}  // namespace inet::transport
