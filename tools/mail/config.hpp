// msmtp-compatible configuration for `inet mail` (the msmtprc format, see msmtp(1)
// "CONFIGURATION FILES"), so an existing ~/.msmtprc works unchanged.
//
//   # comment                       (a '#' outside double quotes starts a comment)
//   defaults                         (settings below apply to every account defined later)
//   tls on
//   account work                     (starts from the current defaults)
//   host smtp.example.org
//   passwordeval "pass show mail | head -n1"
//   account other : work, extra      (defaults, then work's settings, then extra's, then its own)
//   account default : work           (the account used without -a)
//
// Each line is `key argument`; the argument is the rest of the line with double-quoted parts
// unquoted (inside quotes `\"` and `\\` are escapes, '#' is literal). `auth`, `tls`,
// `tls_starttls` and `tls_certcheck` without an argument mean "on". File-name arguments starting
// with `~` get $HOME.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace inet::mail {

/// The settings of one account. Every field is optional so that defaults, parent accounts and
/// command-line options can be layered with overlay(): an unset field inherits.
struct account_settings {
  std::optional<std::string> protocol;         ///< "smtp" or "lmtp" (RFC 2033; default port 2003)
  std::optional<std::string> host;
  std::optional<std::uint16_t> port;
  std::optional<std::string> from;             ///< envelope sender (addr-spec)
  std::optional<std::string> auth;             ///< "on", "off" or a mechanism in lower case
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> passwordeval;     ///< shell command; first stdout line
  std::optional<bool> tls;
  std::optional<bool> tls_starttls;
  std::optional<std::string> tls_trust_file;   ///< "" = system store ("system" in the file)
  std::optional<bool> tls_certcheck;
  std::optional<std::string> tls_cert_file;
  std::optional<std::string> tls_key_file;
  std::optional<std::string> tls_host_override;///< name checked in the certificate / SNI
  std::optional<std::string> domain;           ///< EHLO name
  /// Whole-send bound; zero means "off" (no overall bound).
  std::optional<std::chrono::seconds> timeout;
  std::optional<std::string> queue;            ///< queue directory (inet extension)
  std::optional<std::string> dsn_notify;       ///< "off" or comma list (RFC 3461 NOTIFY)
  std::optional<std::string> dsn_return;       ///< "off", "headers" or "full" (RFC 3461 RET)
  std::optional<std::string> proxy_host;       ///< SOCKS5 proxy
  std::optional<std::uint16_t> proxy_port;
  // OAuth2 refresh flow (inet extension; RFC 6749 §6): with auth xoauth2/oauthbearer, the
  // access token is fetched from the token endpoint with the refresh token.
  std::optional<std::string> oauth2_token_endpoint;     ///< https:// URL of the token endpoint
  std::optional<std::string> oauth2_client_id;
  std::optional<std::string> oauth2_client_secret;      ///< secret: file must be chmod 600
  std::optional<std::string> oauth2_client_secret_eval; ///< shell command; first stdout line
  std::optional<std::string> oauth2_refresh_token;      ///< secret: file must be chmod 600
  std::optional<std::string> oauth2_refresh_token_eval; ///< shell command; first stdout line
  std::optional<std::string> oauth2_scope;              ///< sent only if set
  std::optional<std::string> oauth2_tls_trust_file;     ///< CA file for the endpoint ("" system)

  /// SHA-256 (64 hex digits) or SHA-1 (40) fingerprint of the one server certificate to accept,
  /// colons optional; "" = none. Replaces chain and host-name checks (msmtp tls_fingerprint).
  std::optional<std::string> tls_fingerprint;
  // Logging (msmtp): one line per message.
  std::optional<std::string> logfile;              ///< "" = off, "-" = standard output
  std::optional<std::string> logfile_time_format;  ///< strftime(3) format; "" = "%b %d %H:%M:%S"
  std::optional<std::string> syslog;               ///< "" = off, else a facility "LOG_MAIL"...
  std::optional<std::string> aliases;              ///< aliases file; "" = none
  // Headers of the message (msmtp).
  std::optional<bool> undisclosed_recipients;      ///< To/Cc/Bcc -> "To: undisclosed-recipients:;"
  std::optional<bool> remove_bcc_headers;          ///< default on
  std::optional<std::string> set_from_header;      ///< "auto" (default), "on" or "off"
  std::optional<std::string> set_date_header;      ///< "auto" (default) or "off"
  std::optional<std::string> set_msgid_header;     ///< "auto" (default) or "off"
  std::optional<bool> allow_from_override;         ///< -f may replace `from` (default on)
  std::optional<std::string> from_full_name;       ///< display name of an added From header

  /// Copies every field that is set in `other` over this one.
  void overlay(const account_settings& other);
  /// True if a password is stored inline (not passwordeval).
  bool has_inline_password() const noexcept { return password.has_value(); }
};

