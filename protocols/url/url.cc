#include "protocols/url/url.hpp"

#include <boost/url/authority_view.hpp>
#include <boost/url/parse_path.hpp>
#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace inet::url {
namespace {

struct scheme_info {
  url::scheme id;
  std::string_view name;
  std::uint16_t port;
  bool tls;
  bool login_options;  // ";AUTH=" in user info (curl PROTOPT_URLOPTIONS)
};

constexpr std::array<scheme_info, 17> schemes{{
    {scheme::http, "http", 80, false, false},
    {scheme::https, "https", 443, true, false},
    {scheme::ftp, "ftp", 21, false, false},
    {scheme::ftps, "ftps", 990, true, false},
    {scheme::smtp, "smtp", 25, false, true},
    {scheme::smtps, "smtps", 465, true, true},
    {scheme::pop3, "pop3", 110, false, true},
    {scheme::pop3s, "pop3s", 995, true, true},
    {scheme::imap, "imap", 143, false, true},
    {scheme::imaps, "imaps", 993, true, true},
    {scheme::nntp, "nntp", 119, false, false},
    {scheme::nntps, "nntps", 563, true, false},
    {scheme::news, "news", 119, false, false},
    {scheme::snews, "snews", 563, true, false},
    {scheme::gopher, "gopher", 70, false, false},
    {scheme::gophers, "gophers", 70, true, false},
    {scheme::telnet, "telnet", 23, false, false},
}};

constexpr std::size_t max_url_length = 64 * 1024;

const scheme_info& info(scheme s) {
  return schemes[static_cast<std::size_t>(s)];
}

class url_category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.url"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::bad_url: return "malformed URL";
      case error::unsupported_scheme: return "unsupported URL scheme";
      case error::bad_host: return "bad host in URL";
      case error::bad_port: return "bad port in URL";
      case error::bad_user_info: return "bad user info in URL";
      case error::bad_path: return "bad path in URL";
      case error::bad_parameter: return "bad path parameter in URL";
      case error::control_characters: return "control character in URL";
    }
    return "unknown inet.url error";
  }
};

[[noreturn]] void fail(error e, const std::string& what) {
  throw std::system_error(make_error_code(e), "bad URL: " + what);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

std::string describe(char c) {
  static constexpr char hex[] = "0123456789ABCDEF";
  auto u = static_cast<unsigned char>(c);
  if (u > 0x20 && u < 0x7f) return std::string("'") + c + "'";
  return std::string("0x") + hex[u >> 4] + hex[u & 15];
}

void check_no_controls(std::string_view decoded, std::string_view part, bool allow_tab = false) {
  for (char c : decoded) {
    if (is_control(static_cast<unsigned char>(c)) && !(allow_tab && c == '\t')) {
      fail(error::control_characters,
           "control character " + describe(c) + " (percent-encoded) in " + std::string(part));
    }
  }
}

// RFC 3986 §2.3 unreserved, §2.2 sub-delims.
bool is_unreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}
bool is_sub_delim(char c) { return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos; }

// Returns the index of the first character not allowed by `extra`+unreserved+sub-delims+'%',
// or npos.
std::size_t first_bad_char(std::string_view s, std::string_view extra) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_unreserved(c) || is_sub_delim(c) || c == '%' || extra.find(c) != std::string_view::npos)
      continue;
    return i;
  }
  return std::string_view::npos;
}

// Checks RFC 3986 characters of one part, then percent-decodes it and refuses control bytes.
std::string decode_part(std::string_view encoded, std::string_view extra, error e,
                        std::string_view part, bool secret = false, bool allow_tab = false) {
  if (auto bad = first_bad_char(encoded, extra); bad != std::string_view::npos) {
    fail(e, "invalid character " + describe(encoded[bad]) + " in " + std::string(part) +
                " (percent-encode it)");
  }
  auto pct = boost::urls::make_pct_string_view(encoded);
  if (pct.has_error()) {
    fail(e, std::string("invalid percent-escape in ") + std::string(part) +
                (secret ? "" : " '" + std::string(encoded) + "'"));
  }
  std::string out = pct->decode();
  check_no_controls(out, part, allow_tab);
  return out;
}

