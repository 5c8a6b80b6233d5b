// The HTTP errors (category "inet.http"), shared by the client (client.hpp) and the OAuth2 POST
// (post.hpp). Transport failures (connect, TLS, timeouts) keep the transport's own codes; URL
// syntax errors keep inet::url's codes.
#pragma once

#include <system_error>
#include <type_traits>

#include "base/error.hpp"

namespace inet::http {

enum class error {
  unsupported_url = 1,  ///< scheme other than http/https, or user info ("user@") in the URL
  insecure_url,         ///< http:// to a host that is not loopback (https_post only)
  redirect_refused,     ///< 3xx reply not followed (RFC 9110 §15.4); what() gives Location
  server_error,         ///< 5xx reply (RFC 9110 §15.6) (https_post only)
  unexpected_status,    ///< a status outside 1xx-5xx, or more than 8 interim (1xx) replies
  response_too_large,   ///< header section/count over client limits, or body > max_body bytes
  /// The response is not valid HTTP/1.x (RFC 9112): bad status line or field, a bad chunk size
  /// (negative, overflowing, not hex), Content-Length together with Transfer-Encoding chunked,
  /// or several differing Content-Length fields (RFC 9112 §6.3)
  malformed_response,
  /// The connection closed before the response was complete (what() gives the bytes received)
  truncated_response,
  /// A request method, target, header name or value with CR, LF, NUL or (name, method, target)
  /// characters outside RFC 9110's token/target grammar: refused, nothing sent
  invalid_request,
  not_connected,       ///< send() before connect() or after close()
  empty_reply,         ///< the server closed the connection without sending a byte (curl's 52)
  body_size_mismatch,  ///< a byte_source gave more or fewer bytes than request::body_size
  too_many_redirects,  ///< more redirects than fetch_options::max_redirects (curl's 47)
  /// Corrupt or cut-off gzip/deflate/br/zstd content (RFC 9110 §8.4)
  bad_content_encoding,
  /// A status >= 400 with fetch_options::fail_on_error (curl's -f, exit 22): no body written
  http_error_status,
  /// Decoded content over fetch_options::max_decoded (a decompression bomb; curl's 63)
  decoded_too_large,
};

/// The error category, named "inet.http". Its codes compare equal to
/// inet::condition::protocol_violation (malformed/oversized/truncated responses) and
/// inet::condition::connection_failed (server_error, empty_reply).
const std::error_category& http_category() noexcept;
std::error_code make_error_code(error e) noexcept;

}  // namespace inet::http

template <>
struct std::is_error_code_enum<inet::http::error> : std::true_type {};
