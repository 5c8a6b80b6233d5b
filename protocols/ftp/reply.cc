// The FTP error category, replies and the pure reply parsers (FEAT, 257, 227, 229).
#include <algorithm>
#include <cctype>

#include "protocols/ftp/internal.hpp"

namespace inet::ftp {

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.ftp"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::transient_failure: return "temporary failure (4xx)";
      case error::permanent_failure: return "permanent failure (5xx)";
      case error::service_unavailable: return "service not available (421)";
      case error::bad_greeting: return "unexpected FTP greeting";
      case error::malformed_reply: return "malformed FTP reply";
      case error::login_failed: return "login denied";
      case error::tls_required: return "TLS required but AUTH TLS not offered or refused";
      case error::not_connected: return "not connected";
      case error::file_unavailable: return "file unavailable (550)";
      case error::passive_failed: return "passive mode (EPSV/PASV) failed";
      case error::type_failed: return "TYPE refused";
      case error::transfer_failed: return "data transfer failed";
      case error::port_failed: return "active mode (EPRT/PORT) failed";
      case error::pasv_unparseable: return "unparseable 227 reply to PASV";
      case error::resume_beyond_end: return "resume offset beyond the end of the file";
    }
    return "unknown FTP error";
  }
  std::error_condition default_error_condition(int ev) const noexcept override {
    switch (static_cast<error>(ev)) {
      case error::login_failed: return condition::auth_failed;
      case error::tls_required: return condition::tls_required;
      case error::malformed_reply: return condition::protocol_violation;
      default: return {ev, *this};
    }
  }
};

[[noreturn]] void malformed(const std::string& why) {
  throw std::system_error(make_error_code(error::malformed_reply), why);
}

// Reads a decimal number of at most `max_digits` at s[i], advancing i.
std::optional<unsigned long long> number_at(std::string_view s, std::size_t& i, std::size_t max_digits) {
  const std::size_t start = i;
  unsigned long long v = 0;
  while (i < s.size() && i - start < max_digits && std::isdigit(static_cast<unsigned char>(s[i])))
    v = v * 10 + static_cast<unsigned long long>(s[i++] - '0');
  if (i == start) return std::nullopt;
  return v;
}

}  // namespace

const std::error_category& ftp_category() noexcept {
  static const category c;
  return c;
}

std::string reply::text() const {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

std::string reply::summary() const {
  return std::to_string(code) + (lines.empty() ? std::string() : " " + lines.front());
}

ftp_exception::ftp_exception(std::error_code ec, std::string operation, ftp::reply r)
    : inet::exception(ec, std::move(operation), r.summary()), reply_(std::move(r)) {}

bool features::has(std::string_view name) const {
  std::string k(name);
  std::transform(k.begin(), k.end(), k.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return items.count(k) != 0;
}

namespace detail {

reply to_reply(line::code_reply r) { return reply{r.code, std::move(r.lines)}; }

std::error_code code_for(const reply& r) {
  if (r.code == 421) return make_error_code(error::service_unavailable);
  if (r.code == 550) return make_error_code(error::file_unavailable);
  if (r.code == 530 || r.code == 332 || r.code == 532) return make_error_code(error::login_failed);
  if (r.kind() == 4) return make_error_code(error::transient_failure);
  return make_error_code(error::permanent_failure);
}

features parse_feat(const reply& r) {
  features f;
  if (r.code != 211) return f;
  f.feat_supported = true;
  // RFC 2389 §3.2: the first and last lines are the reply's; features start with a space.
  for (std::size_t i = 1; i + 1 < r.lines.size(); ++i) {
    std::string_view l = r.lines[i];
    if (l.empty() || l[0] != ' ') continue;
    l.remove_prefix(1);
    const auto sp = l.find(' ');
    std::string name(l.substr(0, sp));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (name.empty()) continue;
    f.items[name] = sp == std::string_view::npos ? std::string() : std::string(l.substr(sp + 1));
  }
  return f;
}

std::string parse_257(const reply& r) {
  const std::string_view t = r.lines.empty() ? std::string_view() : r.lines.front();
  const auto open = t.find('"');
  if (open == std::string_view::npos) malformed("257 reply without a quoted path: " + r.summary());
  std::string path;
  for (std::size_t i = open + 1; i < t.size(); ++i) {
    if (t[i] != '"') {
      path += t[i];
      continue;
    }
    if (i + 1 < t.size() && t[i + 1] == '"') {
      path += '"';
      ++i;
      continue;
    }
    return path;
  }
  malformed("257 reply without a closing quote: " + r.summary());
}

std::optional<std::uint64_t> parse_size(const reply& r) {
  if (r.code != 213 || r.lines.empty()) return std::nullopt;
  const std::string& t = r.lines.front();
  std::size_t i = 0;
  auto v = number_at(t, i, 19);
  if (!v || (i < t.size() && t[i] != ' ')) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

std::optional<std::uint16_t> parse_epsv(std::string_view t) {
  const auto open = t.find('(');
  if (open == std::string_view::npos || open + 4 >= t.size()) return std::nullopt;
  const char d = t[open + 1];
  if (d < 33 || d > 126 || t[open + 2] != d || t[open + 3] != d) return std::nullopt;
  std::size_t i = open + 4;
  const auto port = number_at(t, i, 5);
  if (!port || i + 1 >= t.size() || t[i] != d || t[i + 1] != ')') return std::nullopt;
  if (*port == 0 || *port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(*port);
}

std::optional<std::uint16_t> parse_pasv(std::string_view t) {
  for (std::size_t start = 0; start < t.size(); ++start) {
    if (!std::isdigit(static_cast<unsigned char>(t[start]))) continue;
    if (start > 0 && std::isdigit(static_cast<unsigned char>(t[start - 1]))) continue;
    std::size_t i = start;
    unsigned long v[6] = {};
    bool ok = true;
    for (int k = 0; k < 6 && ok; ++k) {
      const auto n = number_at(t, i, 3);
      ok = n && *n <= 255 && (k == 5 || (i < t.size() && t[i] == ','));
      if (ok) v[k] = *n;
      if (ok && k < 5) ++i;
    }
    if (!ok) continue;
    const unsigned long port = v[4] * 256 + v[5];
    if (port == 0) return std::nullopt;
    return static_cast<std::uint16_t>(port);
  }
  return std::nullopt;
}

}  // namespace detail
}  // namespace inet::ftp
