// Internals of the NNTP client shared by its translation units and tests (not public API).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocols/nntp/client.hpp"

namespace inet::nntp::detail {

/// A decimal number (digits only, no overflow).
std::optional<std::uint64_t> parse_number(std::string_view s);
/// `which` for ARTICLE/HEAD/BODY/STAT: "", digits, or a valid message-id. Throws
/// std::system_error(error::invalid_argument).
void check_which(std::string_view which);
/// `range` for LISTGROUP/OVER/HDR: "", "n", "n-", "n-m", or (allow_id) a message-id.
void check_range(std::string_view range, bool allow_id);
/// A wildmat / LIST argument: printable, no space (RFC 3977 §4). Throws invalid_argument.
void check_token(std::string_view s, std::string_view what);
/// "nnn text" -> reply. Throws error::malformed_reply.
reply parse_reply(const line::code_reply& r);
/// "n <id>" of 220..223. Throws error::malformed_reply.
article_ref parse_article_ref(std::string_view text);
/// One LIST ACTIVE / NEWGROUPS line.
active_group parse_active(std::string_view line);

/// The trace redactor: AUTHINFO PASS hides the password, AUTHINFO SASL keeps the mechanism.
std::optional<std::string> redact_trace(std::string_view line);

}  // namespace inet::nntp::detail
