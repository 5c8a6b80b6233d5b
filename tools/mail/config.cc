#include "tools/mail/config.hpp"

#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace inet::mail {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Splits "key rest" and unquotes `rest` (msmtp semantics, see config.hpp).
struct parsed_line {
  std::string key;
  std::string arg;
  bool empty = true;
};

parsed_line split_line(std::string_view line) {
  parsed_line out;
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i == line.size() || line[i] == '#' || line[i] == '\r') return out;
  const std::size_t key_start = i;
  while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '#' &&
         line[i] != '\r')
    ++i;
  out.key = std::string(line.substr(key_start, i - key_start));
  out.empty = false;
  std::string arg;
  bool quoted = false, any_quote = false;
  std::size_t keep = 0;  // length of arg up to the last quoted or non-blank character
  for (; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
        arg.push_back(line[++i]);
      } else if (c == '"') {
        quoted = false;
      } else {
        arg.push_back(c);
      }
      keep = arg.size();
      continue;
    }
    if (c == '#') break;
    if (c == '"') {
      quoted = any_quote = true;
      continue;
    }
    if (arg.empty() && !any_quote && (c == ' ' || c == '\t')) continue;  // leading blanks
    arg.push_back(c);
    if (c != ' ' && c != '\t' && c != '\r') keep = arg.size();
  }
  if (quoted) throw std::invalid_argument("unterminated double quote");
  arg.resize(keep);
  out.arg = std::move(arg);
  return out;
}

std::string expand_tilde(const std::string& value, const std::string& home) {
  if (home.empty() || value.empty() || value[0] != '~') return value;
  if (value.size() == 1 || value[1] == '/') return home + value.substr(1);
  return value;  // ~user is not expanded
}

void require_arg(const std::string& key, const std::string& arg) {
  if (arg.empty()) throw std::invalid_argument("'" + key + "' needs an argument");
}

std::string parse_dsn_notify(const std::string& v) {
  const std::string l = lower(v);
  if (l == "off" || l == "never") return l;
  std::stringstream ss(l);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item != "success" && item != "failure" && item != "delay")
      throw std::invalid_argument("dsn_notify: expected off, never or a comma list of success, "
                                  "failure, delay; got '" + v + "'");
  }
  return l;
}

std::string parse_dsn_return(const std::string& v) {
  const std::string l = lower(v);
  if (l != "off" && l != "headers" && l != "full")
    throw std::invalid_argument("dsn_return: expected off, headers or full; got '" + v + "'");
  return l;
}

// msmtp keys accepted for compatibility that have no effect here.
const std::set<std::string, std::less<>>& ignored_keys() {
  static const std::set<std::string, std::less<>> keys = {
      "auto_from", "maildomain", "tls_crl_file", "tls_priorities", "tls_min_dh_prime_bits",
      "source_ip", "ntlmdomain", "eval", "passwordeval_timeout", "tls_trust_file_system"};
  return keys;
}

// The oauth2_* keys (inet extension); returns false if `key` is not one of them.
bool apply_oauth2_key(account_settings& a, const std::string& key, const std::string& arg,
                      const std::string& home) {
  const auto set = [&](std::optional<std::string>& field) {
    require_arg(key, arg);
    field = arg;
  };
  if (key == "oauth2_token_endpoint") set(a.oauth2_token_endpoint);
  else if (key == "oauth2_client_id") set(a.oauth2_client_id);
  else if (key == "oauth2_client_secret") set(a.oauth2_client_secret);
  else if (key == "oauth2_client_secret_eval") set(a.oauth2_client_secret_eval);
  else if (key == "oauth2_refresh_token") set(a.oauth2_refresh_token);
  else if (key == "oauth2_refresh_token_eval") set(a.oauth2_refresh_token_eval);
  else if (key == "oauth2_scope") set(a.oauth2_scope);
  else if (key == "oauth2_tls_trust_file")
    a.oauth2_tls_trust_file = (arg == "system") ? std::string() : expand_tilde(arg, home);
  else return false;
  return true;
}

