// `inet get pop3(s)://`: one POP3 session per URL, curl's command choice and output bytes.
#include "tools/pop3/pop3_get.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <fstream>
#include <new>
#include <ostream>

#include "protocols/line/engine.hpp"
#include "protocols/pop3/client.hpp"
#include "protocols/sasl/mechanism.hpp"
#include "transport/error.hpp"
#include "transport/trace.hpp"

namespace inet::pop3_cli {

using cli::exit_code;

namespace {

bool is_asio(const std::error_code& ec, boost::system::error_code asio_code) {
  return ec == std::error_code(asio_code);
}

exit_code pop3_exit(pop3::error e, phase p) {
  using pop3::error;
  switch (e) {
    case error::auth_failed:
    case error::auth_unavailable:
    case error::apop_unavailable: return exit_code::login_denied;
    case error::tls_required: return exit_code::use_ssl_failed;
    case error::mailbox_in_use:
    case error::login_delay:
    case error::temporary_failure:
    case error::permanent_failure:
      return p == phase::transfer ? exit_code::weird_server_reply : exit_code::login_denied;
    case error::negative_response:
    case error::bad_greeting:
    case error::malformed_response: return exit_code::weird_server_reply;
    case error::not_connected: return exit_code::failed_init;
  }
  return exit_code::weird_server_reply;
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
    case error::tls_handshake_failed: return exit_code::ssl_connect_error;
    case error::certificate_verify_failed: return exit_code::peer_failed_verification;
    case error::invalid_argument: return exit_code::bad_function_argument;
    case error::proxy_failed:
    case error::proxy_auth_failed: return exit_code::couldnt_connect;
    case error::resolve_failed: return exit_code::couldnt_resolve_host;
    case error::body_too_large: return exit_code::filesize_exceeded;
    case error::not_connected:
    case error::operation_aborted: return exit_code::failed_init;
  }
  return exit_code::recv_error;
}

transport::tls_policy to_policy(cli::tls_mode m) {
  switch (m) {
    case cli::tls_mode::none: return transport::tls_policy::none;
    case cli::tls_mode::opportunistic: return transport::tls_policy::opportunistic;
    case cli::tls_mode::required: return transport::tls_policy::required;
  }
  return transport::tls_policy::required;
}

transport::proxy_options to_proxy(const cli::proxy_spec& p) {
  transport::proxy_options out;
  switch (p.type) {
    case cli::proxy_spec::kind::http: out.type = transport::proxy_options::kind::http_connect; break;
    case cli::proxy_spec::kind::socks5: out.type = transport::proxy_options::kind::socks5; break;
    case cli::proxy_spec::kind::socks5h:
      out.type = transport::proxy_options::kind::socks5_remote;
      break;
  }
  out.host = p.host;
  out.port = p.port;
  out.username = p.user.value_or("");
  out.password = p.password.value_or("");
  return out;
}

pop3::client_options make_options(const cli::transfer_options& o, const url::parsed_url& u) {
  pop3::client_options opts;
  opts.host = u.host;
  opts.port = u.port;
  const cli::credentials creds = cli::resolve_credentials(o, u);
  opts.credentials.username = creds.user.value_or("");
  opts.credentials.password = creds.password.value_or("");
  if (o.oauth2_bearer) opts.credentials.oauth2_token = *o.oauth2_bearer;
  const bool sends_secret = !opts.credentials.username.empty() || o.oauth2_bearer.has_value();
  if (u.implicit_tls()) {
    opts.security = pop3::security::implicit_tls;
  } else {
    opts.policy = to_policy(o.effective_tls(sends_secret));
  }
  // curl's login options: ";AUTH=+APOP", ";AUTH=PLAIN", ";AUTH=*" (URL or --login-options).
  std::string mech = u.auth_mechanism.value_or("");
  if (mech.empty() && o.login_options && o.login_options->rfind("AUTH=", 0) == 0)
    mech = o.login_options->substr(5);
  opts.auth_mechanism = mech;
  opts.allow_apop = mech == "+APOP" || mech == "+apop";
  if (o.cacert) opts.tls.ca_file = *o.cacert;
  if (o.capath) opts.tls.ca_path = *o.capath;
  opts.tls.dangerous_skip_verification = o.insecure;
  if (o.connect_timeout) opts.connect.time.connect = *o.connect_timeout;
  if (o.max_time) opts.connect.time.deadline = std::chrono::steady_clock::now() + *o.max_time;
  if (o.proxy) opts.connect.proxy = to_proxy(*o.proxy);
  return opts;
}

/// The command line curl would send for this URL, and whether its reply has a body.
struct request {
  std::string line;
  bool multiline = true;
};

request make_request(const cli::transfer_options& o, const url::parsed_url& u) {
  const std::string& id = u.path;
  request r;
  if (o.request && !o.request->empty()) {
    r.line = *o.request;
  } else {
    r.line = id.empty() ? "LIST" : (o.list_only ? "LIST" : "RETR");
    // A message-specific LIST answers on one line: curl transfers no body then.
    r.multiline = !(o.list_only && !id.empty());
  }
  if (!id.empty()) r.line += " " + id;
  if (o.head) r.multiline = false;  // -I: curl's "no body" for DELE, NOOP, ...
  return r;
}

class write_failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

int fail(cli::transfer_context& ctx, const cli::transfer_options& o, exit_code code,
         const std::string& why) {
  if (o.show_errors()) ctx.err << "inet: (" << cli::to_int(code) << ") " << why << "\n";
  return cli::to_int(code);
}

}  // namespace

