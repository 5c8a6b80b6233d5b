// Header-section reader for `inet mail -t` (sendmail -t semantics): read the RFC 5322 §2.2
// header section of a message from a stream, take the recipients from To/Cc/Bcc, and re-emit
// the message without Bcc fields (RFC 5322 §3.6.3), streaming the body through untouched.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mime/address.hpp"
#include "base/body.hpp"

namespace inet::mime {

/// Limit on the whole header section, in bytes (error::header_too_large beyond).
inline constexpr std::size_t max_header_section_bytes = 1024 * 1024;
/// Limit on one physical header line, in bytes (lenient: RFC 5322 §2.1.1 says 998).
inline constexpr std::size_t max_header_line_bytes = 64 * 1024;

struct header_field {
  std::string name;   ///< as written (compare case-insensitively)
  std::string value;  ///< unfolded (RFC 5322 §2.2.3), leading/trailing whitespace trimmed
  std::string raw;    ///< exact bytes incl. folding and the line end(s)
};

struct header_section {
  std::vector<header_field> fields;
  std::size_t size_bytes = 0;  ///< bytes of the section incl. the empty line that ended it

  /// The first field called `name` (case-insensitive), or nullptr.
  const header_field* find(std::string_view name) const;
};

struct parsed_message_head {
  header_section headers;
  std::string rest_prefix;  ///< bytes read past the header section (start of the body)
  bool lf_only = false;     ///< the first line ended in a bare LF (output keeps that style)
};

/// Reads the header section from `src` up to the empty line (LF or CRLF line ends accepted).
/// A line that is neither a field ("name:" with an ftext name) nor a continuation ends the
/// section early: it becomes the start of `rest_prefix` (the body). End of input also ends it.
/// Throws std::system_error: error::header_too_large when the section exceeds
/// max_header_section_bytes or a line exceeds max_header_line_bytes; error::malformed_header
/// when the first line is a continuation line. Exceptions of `src` propagate.
parsed_message_head read_header_section(inet::byte_source& src);

/// Envelope recipients as sendmail -t takes them: the addresses of every To, Cc and Bcc field
/// (all occurrences), or — when `use_resent` and any Resent-To/Cc/Bcc field exists — of the
/// Resent-To/Cc/Bcc fields only (RFC 5322 §3.6.6). Order kept, exact duplicates removed.
/// Throws std::system_error(error::bad_address) on an unparsable address list.
std::vector<std::string> header_recipients(const header_section& h, bool use_resent = true);

struct rewrite_options {
  bool strip_bcc = true;          ///< drop Bcc and Resent-Bcc fields
  bool add_date = false;          ///< add Date (local time) when missing
  bool add_message_id = false;    ///< add Message-ID when missing ...
  std::string message_id_domain;  ///< ... with this right-hand side ("localhost" if empty)
  std::optional<mailbox> add_from;  ///< add From with this mailbox when missing
  bool utf8_headers = false;      ///< format add_from with raw UTF-8 (RFC 6532)
};

/// A byte_source that yields the header section (raw bytes, Bcc fields removed per `opts`,
/// missing Date/Message-ID/From appended in the input's line-end style), the empty line, then
/// `head.rest_prefix`, then the remainder of `rest` (which must outlive the returned source).
/// Throws std::system_error(error::bad_address/invalid_header) if add_from cannot be formatted.
std::unique_ptr<inet::byte_source> make_rewritten_source(parsed_message_head head,
                                                         inet::byte_source& rest,
                                                         const rewrite_options& opts);

}  // namespace inet::mime
