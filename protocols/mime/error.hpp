// Error codes of the MIME composer and header parser (category "inet.mime").
#pragma once

#include <string>
#include <system_error>

namespace inet::mime {

enum class error {
  bad_address = 1,   ///< RFC 5322 §3.4 address (list) does not parse, or is unsafe for SMTP
  invalid_header,    ///< header name not ftext, value with bare CR/LF, reserved name, control chars
  file_error,        ///< an attachment file cannot be opened or read (message names the path)
  header_too_large,  ///< header section over 1 MiB, or one line over 64 KiB
  malformed_header,  ///< header section that cannot be parsed (e.g. continuation line first)
  // Reader (parser.hpp):
  unterminated_multipart,  ///< multipart body without its close delimiter (RFC 2046 §5.1.1)
  missing_boundary,        ///< multipart/* Content-Type without a boundary parameter
  depth_exceeded,          ///< multipart/message nesting deeper than the parser's limit
  bad_encoding,            ///< invalid base64/quoted-printable data or charset bytes
  truncated_header,        ///< input ended inside a header section
  too_many_parts,          ///< more entities than the parser's limit
  unknown_charset,         ///< a charset iconv does not know (bytes passed through)
};

/// The "inet.mime" error category.
const std::error_category& category() noexcept;

inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace inet::mime

template <>
struct std::is_error_code_enum<inet::mime::error> : std::true_type {};
