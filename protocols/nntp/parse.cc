// NNTP reply and listing grammar (RFC 3977 §3.2, §5.2, §6, §7.6, §8), errors and the redactor.
#include <algorithm>
#include <cctype>

#include "protocols/nntp/client.hpp"
#include "protocols/nntp/internal.hpp"
#include "transport/trace.hpp"

namespace inet::nntp {

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.nntp"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::unexpected_reply: return "unexpected NNTP reply";
      case error::service_unavailable: return "NNTP service unavailable";
      case error::malformed_reply: return "malformed NNTP reply";
      case error::no_such_group: return "no such newsgroup";
      case error::no_group_selected: return "no newsgroup selected";
      case error::no_current_article: return "no current article";
      case error::no_next_article: return "no next article";
      case error::no_previous_article: return "no previous article";
      case error::no_such_article: return "no such article";
      case error::posting_not_permitted: return "posting not permitted";
      case error::posting_failed: return "posting failed";
      case error::auth_required: return "authentication required";
      case error::auth_failed: return "authentication failed";
      case error::auth_unavailable: return "no usable authentication method";
      case error::tls_required: return "TLS required but STARTTLS not available";
      case error::invalid_argument: return "invalid group name, message-id or range";
      case error::invalid_article: return "article cannot be sent (NUL or over-long line)";
      case error::not_connected: return "not connected";
      case error::compression_unavailable: return "COMPRESS DEFLATE unavailable";
    }
    return "unknown NNTP error";
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

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string_view next_word(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  std::size_t sp = 0;
  while (sp < s.size() && s[sp] != ' ' && s[sp] != '\t') ++sp;
  std::string_view w = s.substr(0, sp);
  s.remove_prefix(sp);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return w;
}

[[noreturn]] void malformed(std::string_view why, std::string_view line) {
  throw std::system_error(make_error_code(error::malformed_reply),
                          std::string(why) + ": \"" +
                              transport::escape_control(line.substr(0, 200)) + "\"");
}

[[noreturn]] void invalid(std::string_view what, std::string_view v) {
  throw std::system_error(make_error_code(error::invalid_argument),
                          std::string(what) + ": \"" + transport::escape_control(v.substr(0, 200)) +
                              "\"");
}

std::uint64_t number_field(std::string_view s, std::string_view line) {
  auto n = detail::parse_number(s);
  if (!n) malformed("not a number in NNTP reply", line);
  return *n;
}

bool printable_no_space(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace

const std::error_category& nntp_category() noexcept {
  static const category c;
  return c;
}

std::string reply::summary() const { return std::to_string(code) + (text.empty() ? "" : " " + text); }

std::error_code code_for(const reply& r, error fallback) {
  switch (r.code) {
    case 400: return make_error_code(error::service_unavailable);
    case 411: return make_error_code(error::no_such_group);
    case 412: return make_error_code(error::no_group_selected);
    case 420: return make_error_code(error::no_current_article);
    case 421: return make_error_code(error::no_next_article);
    case 422: return make_error_code(error::no_previous_article);
    case 423:
    case 430: return make_error_code(error::no_such_article);
    case 440: return make_error_code(error::posting_not_permitted);
    case 441: return make_error_code(error::posting_failed);
    case 480: return make_error_code(error::auth_required);
    case 483: return make_error_code(error::tls_required);
    default: return make_error_code(fallback);
  }
}

nntp_exception::nntp_exception(std::error_code ec, std::string operation, reply r)
    : inet::exception(ec, std::move(operation), r.summary()), reply_(std::move(r)) {}

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
    const std::string word = upper(next_word(rest));
    std::vector<std::string> args;
    while (!rest.empty()) args.push_back(upper(next_word(rest)));
    const auto has_arg = [&](std::string_view a) {
      return std::find(args.begin(), args.end(), a) != args.end();
    };
    if (word == "READER") c.reader = true;
    else if (word == "MODE-READER") c.mode_reader = true;
    else if (word == "POST") c.post = true;
    else if (word == "IHAVE") c.ihave = true;
    else if (word == "STARTTLS") c.starttls = true;
    else if (word == "OVER") c.over = true;
    else if (word == "HDR") c.hdr = true;
    else if (word == "NEWNEWS") c.newnews = true;
    else if (word == "LIST") c.list = args;
    else if (word == "SASL") c.sasl = args;
    else if (word == "COMPRESS") c.compress_deflate = has_arg("DEFLATE");
    else if (word == "AUTHINFO") c.authinfo_user = has_arg("USER");
    if (word == "AUTHINFO" && has_arg("SASL") && c.sasl.empty()) {
      // RFC 4643 §2.1: the mechanisms are on the SASL line; AUTHINFO SASL alone says nothing.
    }
  }
  return c;
}

