// Internals of the POP3 client shared by its translation units and tests (not public API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocols/pop3/client.hpp"

namespace inet::pop3::detail {

/// "n" as a message number (1..2^32-1, decimal digits only).
std::optional<std::uint32_t> parse_number(std::string_view s);
/// "n" as an octet count (decimal digits only, no overflow).
std::optional<std::uint64_t> parse_octets(std::string_view s);
/// "nn mm" of a LIST line or LIST n reply (RFC 1939 §5); trailing text after a space is
/// allowed. Throws error::malformed_response.
message_info parse_scan_listing(std::string_view s);
/// "nn uid" of a UIDL line (RFC 1939 §7). Throws error::malformed_response.
unique_id parse_uid_listing(std::string_view s);
/// "nn mm" of a STAT reply. Throws error::malformed_response.
maildrop_stat parse_stat(std::string_view s);

/// A status line: +OK / -ERR, or (during AUTH) a SASL continuation "+ base64" / "+".
struct status_line {
  bool continuation = false;
  std::string challenge;  ///< base64 text of a continuation
  response reply;         ///< +OK / -ERR when !continuation
};

/// Parses a status line (without CRLF). Continuations are accepted only when
/// `allow_continuation`. Throws error::malformed_response for anything else.
status_line parse_status_line(std::string_view line, bool allow_continuation);

/// The trace's credential redactor for POP3 (registered with the line engine; see
/// transport::redactor): PASS hides its argument (RFC 1939 §7), APOP keeps
/// the user name, AUTH keeps the mechanism name (RFC 5034).
std::optional<std::string> redact_trace(std::string_view line);

}  // namespace inet::pop3::detail
