#include "protocols/line/dot_encoder.hpp"

namespace inet::line {

void dot_encoder::feed(std::string_view in, std::string& out) {
  for (char c : in) {
    const std::uint64_t at = offset_++;
    if (c == '\0')
      throw std::system_error(invalid_, "NUL byte at offset " + std::to_string(at) + " of the message");
    if (pending_cr_) {
      pending_cr_ = false;
      out += "\r\n";
      at_line_start_ = true;
      line_octets_ = 0;
      if (c == '\n') continue;  // CRLF: already emitted
    }
    if (c == '\r') {
      pending_cr_ = true;
      continue;
    }
    if (c == '\n') {  // bare LF
      out += "\r\n";
      at_line_start_ = true;
      line_octets_ = 0;
      continue;
    }
    if (++line_octets_ > max_text_line_octets)
      throw std::system_error(invalid_, "line longer than " + std::to_string(max_text_line_octets) +
                                            " octets at offset " + std::to_string(at) +
                                            " of the message");
    if (at_line_start_ && c == '.' && stuff_) out.push_back('.');  // dot-stuffing
    at_line_start_ = false;
    out.push_back(c);
  }
}

void dot_encoder::finish(std::string& out) {
  if (pending_cr_) {
    pending_cr_ = false;
    out += "\r\n";
    at_line_start_ = true;
  }
  if (!at_line_start_) out += "\r\n";
  at_line_start_ = true;
}

}  // namespace inet::line
