// POP3 responses, errors, capabilities and APOP: the parts of the client that do no I/O.
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "protocols/pop3/client.hpp"
#include "protocols/pop3/internal.hpp"
#include "transport/trace.hpp"

namespace inet::pop3 {

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.pop3"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::negative_response: return "the server answered -ERR";
      case error::bad_greeting: return "the POP3 server did not greet with +OK";
      case error::malformed_response: return "malformed POP3 response";
      case error::auth_failed: return "authentication failed";
      case error::auth_unavailable: return "no usable login method";
      case error::apop_unavailable: return "APOP not allowed or no timestamp in the greeting";
      case error::tls_required: return "TLS required but the server does not offer STLS";
      case error::mailbox_in_use: return "the maildrop is in use by another session";
      case error::login_delay: return "logged in too recently (LOGIN-DELAY)";
      case error::temporary_failure: return "temporary server failure: try again later";
      case error::permanent_failure: return "permanent server failure";
      case error::not_connected: return "not connected";
    }
    return "unknown POP3 error";
  }
  std::error_condition default_error_condition(int ev) const noexcept override {
    switch (static_cast<error>(ev)) {
      case error::auth_failed: return condition::auth_failed;
      case error::tls_required: return condition::tls_required;
      case error::malformed_response: return condition::protocol_violation;
      default: return {ev, *this};
    }
  }
};

[[noreturn]] void malformed(std::string_view why, std::string_view line) {
  throw std::system_error(make_error_code(error::malformed_response),
                          std::string(why) + ": \"" +
                              transport::escape_control(line.substr(0, 200)) + "\"");
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

bool is_resp_level_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Splits "a b rest" at the first space run: returns a, leaves `s` at b.
std::string_view next_word(std::string_view& s) {
  const std::size_t sp = s.find(' ');
  std::string_view w = s.substr(0, sp);
  s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return w;
}

}  // namespace

const std::error_category& pop3_category() noexcept {
  static const category c;
  return c;
}

std::string response::summary() const { return (ok ? "+OK" : "-ERR") + (raw.empty() ? "" : " " + raw); }

response parse_response(bool ok, std::string_view rest) {
  response r;
  r.ok = ok;
  r.raw = std::string(rest);
  std::string_view text = rest;
  if (text.size() > 2 && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close != std::string_view::npos && close > 1) {
      const std::string_view code = text.substr(1, close - 1);
      // resp-code: resp-level *("/" resp-level); resp-level = 1*(ALPHA / DIGIT / "-")
      bool valid = code.front() != '/' && code.back() != '/' &&
                   code.find("//") == std::string_view::npos;
      for (char c : code) valid = valid && (is_resp_level_char(c) || c == '/');
      if (valid) {
        r.code = upper(code);
        text.remove_prefix(close + 1);
        while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      }
    }
  }
  r.text = std::string(text);
  return r;
}

std::error_code code_for(const response& r, error fallback) {
  // Response codes are hierarchical (RFC 2449 §8): "SYS/TEMP/DISK" is still SYS/TEMP.
  const auto starts = [&](std::string_view p) {
    return r.code == p || (r.code.size() > p.size() && r.code.compare(0, p.size(), p) == 0 &&
                           r.code[p.size()] == '/');
  };
  if (starts("IN-USE")) return make_error_code(error::mailbox_in_use);
  if (starts("LOGIN-DELAY")) return make_error_code(error::login_delay);
  if (starts("SYS/TEMP")) return make_error_code(error::temporary_failure);
  if (starts("SYS/PERM")) return make_error_code(error::permanent_failure);
  if (starts("AUTH")) return make_error_code(error::auth_failed);
  return make_error_code(fallback);
}

pop3_exception::pop3_exception(std::error_code ec, std::string operation, response r)
    : inet::exception(ec, std::move(operation), r.summary()), response_(std::move(r)) {}

bool capabilities::has(std::string_view tag) const {
  const std::string want = upper(tag);
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
    std::string_view rest = l;
    return upper(next_word(rest)) == want;
  });
}