// The logging, aliases and header keys of msmtp; returns false if `key` is not one of them.
bool apply_msmtp_key(account_settings& a, const std::string& key, const std::string& arg,
                     const std::string& home) {
  const auto on_or = [&](std::optional<bool>& field) {
    field = arg.empty() ? true : parse_on_off(arg);
  };
  if (key == "tls_fingerprint") a.tls_fingerprint = parse_fingerprint(arg);
  else if (key == "logfile") a.logfile = arg == "-" ? arg : expand_tilde(arg, home);
  else if (key == "logfile_time_format") a.logfile_time_format = arg;
  else if (key == "syslog") a.syslog = parse_syslog(arg.empty() ? "on" : arg);
  else if (key == "aliases") a.aliases = expand_tilde(arg, home);
  else if (key == "undisclosed_recipients") on_or(a.undisclosed_recipients);
  else if (key == "remove_bcc_headers") on_or(a.remove_bcc_headers);
  else if (key == "allow_from_override") on_or(a.allow_from_override);
  else if (key == "from_full_name") a.from_full_name = arg;
  else if (key == "set_from_header") a.set_from_header = parse_header_mode(arg.empty() ? "on" : arg, true);
  else if (key == "set_date_header") require_arg(key, arg), a.set_date_header = parse_header_mode(arg, false);
  else if (key == "set_msgid_header") require_arg(key, arg), a.set_msgid_header = parse_header_mode(arg, false);
  else if (key == "add_missing_from_header")
    a.set_from_header = (arg.empty() || parse_on_off(arg)) ? "auto" : "off";
  else if (key == "add_missing_date_header")
    a.set_date_header = (arg.empty() || parse_on_off(arg)) ? "auto" : "off";
  else return false;
  return true;
}

// Applies one key; returns false if the key is unknown.
bool apply_key(account_settings& a, const std::string& key, const std::string& arg,
               const std::string& home) {
  const auto on_or = [&](std::optional<bool>& field) {
    field = arg.empty() ? true : parse_on_off(arg);
  };
  if (key == "host") require_arg(key, arg), a.host = arg;
  else if (key == "port") a.port = parse_port(arg);
  else if (key == "from") a.from = arg;
  else if (key == "auth") a.auth = arg.empty() ? "on" : parse_auth(arg);
  else if (key == "user") a.user = arg;
  else if (key == "password") a.password = arg;
  else if (key == "passwordeval") a.passwordeval = arg;
  else if (key == "tls") on_or(a.tls);
  else if (key == "tls_starttls") on_or(a.tls_starttls);
  else if (key == "tls_certcheck") on_or(a.tls_certcheck);
  else if (key == "tls_trust_file")
    a.tls_trust_file = (arg == "system") ? std::string() : expand_tilde(arg, home);
  else if (key == "tls_cert_file") a.tls_cert_file = expand_tilde(arg, home);
  else if (key == "tls_key_file") a.tls_key_file = expand_tilde(arg, home);
  else if (key == "tls_host_override") a.tls_host_override = arg;
  else if (key == "domain") a.domain = arg;
  else if (key == "timeout") a.timeout = parse_timeout(arg);
  else if (key == "queue") a.queue = expand_tilde(arg, home);
  else if (key == "dsn_notify") a.dsn_notify = parse_dsn_notify(arg);
  else if (key == "dsn_return") a.dsn_return = parse_dsn_return(arg);
  else if (key == "proxy_host") a.proxy_host = arg;
  else if (key == "proxy_port") a.proxy_port = parse_port(arg);
  else return apply_oauth2_key(a, key, arg, home) || apply_msmtp_key(a, key, arg, home);
  return true;
}

class parser {
 public:
  parser(std::string path, std::string home) : home_(std::move(home)) {
    cfg_.path = std::move(path);
  }

