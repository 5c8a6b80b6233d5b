// Command-line options of `inet get` / `inet put` (CLI11), value parsers, credential and TLS
// policy helpers.
#include "tools/inet/cli.hpp"
#include "tools/inet/docgen.hpp"
#include "tools/inet/http_options.hpp"
#include "tools/inet/netrc.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>

namespace inet::cli {
namespace {

constexpr std::string_view footer_common =
    "Options before --next (or -:) apply only to the URLs before it; the next group starts\n"
    "from fresh options, except -v, -s, -S, -# and --no-progress-meter, which are global as in\n"
    "curl.\n"
    "\n"
    "TLS on ftp://, smtp://, pop3://, imap:// (STARTTLS / AUTH TLS / STLS): --ssl-reqd or\n"
    "--tls required fails (exit 64) unless the connection is upgraded; --ssl or --tls\n"
    "opportunistic upgrades when offered; --tls none never upgrades. Default: required when a\n"
    "password will be sent, otherwise opportunistic (curl's default is no STARTTLS at all).\n"
    "https, ftps, smtps, pop3s, imaps always use TLS from the first byte.\n"
    "\n"
    "Credential precedence: -u, then the URL's user:password, then netrc (--netrc-optional,\n"
    "--netrc-file); with --netrc the netrc entry replaces URL credentials. -u USER without\n"
    "':PASS' sends no password (inet never prompts).\n";

[[noreturn]] void bad_value(std::string_view option, const std::string& why) {
  throw option_error("option " + std::string(option) + ": " + why);
}

// Text that ends up in protocol commands or headers must not carry CR, LF, NUL or other
// control characters (command injection).
std::string checked_text(std::string_view option, const std::string& v) {
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) bad_value(option, "contains a control character");
  }
  return v;
}

std::string shown(std::string_view v) { return "'" + std::string(v.substr(0, 40)) + "'"; }

tls_mode parse_tls(const std::string& v) {
  std::string l = v;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "required") return tls_mode::required;
  if (l == "opportunistic") return tls_mode::opportunistic;
  if (l == "none") return tls_mode::none;
  bad_value("--tls", "expected required, opportunistic or none, not " + shown(v));
}

void add_credential_options(CLI::App& app, transfer_options& o) {
  app.add_option_function<std::string>(
         "-u,--user",
         [&o](const std::string& v) {
           if (v.find_first_of("\r\n") != std::string::npos)
             throw malformed_credentials("option --user: contains CR or LF");
           checked_text("--user", v);
           auto colon = v.find(':');
           o.user = v.substr(0, colon);
           if (colon == std::string::npos) o.password.reset();
           else o.password = v.substr(colon + 1);
         },
         "Server user name and password (USER[:PASSWORD]); no prompting")
      ->type_name("USER[:PASS]");
  app.add_flag_callback("--netrc", [&o] { o.netrc = true; },
                        "Use credentials from ~/.netrc (or $NETRC) instead of the URL's");
  app.add_flag_callback("--netrc-optional", [&o] { o.netrc_optional = true; },
                        "Use ~/.netrc credentials when neither -u nor the URL gives any");
  app.add_option_function<std::string>(
         "--netrc-file", [&o](const std::string& v) { o.netrc_file = v; },
         "Like --netrc-optional, reading FILE")
      ->type_name("FILE");
  app.add_option_function<std::string>(
         "--login-options",
         [&o](const std::string& v) { o.login_options = checked_text("--login-options", v); },
         "Server login options, e.g. AUTH=PLAIN (IMAP, POP3, SMTP)")
      ->type_name("OPTIONS");
  app.add_option_function<std::string>(
         "--oauth2-bearer",
         [&o](const std::string& v) { o.oauth2_bearer = checked_text("--oauth2-bearer", v); },
         "OAuth 2.0 bearer token (XOAUTH2/OAUTHBEARER, HTTP Authorization)")
      ->type_name("TOKEN");
}