capabilities parse_capabilities(const std::vector<std::string>& lines) {
  capabilities c;
  c.known = true;
  c.lines = lines;
  for (const auto& l : lines) {
    std::string_view rest = l;
    const std::string tag = upper(next_word(rest));
    if (tag == "STLS") c.stls = true;
    else if (tag == "USER") c.user = true;
    else if (tag == "TOP") c.top = true;
    else if (tag == "UIDL") c.uidl = true;
    else if (tag == "PIPELINING") c.pipelining = true;
    else if (tag == "RESP-CODES") c.resp_codes = true;
    else if (tag == "AUTH-RESP-CODE") c.auth_resp_code = true;
    else if (tag == "IMPLEMENTATION") c.implementation = std::string(rest);
    else if (tag == "LOGIN-DELAY") {
      const std::string_view n = next_word(rest);
      std::uint32_t v = 0;
      if (all_digits(n) && std::from_chars(n.data(), n.data() + n.size(), v).ec == std::errc())
        c.login_delay_seconds = v;
    } else if (tag == "SASL") {
      while (!rest.empty()) {
        const std::string_view m = next_word(rest);
        if (!m.empty()) c.sasl.push_back(upper(m));
      }
    }
  }
  return c;
}

std::string apop_timestamp(std::string_view greeting_text) {
  const std::size_t open = greeting_text.find('<');
  if (open == std::string_view::npos) return {};
  const std::size_t close = greeting_text.find('>', open);
  if (close == std::string_view::npos) return {};
  const std::string_view ts = greeting_text.substr(open, close - open + 1);
  // msg-id syntax (RFC 1939 §7 refers to RFC 822): "<" local "@" domain ">", no spaces/controls.
  if (ts.find('@') == std::string_view::npos || ts.size() < 5) return {};
  for (char c : ts)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return {};
  return std::string(ts);
}

std::string apop_digest(std::string_view timestamp, std::string_view secret) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, timestamp.data(), timestamp.size()) == 1 &&
                  EVP_DigestUpdate(ctx, secret.data(), secret.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, md, &len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) throw std::runtime_error("OpenSSL MD5 unavailable (needed for APOP)");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0xf]);
  }
  return out;
}

namespace detail {

std::optional<std::uint32_t> parse_number(std::string_view s) {
  std::uint32_t v = 0;
  if (!all_digits(s) || std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc() ||
      v == 0)
    return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_octets(std::string_view s) {
  std::uint64_t v = 0;
  if (!all_digits(s) || std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc())
    return std::nullopt;
  return v;
}

message_info parse_scan_listing(std::string_view s) {
  std::string_view rest = s;
  const auto n = parse_number(next_word(rest));
  const auto o = parse_octets(next_word(rest));
  if (!n || !o) malformed("LIST line is not \"number octets\"", s);
  return {*n, *o};
}

unique_id parse_uid_listing(std::string_view s) {
  std::string_view rest = s;
  const auto n = parse_number(next_word(rest));
  const std::string_view uid = next_word(rest);
  // RFC 1939 §7: 1 to 70 characters in 0x21..0x7E.
  bool ok = n && !uid.empty() && uid.size() <= 70;
  for (char c : uid) ok = ok && c >= 0x21 && c <= 0x7e;
  if (!ok) malformed("UIDL line is not \"number unique-id\"", s);
  return {*n, std::string(uid)};
}

maildrop_stat parse_stat(std::string_view s) {
  std::string_view rest = s;
  const auto n = parse_octets(next_word(rest));
  const auto o = parse_octets(next_word(rest));
  if (!n || !o) malformed("STAT reply is not \"count octets\"", s);
  return {*n, *o};
}

status_line parse_status_line(std::string_view l, bool allow_continuation) {
  status_line out;
  if (l.substr(0, 3) == "+OK" && (l.size() == 3 || l[3] == ' ')) {
    out.reply = parse_response(true, l.size() > 4 ? l.substr(4) : std::string_view());
  } else if (l.substr(0, 4) == "-ERR" && (l.size() == 4 || l[4] == ' ')) {
    out.reply = parse_response(false, l.size() > 5 ? l.substr(5) : std::string_view());
  } else if (allow_continuation && !l.empty() && l[0] == '+' && (l.size() == 1 || l[1] == ' ')) {
    out.continuation = true;
    out.challenge = std::string(l.size() > 2 ? l.substr(2) : std::string_view());
  } else {
    malformed("expected +OK or -ERR", l);
  }
  return out;
}

}  // namespace detail
}  // namespace inet::pop3