// Percent-encodes bytes >= 0x80 so UTF-8 (IDN hosts, paths) passes the RFC 3986 grammar.
std::string encode_high_bytes(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

bool is_scheme_name(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

std::string guess_scheme(std::string_view rest) {
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string host = lower(authority);
  for (std::string_view prefix : {"ftp.", "imap.", "smtp.", "pop3."}) {
    if (host.starts_with(prefix)) return std::string(prefix.substr(0, prefix.size() - 1));
  }
  return "http";
}

// Splits "scheme://rest"; guesses the scheme when absent.
std::pair<std::string, std::string_view> split_scheme(std::string_view text) {
  auto sep = text.find("://");
  if (sep != std::string_view::npos && is_scheme_name(text.substr(0, sep))) {
    return {lower(text.substr(0, sep)), text.substr(sep + 3)};
  }
  auto colon = text.find(':');
  if (colon != std::string_view::npos && scheme_from_string(text.substr(0, colon)) &&
      !(colon + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[colon + 1])))) {
    fail(error::bad_url, "missing '//' after '" + std::string(text.substr(0, colon + 1)) + "'");
  }
  return {guess_scheme(text), text};
}

std::uint16_t parse_port(std::string_view digits) {
  std::string shown(digits.substr(0, 16));
  if (!std::all_of(digits.begin(), digits.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    fail(error::bad_port, "port '" + shown + "' is not a decimal number");
  }
  unsigned long value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || value == 0 || value > 65535) {
    fail(error::bad_port, "port '" + shown + "' is out of range (1-65535)");
  }
  return static_cast<std::uint16_t>(value);
}

// Host-and-port text after the user info: returns the port substring if any ("" allowed).
std::optional<std::string_view> port_text(std::string_view hostport) {
  std::size_t from = 0;
  if (hostport.starts_with('[')) {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) fail(error::bad_host, "IPv6 address lacks ']'");
    from = close + 1;
    if (from < hostport.size() && hostport[from] != ':') {
      fail(error::bad_host, "unexpected text after IPv6 address ']'");
    }
  }
  auto colon = hostport.find(':', from);
  if (colon == std::string_view::npos) return std::nullopt;
  return hostport.substr(colon + 1);
}

void set_host(parsed_url& out, const boost::urls::authority_view& a) {
  using boost::urls::host_type;
  switch (a.host_type()) {
    case host_type::ipv6:
      out.host = a.host_ipv6_address().to_string();
      out.host_is_ipv6 = true;
      return;
    case host_type::ipv4:
      out.host = a.host_ipv4_address().to_string();
      return;
    case host_type::name:
      break;
    default:
      fail(error::bad_host, "unsupported host form '" + std::string(a.encoded_host()) + "'");
  }
  out.host = a.host_name();
  if (out.host.empty()) fail(error::bad_host, "no host name");
  check_no_controls(out.host, "host");
  for (char c : out.host) {
    auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '-' || c == '.' || c == '_' || u >= 0x80)) {
      fail(error::bad_host, "invalid character " + describe(c) + " in host name");
    }
  }
  if (out.host.size() > 253) fail(error::bad_host, "host name is longer than 253 bytes");
}

