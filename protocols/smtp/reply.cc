// SMTP replies, errors and capabilities: the parts of the client that do no I/O.
#include <algorithm>
#include <cctype>

#include "protocols/smtp/client.hpp"
#include "protocols/smtp/internal.hpp"

namespace inet::smtp {

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.smtp"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::transient_failure: return "temporary failure (4xx): try again later";
      case error::permanent_failure: return "permanent failure (5xx)";
      case error::service_unavailable: return "service not available";
      case error::bad_greeting: return "unexpected SMTP greeting";
      case error::malformed_reply: return "malformed SMTP reply";
      case error::auth_failed: return "authentication failed";
      case error::auth_unavailable: return "no usable authentication mechanism";
      case error::tls_required: return "TLS required but the server does not offer STARTTLS";
      case error::message_too_large: return "message exceeds the server's SIZE limit";
      case error::no_recipients_accepted: return "no recipient was accepted";
      case error::smtputf8_unsupported:
        return "non-ASCII local part (or SMTPUTF8 requested) but the server lacks SMTPUTF8";
      case error::invalid_address:
        return "invalid address (CR, LF, NUL, space or <>, or an invalid international domain)";
      case error::not_connected: return "not connected";
      case error::delivery_unconfirmed:
        return "connection lost after the end of the message was sent: the server may have "
               "accepted it";
      case error::invalid_message:
        return "invalid message: a NUL byte or a line longer than 998 octets (RFC 5321 "
               "§4.5.3.1.6)";
    }
    return "unknown SMTP error";
  }
  std::error_condition default_error_condition(int ev) const noexcept override {
    switch (static_cast<error>(ev)) {
      case error::auth_failed: return condition::auth_failed;
      case error::tls_required: return condition::tls_required;
      case error::malformed_reply: return condition::protocol_violation;
      default: return {ev, *this};
    }
  }
};

bool digits(std::string_view s) {
  return !s.empty() && s.size() <= 3 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const std::error_category& smtp_category() noexcept {
  static const category c;
  return c;
}

std::string enhanced_status::to_string() const {
  return std::to_string(klass) + "." + std::to_string(subject) + "." + std::to_string(detail);
}

std::string reply::text() const {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out.push_back('\n');
    out += lines[i];
  }
  return out;
}

std::string reply::summary() const {
  std::string out = std::to_string(code);
  if (status) out += " " + status->to_string();
  if (!lines.empty() && !lines.front().empty()) out += " " + lines.front();
  return out;
}

smtp_exception::smtp_exception(std::error_code ec, std::string operation, smtp::reply r)
    : inet::exception(ec, std::move(operation), r.summary()), reply_(std::move(r)) {}

bool capabilities::has(std::string_view keyword) const {
  std::string k(keyword);
  std::transform(k.begin(), k.end(), k.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return keywords.count(k) != 0;
}

std::vector<recipient_result> send_result::rejected() const {
  std::vector<recipient_result> out;
  for (const auto& r : recipients)
    if (!r.accepted) out.push_back(r);
  return out;
}

namespace detail {

std::optional<enhanced_status> parse_enhanced_status(std::string_view& text, int code) {
  // RFC 3463 §2: class "." subject "." detail, class matching the reply's first digit.
  const std::size_t sp = text.find(' ');
  const std::string_view word = text.substr(0, sp);
  const std::size_t d1 = word.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  const std::size_t d2 = word.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  const auto a = word.substr(0, d1), b = word.substr(d1 + 1, d2 - d1 - 1), c = word.substr(d2 + 1);
  if (a.size() != 1 || !digits(a) || !digits(b) || !digits(c)) return std::nullopt;
  enhanced_status st{a[0] - '0', std::stoi(std::string(b)), std::stoi(std::string(c))};
  if (st.klass != code / 100 || (st.klass != 2 && st.klass != 4 && st.klass != 5))
    return std::nullopt;
  text = sp == std::string_view::npos ? std::string_view() : text.substr(sp + 1);
  return st;
}

reply to_reply(const line::code_reply& r, bool enhanced) {
  reply out;
  out.code = r.code;
  for (const auto& l : r.lines) {
    std::string_view text = l;
    if (enhanced) {
      auto st = parse_enhanced_status(text, r.code);
      if (st && !out.status) out.status = st;
    }
    out.lines.emplace_back(text);
  }
  return out;
}

std::error_code code_for(const reply& r) {
  if (r.code == 421) return error::service_unavailable;
  if (r.code >= 400 && r.code < 500) return error::transient_failure;
  return error::permanent_failure;
}

capabilities parse_ehlo(const reply& r) {
  capabilities caps;
  caps.esmtp = true;
  // The first line is the greeting domain; each further line is one EHLO keyword.
  for (std::size_t i = 1; i < r.lines.size(); ++i) {
    std::string_view l = r.lines[i];
    const std::size_t sp = l.find_first_of(" =");
    std::string key(l.substr(0, sp));
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::string params(sp == std::string_view::npos ? std::string_view() : l.substr(sp + 1));
    if (key.empty()) continue;
    if (key == "AUTH") {
      std::string_view p = params;
      while (!p.empty()) {
        const std::size_t e = p.find(' ');
        std::string m(p.substr(0, e));
        std::transform(m.begin(), m.end(), m.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (!m.empty() && std::find(caps.auth_mechanisms.begin(), caps.auth_mechanisms.end(), m) ==
                              caps.auth_mechanisms.end())
          caps.auth_mechanisms.push_back(m);
        p = e == std::string_view::npos ? std::string_view() : p.substr(e + 1);
      }
    }
    if (key == "SIZE" && !params.empty() &&
        std::all_of(params.begin(), params.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        params.size() < 19) {
      const std::uint64_t n = std::stoull(params);
      if (n > 0) caps.size_limit = n;
    }
    auto [it, inserted] = caps.keywords.emplace(key, params);
    if (!inserted && key == "AUTH") it->second += " " + params;
  }
  return caps;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

void check_address(std::string_view a, bool allow_empty) {
  bool ok = allow_empty || !a.empty();
  bool quoted = false;
  for (char c : a) {
    if (c == '\r' || c == '\n' || c == '\0') ok = false;
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == ' ' || c == '<' || c == '>' || c == '\t')) ok = false;
  }
  if (quoted || a.size() > 512) ok = false;  // an unbalanced quote could hide a '>'

  if (!ok)
    throw std::system_error(make_error_code(error::invalid_address),
                            "address '" + transport::escape_control(a.substr(0, 100)) + "'");
}

bool valid_dsn_notify(std::string_view notify) {
  if (notify.empty() || notify == "NEVER") return true;
  while (!notify.empty()) {
    const std::size_t comma = notify.find(',');
    const std::string_view word = notify.substr(0, comma);
    if (word != "SUCCESS" && word != "FAILURE" && word != "DELAY") return false;
    if (comma == std::string_view::npos) break;
    notify.remove_prefix(comma + 1);
    if (notify.empty()) return false;
  }
  return true;
}

std::string xtext(std::string_view s) {
  // RFC 3461 §4: "+" and "=" and anything outside 33..126 as +XX.
  std::string out;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (c < 33 || c > 126 || c == '+' || c == '=') {
      out.push_back('+');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace detail
}  // namespace inet::smtp