/// A parse or load failure. what() is "FILE:LINE: reason" (or "FILE: reason").
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A parsed configuration file.
struct config {
  std::string path;                                  ///< as given to the parser (for messages)
  account_settings defaults;                         ///< the last `defaults` section's values
  std::map<std::string, account_settings> accounts;  ///< by name, including "default"
  std::vector<std::string> account_order;            ///< account names in file order
  std::vector<std::string> warnings;                 ///< "FILE:LINE: ignoring msmtp key 'maildomain'"
  /// some section sets `password`, `oauth2_client_secret` or `oauth2_refresh_token`
  bool has_password = false;
};

/// Parses config text. `path` is used in messages, `home` for `~` expansion (empty: no
/// expansion). Throws config_error "path:LINE: ..." for: unknown keys ("unknown key 'hots'"),
/// a key before any section is fine (it goes to the defaults), missing arguments, bad on/off
/// values, ports outside 1..65535, bad timeouts, unknown auth methods, unterminated quotes,
/// an undefined parent account, duplicate account names, and msmtp features that change
/// behaviour and are not supported, an MD5 tls_fingerprint. msmtp keys
/// without an effect here (auto_from, maildomain, tls_crl_file, ...) are accepted with a
/// warning. The deprecated add_missing_from_header / add_missing_date_header on|off set
/// set_from_header / set_date_header to auto|off.
config parse_config(std::string_view text, const std::string& path, const std::string& home);

/// Reads and parses `file`. Like msmtp, a file that contains a `password` (or an
/// `oauth2_client_secret` / `oauth2_refresh_token`) must be owned by the user and have no
/// group/other permissions: otherwise throws config_error "FILE: contains a password and
/// therefore must not have more than user permissions (chmod 600 FILE)". Throws config_error "FILE: cannot read: <strerror>" if it cannot be read.
/// `user_file` false (the system file, /etc/msmtprc): no ownership check, as msmtp.
config load_config(const std::filesystem::path& file, const std::string& home,
                   bool user_file = true);

/// Environment lookup (getenv-like: nullopt when unset); injectable for tests.
using env_fn = std::function<std::optional<std::string>(const std::string&)>;
/// getenv.
std::optional<std::string> process_env(const std::string& name);

/// The configuration file to use when --config is not given, the first that exists of:
/// $XDG_CONFIG_HOME/inet/mailrc (XDG_CONFIG_HOME unset or empty: $HOME/.config/inet/mailrc),
/// $HOME/.msmtprc, $XDG_CONFIG_HOME/msmtp/config ($HOME/.config/msmtp/config) — msmtp's user
/// files in msmtp's order — and `system_file` (msmtp's system file). nullopt if none exists.
std::optional<std::filesystem::path> find_config_file(
    const env_fn& env, const std::filesystem::path& system_file = "/etc/msmtprc");

/// msmtp's account choice by envelope sender (-f/--from, --read-envelope-from, without -a):
/// the first account in file order whose `from` matches `sender` — equal, or a shell wildcard
/// pattern (`*`, `?`, `[...]`, as msmtp 1.8.16+ accepts: "*@example.org") matching it,
/// case-insensitively. nullopt when none matches (the caller then uses the default account).
std::optional<std::string> account_for_sender(const config& cfg, std::string_view sender);

/// True if `from` (an account's `from`, possibly a wildcard pattern) matches `sender`.
bool from_matches(std::string_view from, std::string_view sender);

/// The settings of account `name`; empty name = the account "default" if defined, else the
/// defaults section. Throws config_error "FILE: account 'x' not found" for an unknown name.
account_settings select_account(const config& cfg, const std::string& name);

/// Value parsers shared with the command line. Each throws std::invalid_argument with a
/// message like "expected 'on' or 'off', got 'yes'".
bool parse_on_off(std::string_view value);
std::uint16_t parse_port(std::string_view value);
/// "off" or "0" -> 0 seconds (no bound); else 1..86400 seconds.
std::chrono::seconds parse_timeout(std::string_view value);
/// A certificate fingerprint for tls_fingerprint: 64 (SHA-256) or 40 (SHA-1) hex digits, colons
/// optional; returned unchanged ("" stays "" = none). An MD5 fingerprint (32 digits) is refused
/// ("MD5 ... is not accepted"), as is anything else.
std::string parse_fingerprint(std::string_view value);
/// "on" -> "LOG_USER", "off" or "" -> "", else one of LOG_USER, LOG_MAIL, LOG_LOCAL0..7
/// (case-insensitive; returned in upper case).
std::string parse_syslog(std::string_view value);

/// msmtp's `protocol`: "smtp" or "lmtp" (case-insensitive) in lower case; anything else throws
/// std::invalid_argument.
std::string parse_protocol(std::string_view value);
/// set_from_header: auto, on, off; set_date_header / set_msgid_header (`with_on` false): auto,
/// off. Returned in lower case.
std::string parse_header_mode(std::string_view value, bool with_on);
/// on/off or a mechanism: plain, login, cram-md5, scram-sha-1, scram-sha-256, xoauth2,
/// oauthbearer (case-insensitive); returned in lower case.
std::string parse_auth(std::string_view value);

}  // namespace inet::mail
