// Internal: options -> transport settings, shared by the scheme handlers.
#pragma once

#include "protocols/transfer/options.hpp"
#include "transport/options.hpp"

namespace inet::transfer::detail {

transport::tls_policy to_policy(tls_mode m);
transport::proxy_options to_proxy(const proxy_spec& p);

/// Fills TLS and connection settings from the options: CA file/dir, insecure, pin, client
/// certificate, connect and idle timeouts, proxy; turns on the wire trace with
/// options::trace_sink (the caller's) or options::trace (stderr). options::max_time is not a connection deadline (a cached connection
/// outlives the transfer): the session bounds each transfer with its own timer.
void apply_transport_options(const options& o, transport::tls_options& tls,
                             transport::connect_options& connect);

/// curl's ";AUTH=" login option: the URL's, else options::login_options' "AUTH=" value; "".
std::string auth_mechanism(const options& o, const url::parsed_url& u);

}  // namespace inet::transfer::detail
