#include "protocols/mime/address.hpp"

#include <algorithm>
#include <string>
#include <system_error>

#include "protocols/mime/codecs.hpp"
#include "protocols/mime/error.hpp"
#include "base/idn.hpp"

namespace inet::mime {
namespace {

bool is_atext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  if (c >= 0x80) return true;  // RFC 6532 §3.2: UTF-8 in atoms
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

bool is_dot_atom_text(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!is_atext(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

[[noreturn]] void fail(std::size_t pos, const std::string& what) {
  throw std::system_error(make_error_code(error::bad_address),
                          "address at offset " + std::to_string(pos) + ": " + what);
}

enum class tok { atom, quoted, literal, special, end };

struct token {
  tok kind;
  std::string text;  // atom text, unescaped quoted content, "[literal]", or the special char
  std::size_t pos;
  bool ws_before;
};

class tokenizer {
 public:
  explicit tokenizer(std::string_view s) : s_(s) {}

  std::vector<token> run() {
    std::vector<token> out;
    for (;;) {
      const bool ws = skip_cfws();
      if (i_ >= s_.size()) {
        out.push_back({tok::end, "", i_, ws});
        return out;
      }
      out.push_back(next(ws));
    }
  }

 private:
  bool skip_cfws() {
    bool any = false;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++i_;
      } else if (c == '(') {
        skip_comment();
      } else {
        break;
      }
      any = true;
    }
    return any;
  }

  void skip_comment() {  // RFC 5322 §3.2.2: nested, with quoted-pairs
    const std::size_t start = i_;
    int depth = 0;
    do {
      if (i_ >= s_.size()) fail(start, "unterminated comment");
      const char c = s_[i_++];
      if (c == '\\')
        ++i_;
      else if (c == '(')
        ++depth;
      else if (c == ')')
        --depth;
    } while (depth > 0);
  }

  token next(bool ws) {
    const std::size_t start = i_;
    const char c = s_[i_];
    if (c == '"') return {tok::quoted, quoted_string(), start, ws};
    if (c == '[') {
      const std::size_t end = s_.find(']', i_);
      if (end == std::string_view::npos) fail(start, "unterminated domain literal");
      const std::string_view lit = s_.substr(i_, end + 1 - i_);
      if (lit.find_first_of("[\\\r\n", 1) != std::string_view::npos)
        fail(start, "bad domain literal");
      i_ = end + 1;
      return {tok::literal, std::string(lit), start, ws};
    }
    if (std::string_view("<>@,;:.").find(c) != std::string_view::npos) {
      ++i_;
      return {tok::special, std::string(1, c), start, ws};
    }
    if (!is_atext(static_cast<unsigned char>(c))) fail(start, "unexpected character");
    while (i_ < s_.size() && is_atext(static_cast<unsigned char>(s_[i_]))) ++i_;
    return {tok::atom, std::string(s_.substr(start, i_ - start)), start, ws};
  }

  std::string quoted_string() {
    const std::size_t start = i_++;
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) fail(start, "unterminated quoted string");
      char c = s_[i_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (i_ >= s_.size()) fail(start, "unterminated quoted string");
        c = s_[i_++];
      } else if (c == '\r' || c == '\n') {
        continue;  // unfold FWS (RFC 5322 §3.2.4)
      } else if (c == '\0') {
        fail(i_ - 1, "NUL in quoted string");
      }
      out += c;
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

class parser {
 public:
  explicit parser(std::vector<token> t) : t_(std::move(t)) {}

  std::vector<mailbox> list(bool allow_groups) {
    std::vector<mailbox> out;
    while (peek().kind != tok::end) {
      if (is(",")) {  // obs-addr-list empty elements
        ++i_;
        continue;
      }
      const bool was_group = address(out, allow_groups);
      if (peek().kind == tok::end) break;
      if (!is(",") && !was_group) fail(peek().pos, "expected ','");
    }
    return out;
  }

 private:
  const token& peek() const { return t_[i_]; }
  bool is(std::string_view special) const {
    return peek().kind == tok::special && peek().text == special;
  }
  void expect(std::string_view special) {
    if (!is(special)) fail(peek().pos, "expected '" + std::string(special) + "'");
    ++i_;
  }

  // Parses one address into `out`; returns true if it was a group (lenient: may be followed
  // by the next address without a comma).
  bool address(std::vector<mailbox>& out, bool allow_groups) {
    const std::size_t start = i_;
    std::string phrase;
    while (peek().kind == tok::atom || peek().kind == tok::quoted || is(".")) {
      if (!phrase.empty() && peek().ws_before) phrase += ' ';
      phrase += t_[i_++].text;
    }
    if (is("<")) {
      ++i_;
      out.push_back({decode_words(phrase), angle_addr()});
    } else if (is(":") && i_ != start) {
      if (!allow_groups) fail(peek().pos, "nested group");
      ++i_;
      group(out);
      return true;
    } else if (is("@") && i_ != start) {
      i_ = start;
      out.push_back({"", addr_spec()});
    } else {
      fail(peek().pos, i_ == start ? "expected an address" : "expected '@', '<' or ':'");
    }
    return false;
  }

  void group(std::vector<mailbox>& out) {  // RFC 5322 §3.4 group-list, after the ':'
    for (;;) {
      if (is(";")) {
        ++i_;
        return;
      }
      if (peek().kind == tok::end) return;  // lenient: missing ';'
      if (is(",")) {
        ++i_;
        continue;
      }
      address(out, false);
      if (!is(",") && !is(";") && peek().kind != tok::end) fail(peek().pos, "expected ',' or ';'");
    }
  }

  std::string angle_addr() {
    if (is("@")) {  // obs-route: "@a,@b:" is dropped
      while (!is(":")) {
        if (peek().kind == tok::end) fail(peek().pos, "unterminated route");
        ++i_;
      }
      ++i_;
    }
    if (is(">")) fail(peek().pos, "empty address");
    std::string a = addr_spec();
    expect(">");
    return a;
  }

  std::string word_text(const token& t) {
    if (t.kind == tok::atom) return t.text;
    return is_dot_atom_text(t.text) ? t.text : quote(t.text);
  }

  std::string addr_spec() {
    std::string local;
    for (;;) {
      if (peek().kind != tok::atom && peek().kind != tok::quoted)
        fail(peek().pos, "expected local part");
      local += word_text(t_[i_++]);
      if (!is(".")) break;
      ++i_;
      local += '.';
    }
    if (!is("@")) fail(peek().pos, "missing '@domain'");
    ++i_;
    std::string domain;
    if (peek().kind == tok::literal) return local + "@" + t_[i_++].text;
    for (;;) {
      if (peek().kind != tok::atom) fail(peek().pos, "expected domain");
      domain += t_[i_++].text;
      if (!is(".")) break;
      ++i_;
      domain += '.';
    }
    return local + "@" + domain;
  }

  std::vector<token> t_;
  std::size_t i_ = 0;
};

bool atoms_safe(std::string_view name, bool utf8) {
  if (name.empty() || name.front() == ' ' || name.back() == ' ') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == ' ') {
      if (name[i + 1] == ' ') return false;
    } else if (!is_atext(c) || (c >= 0x80 && !utf8)) {
      return false;
    }
  }
  return true;
}

// libidn2's reason from transport::to_ascii_host's "invalid international host name: reason:
// could not resolve host".
std::string idn_reason(const std::system_error& e) {
  std::string what = e.what();
  const std::string suffix = ": " + e.code().message();
  if (what.size() > suffix.size() && what.ends_with(suffix)) what.resize(what.size() - suffix.size());
  constexpr std::string_view prefix = "invalid international host name: ";
  if (what.starts_with(prefix)) what.erase(0, prefix.size());
  return what;
}

[[noreturn]] void refuse_address(std::string_view addr, const std::string& why) {
  throw std::system_error(make_error_code(error::bad_address),
                          "address '" + std::string(addr) + "': " + why);
}

}  // namespace