// curl's Curl_parse_login_details: "user[:password][;options]" or "user;options:password".
void set_user_info(parsed_url& out, std::string_view ui, bool login_options) {
  auto psep = ui.find(':');
  auto osep = login_options ? ui.find(';') : std::string_view::npos;
  std::string_view user = ui.substr(0, std::min(psep, osep));
  std::optional<std::string_view> pass, opts;
  if (psep != std::string_view::npos) {
    auto end = (osep != std::string_view::npos && osep > psep) ? osep : ui.size();
    pass = ui.substr(psep + 1, end - psep - 1);
  }
  if (osep != std::string_view::npos) {
    auto end = (psep != std::string_view::npos && psep > osep) ? psep : ui.size();
    opts = ui.substr(osep + 1, end - osep - 1);
  }
  out.user = decode_part(user, ";", error::bad_user_info, "user name", true);
  if (pass) out.password = decode_part(*pass, ";:", error::bad_user_info, "password", true);
  if (!opts) return;
  std::string_view rest = *opts;
  for (;;) {
    auto semi = rest.find(';');
    std::string_view item = rest.substr(0, semi);
    auto eq = item.find('=');
    std::string key = lower(item.substr(0, eq));
    if (eq == std::string_view::npos || key != "auth") {
      std::string shown(item.substr(0, std::min<std::size_t>(eq, 32)));
      fail(error::bad_user_info, "unknown login option '" + shown + "' (only AUTH=<mechanism>)");
    }
    auto mech = decode_part(item.substr(eq + 1), "", error::bad_user_info, "login option AUTH");
    if (mech.empty()) fail(error::bad_user_info, "empty AUTH= login option");
    out.auth_mechanism = std::move(mech);
    if (semi == std::string_view::npos) break;
    rest = rest.substr(semi + 1);
  }
}

void parse_authority(parsed_url& out, std::string_view authority, const scheme_info& si) {
  if (authority.empty()) fail(error::bad_host, "no host");
  std::string_view hostport = authority;
  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view ui = authority.substr(0, at);
    if (ui.find('@') != std::string_view::npos) {
      fail(error::bad_user_info, "user info contains '@' (percent-encode it as %40)");
    }
    if (auto bad = first_bad_char(ui, ":"); bad != std::string_view::npos) {
      fail(error::bad_user_info,
           "invalid character " + describe(ui[bad]) + " in user info (percent-encode it)");
    }
    set_user_info(out, ui, si.login_options);
    hostport = authority.substr(at + 1);
  }
  if (hostport.empty() || hostport.starts_with(':')) fail(error::bad_host, "no host");
  auto port = port_text(hostport);
  if (port && !port->empty()) {
    out.port = parse_port(*port);
    out.port_explicit = true;
  }
  auto parsed = boost::urls::parse_authority(authority);
  if (parsed.has_error()) {
    std::string shown(hostport.substr(0, hostport.size() - (port ? port->size() + 1 : 0)));
    fail(error::bad_host, "host '" + shown.substr(0, 64) + "' is malformed");
  }
  set_host(out, *parsed);
}

// ";NAME=VALUE" pieces (text after the first ';'), names upper-cased, values decoded.
void parse_params(parsed_url& out, std::string_view text, bool strip_slash) {
  static constexpr std::array<std::string_view, 5> imap_names{"UIDVALIDITY", "UID", "MAILINDEX",
                                                              "SECTION", "PARTIAL"};
  while (true) {
    auto semi = text.find(';');
    std::string_view item = text.substr(0, semi);
    auto eq = item.find('=');
    if (item.empty() || eq == 0 || eq == std::string_view::npos) {
      fail(error::bad_parameter,
           "path parameter '" + std::string(item.substr(0, 32)) + "' is not NAME=VALUE");
    }
    std::string name = decode_part(item.substr(0, eq), "", error::bad_parameter, "parameter name");
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (std::find(imap_names.begin(), imap_names.end(), name) == imap_names.end()) {
      fail(error::bad_parameter, "unknown IMAP URL parameter '" + name.substr(0, 32) + "'");
    }
    std::string_view value = item.substr(eq + 1);
    if (strip_slash && value.ends_with('/')) value.remove_suffix(1);
    out.path_params.emplace_back(
        std::move(name), decode_part(value, ":@/", error::bad_parameter, "parameter value"));
    if (semi == std::string_view::npos) break;
    text = text.substr(semi + 1);
  }
}

// FTP: only a trailing ";type=a|i|d" is special (RFC 1738 §3.2.2); other ';' belong to the path.
std::string_view split_ftp_type(parsed_url& out, std::string_view path) {
  auto pos = lower(path).rfind(";type=");
  if (pos == std::string::npos) return path;
  std::string_view value = path.substr(pos + 6);
  std::string v = lower(value);
  if (v != "a" && v != "i" && v != "d") {
    fail(error::bad_parameter,
         "FTP ;type= must be a, i or d, not '" + std::string(value.substr(0, 16)) + "'");
  }
  out.path_params.emplace_back("TYPE", v);
  return path.substr(0, pos);
}

