// libFuzzer targets over the untrusted inputs that tests/fuzz/parsers_fuzz.cc does not cover:
// files the user may have been handed (msmtprc, netrc, aliases), messages piped to
// `inet mail -t`, RFC 2047 words from servers, and proxy answers. One target per family
// ($INET_FUZZ_TARGET, see inputs_fuzz.hpp), each checking properties beyond "no crash":
//   header   chunking does not change the result; the fields' raw bytes are exactly the section
//            read (less an mbox "From " line and the blank line); rest_prefix plus the unread
//            source is the input after the section; values have no CR/LF; the rewritten
//            message re-parses to the same fields less Bcc, with the same body; recipients
//            parse (without CR/LF) or throw mime::error::bad_address.
//   words    never throws; output at most 4x the input; text without "=?" is unchanged; valid
//            UTF-8 with only ISO-8859-1 words decodes to valid UTF-8; encode_words round-trips
//            valid UTF-8 in words of at most 75 bytes.
//   msmtprc  only config_error ("PATH:LINE: ..." or "PATH: ..."); every account selectable;
//            no value holds LF or NUL; ports in 1..65535.
//   netrc    only std::system_error(netrc_error::syntax); values hold no control character
//            but HT; serialising the entries (quoted) and parsing again gives the same entries.
//   aliases  only config_error; names are local (no '@', blank), addresses have '@' and no
//            LF/NUL; every name is found; an empty table leaves any list byte for byte.
//   socks5   answers are read exactly as the coroutine does (2-byte method choice, 2-byte auth
//            status, then socks5_reply_needs); only proxy_failed/proxy_auth_failed; a reply
//            never needs more than 262 bytes; messages have no control characters.
//   connect  fed byte by byte: only proxy_failed/proxy_auth_failed with control characters
//            escaped; the head ends exactly at a blank line after a 2xx "HTTP/1.x" status
//            line, within max_connect_head_bytes.
//   mime     see tests/fuzz/mime_fuzz.cc.
// Build and run: tests/fuzz/run_inputs.sh FAMILY SECONDS. The corpora (tests/fuzz/inputs/*/)
// are replayed in CI by //tests/fuzz:inputs_corpus_test.
#include "tests/fuzz/inputs_fuzz.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "protocols/mime/codecs.hpp"
#include "protocols/mime/error.hpp"
#include "protocols/mime/headers.hpp"
#include "tools/inet/netrc.hpp"
#include "tools/mail/aliases.hpp"
#include "tools/mail/config.hpp"
#include "transport/body.hpp"
#include "transport/error.hpp"
#include "transport/proxy.hpp"

namespace inet::fuzz {
namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool has_lf_or_nul(std::string_view s) {
  return s.find_first_of(std::string_view("\n\0", 2)) != s.npos;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7f >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = cp << 6 | (d & 0x3f);
    }
    static constexpr std::uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

// ---- header ----------------------------------------------------------------------------------

// Hands out the input in small uneven pieces (a CR at the end of one, LF at the next ...).
class chunked_source final : public byte_source {
 public:
  explicit chunked_source(std::string_view data) : data_(data) {}
  std::size_t read(std::span<char> buf) override {
    const std::size_t n = std::min({buf.size(), data_.size() - pos_, step_});
    data_.copy(buf.data(), n, pos_);
    pos_ += n;
    step_ = step_ * 7 % 23 + 1;
    return n;
  }
  std::string rest() const { return std::string(data_.substr(pos_)); }

 private:
  std::string_view data_;
  std::size_t pos_ = 0, step_ = 1;
};

std::string drain(byte_source& s) {
  std::string out;
  char buf[512];
  while (const std::size_t n = s.read(buf)) out.append(buf, n);
  return out;
}

bool same_fields(const std::vector<mime::header_field>& a,
                 const std::vector<mime::header_field>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.name == y.name && x.value == y.value;
  });
}

bool is_bcc(const mime::header_field& f) {
  std::string n = f.name;
  for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n == "bcc" || n == "resent-bcc";
}

void check_section(std::string_view in, const mime::parsed_message_head& h,
                   const std::string& unread) {
  check(h.headers.size_bytes <= in.size());
  check(h.rest_prefix + unread == in.substr(h.headers.size_bytes));
  std::string section(in.substr(0, h.headers.size_bytes));
  const auto& fields = h.headers.fields;
  if (section.starts_with("From ") && (fields.empty() || !section.starts_with(fields[0].raw))) {
    const std::size_t nl = section.find('\n');
    section.erase(0, nl == std::string::npos ? nl : nl + 1);
  }
  std::string raws;
  for (const auto& f : h.headers.fields) {
    check(!f.name.empty() && f.raw.starts_with(f.name));
    for (unsigned char c : f.name) check(c > 32 && c < 127 && c != ':');
    check(f.value.find_first_of("\r\n") == std::string::npos);
    raws += f.raw;
  }
  // The blank line that ended the section is the only part not in a field.
  check(section == raws || section == raws + "\n" || section == raws + "\r\n" ||
        section == raws + "\r");
}