std::vector<mailbox> parse_address_list(std::string_view text) {
  return parser(tokenizer(text).run()).list(true);
}

mailbox parse_mailbox(std::string_view text) {
  auto list = parser(tokenizer(text).run()).list(false);
  if (list.size() != 1)
    throw std::system_error(make_error_code(error::bad_address), "expected exactly one mailbox");
  return list.front();
}

std::string ascii_domain_address(std::string_view addr) {
  if (is_printable_ascii(addr)) return std::string(addr);
  const std::string_view domain = address_domain(addr);
  const std::string_view local =
      addr.substr(0, domain.empty() ? addr.size() : addr.size() - domain.size() - 1);
  if (domain.empty()) refuse_address(addr, "no '@domain'");
  if (!is_printable_ascii(local))
    refuse_address(addr,
                   "a non-ASCII local part has no ASCII form (it needs SMTPUTF8 / RFC 6532)");
  if (domain.starts_with('[')) refuse_address(addr, "non-ASCII domain literal");
  try {
    return std::string(local) + "@" + transport::to_ascii_host(domain);
  } catch (const std::system_error& e) {
    refuse_address(addr, "the domain is not a valid internationalised domain name (" +
                             idn_reason(e) + ")");
  }
}

std::string format_mailbox(const mailbox& m, bool utf8_allowed) {
  if (!is_valid_addr_spec(m.address))
    throw std::system_error(make_error_code(error::bad_address),
                            "invalid address for a header: " + m.address);
  const std::string address = utf8_allowed ? m.address : ascii_domain_address(m.address);
  if (!is_valid_addr_spec(address))  // over 254 bytes once its domain is encoded
    throw std::system_error(make_error_code(error::bad_address),
                            "invalid address for a header: " + address);
  if (m.display_name.empty()) return address;
  for (unsigned char c : m.display_name)
    if ((c < 32 && c != '\t') || c == 127)
      throw std::system_error(make_error_code(error::invalid_header),
                              "control character in display name");
  std::string phrase;
  if (!utf8_allowed && !is_printable_ascii(m.display_name)) {
    for (const auto& w : encode_words(m.display_name, 60)) {  // fits after "Resent-Reply-To: "
      if (!phrase.empty()) phrase += ' ';
      phrase += w;
    }
  } else if (atoms_safe(m.display_name, utf8_allowed)) {
    phrase = m.display_name;
  } else {
    phrase = quote(m.display_name);
  }
  return phrase + " <" + address + ">";
}

