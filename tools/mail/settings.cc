#include "tools/mail/settings.hpp"

#include <algorithm>
#include <cctype>

#include "protocols/http/post.hpp"
#include "protocols/mime/address.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "protocols/url/url.hpp"
#include "tools/common/password_command.hpp"
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

// tls_fingerprint: the one certificate accepted, whatever tls_certcheck and tls_trust_file say
// (the transport checks it instead of the chain and name). Without an explicit `tls`, a pinned
// certificate makes TLS required: nobody pins a certificate to then accept plaintext.
void resolve_fingerprint(const account_settings& s, smtp::client_options& c) {
  if (!s.tls_fingerprint || s.tls_fingerprint->empty()) return;
  try {
    c.tls.pinned_fingerprint = parse_fingerprint(*s.tls_fingerprint);
  } catch (const std::invalid_argument& e) {
    throw setting_error(setting_error::kind::config, e.what());
  }
  c.tls.dangerous_skip_verification = false;
  if (!s.tls) c.policy = transport::tls_policy::required;
}

void resolve_tls(const account_settings& s, resolved_account& r) {
  smtp::client_options& c = r.client;
  if (s.tls.value_or(false) && !s.tls_starttls.value_or(true)) {
    c.security = smtp::security::implicit_tls;
  } else {
    c.security = smtp::security::starttls;
    if (s.tls) c.policy = *s.tls ? transport::tls_policy::required : transport::tls_policy::none;
  }
  c.lmtp = s.protocol.value_or("smtp") == "lmtp";
  // msmtp's defaults: 2003 for LMTP, 465 for implicit TLS, else 25.
  c.port = s.port.value_or(c.lmtp ? 2003 : c.security == smtp::security::implicit_tls ? 465 : 25);
  if (s.tls_trust_file) c.tls.ca_file = *s.tls_trust_file;
  if (s.tls_certcheck == false) c.tls.dangerous_skip_verification = true;
  if (s.tls_cert_file) c.tls.client_cert_file = *s.tls_cert_file;
  if (s.tls_key_file) c.tls.client_key_file = *s.tls_key_file;
  if (c.tls.client_cert_file.empty() != c.tls.client_key_file.empty())
    throw setting_error(setting_error::kind::config,
                        "tls_cert_file and tls_key_file must be given together");
  if (s.tls_host_override) c.tls.server_name = *s.tls_host_override;
  resolve_fingerprint(s, c);
}

bool any_oauth2_key(const account_settings& s) {
  return s.oauth2_token_endpoint || s.oauth2_client_id || s.oauth2_client_secret ||
         s.oauth2_client_secret_eval || s.oauth2_refresh_token || s.oauth2_refresh_token_eval ||
         s.oauth2_scope || s.oauth2_tls_trust_file;
}

[[noreturn]] void config_fail(const std::string& why) {
  throw setting_error(setting_error::kind::config, why);
}

void check_token_endpoint(const std::string& endpoint) {
  try {
    const url::parsed_url u = url::parse(endpoint);
    const bool loopback = u.host == "localhost" || u.host == "127.0.0.1" || u.host == "::1";
    const bool http = endpoint.compare(0, 7, "http://") == 0;
    if (endpoint.compare(0, 8, "https://") == 0 || (http && loopback)) return;
  } catch (const std::system_error& e) {
    config_fail("oauth2_token_endpoint: " + transport::escape_control(e.what()));
  }
  config_fail("oauth2_token_endpoint must be an https:// URL, got '" +
              transport::escape_control(endpoint) + "'");
}

