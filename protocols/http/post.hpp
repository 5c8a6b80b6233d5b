// A small HTTPS POST for OAuth2 token endpoints (RFC 6749 §3.2, §6): one request, one response,
// `Connection: close`, on http::client (client.hpp). Not the general client: no redirects, no
// cookies, no keep-alive, no compression, no authentication schemes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <system_error>
#include <type_traits>

#include "protocols/http/error.hpp"
#include "transport/options.hpp"

namespace inet::http {

/// Options of one POST.
struct post_options {
  /// TLS settings of the connection (verification is ON unless dangerous_skip_verification).
  /// `alpn` is ignored: "http/1.1" is always offered.
  transport::tls_options tls;
  /// Connect/idle timeouts, proxy and optional overall deadline of the whole exchange.
  transport::connect_options connect;
  /// Used as the overall deadline (now + total_timeout) when connect.time.deadline is unset.
  std::chrono::milliseconds total_timeout{60'000};
  /// Largest accepted response body, in bytes (after chunked decoding).
  std::size_t max_body = 1024 * 1024;
};

/// POSTs `body` to `url` with `Content-Type: content_type` and returns the response body.
///
/// The request is, byte for byte (RFC 9112 §3, §6; headers in this order):
///   POST <path-and-query, "/" if empty> HTTP/1.1\r\n
///   Host: <host>[:<port> when not the scheme's default]\r\n   (IPv6 in brackets)
///   User-Agent: inetpp\r\n
///   Accept: application/json\r\n
///   Content-Type: <content_type>\r\n
///   Content-Length: <body size in bytes>\r\n
///   Connection: close\r\n
///   \r\n
///   <body>
///
/// `url` must be absolute: https://host[:port]/path[?query] (the fragment is ignored), or
/// http:// to a loopback host only (tests, local proxies). The response may use Content-Length,
/// chunked transfer coding or end at connection close; interim 1xx replies are skipped.
///
/// Returns the body of 2xx AND 4xx replies (RFC 6749 §5.2 error JSON comes with 400/401).
/// Throws std::system_error with:
///  - inet::url::error for a malformed URL; error::unsupported_url, error::insecure_url;
///  - transport::error::invalid_argument if `content_type` contains a control character;
///  - transport errors: resolve/connect failures, error::certificate_verify_failed,
///    error::tls_handshake_failed, error::timeout, error::deadline_exceeded, …;
///  - error::redirect_refused (3xx), error::server_error (5xx), error::unexpected_status;
///  - error::response_too_large, error::malformed_response, error::truncated_response.
/// Blocking: runs on a private io_context, so it may be called from inside another io_context's
/// handler (e.g. an SMTP client's token provider).
std::string https_post(const std::string& url, const std::string& content_type,
                       const std::string& body, const post_options& opts = {});

/// The same exchange as a coroutine on the caller's executor (same results and errors).
boost::asio::awaitable<std::string> async_https_post(std::string url, std::string content_type,
                                                     std::string body, post_options opts);

}  // namespace inet::http
