#include "protocols/sasl/saslprep.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace inet::sasl {
namespace {

// Decodes one UTF-8 sequence at `text[i]` (RFC 3629: shortest form, no surrogates, <= U+10FFFF).
// Advances `i`; returns std::nullopt on malformed input.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t len = 0;
  char32_t cp = 0;
  if (lead < 0x80) { ++i; return lead; }
  if (lead >= 0xC2 && lead <= 0xDF) { len = 2; cp = lead & 0x1F; }
  else if (lead >= 0xE0 && lead <= 0xEF) { len = 3; cp = lead & 0x0F; }
  else if (lead >= 0xF0 && lead <= 0xF4) { len = 4; cp = lead & 0x07; }
  else return std::nullopt;
  if (text.size() - i < len) return std::nullopt;
  for (std::size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr std::array<char32_t, 5> min_for_len{0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  i += len;
  return cp;
}

// RFC 3454 table C.1.2, non-ASCII space characters.
bool is_non_ascii_space(char32_t cp) {
  return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// RFC 3454 table B.1, commonly mapped to nothing.
bool is_mapped_to_nothing(char32_t cp) {
  return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D) ||
         (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         cp == 0xFEFF;
}

// Latin-1 Supplement code points with a compatibility decomposition (NFKC changes them).
constexpr std::array<char32_t, 13> latin1_compat{0xA8, 0xAA, 0xAF, 0xB2, 0xB3, 0xB4, 0xB5,
                                                 0xB8, 0xB9, 0xBA, 0xBC, 0xBD, 0xBE};

// True if `cp` survives NFKC unchanged next to any other accepted code point and is not
// prohibited (RFC 4013 §2.3). ASCII controls (C.2.1) and U+0080..U+009F (C.2.2) are prohibited.
bool is_accepted(char32_t cp) {
  if (cp >= 0x20 && cp < 0x7F) return true;
  if (cp < 0xA1 || cp > 0xFF) return false;
  return std::find(latin1_compat.begin(), latin1_compat.end(), cp) == latin1_compat.end();
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else {  // only U+00A1..U+00FF reach here
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::optional<std::string> saslprep(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto cp = next_code_point(text, i);
    if (!cp) return std::nullopt;
    if (is_mapped_to_nothing(*cp)) continue;
    const char32_t mapped = is_non_ascii_space(*cp) ? U' ' : *cp;
    if (!is_accepted(mapped)) return std::nullopt;
    append_utf8(out, mapped);
  }
  return out;
}

}  // namespace inet::sasl
