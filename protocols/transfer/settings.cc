// Options -> transport settings (moved from tools/inet/transfer_support.cc).
#include "protocols/transfer/settings.hpp"

#include "transport/trace.hpp"

namespace inet::transfer {

namespace detail {

transport::tls_policy to_policy(tls_mode m) {
  switch (m) {
    case tls_mode::none: return transport::tls_policy::none;
    case tls_mode::opportunistic: return transport::tls_policy::opportunistic;
    case tls_mode::required: return transport::tls_policy::required;
  }
  return transport::tls_policy::required;
}

transport::proxy_options to_proxy(const proxy_spec& p) {
  transport::proxy_options out;
  switch (p.type) {
    case proxy_spec::kind::http: out.type = transport::proxy_options::kind::http_connect; break;
    case proxy_spec::kind::socks5: out.type = transport::proxy_options::kind::socks5; break;
    case proxy_spec::kind::socks5h: out.type = transport::proxy_options::kind::socks5_remote; break;
  }
  out.host = p.host;
  out.port = p.port;
  out.username = p.user.value_or("");
  out.password = p.password.value_or("");
  return out;
}

void apply_transport_options(const options& o, transport::tls_options& tls,
                             transport::connect_options& connect) {
  if (o.trace_sink) transport::set_trace_sink(o.trace_sink);
  else if (o.trace) transport::enable_stderr_trace();
  if (o.cacert) tls.ca_file = *o.cacert;
  if (o.capath) tls.ca_path = *o.capath;
  tls.dangerous_skip_verification = o.insecure;
  if (o.pinned_fingerprint) tls.pinned_fingerprint = *o.pinned_fingerprint;
  if (o.client_cert) tls.client_cert_file = *o.client_cert;
  if (o.client_key) tls.client_key_file = *o.client_key;
  if (o.connect_timeout) connect.time.connect = *o.connect_timeout;
  if (o.idle_timeout) connect.time.idle = *o.idle_timeout;
  if (o.limit_rate) connect.time.rate_limit = *o.limit_rate;
  // options::max_time is enforced per transfer by the session (a connection outlives it).
  if (o.proxy) connect.proxy = to_proxy(*o.proxy);
}

std::string auth_mechanism(const options& o, const url::parsed_url& u) {
  std::string mech = u.auth_mechanism.value_or("");
  if (mech.empty() && o.login_options && o.login_options->rfind("AUTH=", 0) == 0)
    mech = o.login_options->substr(5);
  return mech;
}

}  // namespace detail
}  // namespace inet::transfer