  config run(std::string_view text) {
    std::size_t line_no = 0;
    while (!text.empty()) {
      const std::size_t nl = text.find('\n');
      const std::string_view line = text.substr(0, nl);
      text = (nl == std::string_view::npos) ? std::string_view() : text.substr(nl + 1);
      ++line_no;
      try {
        handle(line, line_no);
      } catch (const std::invalid_argument& e) {
        throw config_error(cfg_.path + ":" + std::to_string(line_no) + ": " + e.what());
      }
    }
    finish();
    return std::move(cfg_);
  }

 private:
  void handle(std::string_view line, std::size_t line_no) {
    if (line.find('\0') != std::string_view::npos)
      throw std::invalid_argument("NUL byte in line");
    parsed_line p = split_line(line);
    if (p.empty) return;
    if (p.key == "defaults") {
      if (!p.arg.empty()) throw std::invalid_argument("'defaults' takes no argument");
      finish();
      in_defaults_ = true;
      return;
    }
    if (p.key == "account") return start_account(p.arg);
    account_settings& target = in_defaults_ ? cfg_.defaults : current_;
    if (p.key == "protocol") {
      target.protocol = parse_protocol(p.arg);
      return;
    }
    if (apply_key(target, p.key, p.arg, home_)) {
      if (p.key == "password" || p.key == "oauth2_client_secret" ||
          p.key == "oauth2_refresh_token")
        cfg_.has_password = true;
      return;
    }
    if (ignored_keys().count(p.key)) {
      cfg_.warnings.push_back(cfg_.path + ":" + std::to_string(line_no) + ": ignoring msmtp key '" +
                              p.key + "' (not supported by inet mail)");
      return;
    }
    throw std::invalid_argument("unknown key '" + p.key + "'");
  }

  void start_account(const std::string& arg) {
    finish();
    const std::size_t colon = arg.find(':');
    const std::string name(trim(std::string_view(arg).substr(0, colon)));
    if (name.empty()) throw std::invalid_argument("'account' needs a name");
    if (name.find_first_of(" \t,") != std::string::npos)
      throw std::invalid_argument("invalid account name '" + name + "'");
    if (cfg_.accounts.count(name))
      throw std::invalid_argument("account '" + name + "' is defined twice");
    current_ = cfg_.defaults;
    if (colon != std::string::npos) {
      std::stringstream parents{std::string(std::string_view(arg).substr(colon + 1))};
      std::string parent;
      bool any = false;
      while (std::getline(parents, parent, ',')) {
        const std::string p(trim(parent));
        if (p.empty()) continue;
        const auto it = cfg_.accounts.find(p);
        if (it == cfg_.accounts.end())
          throw std::invalid_argument("account '" + p + "' (inherited by '" + name +
                                      "') is not defined above");
        current_.overlay(it->second);
        any = true;
      }
      if (!any) throw std::invalid_argument("'account " + name + " :' lists no account");
    }
    current_name_ = name;
    in_defaults_ = false;
  }

  void finish() {
    if (!current_name_.empty()) {
      cfg_.accounts[current_name_] = current_;
      cfg_.account_order.push_back(current_name_);
    }
    current_name_.clear();
  }

  config cfg_;
  std::string home_;
  account_settings current_;
  std::string current_name_;
  bool in_defaults_ = true;
};

}  // namespace