bool is_valid_addr_spec(std::string_view addr) {
  if (addr.size() > 254) return false;
  bool in_quote = false;
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < addr.size(); ++i) {
    const auto c = static_cast<unsigned char>(addr[i]);
    if (c < 32 || c == 127) return false;
    if (in_quote) {
      if (c == '\\') {
        if (++i >= addr.size() || static_cast<unsigned char>(addr[i]) < 32) return false;
      } else if (c == '"') {
        in_quote = false;
      }
      continue;
    }
    if (c == '"') {
      if (at != std::string_view::npos) return false;  // quotes only in the local part
      in_quote = true;
    } else if (c == '@') {
      if (at != std::string_view::npos) return false;
      at = i;
    } else if (std::string_view(" <>(),;\\").find(static_cast<char>(c)) != std::string_view::npos) {
      return false;
    }
  }
  return !in_quote && at != std::string_view::npos && at > 0 && at + 1 < addr.size();
}

std::string_view address_domain(std::string_view addr) {
  bool in_quote = false;
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < addr.size(); ++i) {
    if (in_quote && addr[i] == '\\') {
      ++i;
    } else if (addr[i] == '"') {
      in_quote = !in_quote;
    } else if (!in_quote && addr[i] == '@') {
      at = i;
    }
  }
  return at == std::string_view::npos ? std::string_view() : addr.substr(at + 1);
}

}  // namespace inet::mime
