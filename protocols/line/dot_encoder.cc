#include "protocols/line/dot_encoder.hpp"

#include <cstring>

namespace inet::line {
namespace {

constexpr std::uint64_t ones = 0x0101010101010101ull;
constexpr std::uint64_t highs = 0x8080808080808080ull;

// Non-zero iff one of the 8 bytes of `x` is zero (exact for "any"; SWAR, no false negatives).
constexpr std::uint64_t zero_byte(std::uint64_t x) { return (x - ones) & ~x & highs; }

bool special(char c) { return c == '\0' || c == '\r' || c == '\n'; }

// First byte in [p, end) that is NUL, CR or LF (or end): 8 bytes per step, then bytewise.
const char* scan_ordinary(const char* p, const char* end) {
  while (end - p >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    if (zero_byte(x) | zero_byte(x ^ (ones * '\r')) | zero_byte(x ^ (ones * '\n'))) break;
    p += 8;
  }
  while (p != end && !special(*p)) ++p;
  return p;
}

}  // namespace

void dot_encoder::append_run(const char* p, std::size_t n, std::string& out) {
  if (n == 0) return;
  if (line_octets_ + n > max_text_line_octets) {
    // Emit what precedes the first octet over the limit, then fail at that octet.
    const std::size_t ok = max_text_line_octets - line_octets_;
    append_run(p, ok, out);
    throw std::system_error(invalid_, "line longer than " + std::to_string(max_text_line_octets) +
                                          " octets at offset " + std::to_string(offset_) +
                                          " of the message");
  }
  if (at_line_start_ && stuff_ && *p == '.') out.push_back('.');  // dot-stuffing
  at_line_start_ = false;
  line_octets_ += n;
  offset_ += n;
  out.append(p, n);
}

void dot_encoder::end_line(std::string& out) {
  out.append("\r\n", 2);
  at_line_start_ = true;
  line_octets_ = 0;
}

void dot_encoder::feed(std::string_view in, std::string& out) {
  if (out.capacity() - out.size() < in.size() + in.size() / 16 + 16)
    out.reserve(out.size() + in.size() + in.size() / 16 + 16);
  const char* p = in.data();
  const char* const end = p + in.size();
  while (p != end) {
    if (pending_cr_) {
      if (*p == '\0')
        throw std::system_error(invalid_, "NUL byte at offset " + std::to_string(offset_) +
                                              " of the message");
      pending_cr_ = false;
      end_line(out);
      if (*p == '\n') {  // CRLF: already emitted
        ++offset_;
        ++p;
      }
      continue;
    }
    const char* q = scan_ordinary(p, end);
    append_run(p, static_cast<std::size_t>(q - p), out);
    p = q;
    if (p == end) break;
    if (*p == '\0')
      throw std::system_error(invalid_, "NUL byte at offset " + std::to_string(offset_) +
                                            " of the message");
    ++offset_;
    if (*p++ == '\n') {  // bare LF
      end_line(out);
    } else if (p != end && *p == '\n') {  // CRLF in one chunk
      ++offset_;
      ++p;
      end_line(out);
    } else {
      pending_cr_ = true;
    }
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