void add_tls_options(CLI::App& app, transfer_options& o) {
  app.add_option_function<std::string>(
         "--cacert", [&o](const std::string& v) { o.cacert = v; },
         "CA certificates (PEM file) to verify the server with")
      ->type_name("FILE");
  app.add_option_function<std::string>(
         "--capath", [&o](const std::string& v) { o.capath = v; },
         "Directory of hashed CA certificates to verify the server with")
      ->type_name("DIR");
  app.add_flag("-k,--insecure", o.insecure,
               "Do not verify the server certificate or host name (unsafe)");
  app.add_flag_callback("--ssl", [&o] { o.tls = tls_mode::opportunistic; },
                        "Upgrade to TLS if the server offers it (= --tls opportunistic)");
  app.add_flag_callback("--ssl-reqd", [&o] { o.tls = tls_mode::required; },
                        "Require TLS, fail with exit 64 otherwise (= --tls required)");
  app.add_option_function<std::string>(
         "--tls", [&o](const std::string& v) { o.tls = parse_tls(v); },
         "TLS policy for STARTTLS protocols: required, opportunistic or none")
      ->type_name("MODE");
}

void add_output_options(CLI::App& app, transfer_options& o) {
  app.add_option_function<std::string>(
         "-o,--output", [&o](const std::string& v) { o.output = v; },
         "Write the data to FILE instead of stdout")
      ->type_name("FILE");
  app.add_flag("-v,--verbose", o.verbosity, "Show protocol traces on stderr (global)");
  app.add_flag("-s,--silent", o.silent, "No progress or error messages (global)");
  app.add_flag("-S,--show-error", o.show_error, "Show error messages even with -s (global)");
  app.add_flag("-#,--progress-bar", o.progress_bar,
               "Show a bar (###  42.0%) instead of the meter; stderr on a terminal only (global)");
  app.add_flag("--no-progress-meter", o.no_progress_meter,
               "Never show the progress meter, but still show errors (global)");
  app.add_flag("-i,--include", o.include, "Include response headers in the output (HTTP)");
  app.add_flag("-f,--fail", o.fail, "Exit 22 without output on HTTP status >= 400");
}

void add_limit_options(CLI::App& app, transfer_options& o) {
  app.add_option_function<std::string>(
         "--connect-timeout",
         [&o](const std::string& v) {
           auto ms = parse_seconds(v, "--connect-timeout");
           if (ms.count() == 0) o.connect_timeout.reset();
           else o.connect_timeout = ms;
         },
         "Maximum time for connecting, seconds (fractions allowed; 0 = no limit)")
      ->type_name("SECONDS");
  app.add_option_function<std::string>(
         "-m,--max-time",
         [&o](const std::string& v) {
           auto ms = parse_seconds(v, "--max-time");
           if (ms.count() == 0) o.max_time.reset();
           else o.max_time = ms;
         },
         "Maximum time for the whole transfer, seconds (fractions allowed; 0 = no limit)")
      ->type_name("SECONDS");
  app.add_option_function<std::string>(
         "--max-filesize",
         [&o](const std::string& v) {
           auto n = parse_size(v);
           if (n == 0) o.max_filesize.reset();
           else o.max_filesize = n;
         },
         "Refuse downloads larger than BYTES (suffix k, M, G = x1024^n; exit 63)")
      ->type_name("BYTES");
  app.add_option_function<std::string>(
         "--limit-rate",
         [&o](const std::string& v) {
           auto n = parse_size(v);
           if (n == 0) o.limit_rate.reset();
           else o.limit_rate = n;
         },
         "At most SPEED bytes per second in each direction (suffix k, M, G = x1024^n; 0 = no limit)")
      ->type_name("SPEED");
}

std::uint64_t parse_offset(const std::string& v) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size()) {
    bad_value("--continue-at", "expected a byte offset or '-', not " + shown(v));
  }
  return n;
}

