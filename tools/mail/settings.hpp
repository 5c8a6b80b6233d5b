// From msmtp-style account settings to SMTP client options: the security rules of `inet mail`.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "protocols/smtp/client.hpp"
#include "tools/mail/config.hpp"

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
  std::string server() const;       ///< "host:port"
};

/// Resolves `s` (file settings with command-line overrides layered on). `tls_off_on_command_line`
/// is true when the user passed --tls=off. Rules:
///  - host is required (setting_error config "no SMTP server: set 'host' ... or pass --host").
///  - tls on + tls_starttls off -> implicit TLS (default port 465); tls on -> STARTTLS with policy
///    required; tls off -> policy none; tls unset -> the client's default (required when
///    credentials are sent, else opportunistic). Default port otherwise 25 (as msmtp).
///  - tls_certcheck off -> tls.dangerous_skip_verification; tls_trust_file -> tls.ca_file;
///    tls_cert_file/tls_key_file -> client certificate; tls_host_override -> tls.server_name.
///  - auth: off -> no AUTH; on or unset -> AUTH when `user` is set; a method forces that SASL
///    mechanism (needs `user`). AUTH needs `password` or `passwordeval`.
///  - Credentials are never sent in clear: with `tls off` from the configuration file and AUTH,
///    resolution fails unless `tls_off_on_command_line` (then cleartext_auth_allowed is set).
///  - domain (EHLO), from and user must not contain CR, LF, NUL (setting_error data); domain no
///    space either; from must be a valid addr-spec (or "" = null sender).
///  - proxy_host -> SOCKS5 with the name resolved by the proxy (default port 1080).
///  - dsn_notify/dsn_return -> RFC 3461 NOTIFY/RET values.
resolved_account resolve_account(const account_settings& s, bool tls_off_on_command_line);

/// Runs a password command (sasl::run_password_command in production).
using command_runner = std::function<std::string(const std::string& command)>;

/// Puts the secret into `r.client`: the inline password, else `run(passwordeval)`; for OAuth2 a
/// static token (inline) or sasl::make_command_token_provider(passwordeval). Sets
/// client.auth_mechanism for a forced method. Throws std::system_error from `run`
/// (sasl::error::command_failed). No-op without AUTH.
void load_secrets(resolved_account& r, const command_runner& run);

/// Sets r.client.connect.time from r.timeout: deadline = now + timeout, connect and idle
/// timeouts at most the timeout. No timeout: the transport's defaults (30 s connect, 60 s idle).
void arm_timeouts(resolved_account& r, std::chrono::steady_clock::time_point now);

}  // namespace inet::mail
