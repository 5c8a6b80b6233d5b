#include "protocols/imap/error.hpp"

#include "base/error.hpp"

namespace inet::imap {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.imap"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::malformed_response: return "malformed IMAP response";
      case error::literal_too_large: return "IMAP literal exceeds the size limit";
      case error::nesting_too_deep: return "IMAP response nests lists too deeply";
      case error::response_too_large: return "IMAP response exceeds the size limit";
      case error::connection_untrusted:
        return "connection no longer trusted after a protocol violation";
      case error::command_failed: return "IMAP command failed (NO)";
      case error::command_rejected: return "IMAP command rejected (BAD)";
      case error::auth_failed: return "IMAP authentication failed";
      case error::auth_unavailable: return "no usable IMAP authentication method";
      case error::tls_required: return "TLS is required but the IMAP server does not offer STARTTLS";
      case error::preauth_in_clear:
        return "server sent PREAUTH on a plaintext connection while TLS is required";
      case error::bad_greeting: return "unexpected IMAP greeting";
      case error::server_bye: return "IMAP server closed the connection (BYE)";
      case error::capability_missing: return "the IMAP server lacks a required capability";
      case error::unexpected_tag: return "tagged IMAP response for an unknown command";
      case error::not_connected: return "not connected";
      case error::no_mailbox_selected: return "no mailbox selected";
    }
    return "unknown IMAP error";
  }
  std::error_condition default_error_condition(int ev) const noexcept override {
    switch (static_cast<error>(ev)) {
      case error::auth_failed: return condition::auth_failed;
      case error::tls_required:
      case error::preauth_in_clear: return condition::tls_required;
      case error::malformed_response:
      case error::literal_too_large:
      case error::nesting_too_deep:
      case error::response_too_large:
      case error::unexpected_tag:
      case error::connection_untrusted: return condition::protocol_violation;
      default: return {ev, *this};
    }
  }
};

}  // namespace

const std::error_category& imap_category() noexcept {
  static const category c;
  return c;
}

parse_error::parse_error(error e, const std::string& why, std::uint64_t offset, std::string excerpt)
    : std::system_error(make_error_code(e), why + " at byte " + std::to_string(offset) +
                                                " of the response, near \"" + excerpt + "\""),
      offset_(offset),
      excerpt_(std::move(excerpt)) {}

}  // namespace inet::imap
