#include "tools/mail/settings.hpp"

#include <algorithm>
#include <cctype>

#include "protocols/mime/address.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "transport/trace.hpp"

namespace inet::mail {
namespace {

bool has_ctl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 32 || c == 127; });
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

void resolve_tls(const account_settings& s, resolved_account& r) {
  smtp::client_options& c = r.client;
  if (s.tls.value_or(false) && !s.tls_starttls.value_or(true)) {
    c.security = smtp::security::implicit_tls;
  } else {
    c.security = smtp::security::starttls;
    if (s.tls) c.policy = *s.tls ? transport::tls_policy::required : transport::tls_policy::none;
  }
  c.port = s.port.value_or(c.security == smtp::security::implicit_tls ? 465 : 25);
  if (s.tls_trust_file) c.tls.ca_file = *s.tls_trust_file;
  if (s.tls_certcheck == false) c.tls.dangerous_skip_verification = true;
  if (s.tls_cert_file) c.tls.client_cert_file = *s.tls_cert_file;
  if (s.tls_key_file) c.tls.client_key_file = *s.tls_key_file;
  if (c.tls.client_cert_file.empty() != c.tls.client_key_file.empty())
    throw setting_error(setting_error::kind::config,
                        "tls_cert_file and tls_key_file must be given together");
  if (s.tls_host_override) c.tls.server_name = *s.tls_host_override;
}

void resolve_auth(const account_settings& s, bool tls_off_cli, resolved_account& r) {
  const std::string auth = s.auth.value_or("on");
  const std::string user = s.user.value_or("");
  if (auth == "off") return;
  if (user.empty()) {
    if (s.auth && auth != "on")
      throw setting_error(setting_error::kind::config,
                          "auth " + auth + " needs a user name ('user' or --user)");
    if (s.auth)
      throw setting_error(setting_error::kind::config,
                          "auth on needs a user name ('user' or --user)");
    return;
  }
  if (has_ctl(user))
    throw setting_error(setting_error::kind::data, "the user name contains control characters");
  r.wants_auth = true;
  r.oauth = auth == "xoauth2" || auth == "oauthbearer";
  if (auth != "on") r.client.auth_mechanism = upper(auth);
  r.client.credentials.username = user;
  r.password = s.password.value_or("");
  r.passwordeval = s.passwordeval.value_or("");
  if (r.password.empty() && r.passwordeval.empty())
    throw setting_error(setting_error::kind::config,
                        "no password for user '" + user + "': set 'password' or 'passwordeval' "
                        "(or --passwordeval)");
  const bool cleartext = r.client.security == smtp::security::starttls &&
                         r.client.policy == transport::tls_policy::none;
  if (cleartext && !tls_off_cli)
    throw setting_error(setting_error::kind::config,
                        "refusing to send the credentials of '" + user + "' without TLS "
                        "('tls off' in the configuration); pass --tls=off on the command line "
                        "to allow it for this run");
  r.cleartext_auth_allowed = cleartext;
}

std::string dsn_notify_value(const std::optional<std::string>& v) {
  if (!v || *v == "off") return {};
  return upper(*v);
}

std::string dsn_ret_value(const std::optional<std::string>& v) {
  if (!v || *v == "off") return {};
  return *v == "headers" ? "HDRS" : "FULL";
}

}  // namespace

std::string resolved_account::server() const {
  const bool v6 = client.host.find(':') != std::string::npos;
  return (v6 ? "[" + client.host + "]" : client.host) + ":" + std::to_string(client.port);
}

resolved_account resolve_account(const account_settings& s, bool tls_off_on_command_line) {
  resolved_account r;
  if (!s.host || s.host->empty())
    throw setting_error(setting_error::kind::config,
                        "no SMTP server: set 'host' in the configuration or pass --host");
  if (has_ctl(*s.host) || s.host->find(' ') != std::string::npos)
    throw setting_error(setting_error::kind::data, "the host name contains a space or control "
                                                   "characters");
  r.client.host = *s.host;
  resolve_tls(s, r);
  if (s.domain) {
    if (has_ctl(*s.domain) || s.domain->find(' ') != std::string::npos)
      throw setting_error(setting_error::kind::data,
                          "the EHLO name ('domain') contains a space, CR, LF or NUL");
    r.client.helo_name = *s.domain;
  }
  if (s.from) {
    if (!s.from->empty() && !mime::is_valid_addr_spec(*s.from))
      throw setting_error(setting_error::kind::data,
                          "invalid sender address '" + transport::escape_control(*s.from) + "'");
    r.from = *s.from;
  }
  resolve_auth(s, tls_off_on_command_line, r);
  if (s.proxy_host && !s.proxy_host->empty()) {
    auto& p = r.client.connect.proxy;
    p.type = transport::proxy_options::kind::socks5_remote;
    p.host = *s.proxy_host;
    p.port = s.proxy_port.value_or(1080);
  }
  if (s.queue && !s.queue->empty()) r.queue = *s.queue;
  r.dsn_notify = dsn_notify_value(s.dsn_notify);
  r.dsn_ret = dsn_ret_value(s.dsn_return);
  if (s.timeout && s.timeout->count() > 0) r.timeout = *s.timeout;
  return r;
}

void load_secrets(resolved_account& r, const command_runner& run) {
  if (!r.wants_auth) return;
  if (r.oauth) {
    if (!r.password.empty())
      r.client.token_provider = sasl::make_static_token_provider(r.password);
    else
      r.client.token_provider = sasl::make_command_token_provider(r.passwordeval);
    return;
  }
  r.client.credentials.password = r.password.empty() ? run(r.passwordeval) : r.password;
}

void arm_timeouts(resolved_account& r, std::chrono::steady_clock::time_point now) {
  if (!r.timeout) return;
  auto& t = r.client.connect.time;
  const auto bound = std::chrono::duration_cast<std::chrono::milliseconds>(*r.timeout);
  t.deadline = now + bound;
  t.connect = std::min(t.connect, bound);
  t.idle = std::min(t.idle, bound);
}

}  // namespace inet::mail
