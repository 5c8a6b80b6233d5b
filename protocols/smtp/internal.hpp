// Internals of the SMTP client shared by its translation units and tests (not public API).
#pragma once

#include <optional>
#include <string>
#include <string_view>

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
/// RFC 3461 §4.1: "" (none), "NEVER", or a comma list of SUCCESS, FAILURE, DELAY.
bool valid_dsn_notify(std::string_view notify);
/// RFC 3461 §4 xtext encoding.
std::string xtext(std::string_view s);

/// Message content to the wire: bare CR and bare LF become CRLF (so no input can end DATA
/// early: the "SMTP smuggling" class), and with stuffing a "." at the start of a line is
/// doubled (RFC 5321 §4.5.2). Output grows by at most 2x the input.
class data_encoder {
 public:
  explicit data_encoder(bool dot_stuffing = true) : stuff_(dot_stuffing) {}
  void feed(std::string_view in, std::string& out);
  /// Ends the last line with CRLF if it is open (the "." terminator needs a line of its own).
  void finish(std::string& out);

 private:
  bool stuff_;
  bool at_line_start_ = true;
  bool pending_cr_ = false;
};

}  // namespace inet::smtp::detail