void header_case(std::string_view in) {
  memory_source whole(in);
  mime::parsed_message_head h;
  try {
    h = mime::read_header_section(whole);
  } catch (const std::system_error& e) {
    check(e.code() == mime::error::header_too_large || e.code() == mime::error::malformed_header);
    return;
  }
  chunked_source pieces(in);
  const mime::parsed_message_head p = mime::read_header_section(pieces);
  check(same_fields(h.headers.fields, p.headers.fields) && h.lf_only == p.lf_only &&
        h.headers.size_bytes == p.headers.size_bytes);
  check_section(in, p, pieces.rest());
  try {
    // Obsolete syntax may leave other control characters (obs-qtext): send.cc's
    // is_valid_addr_spec refuses those before RCPT TO. Never a line break.
    for (const auto& r : mime::header_recipients(h.headers))
      check(!r.empty() && r.find_first_of("\r\n") == std::string::npos);
  } catch (const std::system_error& e) {
    check(e.code() == mime::error::bad_address);
  }
  // Re-emitting (Bcc dropped) and reading again gives the other fields and the same body.
  std::vector<mime::header_field> kept;
  for (const auto& f : h.headers.fields)
    if (!is_bcc(f)) kept.push_back(f);
  memory_source rest(in.substr(h.headers.size_bytes + h.rest_prefix.size()));
  const auto out = mime::make_rewritten_source(h, rest, {});
  const std::string message = drain(*out);
  memory_source again(message);
  const mime::parsed_message_head r = mime::read_header_section(again);
  check(same_fields(r.headers.fields, kept));
  check(r.rest_prefix + drain(again) == in.substr(h.headers.size_bytes));
}

// ---- words -----------------------------------------------------------------------------------

// True if every "=?CHARSET?" in `in` names ISO-8859-1 (decode_words' notion of the label).
bool only_latin1_words(std::string_view in) {
  for (std::size_t at = in.find("=?"); at != in.npos; at = in.find("=?", at + 1)) {
    const std::size_t q = in.find('?', at + 2);
    if (q == in.npos) break;
    std::string label(in.substr(at + 2, q - at - 2));
    label = label.substr(0, label.find('*'));
    for (auto& c : label) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (label != "iso-8859-1") return false;
  }
  return true;
}

void words_case(std::string_view in) {
  const std::string out = mime::decode_words(in);
  check(out.size() <= 4 * in.size());
  if (in.find("=?") == in.npos) check(out == in);
  if (valid_utf8(in) && only_latin1_words(in)) check(valid_utf8(out));
  if (!valid_utf8(in)) return;
  std::string joined;
  for (const auto& w : mime::encode_words(in)) {
    check(w.size() <= 75 && w.find_first_of("\r\n ") == std::string::npos);
    joined += (joined.empty() ? "" : " ") + w;
  }
  check(mime::decode_words(joined) == in);
}

// ---- msmtprc ---------------------------------------------------------------------------------

void check_account(const mail::account_settings& a) {
  using S = std::optional<std::string> mail::account_settings::*;
  static constexpr S strings[] = {
      &mail::account_settings::protocol, &mail::account_settings::host,
      &mail::account_settings::from, &mail::account_settings::auth,
      &mail::account_settings::user, &mail::account_settings::password,
      &mail::account_settings::passwordeval, &mail::account_settings::tls_trust_file,
      &mail::account_settings::tls_cert_file, &mail::account_settings::tls_key_file,
      &mail::account_settings::tls_host_override, &mail::account_settings::domain,
      &mail::account_settings::queue, &mail::account_settings::dsn_notify,
      &mail::account_settings::dsn_return, &mail::account_settings::proxy_host,
      &mail::account_settings::oauth2_token_endpoint, &mail::account_settings::oauth2_client_id,
      &mail::account_settings::oauth2_client_secret,
      &mail::account_settings::oauth2_client_secret_eval,
      &mail::account_settings::oauth2_refresh_token,
      &mail::account_settings::oauth2_refresh_token_eval, &mail::account_settings::oauth2_scope,
      &mail::account_settings::oauth2_tls_trust_file, &mail::account_settings::tls_fingerprint,
      &mail::account_settings::logfile, &mail::account_settings::logfile_time_format,
      &mail::account_settings::syslog, &mail::account_settings::aliases,
      &mail::account_settings::set_from_header, &mail::account_settings::set_date_header,
      &mail::account_settings::set_msgid_header, &mail::account_settings::from_full_name};
  for (S s : strings)
    if (a.*s) check(!has_lf_or_nul(*(a.*s)));
  if (a.port) check(*a.port >= 1);
  if (a.proxy_port) check(*a.proxy_port >= 1);
}

void msmtprc_case(std::string_view in) {
  mail::config cfg;
  try {
    cfg = mail::parse_config(in, "rc", "/home/u");
  } catch (const mail::config_error& e) {
    check(std::string_view(e.what()).starts_with("rc:"));
    return;
  }
  check_account(cfg.defaults);
  check_account(mail::select_account(cfg, ""));
  for (const auto& [name, acct] : cfg.accounts) {
    check(!name.empty() && name.find_first_of(" \t,") == std::string::npos);
    check_account(acct);
    check_account(mail::select_account(cfg, name));
  }
}

