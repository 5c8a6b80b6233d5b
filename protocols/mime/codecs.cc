#include "protocols/mime/codecs.hpp"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "base/base64.hpp"

namespace inet::mime {
namespace {

constexpr std::size_t b64_group = 57;  // input bytes per 76-character line
constexpr char hex_digits[] = "0123456789ABCDEF";

void append_hex(std::string& out, char prefix, unsigned char c) {
  out += prefix;
  out += hex_digits[c >> 4];
  out += hex_digits[c & 15];
}

// The base64 alphabet (RFC 4648 §4) and every pair of it: pairs[v] encodes the 12 bits v as
// two characters, so a 3-byte group takes two lookups.
constexpr char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct b64_pair_table {
  char pairs[4096][2];
  constexpr b64_pair_table() : pairs() {
    for (int v = 0; v < 4096; ++v) {
      pairs[v][0] = b64_alphabet[v >> 6];
      pairs[v][1] = b64_alphabet[v & 63];
    }
  }
};
constexpr b64_pair_table b64_pairs;

// Appends whole 57-byte groups as 76-character lines ending in CRLF, written in place (one
// resize of `out`, no temporary).
void append_b64_lines(std::string_view whole_groups, std::string& out) {
  const std::size_t lines = whole_groups.size() / b64_group;
  const std::size_t at = out.size();
  out.resize(at + lines * (max_encoded_line + 2));
  auto in = reinterpret_cast<const unsigned char*>(whole_groups.data());
  char* o = out.data() + at;
  for (std::size_t l = 0; l < lines; ++l) {
    for (std::size_t g = 0; g < b64_group / 3; ++g, in += 3, o += 4) {
      const unsigned v = (unsigned{in[0]} << 16) | (unsigned{in[1]} << 8) | in[2];
      std::memcpy(o, b64_pairs.pairs[v >> 12], 2);
      std::memcpy(o + 2, b64_pairs.pairs[v & 4095], 2);
    }
    o[0] = '\r';
    o[1] = '\n';
    o += 2;
  }
}

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

// Length of the UTF-8 sequence starting at s[i] (1 for invalid or truncated sequences).
std::size_t utf8_len(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : c >= 0xF0 && c < 0xF8 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (c >= 0xF8) n = 1;
  for (std::size_t k = 1; k < n; ++k)
    if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  return n;
}

// Characters allowed literally in a Q encoded-word in every context (RFC 2047 §5 (3)).
bool q_safe(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '!' || c == '*' || c == '+' || c == '-' || c == '/' || c == ' ';
}

void q_append(std::string& out, unsigned char c) {
  if (c == ' ')
    out += '_';
  else if (q_safe(c))
    out += static_cast<char>(c);
  else
    append_hex(out, '=', c);
}

// RFC 2231 attribute-char (RFC 2045 token characters minus '*', '\'', '%').
bool attr_char(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view v) {
  if (v.empty()) return false;
  for (unsigned char c : v)
    if (c <= 32 || c >= 127 || std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos)
      return false;
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

// ---- base64 ---------------------------------------------------------------------------------

void base64_encoder::feed(std::string_view data, std::string& out) {
  if (!carry_.empty()) {
    const std::size_t take = std::min(b64_group - carry_.size(), data.size());
    carry_.append(data.substr(0, take));
    data.remove_prefix(take);
    if (carry_.size() < b64_group) return;
    append_b64_lines(carry_, out);
    carry_.clear();
  }
  const std::size_t whole = data.size() / b64_group * b64_group;
  if (whole != 0) append_b64_lines(data.substr(0, whole), out);
  carry_.assign(data.substr(whole));
}

void base64_encoder::finish(std::string& out) {
  if (carry_.empty()) return;
  out += codec::base64_encode(carry_);
  out += "\r\n";
  carry_.clear();
}

std::string base64_encode_lines(std::string_view data) {
  std::string out;
  base64_encoder e;
  e.feed(data, out);
  e.finish(out);
  return out;
}

// ---- quoted-printable -----------------------------------------------------------------------

namespace {

// Byte classes for the quoted-printable fast path.
enum qp_class : unsigned char {
  qp_plain,    // literal anywhere: 33..126 but '=', '.', 'F'; SP and HT (trailing ones are fixed up)
  qp_start,    // '.' and 'F': literal except at the start of a line
  qp_hex,      // always "=XX"
  qp_cr,
  qp_lf,
};

struct qp_class_table {
  qp_class of[256];
  constexpr qp_class_table() : of() {
    for (int c = 0; c < 256; ++c)
      of[c] = c == '\r'                                ? qp_cr
              : c == '\n'                              ? qp_lf
              : c == '.' || c == 'F'                   ? qp_start
              : c == ' ' || c == '\t'                  ? qp_plain
              : (c >= 33 && c <= 126 && c != '=')      ? qp_plain
                                                       : qp_hex;
  }
};
constexpr qp_class_table qp_classes;

}  // namespace

void qp_encoder::soft_break(std::string& out) {
  out.append(line_, len_);
  out.append("=\r\n", 3);
  len_ = 0;
}

void qp_encoder::put_hex(unsigned char c) {
  line_[len_] = '=';
  line_[len_ + 1] = hex_digits[c >> 4];
  line_[len_ + 2] = hex_digits[c & 15];
  len_ += 3;
}

void qp_encoder::append_hex_token(unsigned char c, std::string& out) {
  // A soft break "=" must still fit: a line holds at most 75 characters before it.
  if (len_ + 3 > max_encoded_line - 1) soft_break(out);
  put_hex(c);
}

void qp_encoder::encode_trailing_space(std::string& out) {
  if (len_ == 0 || !is_wsp(line_[len_ - 1])) return;
  const auto c = static_cast<unsigned char>(line_[--len_]);
  append_hex_token(c, out);
}

void qp_encoder::hard_break(std::string& out) {
  encode_trailing_space(out);
  out.append(line_, len_);
  out.append("\r\n", 2);
  len_ = 0;
}

void qp_encoder::feed(std::string_view data, std::string& out) {
  if (out.capacity() - out.size() < data.size() + data.size() / 8 + 16)
    out.reserve(out.size() + data.size() + data.size() / 8 + 16);
  auto p = reinterpret_cast<const unsigned char*>(data.data());
  const auto end = p + data.size();
  while (p != end) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (*p == '\n') {
        hard_break(out);
        ++p;
        continue;
      }
      append_hex_token('\r', out);
    }
    // The common case: a run of bytes that are literal here, copied until the line is full.
    constexpr std::size_t room = max_encoded_line - 1;
    while (p != end && len_ < room &&
           (qp_classes.of[*p] == qp_plain || (qp_classes.of[*p] == qp_start && len_ != 0)))
      line_[len_++] = static_cast<char>(*p++);
    if (p == end) break;
    const unsigned char c = *p++;
    switch (qp_classes.of[c]) {
      case qp_cr: pending_cr_ = true; break;
      case qp_lf: hard_break(out); break;
      case qp_hex: append_hex_token(c, out); break;
      case qp_start:
        if (len_ == 0) {
          put_hex(c);
          break;
        }
        [[fallthrough]];
      case qp_plain:  // the line is full: break it, and the byte starts the next one
        soft_break(out);
        if (qp_classes.of[c] == qp_start)
          put_hex(c);
        else
          line_[len_++] = static_cast<char>(c);
        break;
    }
  }
}

void qp_encoder::finish(std::string& out) {
  if (pending_cr_) {
    pending_cr_ = false;
    append_hex_token('\r', out);
  }
  encode_trailing_space(out);
  out.append(line_, len_);
  len_ = 0;
}

std::string qp_encode(std::string_view data) {
  std::string out;
  qp_encoder e;
  e.feed(data, out);
  e.finish(out);
  return out;
}

// ---- RFC 2047 -------------------------------------------------------------------------------

std::vector<std::string> encode_words(std::string_view text, std::size_t first_max) {
  std::vector<std::string> words;
  if (text.empty()) return words;
  std::size_t unsafe = 0;
  for (unsigned char c : text) unsafe += q_safe(c) ? 0 : 1;
  const bool use_q = text.size() + 2 * unsafe <= (text.size() + 2) / 3 * 4;
  const std::string_view prefix = use_q ? "=?UTF-8?Q?" : "=?UTF-8?B?";
  const std::size_t overhead = prefix.size() + 2;
  std::size_t max_word = std::clamp<std::size_t>(first_max, 16, 75);

  std::string raw;      // bytes of the current word (B)
  std::string payload;  // encoded text of the current word (Q)
  auto flush = [&] {
    if (use_q ? payload.empty() : raw.empty()) return;
    words.push_back(std::string(prefix) + (use_q ? payload : codec::base64_encode(raw)) + "?=");
    raw.clear();
    payload.clear();
    max_word = 75;
  };
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_len(text, i);
    const std::string_view ch = text.substr(i, n);
    std::string enc;
    for (unsigned char c : ch) q_append(enc, c);
    const std::size_t next_len =
        use_q ? payload.size() + enc.size() : (raw.size() + n + 2) / 3 * 4;
    if (next_len + overhead > max_word) flush();
    payload += enc;
    raw += ch;
    i += n;
  }
  flush();
  return words;
}