void add_request_options(CLI::App& app, transfer_options& o) {
  app.add_option_function<std::string>(
         "-x,--proxy", [&o](const std::string& v) { o.proxy = parse_proxy(v); },
         "Use a proxy: [http://|socks5://|socks5h://][user:pass@]host[:port] (port 1080)")
      ->type_name("PROXY");
  app.add_option_function<std::string>(
         "-X,--request", [&o](const std::string& v) { o.request = checked_text("--request", v); },
         "Custom request: HTTP method, FTP list command, IMAP/POP3 command")
      ->type_name("CMD");
  app.add_flag("-g,--globoff", o.globoff,
               "No URL globbing: {a,b} and [1-9] are literal (else curl's globs; #N in -o)");
  app.add_flag("-l,--list-only", o.list_only, "List names only (FTP NLST; POP3/IMAP listing)");
  app.add_option_function<std::string>(
         "-C,--continue-at",
         [&o](const std::string& v) {
           o.resume_auto = v == "-";
           if (o.resume_auto) o.resume_from.reset();
           else o.resume_from = parse_offset(v);
         },
         "Resume at byte OFFSET, or '-' to work it out from the output file")
      ->type_name("OFFSET");
  app.add_option_function<std::string>(
         "-T,--upload-file", [&o](const std::string& v) { o.upload_file = v; },
         "Upload FILE ('-' = stdin; put only)")
      ->type_name("FILE");
  app.add_flag("-L,--location", o.follow_location, "Follow HTTP redirects");
  app.add_option_function<std::vector<std::string>>(
         "-H,--header",
         [&o](const std::vector<std::string>& v) {
           for (const auto& h : v) o.headers.push_back(checked_text("--header", h));
         },
         "Extra header 'Name: value' (repeatable; HTTP, SMTP message headers)")
      ->type_name("HEADER")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option_function<std::string>(
         "--mail-from",
         [&o](const std::string& v) { o.mail_from = checked_text("--mail-from", v); },
         "SMTP: the sender address (MAIL FROM) for 'inet put smtp://'")
      ->type_name("ADDRESS");
  app.add_option_function<std::string>(
         "--mail-auth",
         [&o](const std::string& v) { o.mail_auth = checked_text("--mail-auth", v); },
         "SMTP: the authorized submitter, MAIL FROM ... AUTH=<ADDRESS> after login (RFC 4954)")
      ->type_name("ADDRESS");
  app.add_option_function<std::vector<std::string>>(
         "--mail-rcpt",
         [&o](const std::vector<std::string>& v) {
           for (const auto& r : v) o.mail_rcpt.push_back(checked_text("--mail-rcpt", r));
         },
         "SMTP: a recipient (RCPT TO) for 'inet put smtp://' (repeatable)")
      ->type_name("ADDRESS")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("-I,--head", o.head, "Fetch headers only (HTTP HEAD; FTP file info)");
  app.add_flag("--digest", o.digest, "HTTP Digest authentication (RFC 7616) with -u");
  app.add_option("--max-redirs", o.max_redirs, "With -L: follow at most N redirects (-1 = no limit)")
      ->type_name("N");
  app.add_option_function<std::string>(
         "-d,--data,--data-binary",
         [&o](const std::string& v) {
           if (!v.starts_with('@')) return void(o.data = v);
           std::ifstream f(v.substr(1), std::ios::binary);
           if (!f) bad_value("--data", "cannot read " + shown(v.substr(1)));
           o.data = std::string(std::istreambuf_iterator<char>(f), {});
         },
         "HTTP POST body DATA, or @FILE's bytes as they are")->type_name("DATA");
  app.add_option("-w,--write-out", o.write_out,
                 "After a transfer print FORMAT: %{http_code} %{response_code} %{size_download}")
      ->type_name("FORMAT");
  app.add_flag("--compressed", o.compressed, "Ask for a compressed response and decode it (imap: COMPRESS=DEFLATE, RFC 4978, when offered)");
  app.add_option("--extract", o.extract_dir,
                 "imap ;UID=n / pop3 /n: write each attachment to DIR (safe names, no overwrite)")
      ->type_name("DIR");
  app.add_flag("--parts", o.parts, "imap ;UID=n / pop3 /n: print the MIME part tree");
  app.add_flag("--force", o.force, "--extract: replace existing files");
}

