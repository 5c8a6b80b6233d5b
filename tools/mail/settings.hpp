// From msmtp-style account settings to SMTP client options: the security rules of `inet mail`.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "protocols/sasl/oauth2.hpp"
#include "protocols/smtp/client.hpp"
#include "tools/mail/config.hpp"
#include "tools/mail/log.hpp"

namespace inet::mail {

/// A setting combination inet mail refuses (message says which and how to fix it).
/// Exit code: EX_CONFIG, or EX_DATAERR for unsafe values (setting_error::data).
class setting_error : public std::runtime_error {
 public:
  enum class kind { config, data, usage };
  setting_error(kind k, const std::string& what) : std::runtime_error(what), kind_(k) {}
  kind which() const noexcept { return kind_; }

 private:
  kind kind_;
};

/// The OAuth2 refresh flow of an account (oauth2_* keys): where and how to refresh the token.
struct oauth2_refresh_settings {
  std::string token_endpoint, client_id, scope;
  std::string client_secret, client_secret_eval;  ///< inline wins over _eval; both may be empty
  std::string refresh_token, refresh_token_eval;  ///< inline wins over _eval; one is set
  std::string tls_trust_file;                     ///< CA file for the endpoint; "" = system
};

/// Thrown when the OAuth2 token endpoint cannot be used (transport, TLS, HTTP status): keeps
/// the underlying code (exit status and queueing follow it), what() names the endpoint.
class token_endpoint_error : public std::system_error {
 public:
  using std::system_error::system_error;
};

/// Everything needed to talk to the server, except secrets (see load_secrets).
struct resolved_account {
  smtp::client_options client;      ///< host, port, security, TLS, timeouts, proxy, EHLO name
  std::optional<std::string> from;  ///< envelope sender from `from` / -f ("" = null sender)
  std::optional<std::string> queue; ///< queue directory
  std::string dsn_notify;           ///< RCPT NOTIFY= value ("" = none), e.g. "FAILURE,DELAY"
  std::string dsn_ret;              ///< MAIL RET= value ("" = none): "HDRS" or "FULL"
  std::optional<std::chrono::seconds> timeout;  ///< whole-send bound (none = unbounded)
  bool wants_auth = false;          ///< credentials will be sent
  bool oauth = false;               ///< xoauth2/oauthbearer: the secret is a bearer token
  std::string password;             ///< inline `password`
  std::string passwordeval;         ///< command producing the password/token
  bool cleartext_auth_allowed = false;  ///< --tls=off given with credentials (warn on stderr)
  /// Set when oauth2_token_endpoint is: the token comes from the refresh flow, not passwords.
  std::optional<oauth2_refresh_settings> oauth2;
  std::string server() const;       ///< "host:port"

  // What happens to the message and how it is logged (msmtp keys; sendmail mode unless noted).
  log_targets log;                  ///< logfile, logfile_time_format, syslog (every send)
  std::string aliases;              ///< aliases file ("" = none)
  bool undisclosed_recipients = false;  ///< also in composing mode
  bool remove_bcc_headers = true;
  std::string set_from_header = "auto";   ///< auto, on, off
  std::string set_date_header = "auto";   ///< auto, off
  std::string set_msgid_header = "auto";  ///< auto, off
  std::string from_full_name;       ///< display name for an added From header (-F wins)
};

/// Resolves `s` (file settings with command-line overrides layered on). `tls_off_on_command_line`
/// is true when the user passed --tls=off. Rules:
///  - host is required (setting_error config "no SMTP server: set 'host' ... or pass --host").
///  - tls on + tls_starttls off -> implicit TLS (default port 465); tls on -> STARTTLS with policy
///    required; tls off -> policy none; tls unset -> the client's default (required when
///    credentials are sent, else opportunistic). Default port otherwise 25 (as msmtp).
///  - tls_certcheck off -> tls.dangerous_skip_verification; tls_trust_file -> tls.ca_file;
///    tls_cert_file/tls_key_file -> client certificate; tls_host_override -> tls.server_name.
///  - tls_fingerprint -> tls.pinned_fingerprint (and verification is not skipped: the pin is
///    checked even with tls_certcheck off); with `tls` unset it makes TLS required. A malformed
///    or MD5 fingerprint is setting_error config.
///  - auth: off -> no AUTH; on or unset -> AUTH when `user` is set; a method forces that SASL
///    mechanism (needs `user`). AUTH needs `password` or `passwordeval`, except:
///  - auth xoauth2|oauthbearer with oauth2_* keys -> the endpoint must be set and be https://
///    (http:// to loopback only), oauth2_client_id and oauth2_refresh_token(_eval) are
///    required (setting_error config otherwise); r.oauth2 is filled and password/passwordeval
///    are not used. With any other auth the oauth2_* keys are ignored.
///  - Credentials are never sent in clear: with `tls off` from the configuration file and AUTH,
///    resolution fails unless `tls_off_on_command_line` (then cleartext_auth_allowed is set).
///  - domain (EHLO), from and user must not contain CR, LF, NUL (setting_error data); domain no
///    space either; from must be a valid addr-spec (or "" = null sender).
///  - proxy_host -> SOCKS5 with the name resolved by the proxy (default port 1080).
///  - dsn_notify/dsn_return -> RFC 3461 NOTIFY/RET values.
///  - logfile, logfile_time_format, syslog, aliases, undisclosed_recipients, remove_bcc_headers,
///    set_{from,date,msgid}_header, from_full_name are copied with their defaults
///    (allow_from_override is applied before, where -f meets the file: see mail_command.cc).
resolved_account resolve_account(const account_settings& s, bool tls_off_on_command_line);

/// Runs a password command (tools::run_password_command in production).
using command_runner = std::function<std::string(const std::string& command)>;

/// POSTs a form to the token endpoint (http::https_post in production).
using token_post_fn = sasl::http_post_fn;

/// The production token_post_fn for `r`: http::https_post with r.oauth2's trust file (system
/// store by default, verification always on), the account's proxy, and `r.timeout` (when set)
/// bounding each exchange. Failures are rethrown as token_endpoint_error with the same code.
token_post_fn make_token_post(const resolved_account& r);

/// Puts the secret into `r.client`: the inline password, else `run(passwordeval)`; for OAuth2 a
/// static token (inline) or tools::make_command_token_provider(passwordeval), or, with
/// r.oauth2, sasl::make_refresh_token_provider over `post` (client secret and refresh token
/// read now, `_eval` commands run through `run`). Throws std::system_error from `run`
/// (sasl::error::command_failed). No-op without AUTH. An empty `post` = make_token_post(r).
void load_secrets(resolved_account& r, const command_runner& run, token_post_fn post = {});

/// Sets r.client.connect.time from r.timeout: deadline = now + timeout, connect and idle
/// timeouts at most the timeout. No timeout: the transport's defaults (30 s connect, 60 s idle).
void arm_timeouts(resolved_account& r, std::chrono::steady_clock::time_point now);

}  // namespace inet::mail
