#include "base/error.hpp"

#include <netdb.h>

#include <string_view>

namespace inet::transport {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.transport"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::timeout: return "timed out waiting for the peer (idle timeout)";
      case error::deadline_exceeded: return "operation exceeded its overall time limit";
      case error::connect_timeout: return "connection timed out";
      case error::line_too_long: return "received line exceeds the maximum length";
      case error::reply_too_large: return "reply exceeds the maximum size or line count";
      case error::unexpected_eof: return "connection closed by peer in the middle of a reply";
      case error::starttls_injection:
        return "server sent data after the STARTTLS go-ahead and before the TLS handshake "
               "(possible injection attack)";
      case error::tls_required: return "TLS is required but the server does not offer it";
      case error::tls_handshake_failed: return "TLS handshake failed";
      case error::certificate_verify_failed: return "server certificate verification failed";
      case error::invalid_argument:
        return "command argument contains CR, LF or NUL (refused before sending)";
      case error::proxy_failed: return "proxy connection failed";
      case error::proxy_auth_failed: return "proxy authentication failed";
      case error::resolve_failed: return "could not resolve host";
      case error::not_connected: return "not connected";
      case error::body_too_large: return "body exceeds the maximum size";
      case error::operation_aborted: return "operation cancelled";
      case error::compression_failed: return "corrupt compressed data from the peer (DEFLATE)";
      case error::unexpected_peer:
        return "connection from an unexpected address (not the server's)";
      case error::alpn_mismatch:
        return "the server selected an application protocol (ALPN) that was not offered";
    }
    return "unknown transport error";
  }
  std::error_condition default_error_condition(int ev) const noexcept override {
    switch (static_cast<error>(ev)) {
      case error::timeout:
      case error::deadline_exceeded:
      case error::connect_timeout: return condition::timeout;
      case error::tls_handshake_failed:
      case error::alpn_mismatch:
      case error::certificate_verify_failed: return condition::tls_failure;
      case error::tls_required: return condition::tls_required;
      case error::proxy_failed:
      case error::proxy_auth_failed:
      case error::resolve_failed:
      case error::unexpected_peer: return condition::connection_failed;
      case error::line_too_long:
      case error::reply_too_large:
      case error::unexpected_eof:
      case error::compression_failed:
      case error::starttls_injection: return condition::protocol_violation;
      default: return {ev, *this};
    }
  }
};

}  // namespace

const std::error_category& transport_category() noexcept {
  static const category c;
  return c;
}

}  // namespace inet::transport

namespace inet {
namespace {

// Connect/resolve failures as asio reports them, recognised without linking asio: socket errors
// come in the system category (errno), resolver errors in asio's "asio.netdb" category with
// <netdb.h> values (base/error_test.cc checks both against asio's own codes).
bool is_asio_connection_failure(const std::error_code& ec) noexcept {
  if (ec == std::errc::connection_refused || ec == std::errc::network_unreachable ||
      ec == std::errc::host_unreachable || ec == std::errc::timed_out)
    return true;
  return std::string_view(ec.category().name()) == "asio.netdb" &&
         (ec.value() == HOST_NOT_FOUND || ec.value() == TRY_AGAIN);
}

class condition_cat final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet"; }
  std::string message(int ev) const override {
    switch (static_cast<condition>(ev)) {
      case condition::timeout: return "timeout";
      case condition::tls_failure: return "TLS failure";
      case condition::tls_required: return "TLS required";
      case condition::auth_failed: return "authentication failed";
      case condition::connection_failed: return "connection failed";
      case condition::protocol_violation: return "protocol violation";
    }
    return "unknown condition";
  }
  bool equivalent(const std::error_code& ec, int cond) const noexcept override {
    if (ec.category() == *this) return ec.value() == cond;
    if (cond == static_cast<int>(condition::connection_failed)) {
      return is_asio_connection_failure(ec) ||
             ec.default_error_condition() == std::error_condition(cond, *this);
    }
    return ec.default_error_condition() == std::error_condition(cond, *this);
  }
};

}  // namespace

const std::error_category& condition_category() noexcept {
  static const condition_cat c;
  return c;
}

exception::exception(std::error_code ec, std::string operation, std::string reply_text)
    : std::system_error(ec, reply_text.empty() ? operation : operation + ": " + reply_text),
      operation_(std::move(operation)),
      reply_text_(std::move(reply_text)) {}

}  // namespace inet
