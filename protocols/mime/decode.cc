#include "protocols/mime/decode.hpp"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace inet::mime::detail {
namespace {

int b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

constexpr std::size_t max_held_ws = 1024;

}  // namespace

void base64_decoder::feed(std::string_view in, std::string& out) {
  for (unsigned char c : in) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      padded_ = true;
      continue;
    }
    const int v = b64_value(c);
    if (v < 0 || padded_) {
      bad_ = true;
      continue;
    }
    acc_ = (acc_ << 6) | static_cast<unsigned>(v);
    if (++n_ == 4) {
      out += static_cast<char>((acc_ >> 16) & 0xff);
      out += static_cast<char>((acc_ >> 8) & 0xff);
      out += static_cast<char>(acc_ & 0xff);
      acc_ = 0;
      n_ = 0;
    }
  }
}

void base64_decoder::finish(std::string& out) {
  if (n_ == 1) bad_ = true;
  if (n_ == 2) out += static_cast<char>((acc_ >> 4) & 0xff);
  if (n_ == 3) {
    out += static_cast<char>((acc_ >> 10) & 0xff);
    out += static_cast<char>((acc_ >> 2) & 0xff);
  }
  acc_ = 0;
  n_ = 0;
}

void qp_decoder::put(char c, std::string& out) {
  if (!esc_.empty()) {
    esc_ += c;
    if (esc_.size() == 2) {
      if (c == '\n') {  // "=" LF: soft break
        esc_.clear();
      } else if (c != '\r' && hex_value(c) < 0 && c != ' ' && c != '\t') {
        bad_ = true;
        out += esc_;
        esc_.clear();
      } else if (c == ' ' || c == '\t') {
        // "=" then trailing whitespace before a soft break (RFC 2045 §6.7 (3) padding): keep
        // waiting in ws_ style by dropping the whitespace.
        esc_.pop_back();
      }
      return;
    }
    // esc_.size() == 3
    if (esc_[1] == '\r') {
      if (c == '\n') {
        esc_.clear();
        return;
      }
      bad_ = true;
      out += "=\r";
      esc_.clear();
      put(c, out);
      return;
    }
    const int hi = hex_value(esc_[1]), lo = hex_value(c);
    if (lo < 0) {
      bad_ = true;
      out += esc_;
    } else {
      out += static_cast<char>(hi * 16 + lo);
    }
    esc_.clear();
    return;
  }
  if (c == ' ' || c == '\t') {
    ws_ += c;
    if (ws_.size() > max_held_ws) {
      out += ws_;
      ws_.clear();
    }
    return;
  }
  if (c == '\r' || c == '\n') {
    ws_.clear();  // trailing whitespace is padding (RFC 2045 §6.7 (3))
    out += c;
    return;
  }
  out += ws_;
  ws_.clear();
  if (c == '=') {
    esc_.assign(1, '=');  // not operator=(const char*): GCC 12 -O2 -Wrestrict false positive
    return;
  }
  out += c;
}

void qp_decoder::feed(std::string_view in, std::string& out) {
  for (char c : in) put(c, out);
}

void qp_decoder::finish(std::string& out) {
  if (!esc_.empty()) {
    // "=" at the very end is a soft break; "=X" is malformed.
    if (esc_.size() > 1) {
      bad_ = true;
      out += esc_;
    }
    esc_.clear();
  }
  ws_.clear();
}

bool is_utf8_label(std::string_view cs) {
  std::string l(cs);
  std::transform(l.begin(), l.end(), l.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return l.empty() || l == "utf-8" || l == "utf8" || l == "us-ascii" || l == "ascii";
}

utf8_converter::utf8_converter(const std::string& charset) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd != reinterpret_cast<iconv_t>(-1)) cd_ = cd;
}

utf8_converter::~utf8_converter() {
  if (cd_) iconv_close(static_cast<iconv_t>(cd_));
}

void utf8_converter::convert(std::string& out, bool final) {
  auto cd = static_cast<iconv_t>(cd_);
  char* in = carry_.data();
  std::size_t left = carry_.size();
  char buf[4096];
  while (left > 0) {
    char* dst = buf;
    std::size_t room = sizeof buf;
    const std::size_t rc = iconv(cd, &in, &left, &dst, &room);
    out.append(buf, static_cast<std::size_t>(dst - buf));
    if (rc != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) continue;
    if (errno == EINVAL && !final && left < 16) break;  // incomplete sequence: wait
    bad_ = true;                                        // EILSEQ, or incomplete at the end
    out += "\xEF\xBF\xBD";
    ++in;
    --left;
  }
  carry_.erase(0, carry_.size() - left);
}

void utf8_converter::feed(std::string_view in, std::string& out) {
  if (!cd_) {
    out += in;
    return;
  }
  carry_ += in;
  convert(out, false);
}

void utf8_converter::finish(std::string& out) {
  if (!cd_) return;
  convert(out, true);
  char buf[64];
  char* dst = buf;
  std::size_t room = sizeof buf;
  iconv(static_cast<iconv_t>(cd_), nullptr, nullptr, &dst, &room);
  out.append(buf, static_cast<std::size_t>(dst - buf));
}

std::string to_utf8(const std::string& charset, std::string_view bytes) {
  if (is_utf8_label(charset)) return std::string(bytes);
  utf8_converter c(charset);
  if (!c.ok()) return std::string(bytes);
  std::string out;
  c.feed(bytes, out);
  c.finish(out);
  return out;
}

}  // namespace inet::mime::detail