namespace {

// Parses one encoded-word at text[0..]; returns its length, or 0 if it is not one. `charset`
// gets the label (RFC 2231 "*language" suffix dropped), `out` the decoded bytes.
std::size_t decode_one(std::string_view text, std::string& charset, std::string& out) {
  if (text.substr(0, 2) != "=?") return 0;
  const std::size_t q1 = text.find('?', 2);
  if (q1 == std::string_view::npos || q1 + 2 >= text.size() || text[q1 + 2] != '?') return 0;
  const char enc = static_cast<char>(text[q1 + 1] | 0x20);
  const std::size_t end = text.find("?=", q1 + 3);
  if (end == std::string_view::npos || (enc != 'b' && enc != 'q')) return 0;
  const std::string_view body = text.substr(q1 + 3, end - q1 - 3);
  for (char c : body)
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return 0;
  std::string dec;
  if (enc == 'b') {
    auto d = codec::base64_decode(body);
    if (!d) return 0;
    dec = std::move(*d);
  } else {
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '_') {
        dec += ' ';
      } else if (body[i] == '=' && i + 2 < body.size() && hex_value(body[i + 1]) >= 0 &&
                 hex_value(body[i + 2]) >= 0) {
        dec += static_cast<char>(hex_value(body[i + 1]) * 16 + hex_value(body[i + 2]));
        i += 2;
      } else {
        dec += body[i];
      }
    }
  }
  charset.assign(text.substr(2, q1 - 2));
  if (const auto star = charset.find('*'); star != std::string::npos) charset.resize(star);
  for (auto& c : charset) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out += dec;
  return end + 2;
}

