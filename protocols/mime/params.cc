// Structured header values of the MIME reader: Content-Type/Content-Disposition parameters
// (RFC 2045 §5.1, RFC 2183) with RFC 2231 continuations and charsets, and RFC 2047 words in
// quoted values as mailers write them.
#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "protocols/mime/codecs.hpp"
#include "protocols/mime/decode.hpp"
#include "protocols/mime/parser.hpp"

namespace inet::mime {
namespace {

constexpr std::size_t max_params = 64;
constexpr std::size_t max_sections = 100;

std::string lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return r;
}

bool tspecial(char c) {
  return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos;
}

class lexer {
 public:
  explicit lexer(std::string_view s) : s_(s) {}

  // Skips whitespace and (nested) comments.
  void skip_cfws() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++i_;
      } else if (c == '(') {
        int level = 0;
        for (; i_ < s_.size(); ++i_) {
          if (s_[i_] == '\\') {
            ++i_;
          } else if (s_[i_] == '(') {
            ++level;
          } else if (s_[i_] == ')' && --level == 0) {
            ++i_;
            break;
          }
        }
      } else {
        return;
      }
    }
  }
  bool eat(char c) {
    skip_cfws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  // A token, or (lenient) anything up to ';' for a value; "" when none.
  std::string token(bool value) {
    skip_cfws();
    const std::size_t start = i_;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      const auto u = static_cast<unsigned char>(c);
      if (c == ';' || (!value && (tspecial(c) || u <= 32)) || (value && (c == ' ' || c == '\t')))
        break;
      ++i_;
    }
    return std::string(s_.substr(start, i_ - start));
  }
  // A quoted-string at the cursor (unescaped), or nullopt.
  bool quoted(std::string& out) {
    skip_cfws();
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    for (++i_; i_ < s_.size() && s_[i_] != '"'; ++i_) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      if (s_[i_] != '\r' && s_[i_] != '\n') out += s_[i_];
    }
    if (i_ < s_.size()) ++i_;
    return true;
  }
  void skip_to_semicolon() {
    while (i_ < s_.size() && s_[i_] != ';') ++i_;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() &&
        std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct rfc2231_param {
  std::map<unsigned, std::pair<std::string, bool>> sections;  // number -> (value, extended)
};

// Joins the sections of one RFC 2231 parameter (RFC 2231 §3, §4): the charset'language' prefix
// of section 0, percent-decoding of the extended sections, then conversion to UTF-8.
std::string join_sections(const rfc2231_param& p) {
  std::string charset, bytes;
  bool first = true;
  for (const auto& [n, sec] : p.sections) {
    std::string_view v = sec.first;
    if (first && sec.second) {
      const std::size_t q1 = v.find('\''), q2 = q1 == v.npos ? v.npos : v.find('\'', q1 + 1);
      if (q2 != v.npos) {
        charset = std::string(v.substr(0, q1));
        v.remove_prefix(q2 + 1);
      }
    }
    first = false;
    bytes += sec.second ? percent_decode(v) : std::string(v);
  }
  return detail::to_utf8(charset, bytes);
}

}  // namespace

std::string parameterized_value::param(std::string_view name) const {
  const std::string l = lower(name);
  for (const auto& [n, v] : params)
    if (n == l) return v;
  return {};
}

bool parameterized_value::has_param(std::string_view name) const {
  const std::string l = lower(name);
  return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == l; });
}

parameterized_value parse_parameterized(std::string_view header_value) {
  parameterized_value r;
  lexer lx(header_value);
  std::string v = lx.token(false);
  if (lx.eat('/')) v += "/" + lx.token(false);
  r.value = lower(v);
  std::vector<std::pair<std::string, std::string>> plain;
  std::map<std::string, rfc2231_param> ext;
  for (;;) {
    lx.skip_to_semicolon();
    if (!lx.eat(';')) break;
    std::string name = lower(lx.token(false));
    if (name.empty() || !lx.eat('=')) {
      lx.skip_to_semicolon();
      continue;
    }
    std::string value;
    if (!lx.quoted(value)) value = lx.token(true);
    const std::size_t star = name.find('*');
    if (star == std::string::npos) {
      if (plain.size() < max_params) plain.emplace_back(std::move(name), std::move(value));
      continue;
    }
    const std::string base = name.substr(0, star);
    std::string_view rest = std::string_view(name).substr(star + 1);
    bool extended = false;
    unsigned number = 0;
    if (rest.empty()) {
      extended = true;  // name*=charset'lang'value
    } else {
      if (rest.back() == '*') {
        extended = true;
        rest.remove_suffix(1);
      }
      if (rest.empty() || rest.size() > 3 ||
          !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; }))
        continue;
      number = static_cast<unsigned>(std::stoul(std::string(rest)));
    }
    if (base.empty() || (!ext.count(base) && ext.size() >= max_params)) continue;
    auto& sections = ext[base].sections;
    if (sections.size() < max_sections) sections.emplace(number, std::make_pair(value, extended));
  }
  for (auto& [name, value] : plain) {
    if (ext.count(name)) continue;  // the RFC 2231 form wins
    if (value.find("=?") != std::string::npos) value = decode_words(value);
    r.params.emplace_back(name, std::move(value));
  }
  for (const auto& [name, p] : ext) r.params.emplace_back(name, join_sections(p));
  return r;
}

std::string part::path_string() const {
  std::string s;
  for (std::size_t n : path) {
    if (!s.empty()) s += '.';
    s += std::to_string(n);
  }
  return s;
}

}  // namespace inet::mime