void account_settings::overlay(const account_settings& o) {
  const auto over = [](auto& mine, const auto& theirs) {
    if (theirs) mine = theirs;
  };
  over(protocol, o.protocol), over(host, o.host), over(port, o.port), over(from, o.from), over(auth, o.auth);
  over(user, o.user), over(password, o.password), over(passwordeval, o.passwordeval);
  over(tls, o.tls), over(tls_starttls, o.tls_starttls), over(tls_trust_file, o.tls_trust_file);
  over(tls_certcheck, o.tls_certcheck), over(tls_cert_file, o.tls_cert_file);
  over(tls_key_file, o.tls_key_file), over(tls_host_override, o.tls_host_override);
  over(domain, o.domain), over(timeout, o.timeout), over(queue, o.queue);
  over(dsn_notify, o.dsn_notify), over(dsn_return, o.dsn_return);
  over(proxy_host, o.proxy_host), over(proxy_port, o.proxy_port);
  over(oauth2_token_endpoint, o.oauth2_token_endpoint), over(oauth2_client_id, o.oauth2_client_id);
  over(oauth2_client_secret, o.oauth2_client_secret);
  over(oauth2_client_secret_eval, o.oauth2_client_secret_eval);
  over(oauth2_refresh_token, o.oauth2_refresh_token);
  over(oauth2_refresh_token_eval, o.oauth2_refresh_token_eval);
  over(oauth2_scope, o.oauth2_scope), over(oauth2_tls_trust_file, o.oauth2_tls_trust_file);
  over(tls_fingerprint, o.tls_fingerprint), over(logfile, o.logfile);
  over(logfile_time_format, o.logfile_time_format), over(syslog, o.syslog);
  over(aliases, o.aliases), over(undisclosed_recipients, o.undisclosed_recipients);
  over(remove_bcc_headers, o.remove_bcc_headers), over(set_from_header, o.set_from_header);
  over(set_date_header, o.set_date_header), over(set_msgid_header, o.set_msgid_header);
  over(allow_from_override, o.allow_from_override), over(from_full_name, o.from_full_name);
}

bool parse_on_off(std::string_view value) {
  const std::string l = lower(value);
  if (l == "on") return true;
  if (l == "off") return false;
  throw std::invalid_argument("expected 'on' or 'off', got '" + std::string(value) + "'");
}

namespace {
long parse_number(std::string_view value, long lo, long hi, const char* what) {
  long n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || n < lo ||
      n > hi)
    throw std::invalid_argument(std::string(what) + ": expected a number from " +
                                std::to_string(lo) + " to " + std::to_string(hi) + ", got '" +
                                std::string(value) + "'");
  return n;
}
}  // namespace

std::uint16_t parse_port(std::string_view value) {
  return static_cast<std::uint16_t>(parse_number(value, 1, 65535, "port"));
}

std::chrono::seconds parse_timeout(std::string_view value) {
  if (lower(value) == "off") return std::chrono::seconds(0);
  return std::chrono::seconds(parse_number(value, 0, 86400, "timeout (seconds or off)"));
}

std::string parse_auth(std::string_view value) {
  static const std::array<const char*, 9> allowed = {
      "on", "off", "plain", "login", "cram-md5", "scram-sha-1", "scram-sha-256", "xoauth2",
      "oauthbearer"};
  const std::string l = lower(value);
  for (const char* a : allowed)
    if (l == a) return l;
  throw std::invalid_argument("auth: expected on, off, plain, login, cram-md5, scram-sha-1, "
                              "scram-sha-256, xoauth2 or oauthbearer; got '" +
                              std::string(value) + "'");
}

std::string parse_fingerprint(std::string_view value) {
  std::size_t digits = 0;
  for (const char c : value) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      throw std::invalid_argument("tls_fingerprint: expected hex digits (colons optional), got '" +
                                  std::string(value) + "'");
    ++digits;
  }
  if (digits == 32)
    throw std::invalid_argument(
        "tls_fingerprint: MD5 fingerprints are not accepted (MD5 is broken); use the SHA-256 "
        "fingerprint (openssl x509 -noout -fingerprint -sha256 -in CERT)");
  if (!value.empty() && digits != 64 && digits != 40)
    throw std::invalid_argument("tls_fingerprint: expected a SHA-256 (64 hex digits) or SHA-1 "
                                "(40) fingerprint, got " + std::to_string(digits) + " digits");
  return std::string(value);
}

std::string parse_protocol(std::string_view value) {
  std::string l(value);
  for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l != "smtp" && l != "lmtp")
    throw std::invalid_argument("protocol '" + std::string(value) + "': expected smtp or lmtp");
  return l;
}