// `bytes` in `charset` as UTF-8 (iconv); the bytes unchanged for UTF-8/ASCII labels, unknown
// charsets and invalid input (nothing is lost, and nothing is guessed).
std::string to_utf8(const std::string& charset, const std::string& bytes) {
  if (charset == "utf-8" || charset == "utf8" || charset == "us-ascii" || bytes.empty()) return bytes;
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return bytes;
  std::string out(bytes.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* dst = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = iconv(cd, &in, &in_left, &dst, &out_left);
  const bool ok = rc != static_cast<std::size_t>(-1) && in_left == 0 &&
                  iconv(cd, nullptr, nullptr, &dst, &out_left) != static_cast<std::size_t>(-1);
  iconv_close(cd);
  if (!ok) return bytes;
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

std::string decode_words(std::string_view text) {
  std::string out, pending_ws, run, run_charset;
  bool last_word = false;
  // Adjacent words in one charset are converted together: encoders split multibyte characters
  // across words (RFC 2047 §5 forbids it, real mailers do it).
  const auto flush = [&] {
    out += to_utf8(run_charset, run);
    run.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    std::string charset, dec;
    if (const std::size_t n = decode_one(text.substr(i), charset, dec)) {
      if (!last_word) {
        out += pending_ws;
      } else if (charset != run_charset) {
        flush();
      }
      pending_ws.clear();
      run_charset = charset;
      run += dec;
      last_word = true;
      i += n;
      continue;
    }
    flush();
    const char c = text[i++];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_ws += c;
      continue;
    }
    out += pending_ws;
    pending_ws.clear();
    out += c;
    last_word = false;
  }
  flush();
  return out + pending_ws;
}

// ---- parameters, folding --------------------------------------------------------------------

bool is_printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '\t' || (c >= 32 && c < 127); });
}

