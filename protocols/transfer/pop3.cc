// pop3(s):// get (moved from tools/pop3/pop3_get.cc): curl's command choice and output bytes,
// run on pop3::client's coroutines over a connection the session may cache.
//
//   pop3://host/            LIST: "n size\r\n" lines, as the server sent them (dot-unstuffed)
//   pop3://host/N           RETR N: the message, dot-unstuffed, ending with its CRLF
//   pop3://host/N list_only LIST N: single-line; nothing is written (as curl)
//   custom_request CMD      CMD as a multi-line command (UIDL, "TOP N 0", ...); with a path
//                           N the command is "CMD N"; with no_body a single-line command
//
// Planned gets (session::plan_gets, call::ahead): when this URL and the next ones on the same
// connection are plain RETRs, their RETRs are sent ahead pipelined (RFC 2449 §6.6 PIPELINING,
// at most pipeline_window outstanding); each URL still reads its own reply into its own sink.
//
// A multi-line response cut off before its terminating "." line is a partial transfer (curl
// exit 18), where curl 7.88 exits 0 with truncated output.
#include <algorithm>
#include <deque>
#include <optional>

#include "protocols/pop3/client.hpp"
#include "protocols/transfer/builtin.hpp"
#include "protocols/transfer/session.hpp"
#include "protocols/transfer/settings.hpp"

namespace inet::transfer {
namespace {

namespace asio = boost::asio;

/// RETRs outstanding at most when planned gets are sent ahead (call::ahead).
constexpr std::size_t pipeline_window = 64;

struct pop3_connection final : connection {
  explicit pop3_connection(asio::any_io_executor ex) : client(std::move(ex)) {}
  asio::awaitable<void> goodbye() override {
    try {
      co_await client.quit();  // never throws on a dead connection; guard anyway
    } catch (...) {
    }
    client.close();
  }
  pop3::client client;
};

pop3::client_options make_options(const options& o, const url::parsed_url& u,
                                  const credentials& creds) {
  pop3::client_options opts;
  opts.host = u.host;
  opts.port = u.port;
  opts.credentials.username = creds.user.value_or("");
  opts.credentials.password = creds.password.value_or("");
  if (o.oauth2_bearer) opts.credentials.oauth2_token = *o.oauth2_bearer;
  opts.token_provider = o.token_provider;
  const bool sends_secret = !opts.credentials.username.empty() || o.oauth2_bearer.has_value() ||
                            o.token_provider != nullptr;
  if (u.implicit_tls()) {
    opts.security = pop3::security::implicit_tls;
  } else {
    opts.policy = detail::to_policy(effective_tls(o, sends_secret));
  }
  // curl's login options: ";AUTH=+APOP", ";AUTH=PLAIN", ";AUTH=*" (URL or login_options).
  const std::string mech = detail::auth_mechanism(o, u);
  opts.auth_mechanism = mech;
  opts.allow_apop = mech == "+APOP" || mech == "+apop";
  detail::apply_transport_options(o, opts.tls, opts.connect);
  opts.pipeline_depth = pipeline_window;
  return opts;
}

/// The command line curl would send for this URL, and whether its reply has a body.
struct request {
  std::string line;
  bool multiline = true;
};

request make_request(const options& o, const url::parsed_url& u) {
  const std::string& id = u.path;
  request r;
  if (o.custom_request && !o.custom_request->empty()) {
    r.line = *o.custom_request;
  } else {
    r.line = id.empty() ? "LIST" : (o.list_only ? "LIST" : "RETR");
    // A message-specific LIST answers on one line: curl transfers no body then.
    r.multiline = !(o.list_only && !id.empty());
  }
  if (!id.empty()) r.line += " " + id;
  if (o.no_body) r.multiline = false;  // -I: curl's "no body" for DELE, NOOP, ...
  return r;
}

/// The message number of a plain RETR (no -X, -I, -l; a canonical decimal path), if it is one.
std::optional<std::uint32_t> plain_retr(const options& o, const url::parsed_url& u) {
  if ((o.custom_request && !o.custom_request->empty()) || o.list_only || o.no_body)
    return std::nullopt;
  const std::string& id = u.path;
  if (id.empty() || id.size() > 10 || id[0] == '0' ||
      id.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const std::uint64_t n = std::stoull(id);
  if (n > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(n);
}

/// The planned gets after this one (call::ahead) that are plain RETRs too, in a row, are sent
/// ahead pipelined (RFC 2449 §6.6) on `c`, topping the window up to pipeline_window commands
/// when it has drained to half. Without PIPELINING nothing is sent (client::retr_ahead).
asio::awaitable<void> send_ahead(pop3::client& c, const call& cl) {
  const auto n = plain_retr(cl.opts, cl.url);
  if (!n || cl.ahead.empty() || !plain_retr(cl.ahead.front().opts, cl.ahead.front().url))
    co_return;
  std::vector<std::uint32_t> seq{*n};  // this RETR, then the planned ones
  for (const planned_get& g : cl.ahead) {
    const auto m = plain_retr(g.opts, g.url);
    if (!m || seq.size() >= pipeline_window) break;
    seq.push_back(*m);
  }
  const std::deque<std::uint32_t>& sent = c.retrs_ahead();
  std::size_t have = 0;  // how many of seq are on the wire already, in order
  if (!sent.empty()) {
    // Not this one next (a planned get that never came is read and discarded first), or an
    // outstanding RETR the plan no longer names: let client::retr_ahead's rules catch up.
    if (sent.front() != *n || sent.size() > seq.size() ||
        !std::equal(sent.begin(), sent.end(), seq.begin()))
      co_return;
    have = sent.size();
  }
  if (have > pipeline_window / 2 || have >= seq.size()) co_return;
  co_await c.retr_ahead(std::vector<std::uint32_t>(seq.begin() + static_cast<std::ptrdiff_t>(have),
                                                   seq.end()));
}

asio::awaitable<void> run_command(pop3::client& c, const request& req, call& cl) {
  cl.where = stage::transfer;
  if (req.multiline) {
    const pop3::response r = co_await c.command_multiline(
        req.line, cl.sink, cl.opts.max_filesize.value_or(UINT64_MAX));
    cl.res.reply_code = 1;
    cl.res.reply_text = r.text;
  } else {
    const pop3::response r = co_await c.command(req.line);
    cl.res.reply_code = r.ok ? 1 : 0;
    cl.res.reply_text = r.text;
    if (!r.ok)
      throw pop3::pop3_exception(pop3::make_error_code(pop3::error::negative_response),
                                 req.line, r);
  }
}

}  // namespace

namespace detail {

asio::awaitable<void> pop3_get(call& cl) {
  const request req = make_request(cl.opts, cl.url);
  std::unique_ptr<pop3_connection> conn(static_cast<pop3_connection*>(cl.cached.release()));
  bool keep = false;
  std::exception_ptr failure;
  try {
    if (!conn) {
      cl.where = stage::connect;
      conn = std::make_unique<pop3_connection>(co_await asio::this_coro::executor);
      cl.opened();
      co_await conn->client.connect(make_options(cl.opts, cl.url, cl.creds));
    }
    cl.where = stage::transfer;
    co_await send_ahead(conn->client, cl);
    co_await run_command(conn->client, req, cl);
    keep = true;
  } catch (...) {
    // Even after a -ERR (which leaves the session in step) the connection is dropped without
    // QUIT, as `inet get` always did: the next URL opens a new one.
    failure = std::current_exception();
  }
  if (keep) cl.keep = std::move(conn);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace detail
}  // namespace inet::transfer
