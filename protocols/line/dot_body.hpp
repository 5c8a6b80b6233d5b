// The dot-terminated multi-line body (POP3 RFC 1939 §3, NNTP RFC 3977 §3.1.1, the SMTP DATA
// form of RFC 5321 §4.5.2) decoded without I/O: bytes in, unstuffed body bytes out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace inet::line {

/// Decodes a dot-terminated body. The body ends ONLY at CRLF "." CRLF (or "." CRLF as its
/// very first line); a bare LF or a bare CR is data, never a line end, so no byte sequence
/// other than that terminator can end the body early (the "LF.LF smuggling" class). A line
/// that starts with "." loses that one dot (dot-unstuffing). The output is the body with its
/// CRLFs, without the terminator. Splitting the input anywhere gives the same output.
class dot_decoder {
 public:
  /// Consumes bytes of `in` and appends decoded bytes to `out` (at most in.size() + 1 bytes:
  /// a CR held back from an earlier call may be released). Stops right after the terminator:
  /// returns the count of `in` consumed, which is in.size() unless done() became true.
  std::size_t feed(std::string_view in, std::string& out);
  /// True once the terminating CRLF "." CRLF was consumed.
  bool done() const noexcept { return st_ == state::done; }

 private:
  enum class state : unsigned char {
    line_start,  // after CRLF (or at the start): nothing held back
    dot,         // line_start, then ".": the dot is dropped whatever follows
    dot_cr,      // ".\r" at line start: "\n" ends the body, anything else makes the CR data
    text,        // inside a line
    cr,          // inside a line after a CR (held back until the next byte says what it is)
    done,
  };
  state st_ = state::line_start;
};

/// Splits a decoded multi-line body (what read_dot_body delivered: lines ending in CRLF) into
/// its lines without the CRLF, for listings (POP3 CAPA/LIST/UIDL, NNTP LIST/OVER). A bare LF
/// stays inside its line (it is data, RFC 1939 §3 / RFC 3977 §3.1.1).
std::vector<std::string> split_body_lines(std::string_view body);

}  // namespace inet::line