std::string format_parameter(std::string_view name, std::string_view value) {
  std::string out(name);
  if (is_token(value)) return out + "=" + std::string(value);
  if (is_printable_ascii(value) && value.find('\t') == std::string_view::npos) {
    out += "=\"";
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }
  // RFC 2231 §4: charset'language'percent-encoded, split at character boundaries (§3).
  std::vector<std::string> chunks(1);
  constexpr std::size_t chunk_max = 60;
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t n = utf8_len(value, i);
    std::string enc;
    for (unsigned char c : value.substr(i, n)) {
      if (attr_char(c))
        enc += static_cast<char>(c);
      else
        append_hex(enc, '%', c);
    }
    if (chunks.back().size() + enc.size() > chunk_max) chunks.emplace_back();
    chunks.back() += enc;
    i += n;
  }
  if (chunks.size() == 1) return out + "*=UTF-8''" + chunks[0];
  out.clear();
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    if (k != 0) out += "; ";
    out += std::string(name) + "*" + std::to_string(k) + "*=" + (k == 0 ? "UTF-8''" : "") +
           chunks[k];
  }
  return out;
}

std::string fold_header(std::string_view name, std::string_view value) {
  const std::string full = std::string(name) + ": " + std::string(value);
  std::string out;
  std::size_t line_start = 0;
  std::size_t last_break = std::string::npos;  // best break candidate on the current line
  for (std::size_t i = name.size() + 2; i < full.size(); ++i) {
    if (!(is_wsp(full[i]) && i + 1 < full.size() && !is_wsp(full[i + 1]))) continue;
    if (i - line_start > fold_width) {
      if (last_break != std::string::npos && last_break > line_start) {
        out.append(full, line_start, last_break - line_start);
        out += "\r\n";
        line_start = last_break;
      }
      if (i - line_start > fold_width) {  // one overlong word: it gets a line of its own
        out.append(full, line_start, i - line_start);
        out += "\r\n";
        line_start = i;
      }
    }
    last_break = i;
  }
  if (full.size() - line_start > fold_width && last_break != std::string::npos &&
      last_break > line_start) {
    out.append(full, line_start, last_break - line_start);
    out += "\r\n";
    line_start = last_break;
  }
  out.append(full, line_start);
  out += "\r\n";
  return out;
}

std::string encode_unstructured(std::string_view name, std::string_view text, bool utf8_allowed) {
  std::string clean(text);
  for (char& c : clean)
    if (c == '\r' || c == '\n' || (static_cast<unsigned char>(c) < 32 && c != '\t') || c == 127)
      c = ' ';
  if (utf8_allowed || is_printable_ascii(clean)) return clean;
  const std::size_t used = name.size() + 2;
  std::string out;
  for (const auto& w : encode_words(clean, used < fold_width ? fold_width - used : 16)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace inet::mime
