#include <algorithm>
#include <stdexcept>

#include "protocols/imap/types.hpp"

namespace inet::imap {

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

namespace {
std::optional<std::uint64_t> parse_u64(std::string_view s) noexcept {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return std::nullopt;
    n = n * 10 + d;
  }
  return n;
}

std::optional<std::uint32_t> parse_seq(std::string_view s) {
  if (s == "*") return sequence_set::star;
  auto n = parse_u64(s);
  if (!n || *n == 0 || *n > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

void append_number(std::string& out, std::uint32_t n) {
  if (n == sequence_set::star)
    out.push_back('*');
  else
    out += std::to_string(n);
}
}  // namespace

sequence_set sequence_set::span(std::uint32_t first, std::uint32_t last) {
  sequence_set s;
  s.add(first, last);
  return s;
}

sequence_set& sequence_set::add(std::uint32_t first, std::uint32_t last) {
  ranges_.push_back(range{first, last});
  return *this;
}

std::optional<sequence_set> sequence_set::parse(std::string_view text) {
  sequence_set out;
  if (text.empty()) return std::nullopt;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = text.substr(pos, comma - pos);
    const std::size_t colon = item.find(':');
    auto first = parse_seq(item.substr(0, colon));
    if (!first) return std::nullopt;
    std::optional<std::uint32_t> last = first;
    if (colon != std::string_view::npos) last = parse_seq(item.substr(colon + 1));
    if (!last) return std::nullopt;
    out.add(*first, *last);
    pos = comma + 1;
  }
  return out;
}

bool sequence_set::contains(std::uint32_t n) const noexcept {
  for (const auto& r : ranges_) {
    std::uint32_t lo = r.first, hi = r.last;
    if (lo == star && hi == star) return true;
    if (lo == star) std::swap(lo, hi);
    if (hi == star) {
      if (n >= lo) return true;
      continue;
    }
    if (lo > hi) std::swap(lo, hi);
    if (n >= lo && n <= hi) return true;
  }
  return false;
}

std::optional<std::vector<std::uint32_t>> sequence_set::expand(std::size_t max_count) const {
  std::vector<std::uint32_t> out;
  for (const auto& r : ranges_) {
    if (r.first == star || r.last == star) continue;
    const std::uint32_t lo = std::min(r.first, r.last), hi = std::max(r.first, r.last);
    if (hi - lo >= max_count || out.size() + (hi - lo) + 1 > max_count) return std::nullopt;
    for (std::uint64_t n = lo; n <= hi; ++n) out.push_back(static_cast<std::uint32_t>(n));
  }
  return out;
}

std::string sequence_set::to_string() const {
  if (ranges_.empty()) throw std::invalid_argument("an IMAP sequence set cannot be empty");
  std::string out;
  for (const auto& r : ranges_) {
    if (!out.empty()) out.push_back(',');
    append_number(out, r.first);
    if (r.last != r.first) {
      out.push_back(':');
      append_number(out, r.last);
    }
  }
  return out;
}

std::optional<std::uint64_t> value::number() const noexcept {
  if (type != kind::atom) return std::nullopt;
  return parse_u64(text);
}

std::string value::to_string() const {
  switch (type) {
    case kind::nil: return "NIL";
    case kind::atom: return text;
    case kind::streamed: return "{" + std::to_string(size) + "}";
    case kind::string: {
      std::string out = "\"";
      for (char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      return out + "\"";
    }
    case kind::list: {
      std::string out = "(";
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out.push_back(' ');
        out += items[i].to_string();
      }
      return out + ")";
    }
  }
  return {};
}

std::optional<std::uint64_t> response_code::number() const noexcept {
  if (tokens.empty()) return std::nullopt;
  return parse_u64(tokens.front());
}

bool status_response::has_code(std::string_view name) const noexcept {
  return code && iequals(code->name, name);
}

std::string status_response::summary() const {
  static constexpr const char* names[] = {"OK", "NO", "BAD", "BYE", "PREAUTH"};
  std::string out = names[static_cast<int>(status)];
  if (code) out += " [" + code->name + (code->args.empty() ? "" : " " + code->args) + "]";
  if (!text.empty()) out += " " + text;
  return out;
}

bool list_data::has_attribute(std::string_view a) const noexcept {
  return std::any_of(attributes.begin(), attributes.end(),
                     [&](const std::string& x) { return iequals(x, a); });
}

std::optional<std::uint64_t> status_data::get(std::string_view item) const {
  auto it = items.find(to_upper(item));
  if (it == items.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> body_structure::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

const value* fetch_data::find_other(std::string_view name) const noexcept {
  for (const auto& [k, v] : other)
    if (iequals(k, name)) return &v;
  return nullptr;
}

}  // namespace inet::imap
