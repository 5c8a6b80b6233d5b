#include "protocols/imap/mutf7.hpp"

#include <cstdint>
#include <vector>

namespace inet::imap {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

// Decodes one code point from UTF-8; returns false on invalid input.
bool next_code_point(std::string_view s, std::size_t& i, std::uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len = 0;
  if (b0 < 0x80) { cp = b0; len = 1; }
  else if ((b0 & 0xE0) == 0xC0) { cp = b0 & 0x1F; len = 2; }
  else if ((b0 & 0xF0) == 0xE0) { cp = b0 & 0x0F; len = 3; }
  else if ((b0 & 0xF8) == 0xF0) { cp = b0 & 0x07; len = 4; }
  else return false;
  if (i + len > s.size()) return false;
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += len;
  return true;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void flush_run(std::string& out, std::vector<std::uint8_t>& utf16) {
  if (utf16.empty()) return;
  out.push_back('&');
  std::size_t i = 0;
  for (; i + 2 < utf16.size(); i += 3) {
    const std::uint32_t v = (utf16[i] << 16) | (utf16[i + 1] << 8) | utf16[i + 2];
    for (int s = 18; s >= 0; s -= 6) out.push_back(alphabet[(v >> s) & 0x3F]);
  }
  const std::size_t rest = utf16.size() - i;
  if (rest == 1) {
    const std::uint32_t v = utf16[i] << 16;
    out.push_back(alphabet[(v >> 18) & 0x3F]);
    out.push_back(alphabet[(v >> 12) & 0x3F]);
  } else if (rest == 2) {
    const std::uint32_t v = (utf16[i] << 16) | (utf16[i + 1] << 8);
    out.push_back(alphabet[(v >> 18) & 0x3F]);
    out.push_back(alphabet[(v >> 12) & 0x3F]);
    out.push_back(alphabet[(v >> 6) & 0x3F]);
  }
  out.push_back('-');
  utf16.clear();
}

// Decodes the base64 run between '&' and '-' into UTF-8; false if invalid.
bool decode_run(std::string_view run, std::string& out) {
  std::vector<std::uint8_t> bytes;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : run) {
    const int v = b64_value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0) return false;  // non-zero padding bits
  if (bytes.empty() || bytes.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    std::uint32_t u = (bytes[i] << 8) | bytes[i + 1];
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 3 >= bytes.size()) return false;
      const std::uint32_t lo = (bytes[i + 2] << 8) | bytes[i + 3];
      if (lo < 0xDC00 || lo > 0xDFFF) return false;
      u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      return false;
    } else if (u >= 0x20 && u <= 0x7E) {
      return false;  // printable ASCII must represent itself
    }
    append_utf8(out, u);
  }
  return true;
}

}  // namespace

std::optional<std::string> mutf7_encode(std::string_view utf8) {
  std::string out;
  std::vector<std::uint8_t> utf16;
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::uint32_t cp = 0;
    if (!next_code_point(utf8, i, cp)) return std::nullopt;
    if (cp == 0 || cp == '\r' || cp == '\n') return std::nullopt;
    if (cp >= 0x20 && cp <= 0x7E) {
      flush_run(out, utf16);
      if (cp == '&')
        out += "&-";
      else
        out.push_back(static_cast<char>(cp));
      continue;
    }
    if (cp >= 0x10000) {
      const std::uint32_t v = cp - 0x10000;
      const std::uint32_t hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
      for (std::uint32_t u : {hi, lo}) {
        utf16.push_back(static_cast<std::uint8_t>(u >> 8));
        utf16.push_back(static_cast<std::uint8_t>(u & 0xFF));
      }
    } else {
      utf16.push_back(static_cast<std::uint8_t>(cp >> 8));
      utf16.push_back(static_cast<std::uint8_t>(cp & 0xFF));
    }
  }
  flush_run(out, utf16);
  return out;
}

std::optional<std::string> mutf7_decode(std::string_view in) {
  std::string out;
  bool last_was_run = false;
  for (std::size_t i = 0; i < in.size();) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x20 || c > 0x7E) return std::nullopt;
    if (c != '&') {
      out.push_back(static_cast<char>(c));
      last_was_run = false;
      ++i;
      continue;
    }
    const std::size_t end = in.find('-', i + 1);
    if (end == std::string_view::npos) return std::nullopt;
    if (end == i + 1) {
      out.push_back('&');
      last_was_run = false;
    } else {
      if (last_was_run) return std::nullopt;  // "&AOQ-&AOQ-" must have been one run
      if (!decode_run(in.substr(i + 1, end - i - 1), out)) return std::nullopt;
      last_was_run = true;
    }
    i = end + 1;
  }
  return out;
}

}  // namespace inet::imap
