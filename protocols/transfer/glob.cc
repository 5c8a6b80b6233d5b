// curl's URL globbing: patterns are parsed into literal parts and value lists; URL i is found
// by mixed-radix decomposition of i (the last pattern is the least significant digit).
#include "protocols/transfer/glob.hpp"

#include <charconv>

#include "protocols/transfer/error.hpp"

namespace inet::transfer {
namespace {

[[noreturn]] void bad(std::size_t pos, const std::string& why) {
  throw transfer_exception(make_error_code(error::url_malformat),
                           "bad range in URL position " + std::to_string(pos + 1) + ": " + why,
                           stage::connect);
}

/// "[::1]", "[fe80::1%eth0]": an IPv6 address (at least two ':', hex digits and '.' before an
/// optional "%zone"), not a range.
bool is_ipv6_literal(std::string_view inner) {
  const std::string_view addr = inner.substr(0, inner.find('%'));
  std::size_t colons = 0;
  for (char c : addr) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (c == ':') ++colons;
    else if (!hex && c != '.') return false;
  }
  return colons >= 2;
}

std::vector<std::string> parse_set(std::string_view p, std::size_t& i, std::size_t start) {
  std::vector<std::string> values(1);
  for (++i; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      values.back() += p[++i];
    } else if (c == ',') {
      values.emplace_back();
    } else if (c == '}') {
      ++i;
      return values;
    } else if (c == '{' || c == '[') {
      bad(i, "nested braces not supported");
    } else {
      values.back() += c;
    }
  }
  bad(start, "unmatched brace");
}

std::uint64_t number(std::string_view s, std::size_t pos) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) bad(pos, "bad number");
  return v;
}

std::vector<std::string> parse_range(std::string_view inner, std::size_t pos, std::size_t max) {
  std::uint64_t step = 1;
  if (const auto colon = inner.find(':'); colon != std::string_view::npos) {
    step = number(inner.substr(colon + 1), pos);
    inner = inner.substr(0, colon);
  }
  if (step == 0) bad(pos, "step of zero");
  const auto dash = inner.find('-');
  if (dash == std::string_view::npos || dash == 0) bad(pos, "range without '-'");
  const std::string_view lo = inner.substr(0, dash), hi = inner.substr(dash + 1);
  std::vector<std::string> values;
  auto is_alpha = [](std::string_view s) {
    return s.size() == 1 && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
  };
  if (is_alpha(lo) && is_alpha(hi)) {
    const bool lower = lo[0] >= 'a', lower_hi = hi[0] >= 'a';
    if (lower != lower_hi || lo[0] > hi[0]) bad(pos, "bad letter range");
    for (std::uint64_t c = static_cast<unsigned char>(lo[0]);
         c <= static_cast<unsigned char>(hi[0]); c += step)
      values.emplace_back(1, static_cast<char>(c));
    return values;
  }
  const std::uint64_t a = number(lo, pos), b = number(hi, pos);
  if (a > b) bad(pos, "range start above its end");
  if ((b - a) / step + 1 > max) bad(pos, "too many URLs");
  const std::size_t width = lo.size() > 1 && lo[0] == '0' ? lo.size() : 0;
  for (std::uint64_t v = a; v <= b; v += step) {
    std::string s = std::to_string(v);
    if (s.size() < width) s.insert(0, width - s.size(), '0');
    values.push_back(std::move(s));
    if (b - v < step) break;  // no overflow past UINT64_MAX
  }
  return values;
}

}  // namespace

url_glob::url_glob(std::string_view p, std::size_t max_urls) {
  std::string literal;
  std::size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size() &&
        (p[i + 1] == '[' || p[i + 1] == ']' || p[i + 1] == '{' || p[i + 1] == '}' ||
         p[i + 1] == ',')) {
      literal += p[i + 1];
      i += 2;
      continue;
    }
    std::vector<std::string> values;
    if (c == '{') {
      values = parse_set(p, i, i);
    } else if (c == '[') {
      const auto close = p.find(']', i);
      if (close == std::string_view::npos) bad(i, "unmatched bracket");
      const std::string_view inner = p.substr(i + 1, close - i - 1);
      if (is_ipv6_literal(inner)) {
        literal += p.substr(i, close - i + 1);
        i = close + 1;
        continue;
      }
      values = parse_range(inner, i, max_urls);
      i = close + 1;
    } else {
      literal += c;
      ++i;
      continue;
    }
    if (values.empty() || size_ > max_urls / values.size()) bad(i - 1, "too many URLs");
    size_ *= values.size();
    parts_.push_back({std::move(literal), std::move(values)});
    literal.clear();
  }
  parts_.push_back({std::move(literal), {}});
}

url_glob::match url_glob::at(std::size_t i) const {
  std::vector<std::size_t> digit(parts_.size(), 0);
  for (std::size_t k = parts_.size(); k-- > 0;) {
    const std::size_t n = parts_[k].values.size();
    if (n == 0) continue;
    digit[k] = i % n;
    i /= n;
  }
  match m;
  for (std::size_t k = 0; k < parts_.size(); ++k) {
    m.url += parts_[k].literal;
    if (!parts_[k].values.empty()) {
      m.url += parts_[k].values[digit[k]];
      m.values.push_back(parts_[k].values[digit[k]]);
    }
  }
  return m;
}

std::vector<url_glob::match> expand_glob(std::string_view pattern, std::size_t max_urls) {
  const url_glob g(pattern, max_urls);
  std::vector<url_glob::match> out;
  out.reserve(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) out.push_back(g.at(i));
  return out;
}

std::string glob_output_name(std::string_view name, const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '#' && i + 1 < name.size() && name[i + 1] >= '0' && name[i + 1] <= '9') {
      std::size_t j = i + 1, n = 0;
      while (j < name.size() && name[j] >= '0' && name[j] <= '9' && n < 1'000'000)
        n = n * 10 + static_cast<std::size_t>(name[j++] - '0');
      if (n >= 1 && n <= values.size()) {
        out += values[n - 1];
        i = j - 1;
        continue;
      }
    }
    out += name[i];
  }
  return out;
}

}  // namespace inet::transfer