// ---- netrc -----------------------------------------------------------------------------------

std::string quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\t' ? std::string("\\t") : std::string(1, c);
  }
  return out + "\"";
}

bool same_entries(const std::vector<cli::netrc_entry>& a, const std::vector<cli::netrc_entry>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.machine == y.machine && x.is_default == y.is_default && x.login == y.login &&
           x.password == y.password;
  });
}

void netrc_case(std::string_view in) {
  std::vector<cli::netrc_entry> entries;
  try {
    entries = cli::parse_netrc(in);
  } catch (const std::system_error& e) {
    check(e.code() == cli::netrc_error::syntax);
    return;
  }
  std::string text;
  for (const auto& e : entries) {
    for (const std::string* v : {&e.machine, e.login ? &*e.login : nullptr,
                                 e.password ? &*e.password : nullptr}) {
      if (!v) continue;
      for (char c : *v) check(c == '\t' || !has_control(std::string_view(&c, 1)));
    }
    text += e.is_default ? "default" : "machine " + quoted(e.machine);
    if (e.login) text += "\n  login " + quoted(*e.login);
    if (e.password) text += " password " + quoted(*e.password);
    text += "\n";
    if (!e.is_default) check(cli::find_netrc(entries, e.machine).has_value());
  }
  check(same_entries(cli::parse_netrc(text), entries));
}

// ---- aliases ---------------------------------------------------------------------------------

void aliases_case(std::string_view in) {
  // The first line is also used as an address list to expand.
  const std::string_view list = in.substr(0, in.find('\n'));
  check(mail::expand_aliases(list, {}) == list);
  mail::alias_table t;
  try {
    t = mail::parse_aliases(in, "al");
  } catch (const mail::config_error& e) {
    check(std::string_view(e.what()).starts_with("al:"));
    return;
  }
  auto check_addresses = [](const std::vector<std::string>& v) {
    for (const auto& a : v) check(a.find('@') != a.npos && !has_lf_or_nul(a));
  };
  check_addresses(t.default_addresses);
  for (const auto& [name, addresses] : t.entries) {
    check(!name.empty() && name.find_first_of("@ \t") == std::string::npos);
    check(!addresses.empty() && t.find(name) == &addresses);
    check_addresses(addresses);
  }
  (void)mail::expand_aliases(list, t);
}

// ---- socks5 / connect ------------------------------------------------------------------------

void check_proxy_error(const std::system_error& e) {
  check(e.code() == transport::error::proxy_failed ||
        e.code() == transport::error::proxy_auth_failed);
  check(!has_control(e.what()));
}

void socks5_case(std::string_view in) {
  if (in.empty()) return;
  const bool with_auth = in[0] & 1;
  in.remove_prefix(1);
  // Like read_n: fewer bytes than asked for is the proxy closing (not a parser matter).
  auto take = [&](std::size_t n) -> std::optional<std::string_view> {
    if (in.size() < n) return std::nullopt;
    const std::string_view out = in.substr(0, n);
    in.remove_prefix(n);
    return out;
  };
  try {
    const auto choice = take(2);
    if (!choice) return;
    const unsigned char method = transport::detail::parse_socks5_method(*choice, with_auth);
    check(method == 0 || (method == 2 && with_auth));
    if (method == 2) {
      const auto status = take(2);
      if (!status) return;
      transport::detail::check_socks5_auth_status(*status);
    }
    std::string reply;
    for (std::size_t more; (more = transport::detail::socks5_reply_needs(reply)) != 0;) {
      check(reply.size() + more <= 262);
      const auto part = take(more);
      if (!part) return;
      reply += *part;
    }
    check(reply.size() >= 7 && reply[0] == 5 && reply[1] == 0);  // ATYP 3: 4+1+0+2
    check(transport::detail::socks5_reply_needs(reply + "xx") == 0);
  } catch (const std::system_error& e) {
    check_proxy_error(e);
  }
}

void connect_case(std::string_view in) {
  transport::detail::connect_head_parser p;
  std::size_t used = 0;
  try {
    while (used < in.size()) {
      if (p.feed(in[used++])) {
        const std::string_view head = in.substr(0, used);
        check(head.starts_with("HTTP/1.") && head.size() >= 14 && head[9] == '2');
        check(head.ends_with("\n\n") || head.ends_with("\n\r\n"));
        check(used <= transport::detail::max_connect_head_bytes);
        return;
      }
    }
  } catch (const std::system_error& e) {
    check_proxy_error(e);
  }
}

}  // namespace

bool run_input(std::string_view family, std::string_view input) {
  if (family == "header") header_case(input);
  else if (family == "words") words_case(input);
  else if (family == "msmtprc") msmtprc_case(input);
  else if (family == "netrc") netrc_case(input);
  else if (family == "aliases") aliases_case(input);
  else if (family == "socks5") socks5_case(input);
  else if (family == "connect") connect_case(input);
  else if (family == "mime") mime_case(input);
  else return false;
  return true;
}

}  // namespace inet::fuzz
