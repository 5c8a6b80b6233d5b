// Internals of the SMTP client shared by its translation units and tests (not public API).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocols/line/dot_encoder.hpp"
#include "protocols/line/engine.hpp"
#include "protocols/smtp/client.hpp"

namespace inet::smtp::detail {

/// Strips and returns a leading RFC 3463 status code whose class matches `code`.
std::optional<enhanced_status> parse_enhanced_status(std::string_view& text, int code);
reply to_reply(const line::code_reply& r, bool enhanced);
/// 421 -> service_unavailable, 4xx -> transient_failure, else permanent_failure.
std::error_code code_for(const reply& r);
/// Parses an EHLO reply's keyword lines (RFC 5321 §4.1.1.1).
capabilities parse_ehlo(const reply& r);
bool is_ascii(std::string_view s);
/// Throws error::invalid_address for CR, LF, NUL, unquoted space/<>, or > 512 bytes.
void check_address(std::string_view a, bool allow_empty);
/// Index of the '@' that starts the domain (the last one outside quotes), npos if none.
std::size_t domain_at(std::string_view a);
/// The form of a checked addr-spec for a server without SMTPUTF8 (RFC 6531 §3.2): unchanged
/// when ASCII; an ASCII local part with a non-ASCII domain gets the domain's A-label form
/// (RFC 5891 §4, libidn2 UTS #46 non-transitional, via transport::to_ascii_host), e.g.
/// "info@bücher.example" -> "info@xn--bcher-kva.example". Throws error::smtputf8_unsupported
/// for a non-ASCII local part, error::invalid_address (naming the address) for a non-ASCII
/// domain literal or a domain that is not a valid IDN.
std::string ascii_address(std::string_view a);
/// An ORCPT value (RFC 3461 §4.2) for a server without SMTPUTF8: "rfc822;" + an address that
/// ascii_address() can convert gets the converted address; anything else is returned as given.
std::string ascii_orcpt(std::string_view orcpt);
/// RFC 3461 §4.1: "" (none), "NEVER", or a comma list of SUCCESS, FAILURE, DELAY.
bool valid_dsn_notify(std::string_view notify);
/// RFC 3461 §4 xtext encoding.
std::string xtext(std::string_view s);

/// RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets with its CRLF.
inline constexpr std::size_t max_line_octets = line::max_text_line_octets;

/// Message content to the wire: bare CR and bare LF become CRLF (so no input can end DATA
/// early: the "SMTP smuggling" class), and with stuffing a "." at the start of a line is
/// doubled (RFC 5321 §4.5.2). Output grows by at most 2x the input. A NUL byte (which lenient
/// servers drop, turning "\r\0\n.\r\n" into an end of data) or a line of more than
/// max_line_octets throws std::system_error(error::invalid_message) naming the offset in the
/// message; `out` then holds only the bytes before it, which must not be sent as a message.
class data_encoder : public line::dot_encoder {
 public:
  explicit data_encoder(bool dot_stuffing = true)
      : line::dot_encoder(dot_stuffing, make_error_code(error::invalid_message)) {}
};

/// The trace's credential redactor for SMTP/LMTP (registered with the line engine; see
/// transport::redactor): AUTH <mechanism> keeps the mechanism name, hides the
/// initial response (RFC 4954 §4).
std::optional<std::string> redact_trace(std::string_view line);

}  // namespace inet::smtp::detail