std::string parse_syslog(std::string_view value) {
  static const std::array<const char*, 10> facilities = {
      "LOG_USER", "LOG_MAIL", "LOG_LOCAL0", "LOG_LOCAL1", "LOG_LOCAL2",
      "LOG_LOCAL3", "LOG_LOCAL4", "LOG_LOCAL5", "LOG_LOCAL6", "LOG_LOCAL7"};
  const std::string l = lower(value);
  if (l == "on") return "LOG_USER";
  if (l == "off" || l.empty()) return "";
  for (const char* f : facilities)
    if (l == lower(f)) return f;
  throw std::invalid_argument("syslog: expected on, off or a facility (LOG_USER, LOG_MAIL, "
                              "LOG_LOCAL0 ... LOG_LOCAL7), got '" + std::string(value) + "'");
}

std::string parse_header_mode(std::string_view value, bool with_on) {
  const std::string l = lower(value);
  if (l == "auto" || l == "off" || (with_on && l == "on")) return l;
  throw std::invalid_argument(std::string("expected ") + (with_on ? "auto, on or off" : "auto or off") +
                              ", got '" + std::string(value) + "'");
}

config parse_config(std::string_view text, const std::string& path, const std::string& home) {
  return parser(path, home).run(text);
}

config load_config(const std::filesystem::path& file, const std::string& home, bool user_file) {
  const std::string name = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw config_error(name + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > 1024 * 1024) throw config_error(name + ": larger than 1 MiB");
  config cfg = parse_config(text.str(), name, home);
  if (cfg.has_password && user_file) {
    struct stat st {};
    if (::stat(name.c_str(), &st) != 0)
      throw config_error(name + ": cannot stat: " + std::strerror(errno));
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0 || st.st_uid != ::geteuid())
      throw config_error(name + ": contains a password and therefore must be owned by you and "
                         "must not have more than user permissions (chmod 600 " + name + ")");
  }
  return cfg;
}

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::optional<std::filesystem::path> find_config_file(const env_fn& env,
                                                      const std::filesystem::path& system_file) {
  const std::string home = env("HOME").value_or("");
  std::vector<std::filesystem::path> candidates;
  const std::string xdg = env("XDG_CONFIG_HOME").value_or("");
  std::optional<std::filesystem::path> config_home;
  if (!xdg.empty()) config_home = xdg;
  else if (!home.empty()) config_home = std::filesystem::path(home) / ".config";
  if (config_home) candidates.push_back(*config_home / "inet" / "mailrc");
  if (!home.empty()) candidates.push_back(std::filesystem::path(home) / ".msmtprc");
  if (config_home) candidates.push_back(*config_home / "msmtp" / "config");
  if (!system_file.empty()) candidates.push_back(system_file);
  for (const auto& c : candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(c, ec)) return c;
  }
  return std::nullopt;
}

bool from_matches(std::string_view from, std::string_view sender) {
  if (from.empty() || sender.empty()) return false;
  return ::fnmatch(std::string(from).c_str(), std::string(sender).c_str(), FNM_CASEFOLD) == 0;
}

std::optional<std::string> account_for_sender(const config& cfg, std::string_view sender) {
  for (const auto& name : cfg.account_order) {
    const auto it = cfg.accounts.find(name);
    if (it != cfg.accounts.end() && it->second.from && from_matches(*it->second.from, sender))
      return name;
  }
  return std::nullopt;
}

account_settings select_account(const config& cfg, const std::string& name) {
  if (name.empty()) {
    const auto it = cfg.accounts.find("default");
    return it == cfg.accounts.end() ? cfg.defaults : it->second;
  }
  const auto it = cfg.accounts.find(name);
  if (it == cfg.accounts.end())
    throw config_error((cfg.path.empty() ? std::string("configuration") : cfg.path) +
                       ": account '" + name + "' not found");
  return it->second;
}

}  // namespace inet::mail