exit_code exit_code_for(const std::error_code& ec, phase p) {
  namespace ae = boost::asio::error;
  if (!ec) return exit_code::ok;
  const std::error_category& cat = ec.category();
  if (cat == pop3::pop3_category()) return pop3_exit(static_cast<pop3::error>(ec.value()), p);
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
  return p == phase::connect ? exit_code::couldnt_connect : exit_code::recv_error;
}

int pop3_get(const cli::transfer_options& o, const url::parsed_url& u,
             cli::transfer_context& ctx) {
  if (o.verbosity > 0) transport::enable_stderr_trace();
  const pop3::client_options opts = make_options(o, u);
  const request req = make_request(o, u);

  std::ofstream file;
  std::ostream* out = &ctx.out;
  if (o.output && *o.output != "-") {
    file.open(*o.output, std::ios::binary | std::ios::trunc);
    if (!file) return fail(ctx, o, exit_code::write_error, "Failed to open " + *o.output);
    out = &file;
  }
  const byte_sink sink = [out](std::string_view chunk) {
    out->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (!*out) throw write_failure("Failure writing output to destination");
  };

  pop3::blocking_client c;
  phase p = phase::connect;
  try {
    c.connect(opts);
    p = phase::transfer;
    if (req.multiline) {
      c.command_multiline(req.line, sink, o.max_filesize.value_or(UINT64_MAX));
    } else {
      const pop3::response r = c.command(req.line);
      if (!r.ok)
        throw pop3::pop3_exception(pop3::make_error_code(pop3::error::negative_response),
                                   req.line, r);
    }
    out->flush();
    if (!*out) throw write_failure("Failure writing output to destination");
    c.quit();
    return 0;
  } catch (const write_failure& e) {
    return fail(ctx, o, exit_code::write_error, e.what());
  } catch (const std::system_error& e) {
    const exit_code code = exit_code_for(e.code(), p);
    std::string why = e.what();
    if (code == exit_code::partial_file)
      why = "Transfer closed before the end of the response: " + why;
    return fail(ctx, o, code, why);
  } catch (const std::bad_alloc&) {
    throw;
  }
}

namespace {

const cli::handler_registrar pop3_registrar{cli::direction::get, url::scheme::pop3, &pop3_get};
const cli::handler_registrar pop3s_registrar{cli::direction::get, url::scheme::pop3s, &pop3_get};

}  // namespace

}  // namespace inet::pop3_cli