// HTTP cookies (-b/-c) and multipart forms (-F), as curl.
void add_cookie_form_options(CLI::App& app, transfer_options& o) {
  app.add_option_function<std::string>(
         "-b,--cookie",
         [&o](const std::string& v) { o.cookie = checked_text("--cookie", v); },
         "HTTP: send 'NAME=VALUE[; N2=V2]' as Cookie to the first origin, or read cookies from "
         "a Netscape cookie FILE (no '=' in the argument); turns the cookie engine on")
      ->type_name("DATA|FILE");
  app.add_option("-c,--cookie-jar", o.cookie_jar,
                 "HTTP: write all cookies to FILE ('-' = stdout) after the transfers")
      ->type_name("FILE");
  app.add_option_function<std::vector<std::string>>(
         "-F,--form",
         [&o](const std::vector<std::string>& v) {
           for (const auto& f : v) o.form.push_back(checked_text("--form", f));
         },
         "HTTP multipart/form-data POST field: name=value, name=@FILE (upload), name=<FILE "
         "(value from file), each with optional ;type=TYPE ;filename=NAME (repeatable)")
      ->type_name("NAME=CONTENT")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void add_ftp_options(CLI::App& app, transfer_options& o) {
  app.add_option_function<std::string>(
         "-P,--ftp-port", [&o](const std::string& v) { o.ftp_port = checked_text("--ftp-port", v); },
         "FTP active mode: listen on ADDR ('-' = the control connection's address; IP[:PORT[-PORT]])")
      ->type_name("ADDR")
      ->trigger_on_parse();  // the last of -P / --ftp-pasv wins
  app.add_flag_callback("--ftp-pasv", [&o] { o.ftp_port.reset(); }, "FTP passive mode (the default)")
      ->trigger_on_parse();
  app.add_flag("--disable-epsv", o.disable_epsv, "FTP: no EPSV, PASV only");
  app.add_option_function<std::string>(
         "--ftp-method",
         [&o](const std::string& v) {
           using m = transfer::options::ftp_method;
           if (v == "multicwd") o.ftp_method = m::multicwd;
           else if (v == "nocwd") o.ftp_method = m::nocwd;
           else if (v == "singlecwd") o.ftp_method = m::singlecwd;
           else bad_value("--ftp-method", "expected multicwd, nocwd or singlecwd, not " + shown(v));
         },
         "FTP: reach the file's directory with one CWD per part (multicwd), none, or one")
      ->type_name("METHOD");
  app.add_flag("--ftp-create-dirs", o.ftp_create_dirs, "FTP: create missing directories (MKD)");
  app.add_option_function<std::vector<std::string>>(
         "-Q,--quote",
         [&o](const std::vector<std::string>& v) {
           for (const auto& q : v) o.quote.push_back(checked_text("--quote", q));
         },
         "FTP: send CMD before the transfer ('+CMD' after the CWDs, '-CMD' after; '*' ignores failure)")
      ->type_name("CMD")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// One CLI11 app bound to `o`; used both to parse and to render `inet help get|put`.
void configure(CLI::App& app, transfer_options& o) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_help_flag("-h,--help", "Show this help");
  app.allow_extras(true);
  add_credential_options(app, o);
  add_tls_options(app, o);
  add_output_options(app, o);
  add_limit_options(app, o);
  add_request_options(app, o);
  add_http_options(app, o);
  add_cookie_form_options(app, o);
  add_ftp_options(app, o);
  app.add_option("URL", o.urls, "URLs to transfer (scheme guessed from the host if absent)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

transfer_options parse_group(const std::vector<std::string>& args) {
  transfer_options o;
  CLI::App app;
  configure(app, o);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    throw option_error(e.what());
  }
  for (const auto& extra : app.remaining()) {
    if (extra.size() > 1 && extra[0] == '-') throw option_error("option " + extra + ": is unknown");
    o.urls.push_back(extra);
  }
  return o;
}

}  // namespace

std::vector<std::vector<std::string>> split_next_groups(const std::vector<std::string>& args) {
  std::vector<std::vector<std::string>> groups(1);
  for (const auto& a : args) {
    if (a == "--next" || a == "-:") groups.emplace_back();
    else groups.back().push_back(a);
  }
  return groups;
}

std::vector<transfer_options> parse_transfer_args(const std::vector<std::string>& args,
                                                  direction d) {
  std::vector<transfer_options> out;
  for (const auto& group : split_next_groups(args)) out.push_back(parse_group(group));
  int verbosity = 0;
  bool silent = false, show_error = false, bar = false, no_meter = false;
  for (const auto& o : out) {
    verbosity = std::max(verbosity, o.verbosity);
    silent = silent || o.silent;
    show_error = show_error || o.show_error;
    bar = bar || o.progress_bar;
    no_meter = no_meter || o.no_progress_meter;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto& o = out[i];
    o.verbosity = verbosity;
    o.silent = silent;
    o.show_error = show_error;
    o.progress_bar = bar;
    o.no_progress_meter = no_meter;
    if (o.urls.empty()) {
      throw option_error(out.size() == 1 ? std::string("no URL specified")
                                         : "no URL specified in --next group " +
                                               std::to_string(i + 1));
    }
    if (d == direction::get && o.upload_file) {
      throw option_error("option --upload-file: uploads use 'inet put'");
    }
    if (d == direction::put && !o.upload_file) o.upload_file = "-";
    if (!o.form.empty() && (o.data || o.head))  // curl: "only select one HTTP request method"
      throw option_error("option --form: cannot be combined with --data or --head");
  }
  return out;
}

std::uint64_t parse_size(std::string_view text, std::string_view option) {
  std::string_view digits = text;
  std::uint64_t scale = 1;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'k': case 'K': scale = 1ull << 10; break;
      case 'm': case 'M': scale = 1ull << 20; break;
      case 'g': case 'G': scale = 1ull << 30; break;
      default: break;
    }
    if (scale != 1) digits.remove_suffix(1);
  }
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc{} || p != digits.data() + digits.size()) {
    bad_value(option, "expected a size like 100, 200K, 3M or 1G, not " + shown(text));
  }
  if (n > std::numeric_limits<std::uint64_t>::max() / scale) {
    bad_value(option, "size " + shown(text) + " is too large");
  }
  return n * scale;
}

