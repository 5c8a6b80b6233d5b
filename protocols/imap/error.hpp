// Errors of the IMAP module (category "inet.imap"). Kept free of Asio so the response parser
// can be built on its own (the fuzz target compiles it directly with clang).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

namespace inet::imap {

enum class error {
  malformed_response = 1,  ///< a response outside the RFC 3501/9051 §9 grammar (offset in what())
  literal_too_large,       ///< a literal announced over the caller's or the parser's limit
  nesting_too_deep,        ///< parenthesised lists nested deeper than parser_limits::max_depth
  response_too_large,      ///< one response exceeds parser_limits, or the responses to one
                           ///< command exceed client_options::per_command
  connection_untrusted,    ///< an earlier protocol violation: the connection must not be used
  command_failed,          ///< tagged NO (RFC 3501 §7.1.2)
  command_rejected,        ///< tagged BAD: the server did not accept the command's syntax
  auth_failed,             ///< LOGIN/AUTHENTICATE answered NO: credentials rejected
  auth_unavailable,        ///< no usable mechanism, or LOGINDISABLED (RFC 3501 §6.2.3)
  tls_required,            ///< policy requires TLS but STARTTLS is missing/refused: nothing sent
  preauth_in_clear,        ///< PREAUTH greeting on plaintext while TLS is required (RFC 9051 §7.1.4)
  bad_greeting,            ///< the greeting was not OK / PREAUTH
  server_bye,              ///< the server sent BYE (closing); its text is in what()
  capability_missing,      ///< the command needs an extension the server does not offer
  unexpected_tag,          ///< a tagged response for a command that was not sent
  not_connected,           ///< no open, authenticated connection
  no_mailbox_selected,     ///< the command needs SELECT/EXAMINE first
};

const std::error_category& imap_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), imap_category()};
}

/// A malformed or over-limit response: code() is one of the parser errors; offset() is the
/// byte offset into the response (lines counted with their CRLF, literals with their bytes);
/// excerpt() is up to 64 bytes around it with control bytes escaped.
class parse_error : public std::system_error {
 public:
  parse_error(error e, const std::string& why, std::uint64_t offset, std::string excerpt);
  std::uint64_t offset() const noexcept { return offset_; }
  const std::string& excerpt() const noexcept { return excerpt_; }

 private:
  std::uint64_t offset_;
  std::string excerpt_;
};

}  // namespace inet::imap

template <>
struct std::is_error_code_enum<inet::imap::error> : std::true_type {};
