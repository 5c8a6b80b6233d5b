#include "protocols/http/error.hpp"

#include <string>

namespace inet::http {
namespace {

class category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.http"; }
  std::string message(int v) const override {
    switch (static_cast<error>(v)) {
      case error::unsupported_url: return "unsupported URL for HTTP";
      case error::insecure_url: return "plain http is allowed to loopback hosts only";
      case error::redirect_refused: return "the server answered with a redirect";
      case error::server_error: return "the server answered with a 5xx error";
      case error::unexpected_status: return "unexpected HTTP status";
      case error::response_too_large: return "the HTTP response is too large";
      case error::malformed_response: return "malformed HTTP response";
      case error::truncated_response: return "the HTTP response was cut off";
      case error::invalid_request: return "invalid HTTP request";
      case error::not_connected: return "the HTTP client is not connected";
      case error::empty_reply: return "the server sent an empty reply";
      case error::body_size_mismatch: return "the request body size does not match";
      case error::too_many_redirects: return "too many HTTP redirects";
      case error::bad_content_encoding: return "bad HTTP content encoding";
      case error::http_error_status: return "the server answered with an HTTP error status";
      case error::decoded_too_large: return "the decoded HTTP content is too large";
    }
    return "unknown inet.http error";
  }
  std::error_condition default_error_condition(int v) const noexcept override {
    switch (static_cast<error>(v)) {
      case error::response_too_large:
      case error::malformed_response:
      case error::truncated_response:
      case error::bad_content_encoding:
      case error::decoded_too_large:
      case error::unexpected_status: return make_error_condition(condition::protocol_violation);
      case error::server_error:
      case error::empty_reply: return make_error_condition(condition::connection_failed);
      default: return {v, *this};
    }
  }
};

}  // namespace

const std::error_category& http_category() noexcept {
  static const category_impl c;
  return c;
}

std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), http_category()};
}

}  // namespace inet::http