// The oauth2_* keys: the refresh flow (RFC 6749 §6) replacing password/passwordeval.
void resolve_oauth2(const account_settings& s, const std::string& auth, resolved_account& r) {
  // Other methods ignore the oauth2_* keys (they may sit in `defaults` for some accounts).
  if (!any_oauth2_key(s) || (auth != "xoauth2" && auth != "oauthbearer")) return;
  if (!s.oauth2_token_endpoint)
    config_fail("oauth2_* keys need oauth2_token_endpoint (the provider's token URL)");
  check_token_endpoint(*s.oauth2_token_endpoint);
  oauth2_refresh_settings o;
  o.token_endpoint = *s.oauth2_token_endpoint;
  o.client_id = s.oauth2_client_id.value_or("");
  o.scope = s.oauth2_scope.value_or("");
  o.client_secret = s.oauth2_client_secret.value_or("");
  o.client_secret_eval = s.oauth2_client_secret_eval.value_or("");
  o.refresh_token = s.oauth2_refresh_token.value_or("");
  o.refresh_token_eval = s.oauth2_refresh_token_eval.value_or("");
  o.tls_trust_file = s.oauth2_tls_trust_file.value_or("");
  if (o.client_id.empty()) config_fail("oauth2_token_endpoint needs oauth2_client_id");
  if (o.refresh_token.empty() && o.refresh_token_eval.empty())
    config_fail("oauth2_token_endpoint needs oauth2_refresh_token or oauth2_refresh_token_eval");
  r.oauth2 = std::move(o);
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
  resolve_oauth2(s, auth, r);
  if (!r.oauth2) {
    r.password = s.password.value_or("");
    r.passwordeval = s.passwordeval.value_or("");
  }
  if (r.password.empty() && r.passwordeval.empty() && !r.oauth2)
    throw setting_error(setting_error::kind::config,
                        "no password for user '" + user + "': set 'password' or 'passwordeval' "
                        "(or --passwordeval)" +
                        std::string(s.oauth2_token_endpoint
                                        ? "; oauth2_token_endpoint is used only with "
                                          "'auth xoauth2' or 'auth oauthbearer'"
                                        : ""));
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

void resolve_message_keys(const account_settings& s, resolved_account& r) {
  r.log.logfile = s.logfile.value_or("");
  r.log.time_format = s.logfile_time_format.value_or("");
  r.log.syslog = s.syslog.value_or("");
  r.aliases = s.aliases.value_or("");
  r.undisclosed_recipients = s.undisclosed_recipients.value_or(false);
  r.remove_bcc_headers = s.remove_bcc_headers.value_or(true);
  r.set_from_header = s.set_from_header.value_or("auto");
  r.set_date_header = s.set_date_header.value_or("auto");
  r.set_msgid_header = s.set_msgid_header.value_or("auto");
  r.from_full_name = s.from_full_name.value_or("");
  if (has_ctl(r.from_full_name))
    throw setting_error(setting_error::kind::data, "from_full_name contains control characters");
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
  resolve_message_keys(s, r);
  return r;
}

token_post_fn make_token_post(const resolved_account& r) {
  http::post_options o;
  if (r.oauth2) o.tls.ca_file = r.oauth2->tls_trust_file;
  o.connect.proxy = r.client.connect.proxy;
  const std::optional<std::chrono::seconds> bound = r.timeout;
  return [o, bound](const std::string& url, const std::string& type, const std::string& body) {
    http::post_options opts = o;
    if (bound) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*bound);
      opts.total_timeout = ms;
      opts.connect.time.connect = std::min(opts.connect.time.connect, ms);
      opts.connect.time.idle = std::min(opts.connect.time.idle, ms);
    }
    try {
      return http::https_post(url, type, body, opts);
    } catch (const std::system_error& e) {
      // system_error appends ": <code message>" to what(); the rethrow appends it again.
      std::string why = e.what();
      const std::string suffix = ": " + e.code().message(), prefix = "POST " + url + ": ";
      if (why.size() > suffix.size() && why.ends_with(suffix))
        why.resize(why.size() - suffix.size());
      if (why.starts_with(prefix)) why.erase(0, prefix.size());
      throw token_endpoint_error(e.code(), "OAuth2 token endpoint " + url + ": " + why);
    }
  };
}

void load_secrets(resolved_account& r, const command_runner& run, token_post_fn post) {
  if (!r.wants_auth) return;
  if (r.oauth2) {
    const oauth2_refresh_settings& o = *r.oauth2;
    sasl::refresh_config cfg;
    cfg.token_endpoint = o.token_endpoint;
    cfg.client_id = o.client_id;
    cfg.scope = o.scope;
    cfg.client_secret = !o.client_secret.empty() || o.client_secret_eval.empty()
                            ? o.client_secret
                            : run(o.client_secret_eval);
    cfg.refresh_token = o.refresh_token.empty() ? run(o.refresh_token_eval) : o.refresh_token;
    r.client.token_provider =
        sasl::make_refresh_token_provider(std::move(cfg), post ? post : make_token_post(r));
    return;
  }
  if (r.oauth) {
    if (!r.password.empty())
      r.client.token_provider = sasl::make_static_token_provider(r.password);
    else
      r.client.token_provider = tools::make_command_token_provider(r.passwordeval);
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
