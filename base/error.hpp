// Error codes and the exception type shared by the transport and every protocol client
// (package //base: no I/O, below //transport, so sans-I/O parsers can raise them too).
//
// Asynchronous operations report `std::error_code`s: asio's own codes for resolve/connect/socket
// failures, `inet::transport::error` for what the transport detects (timeouts, limits, TLS
// policy, proxies) and for what every layer refuses alike (invalid_argument: CR/LF/NUL in a
// command), and each protocol's own category. `inet::condition` groups them across
// protocols (timeout, auth_failed, tls_required …) so callers can branch without knowing which
// layer failed. The blocking API throws `inet::exception`, which keeps the server's own words.
// `transport/error.hpp` forwards here; the enum keeps its `inet::transport` name and category.
#pragma once

#include <stdexcept>
#include <string>
#include <system_error>

namespace inet::transport {

enum class error {
  timeout = 1,            ///< idle timeout: no progress within the per-operation bound
  deadline_exceeded,      ///< the overall deadline passed (bounds trickling servers)
  connect_timeout,        ///< no address answered within the connect timeout
  line_too_long,          ///< a received line exceeded the configured maximum (bytes)
  reply_too_large,        ///< a reply exceeded its total size or continuation-line limit
  unexpected_eof,         ///< the peer closed in the middle of a reply or body
  starttls_injection,     ///< bytes followed the server's STARTTLS go-ahead before the handshake
  tls_required,           ///< TLS was required by policy but the server does not offer it
  tls_handshake_failed,   ///< the TLS handshake failed for a reason other than verification
  certificate_verify_failed,  ///< chain or host-name verification failed (RFC 9525)
  invalid_argument,       ///< a command argument contained CR, LF or NUL: nothing was sent
  proxy_failed,           ///< the proxy refused or answered malformed (SOCKS5 / HTTP CONNECT)
  proxy_auth_failed,      ///< the proxy rejected our credentials
  resolve_failed,         ///< the host name did not resolve to any address
  not_connected,          ///< an operation needs a connection that is not open
  body_too_large,         ///< a body exceeded a caller-set maximum (bytes)
  operation_aborted,      ///< cancelled by the caller
  compression_failed,     ///< corrupt DEFLATE data from the peer (RFC 4978), or zlib failed
  unexpected_peer,        ///< a listener was reached from an address other than the expected one
  /// The server selected an ALPN protocol that was not offered (RFC 7301 §3.2; the ALPACA
  /// cross-protocol class): the handshake is abandoned and the connection closed.
  alpn_mismatch,
};

const std::error_category& transport_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), transport_category()};
}

}  // namespace inet::transport

template <>
struct std::is_error_code_enum<inet::transport::error> : std::true_type {};

namespace inet {

/// Cross-protocol conditions: compare any `std::error_code` with these
/// (`ec == inet::condition::timeout`), whichever layer produced it.
enum class condition {
  timeout = 1,      ///< idle timeout, connect timeout or deadline
  tls_failure,      ///< handshake or certificate verification failed
  tls_required,     ///< policy demanded TLS that was not available
  auth_failed,      ///< the server rejected the credentials (protocols map their codes here)
  connection_failed,///< resolve, connect or proxy failure
  protocol_violation,  ///< malformed, oversized or injected server data
};

const std::error_category& condition_category() noexcept;
inline std::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), condition_category()};
}

/// The exception thrown by every blocking call. `code()` is the error code; `reply_text()` is
/// the server's reply (status line(s) without CRLF) when the failure came from a reply;
/// `operation()` says what was being done ("connect smtp.example.org:587", "MAIL FROM").
class exception : public std::system_error {
 public:
  exception(std::error_code ec, std::string operation, std::string reply_text = {});
  const std::string& operation() const noexcept { return operation_; }
  const std::string& reply_text() const noexcept { return reply_text_; }

 private:
  std::string operation_;
  std::string reply_text_;
};

}  // namespace inet

template <>
struct std::is_error_condition_enum<inet::condition> : std::true_type {};
