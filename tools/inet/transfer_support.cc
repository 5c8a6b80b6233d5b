#include "tools/inet/transfer_support.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include "protocols/line/engine.hpp"
#include "protocols/sasl/mechanism.hpp"
#include "transport/error.hpp"
#include "transport/trace.hpp"

namespace inet::cli {

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

void apply_transport_options(const transfer_options& o, transport::tls_options& tls,
                             transport::connect_options& connect) {
  if (o.verbosity > 0) transport::enable_stderr_trace();
  if (o.cacert) tls.ca_file = *o.cacert;
  if (o.capath) tls.ca_path = *o.capath;
  tls.dangerous_skip_verification = o.insecure;
  if (o.connect_timeout) connect.time.connect = *o.connect_timeout;
  if (o.max_time) connect.time.deadline = std::chrono::steady_clock::now() + *o.max_time;
  if (o.proxy) connect.proxy = to_proxy(*o.proxy);
}

namespace {

bool is_asio(const std::error_code& ec, boost::system::error_code asio_code) {
  return ec == std::error_code(asio_code);
}

exit_code transport_exit(transport::error e, phase p) {
  using transport::error;
  switch (e) {
    case error::timeout:
    case error::deadline_exceeded:
    case error::connect_timeout: return exit_code::operation_timedout;
    case error::line_too_long:
    case error::reply_too_large:
    case error::starttls_injection: return exit_code::weird_server_reply;
    case error::unexpected_eof:
      return p == phase::transfer ? exit_code::partial_file : exit_code::recv_error;
    case error::tls_required: return exit_code::use_ssl_failed;
    case error::tls_handshake_failed:
    case error::alpn_mismatch: return exit_code::ssl_connect_error;
    case error::certificate_verify_failed: return exit_code::peer_failed_verification;
    case error::invalid_argument: return exit_code::bad_function_argument;
    case error::proxy_failed:
    case error::proxy_auth_failed: return exit_code::couldnt_connect;
    case error::resolve_failed: return exit_code::couldnt_resolve_host;
    case error::body_too_large: return exit_code::filesize_exceeded;
    case error::compression_failed: return exit_code::bad_content_encoding;
    case error::not_connected:
    case error::operation_aborted: return exit_code::failed_init;
  }
  return exit_code::recv_error;
}

}  // namespace

std::optional<exit_code> common_exit_code(const std::error_code& ec, phase p) {
  namespace ae = boost::asio::error;
  if (!ec) return exit_code::ok;
  const std::error_category& cat = ec.category();
  if (cat == transport::transport_category())
    return transport_exit(static_cast<transport::error>(ec.value()), p);
  if (cat == sasl::sasl_category()) return exit_code::login_denied;
  if (cat == line::line_category()) return exit_code::weird_server_reply;
  if (is_asio(ec, ae::host_not_found) || is_asio(ec, ae::host_not_found_try_again) ||
      is_asio(ec, ae::no_data))
    return exit_code::couldnt_resolve_host;
  if (p == phase::connect &&
      (is_asio(ec, ae::connection_refused) || is_asio(ec, ae::network_unreachable) ||
       is_asio(ec, ae::host_unreachable) || ec == std::errc::connection_refused))
    return exit_code::couldnt_connect;
  if (p == phase::transfer && (is_asio(ec, ae::eof) || is_asio(ec, ae::connection_reset)))
    return exit_code::partial_file;
  if (cat == std::system_category() || cat == std::generic_category() ||
      cat == std::error_code(boost::system::error_code(ae::eof)).category() ||
      cat == std::error_code(boost::system::error_code(ae::connection_reset)).category())
    return p == phase::connect ? exit_code::couldnt_connect : exit_code::recv_error;
  return std::nullopt;
}

output::output(const transfer_options& o, transfer_context& ctx) : out_(&ctx.out) {
  if (o.output && *o.output != "-") {
    file_.open(*o.output, std::ios::binary | std::ios::trunc);
    if (!file_) throw write_failure("Failed to open " + *o.output);
    out_ = &file_;
  }
}

byte_sink output::sink() {
  std::ostream* out = out_;
  return [out](std::string_view chunk) {
    out->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (!*out) throw write_failure("Failure writing output to destination");
  };
}

void output::finish() {
  out_->flush();
  if (!*out_) throw write_failure("Failure writing output to destination");
}

int report_failure(const transfer_options& o, transfer_context& ctx, exit_code code,
                   const std::string& why) {
  // Server text can be part of `why`: escape control bytes so it cannot drive the terminal.
  if (o.show_errors())
    ctx.err << "inet: (" << to_int(code) << ") " << transport::escape_control(why.substr(0, 1000))
            << "\n";
  return to_int(code);
}

}  // namespace inet::cli
