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
#include "tools/inet/progress_meter.hpp"
#include "transport/error.hpp"
#include "transport/trace.hpp"

namespace inet::pop3_cli {

using cli::exit_code;

namespace {

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
    opts.policy = cli::to_policy(o.effective_tls(sends_secret));
  }
  // curl's login options: ";AUTH=+APOP", ";AUTH=PLAIN", ";AUTH=*" (URL or --login-options).
  std::string mech = u.auth_mechanism.value_or("");
  if (mech.empty() && o.login_options && o.login_options->rfind("AUTH=", 0) == 0)
    mech = o.login_options->substr(5);
  opts.auth_mechanism = mech;
  opts.allow_apop = mech == "+APOP" || mech == "+apop";
  cli::apply_transport_options(o, opts.tls, opts.connect);
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

}  // namespace

exit_code exit_code_for(const std::error_code& ec, phase p) {
  if (!ec) return exit_code::ok;
  if (ec.category() == pop3::pop3_category())
    return pop3_exit(static_cast<pop3::error>(ec.value()), p);
  if (auto code = cli::common_exit_code(ec, p)) return *code;
  return p == phase::connect ? exit_code::couldnt_connect : exit_code::recv_error;
}

int pop3_get(const cli::transfer_options& o, const url::parsed_url& u,
             cli::transfer_context& ctx) {
  pop3::client_options opts = make_options(o, u);
  const request req = make_request(o, u);
  // curl's meter (or -# bar) on a terminal's stderr: the client reports the body download
  // (total unknown: curl sends no LIST first either); drawn to its end before any error line.
  const std::unique_ptr<cli::progress_meter> meter = cli::make_progress_meter(o, ctx.out, ctx.err);
  if (meter) opts.progress = meter->download_fn();

  phase p = phase::connect;
  try {
    cli::output out(o, ctx);
    pop3::blocking_client c;
    c.connect(opts);
    p = phase::transfer;
    if (req.multiline) {
      c.command_multiline(req.line, out.sink(), o.max_filesize.value_or(UINT64_MAX));
    } else {
      const pop3::response r = c.command(req.line);
      if (!r.ok)
        throw pop3::pop3_exception(pop3::make_error_code(pop3::error::negative_response),
                                   req.line, r);
    }
    out.finish();
    c.quit();
    if (meter) meter->finish();
    return 0;
  } catch (const cli::write_failure& e) {
    if (meter) meter->finish();
    return cli::report_failure(o, ctx, exit_code::write_error, e.what());
  } catch (const std::system_error& e) {
    if (meter) meter->finish();
    const exit_code code = exit_code_for(e.code(), p);
    std::string why = e.what();
    if (code == exit_code::partial_file)
      why = "Transfer closed before the end of the response: " + why;
    return cli::report_failure(o, ctx, code, why);
  }
}

namespace {

const cli::handler_registrar pop3_registrar{cli::direction::get, url::scheme::pop3, &pop3_get};
const cli::handler_registrar pop3s_registrar{cli::direction::get, url::scheme::pop3s, &pop3_get};

}  // namespace

}  // namespace inet::pop3_cli
