// smtp(s):// put: send the source as one message, as curl does with --mail-from/--mail-rcpt.
//
//   smtp://host[:port]/[domain]   EHLO domain (curl: the URL path; default this host's name),
//                                 MAIL FROM:<options::mail_from>, RCPT TO:<each mail_rcpt>,
//                                 DATA with the source, dot-stuffed.
//
// curl's exit codes (error.hpp): 67 AUTH refused, 64 STARTTLS unavailable under a required
// policy, 55 MAIL/RCPT/DATA refused (CURLE_SEND_ERROR), 56 connection lost after the end of
// data (delivery unconfirmed: do not blindly resend).
#include "protocols/smtp/client.hpp"
#include "protocols/transfer/builtin.hpp"
#include "protocols/transfer/session.hpp"
#include "protocols/transfer/settings.hpp"

namespace inet::transfer {
namespace {

namespace asio = boost::asio;

struct smtp_connection final : connection {
  explicit smtp_connection(asio::any_io_executor ex) : client(std::move(ex)) {}
  asio::awaitable<void> goodbye() override {
    try {
      co_await client.quit();
    } catch (...) {
    }
    client.close();
  }
  smtp::client client;
};

smtp::client_options make_options(const options& o, const url::parsed_url& u,
                                  const credentials& creds) {
  smtp::client_options opts;
  opts.host = u.host;
  opts.port = u.port;
  opts.credentials.username = creds.user.value_or("");
  opts.credentials.password = creds.password.value_or("");
  opts.credentials.host = u.host;
  opts.credentials.port = u.port;
  if (o.oauth2_bearer) opts.credentials.oauth2_token = *o.oauth2_bearer;
  opts.token_provider = o.token_provider;
  const bool sends_secret = !opts.credentials.username.empty() || o.oauth2_bearer.has_value() ||
                            o.token_provider != nullptr;
  if (u.implicit_tls()) opts.security = smtp::security::implicit_tls;
  else opts.policy = detail::to_policy(effective_tls(o, sends_secret));
  const std::string mech = detail::auth_mechanism(o, u);
  if (mech != "*") opts.auth_mechanism = mech;
  opts.helo_name = u.path;  // curl: smtp://host/domain names the EHLO domain
  detail::apply_transport_options(o, opts.tls, opts.connect);
  return opts;
}

/// "<a@b>" or "a@b" -> "a@b" (curl accepts both forms of --mail-from/--mail-rcpt).
std::string bare_address(const std::string& a) {
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') return a.substr(1, a.size() - 2);
  return a;
}

/// Refusals after which the client has reset the transaction: the connection stays usable.
bool transaction_refused(const std::error_code& ec) {
  using smtp::error;
  return ec == error::transient_failure || ec == error::permanent_failure ||
         ec == error::no_recipients_accepted || ec == error::message_too_large ||
         ec == error::smtputf8_unsupported || ec == error::invalid_address;
}

smtp::envelope make_envelope(const call& cl) {
  smtp::envelope env;
  env.mail_from = bare_address(cl.opts.mail_from.value_or(""));
  for (const auto& r : cl.opts.mail_rcpt) env.recipients.push_back({bare_address(r), "", ""});
  if (cl.opts.mail_auth) env.auth = bare_address(*cl.opts.mail_auth);
  env.size_hint = cl.opts.upload_size;
  return env;
}

}  // namespace

namespace detail {

asio::awaitable<void> smtp_put(call& cl) {
  if (cl.opts.mail_rcpt.empty())
    throw transfer_exception(make_error_code(error::url_malformat),
                             "SMTP upload needs at least one recipient (--mail-rcpt)");
  std::unique_ptr<smtp_connection> conn(static_cast<smtp_connection*>(cl.cached.release()));
  bool keep = false;
  std::exception_ptr failure;
  try {
    if (!conn) {
      cl.where = stage::connect;
      conn = std::make_unique<smtp_connection>(co_await asio::this_coro::executor);
      cl.opened();
      co_await conn->client.connect(make_options(cl.opts, cl.url, cl.creds));
    }
    cl.where = stage::send;
    counting_source src(cl, stage::send);
    const smtp::send_result r = co_await conn->client.send(make_envelope(cl), src);
    cl.res.reply_code = r.final_reply.code;
    cl.res.reply_text = r.final_reply.summary();
    keep = true;
  } catch (const std::system_error& e) {
    keep = cl.where == stage::send && transaction_refused(e.code());
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  if (keep) cl.keep = std::move(conn);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace detail
}  // namespace inet::transfer
