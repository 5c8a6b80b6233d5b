// Streaming MIME message reader (RFC 5322, RFC 2045-2049, RFC 2047, RFC 2231, RFC 6532).
// Sans-I/O: feed the message bytes in any chunking; the parser calls back per entity with its
// header fields, then with the decoded body bytes of each leaf part. Memory stays bounded by
// the limits below whatever the input: boundaries are searched for in a window of at most
// max_line_bytes past the start of the current line, never in a whole part.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "protocols/mime/headers.hpp"

namespace inet::mime {

/// A structured header value "value; name=param; ..." (Content-Type, Content-Disposition;
/// RFC 2045 §5.1, RFC 2183). Names lowercase; values unquoted and decoded to UTF-8: RFC 2231
/// continuations (name*0, name*1*, ...) joined and charset-converted, RFC 2047 encoded-words
/// in quoted values (Outlook/Gmail filenames) decoded, raw UTF-8 (RFC 6532) kept.
struct parameterized_value {
  std::string value;  ///< lowercased, e.g. "multipart/mixed" or "attachment"
  std::vector<std::pair<std::string, std::string>> params;

  /// The parameter `name` (case-insensitive), or "" when absent.
  std::string param(std::string_view name) const;
  bool has_param(std::string_view name) const;
};

/// Parses a structured header value; comments "(...)" are skipped. At most 64 parameters and
/// 100 continuation sections per parameter are kept (the rest is dropped). Never throws.
parameterized_value parse_parameterized(std::string_view header_value);

/// One entity (the message itself, a part, or an encapsulated message).
struct part {
  /// Position in the tree: {} for the message, {2} its second part, {2, 1} the first part of
  /// that; the body of a message/rfc822 part at {3} is the entity {3, 1}.
  std::vector<std::size_t> path;
  std::size_t depth = 0;        ///< path.size()
  header_section headers;       ///< fields unfolded (values not RFC 2047-decoded)
  std::string content_type;     ///< lowercased "type/subtype", defaults applied (RFC 2045 §5.2)
  parameterized_value type;     ///< the parsed Content-Type (params: charset, boundary, name)
  parameterized_value disposition;  ///< the parsed Content-Disposition ("" value when absent)
  std::string transfer_encoding;    ///< lowercased; "7bit" when absent
  std::string filename;  ///< UTF-8: disposition filename, else the Content-Type name; may
                         ///< hold anything ('/', "..") — sanitise before using it as a path
  bool is_multipart = false;  ///< children follow (a multipart with a boundary within depth)
  bool is_message = false;    ///< an encapsulated message follows (message/rfc822, global)

  /// The path as "2.1" ("" for the message itself).
  std::string path_string() const;
};

/// A non-fatal problem the parser worked around, with the entity it concerns.
struct parse_problem {
  std::error_code code;  ///< mime::error::unterminated_multipart, missing_boundary, ...
  std::string path;      ///< part::path_string() of the entity
};

struct parser_limits {
  std::size_t max_depth = 32;                  ///< nesting of multiparts/messages (deeper: leaf)
  std::size_t max_header_bytes = 256 * 1024;   ///< one entity's header section
  std::size_t max_header_fields = 1000;        ///< one entity's header fields
  std::size_t max_line_bytes = 64 * 1024;      ///< a header line (longer body lines stream)
  std::size_t max_parts = 10000;               ///< entities in the whole message
};

struct parser_callbacks {
  /// Every entity, in document order, once its header section is read.
  std::function<void(const part&)> on_part_begin;
  /// Decoded body bytes of a leaf entity (never of a multipart), in pieces of any size.
  std::function<void(const part&, std::string_view)> on_data;
  /// After the last on_data of an entity (children end before their parent).
  std::function<void(const part&)> on_part_end;
};

struct parser_options {
  parser_limits limits;
  /// Convert text/* bodies with a charset parameter other than UTF-8/US-ASCII to UTF-8 (iconv;
  /// invalid sequences become U+FFFD and are reported as error::bad_encoding; an unknown
  /// charset passes the bytes through, reported as error::unknown_charset).
  bool text_to_utf8 = false;
};

/// The streaming parser. Feed bytes with feed(), then call finish(). Line ends CRLF or LF.
/// Content-Transfer-Encoding base64 and quoted-printable are decoded; 7bit, 8bit, binary and
/// unknown encodings pass through. Preambles and epilogues are skipped. Hostile input is
/// bounded: fatal limits throw std::system_error (error::header_too_large when a header
/// section or line, or the field count, passes its limit; error::too_many_parts); everything
/// else is worked around and recorded in problems():
///   unterminated_multipart  a multipart without its close delimiter (its last part ends at
///                           the end of the input or of the enclosing part)
///   missing_boundary        multipart/* without a boundary parameter (read as a leaf)
///   depth_exceeded          nesting deeper than max_depth (the entity is read as a leaf)
///   bad_encoding            invalid base64/quoted-printable, or invalid charset bytes
///   truncated_header        input ended inside a header section
///   malformed_header        a header line that is neither a field nor a continuation (skipped)
/// Exceptions thrown by the callbacks propagate; after any exception further calls do nothing.
class parser {
 public:
  parser(parser_callbacks cb, parser_options opts = {});
  ~parser();
  parser(const parser&) = delete;
  parser& operator=(const parser&) = delete;

  /// Parses `data` (any chunking; the result is the same as one call with everything).
  void feed(std::string_view data);
  /// Ends the input: closes every open entity (calling on_part_end) and reports unterminated
  /// multiparts. Further feed() calls are ignored.
  void finish();

  const std::vector<parse_problem>& problems() const;
  /// Bytes currently held (for tests: bounded by max_line_bytes plus 64 KiB).
  std::size_t buffered() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace inet::mime
