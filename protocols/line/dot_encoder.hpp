// Message content to the wire for the dot-terminated forms: SMTP DATA (RFC 5321 §4.5.2) and
// NNTP POST/IHAVE (RFC 3977 §3.1.1), and with stuffing off for SMTP BDAT (RFC 3030). One
// smuggling-safe encoder for every protocol that sends a dot-terminated body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace inet::line {

/// RFC 5321 §4.5.3.1.6 / RFC 5536 §3.2.x: a text line is at most 1000 octets with its CRLF.
inline constexpr std::size_t max_text_line_octets = 998;

/// Bare CR and bare LF become CRLF (so no input can end the body early: the "smuggling"
/// class), and with stuffing a "." at the start of a line is doubled. Output grows by at most
/// 2x the input. A NUL byte (which lenient servers drop, turning "\r\0\n.\r\n" into an end of
/// data) or a line of more than max_text_line_octets throws std::system_error(`invalid`, the
/// protocol's "invalid message" code) naming the offset in the message; `out` then holds only
/// the bytes before it, which must not be sent.
class dot_encoder {
 public:
  dot_encoder(bool dot_stuffing, std::error_code invalid) : stuff_(dot_stuffing), invalid_(invalid) {}
  void feed(std::string_view in, std::string& out);
  /// Ends the last line with CRLF if it is open (the "." terminator needs a line of its own).
  void finish(std::string& out);

 private:
  void append_run(const char* p, std::size_t n, std::string& out);  // no CR/LF/NUL in it
  void end_line(std::string& out);
  bool stuff_;
  std::error_code invalid_;
  bool at_line_start_ = true;
  bool pending_cr_ = false;
  std::size_t line_octets_ = 0;  // octets of the current line, CR/LF excluded
  std::uint64_t offset_ = 0;     // message bytes fed so far
};

}  // namespace inet::line