void parse_path(parsed_url& out, std::string_view encoded) {
  if (encoded.starts_with('/')) encoded.remove_prefix(1);
  if (out.scheme == scheme::ftp || out.scheme == scheme::ftps) {
    encoded = split_ftp_type(out, encoded);
  } else if (out.scheme == scheme::imap || out.scheme == scheme::imaps) {
    if (auto semi = encoded.find(';'); semi != std::string_view::npos) {
      parse_params(out, encoded.substr(semi + 1), true);
      encoded = encoded.substr(0, semi);
      if (encoded.ends_with('/')) encoded.remove_suffix(1);
    }
  }
  // gopher(s): curl's search form "/7/selector%09query" sends selector TAB query (RFC 4266 §2.1);
  // a TAB is the only control byte allowed, and only there.
  const bool gopher = out.scheme == scheme::gopher || out.scheme == scheme::gophers;
  out.path = decode_part(encoded, ":@/", error::bad_path, "path", false, gopher);
}

}  // namespace

const std::error_category& url_category() noexcept {
  static const url_category_impl category;
  return category;
}

std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), url_category()};
}

std::uint16_t default_port(scheme s) noexcept { return info(s).port; }

std::string_view to_string(scheme s) noexcept { return info(s).name; }

std::optional<scheme> scheme_from_string(std::string_view name) noexcept {
  for (const auto& si : schemes) {
    if (name.size() == si.name.size() &&
        std::equal(name.begin(), name.end(), si.name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return si.id;
    }
  }
  return std::nullopt;
}

bool parsed_url::implicit_tls() const { return info(scheme).tls; }

std::string parsed_url::origin() const {
  std::string h = host_is_ipv6 ? "[" + host + "]" : host;
  return scheme_name + "://" + h + ":" + std::to_string(port);
}

std::optional<std::string> parsed_url::param(std::string_view name) const {
  for (const auto& [n, v] : path_params) {
    if (n == name) return v;
  }
  return std::nullopt;
}

parsed_url parse(std::string_view text) {
  if (text.empty()) fail(error::bad_url, "empty URL");
  if (text.size() > max_url_length) fail(error::bad_url, "URL is longer than 65536 bytes");
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_control(static_cast<unsigned char>(text[i]))) {
      fail(error::control_characters,
           "control character " + describe(text[i]) + " at offset " + std::to_string(i));
    }
  }
  auto [name, rest_view] = split_scheme(text);
  auto id = scheme_from_string(name);
  if (!id) fail(error::unsupported_scheme, "protocol \"" + name.substr(0, 32) + "\" not supported");
  const scheme_info& si = info(*id);
  parsed_url out;
  out.scheme = *id;
  out.scheme_name = std::string(si.name);
  out.port = si.port;

  std::string rest = encode_high_bytes(rest_view);
  std::string_view r = rest;
  auto auth_end = std::min(r.find_first_of("/?#"), r.size());
  parse_authority(out, r.substr(0, auth_end), si);
  r.remove_prefix(auth_end);

  auto fragment = r.find('#');
  if (fragment != std::string_view::npos) {
    decode_part(r.substr(fragment + 1), ":@/?", error::bad_url, "fragment");
    r = r.substr(0, fragment);
  }
  auto q = r.find('?');
  if (q != std::string_view::npos) {
    out.query = decode_part(r.substr(q + 1), ":@/?", error::bad_url, "query");
    r = r.substr(0, q);
  }
  if (!r.empty() && boost::urls::parse_path(r).has_error()) {
    decode_part(r, ":@/", error::bad_path, "path");  // names the offending character
    fail(error::bad_path, "path is malformed");
  }
  parse_path(out, r);
  return out;
}

}  // namespace inet::url