group_info parse_group(std::string_view text) {
  std::string_view rest = text;
  group_info g;
  g.count = number_field(next_word(rest), text);
  g.low = number_field(next_word(rest), text);
  g.high = number_field(next_word(rest), text);
  g.name = std::string(next_word(rest));
  return g;
}

overview parse_overview(std::string_view line, const std::vector<std::string>& fmt) {
  std::vector<std::string_view> f;
  for (std::size_t start = 0;;) {
    const std::size_t tab = line.find('\t', start);
    f.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  const auto at = [&](std::size_t i) { return i < f.size() ? f[i] : std::string_view(); };
  overview o;
  o.number = f[0].empty() || f[0] == "0" ? 0 : number_field(f[0], line);
  o.subject = at(1);
  o.from = at(2);
  o.date = at(3);
  o.message_id = at(4);
  o.references = at(5);
  o.bytes = at(6).empty() ? 0 : number_field(at(6), line);
  o.lines = at(7).empty() ? 0 : number_field(at(7), line);
  for (std::size_t i = 8; i < f.size(); ++i) {
    // fmt lists the fields after the number: index i-1 names field i (RFC 3977 §8.4).
    std::string name = i - 1 < fmt.size() ? fmt[i - 1] : std::string();
    std::string_view value = f[i];
    const bool full = name.size() > 5 && upper(name.substr(name.size() - 5)) == ":FULL";
    if (full) name.resize(name.size() - 5);
    if (!name.empty() && name.back() == ':') name.pop_back();
    if (full && value.size() > name.size() + 1 && upper(value.substr(0, name.size() + 1)) == upper(name) + ":") {
      value.remove_prefix(name.size() + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    o.extra.emplace_back(std::move(name), std::string(value));
  }
  return o;
}

bool valid_message_id(std::string_view id) noexcept {
  return id.size() >= 3 && id.size() <= 250 && id.front() == '<' && id.back() == '>' &&
         printable_no_space(id);
}

bool valid_group_name(std::string_view name) noexcept {
  return !name.empty() && name.size() <= 497 && printable_no_space(name) &&
         name.find_first_of("*?[\\!,") == std::string_view::npos;
}

namespace detail {

std::optional<std::uint64_t> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

void check_which(std::string_view which) {
  if (which.empty() || parse_number(which) || valid_message_id(which)) return;
  invalid("not an article number or message-id", which);
}

void check_range(std::string_view range, bool allow_id) {
  if (range.empty() || (allow_id && valid_message_id(range))) return;
  const std::size_t dash = range.find('-');
  const bool ok = dash == std::string_view::npos
                      ? parse_number(range).has_value()
                      : parse_number(range.substr(0, dash)) &&
                            (dash + 1 == range.size() || parse_number(range.substr(dash + 1)));
  if (!ok) invalid("not an article range (n, n-, n-m)", range);
}

void check_token(std::string_view s, std::string_view what) {
  if (!printable_no_space(s)) invalid(what, s);
}

reply parse_reply(const line::code_reply& r) {
  reply out;
  out.code = r.code;
  out.text = r.lines.empty() ? std::string() : r.lines.back();
  return out;
}

article_ref parse_article_ref(std::string_view text) {
  std::string_view rest = text;
  article_ref a;
  a.number = number_field(next_word(rest), text);
  a.message_id = std::string(next_word(rest));
  return a;
}

active_group parse_active(std::string_view line) {
  std::string_view rest = line;
  active_group g;
  g.name = std::string(next_word(rest));
  g.high = number_field(next_word(rest), line);
  g.low = number_field(next_word(rest), line);
  g.status = std::string(next_word(rest));
  if (g.name.empty()) malformed("empty group name in LIST ACTIVE", line);
  return g;
}

std::optional<std::string> redact_trace(std::string_view line) {
  // AUTHINFO USER <name> / PASS <password> / SASL <mech> <initial response> (RFC 4643).
  std::string_view rest = line;
  if (upper(next_word(rest)) != "AUTHINFO") return std::nullopt;
  const std::string sub = upper(next_word(rest));
  if (sub == "PASS") return std::string("AUTHINFO PASS <redacted>");
  if (sub == "SASL") {
    const std::string_view mech = next_word(rest);
    if (rest.empty()) return std::nullopt;
    return "AUTHINFO SASL " + std::string(mech) + " <redacted>";
  }
  return std::nullopt;
}

}  // namespace detail
}  // namespace inet::nntp