std::chrono::milliseconds parse_seconds(std::string_view text, std::string_view option) {
  bool ok = !text.empty() && text.find_first_not_of("0123456789.") == std::string_view::npos &&
            std::count(text.begin(), text.end(), '.') <= 1 && text != ".";
  double v = 0;
  if (ok) {
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    ok = ec == std::errc{} && p == text.data() + text.size() && std::isfinite(v) && v >= 0 &&
         v <= 2147483648.0;
  }
  if (!ok) bad_value(option, "expected seconds like 10 or 2.5, not " + shown(text));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(v * 1000.0)));
}

proxy_spec parse_proxy(std::string_view text) {
  proxy_spec p;
  std::string_view rest = text;
  if (auto sep = rest.find("://"); sep != std::string_view::npos) {
    std::string s(rest.substr(0, sep));
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "http") p.type = proxy_spec::kind::http;
    else if (s == "socks5") p.type = proxy_spec::kind::socks5;
    else if (s == "socks5h") p.type = proxy_spec::kind::socks5h;
    else bad_value("--proxy", "unsupported proxy scheme " + shown(s) + " (http, socks5, socks5h)");
    rest = rest.substr(sep + 3);
  }
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#") != std::string_view::npos) {
    bad_value("--proxy", "expected [scheme://][user:pass@]host[:port], not " + shown(text));
  }
  url::parsed_url u;
  try {
    u = url::parse("http://" + std::string(rest));
  } catch (const std::system_error& e) {
    std::string why = e.what();
    if (auto cut = why.rfind(": " + e.code().message()); cut != std::string::npos) why.resize(cut);
    bad_value("--proxy", why);
  }
  p.host = u.host;
  if (u.port_explicit) p.port = u.port;
  p.user = u.user;
  p.password = u.password;
  return p;
}

std::string command_help(direction d) {
  transfer_options o;
  const bool get = d == direction::get;
  CLI::App app(get ? "Download each URL (curl-compatible options)."
                   : "Upload -T FILE (default: stdin) to each URL (curl-compatible options).",
               get ? "inet get" : "inet put");
  configure(app, o);
  std::string footer(footer_common);
  auto schemes = supported_schemes();
  footer += "\nURL schemes with a handler in this build:";
  if (schemes.empty()) footer += " none yet (no protocol handler is registered)";
  for (auto s : schemes) {
    if (find_handler(d, s)) footer += " " + std::string(url::to_string(s));
  }
  app.footer(footer + "\n");
  return app.help();
}

std::vector<option_doc> transfer_option_docs() {
  transfer_options o;
  CLI::App app;
  configure(app, o);
  std::vector<option_doc> out;
  for (const CLI::Option* opt : app.get_options()) {
    option_doc d;
    for (const auto& s : opt->get_snames()) d.names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) d.names.push_back("--" + l);
    if (d.names.empty()) continue;  // the URL positional
    if (opt->get_items_expected_max() > 0) d.value = opt->get_type_name();
    d.description = opt->get_description();
    out.push_back(std::move(d));
  }
  return out;
}

tls_mode transfer_options::effective_tls(bool password_will_be_sent) const {
  if (tls) return *tls;
  return password_will_be_sent ? tls_mode::required : tls_mode::opportunistic;
}

credentials resolve_credentials(const transfer_options& o, const url::parsed_url& u) {
  transfer::options t;
  t.user = o.user;
  t.password = o.password;
  t.netrc = o.netrc;
  t.netrc_optional = o.netrc_optional;
  t.netrc_file = o.netrc_file;
  return transfer::resolve_credentials(t, u);
}

transfer::options library_options(const transfer_options& o, const url::parsed_url& u) {
  transfer::options t;
  t.user = o.user;
  t.password = o.password;
  t.netrc = o.netrc;
  t.netrc_optional = o.netrc_optional;
  t.netrc_file = o.netrc_file;
  t.login_options = o.login_options;
  t.oauth2_bearer = o.oauth2_bearer;
  t.cacert = o.cacert;
  t.capath = o.capath;
  t.insecure = o.insecure;
  t.tls = o.tls;
  t.proxy = o.proxy;
  if (!t.proxy) {
    if (auto text = transfer::proxy_from_environment(u)) t.proxy = parse_proxy(*text);
  }
  t.connect_timeout = o.connect_timeout;
  t.max_time = o.max_time;
  t.max_filesize = o.max_filesize;
  t.limit_rate = o.limit_rate;
  t.custom_request = o.request;
  t.list_only = o.list_only;
  t.no_body = o.head;
  t.compressed = o.compressed;
  if (o.upload_file && *o.upload_file != "-") t.upload_name = *o.upload_file;
  t.mail_from = o.mail_from;
  t.mail_rcpt = o.mail_rcpt;
  t.mail_auth = o.mail_auth;
  t.http_headers = o.headers;
  t.http_data = o.data;
  t.follow_location = o.follow_location;
  t.max_redirs = o.max_redirs < 0 ? INT32_MAX : o.max_redirs;
  t.fail_on_http_error = o.fail;
  t.include_headers = o.include;
  t.http_digest = o.digest;
  t.http_form = o.form;  // -b/-c: the jar is the group's (library_handlers.cc)
  if (o.cookie && o.cookie->find('=') != std::string::npos)
    t.http_headers.push_back("Cookie: " + *o.cookie);
  t.trace = o.verbosity > 0;
  t.resume_from = o.resume_from;
  t.resume_auto = o.resume_auto;
  t.ftp_port = o.ftp_port;
  t.ftp_epsv = !o.disable_epsv;
  t.ftp_cwd = o.ftp_method;
  t.ftp_create_dirs = o.ftp_create_dirs;
  t.quote = o.quote;
  apply_http_options(o, u, t);
  return t;
}

}  // namespace inet::cli
