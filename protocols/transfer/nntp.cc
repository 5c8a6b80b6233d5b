// nntp / news (and nntps / snews, implicit TLS) get and put, on nntp::client's coroutines over a
// connection the session may cache. curl has no NNTP support, so the output follows RFC 5538's
// URL meanings with curl's conventions (raw protocol data, dot-unstuffed, as pop3:// does):
//
//   news://host/  nntp://host/      LIST ACTIVE: "group high low status\r\n" lines
//   news://host/GROUP               GROUP, then OVER low-high (XOVER without the OVER
//                                   capability): the overview lines (TAB-separated) as sent; an
//                                   empty group writes nothing. With list_only (-l): LISTGROUP,
//                                   one article number per line
//   nntp://host/GROUP/N             GROUP, then ARTICLE N (HEAD N with no_body / -I)
//   news://host/ID@DOMAIN           ARTICLE <ID@DOMAIN> (RFC 5538 §2.2: a path with "@" is a
//   news://host/%3CID@DOMAIN%3E     message-id, with or without its angle brackets)
//   custom_request CMD              CMD as a multi-line command after GROUP (when a group is in
//                                   the path); with no_body a single-line command
//   put nntp://host/GROUP           POST of the source as it is (it must carry its own
//                                   Newsgroups: header; the URL's group is only validated)
//
// A block cut off before its "." line is a partial transfer (exit 18), never a success.
#include "protocols/nntp/client.hpp"
#include "protocols/transfer/builtin.hpp"
#include "protocols/transfer/session.hpp"
#include "protocols/transfer/settings.hpp"

namespace inet::transfer {
namespace {

namespace asio = boost::asio;

struct nntp_connection final : connection {
  explicit nntp_connection(asio::any_io_executor ex) : client(std::move(ex)) {}
  asio::awaitable<void> goodbye() override {
    try {
      co_await client.quit();
    } catch (...) {
    }
    client.close();
  }
  nntp::client client;
};

nntp::client_options make_options(const options& o, const url::parsed_url& u,
                                  const credentials& creds) {
  nntp::client_options opts;
  opts.host = u.host;
  opts.port = u.port;
  opts.credentials.username = creds.user.value_or("");
  opts.credentials.password = creds.password.value_or("");
  if (o.oauth2_bearer) opts.credentials.oauth2_token = *o.oauth2_bearer;
  opts.token_provider = o.token_provider;
  const bool sends_secret = !opts.credentials.username.empty() || o.oauth2_bearer.has_value() ||
                            o.token_provider != nullptr;
  if (u.implicit_tls())
    opts.security = nntp::security::implicit_tls;
  else
    opts.policy = detail::to_policy(effective_tls(o, sends_secret));
  opts.auth_mechanism = detail::auth_mechanism(o, u);
  detail::apply_transport_options(o, opts.tls, opts.connect);
  return opts;
}

/// What the URL's path names (RFC 5538 §2).
struct target {
  std::string group;       ///< empty: none
  std::string article;     ///< a number or "<message-id>"; empty: none
};

[[noreturn]] void bad_path(const std::string& why) {
  throw transfer_exception(make_error_code(url::error::bad_path), why, stage::connect);
}

target parse_target(const url::parsed_url& u) {
  target t;
  std::string p = u.path;
  if (p.empty()) return t;
  if (p.find('@') != std::string::npos) {
    if (p.front() != '<') p = "<" + p + ">";
    if (!nntp::valid_message_id(p)) bad_path("not a message-id: " + u.path);
    t.article = p;
    return t;
  }
  const std::size_t slash = p.find('/');
  t.group = p.substr(0, slash);
  if (slash != std::string::npos) t.article = p.substr(slash + 1);
  if (!nntp::valid_group_name(t.group)) bad_path("not a newsgroup name: " + t.group);
  if (!t.article.empty() && t.article.find_first_not_of("0123456789") != std::string::npos)
    bad_path("not an article number: " + t.article);
  return t;
}

asio::awaitable<void> fetch(nntp::client& c, const target& t, call& cl) {
  const std::uint64_t max = cl.opts.max_filesize.value_or(UINT64_MAX);
  cl.where = stage::transfer;
  std::optional<nntp::group_info> g;
  if (!t.group.empty()) g = co_await c.group(t.group);
  if (cl.opts.custom_request && !cl.opts.custom_request->empty()) {
    const std::string& cmd = *cl.opts.custom_request;
    const nntp::reply r = cl.opts.no_body ? co_await c.command(cmd)
                                          : co_await c.command_multiline(cmd, cl.sink, max);
    cl.res.reply_code = r.code;
    cl.res.reply_text = r.text;
    if (r.code >= 400) throw nntp::nntp_exception(nntp::code_for(r), cmd, r);
    co_return;
  }
  if (!t.article.empty()) {
    if (cl.opts.no_body) co_await c.head(t.article, cl.sink, max);
    else co_await c.article(t.article, cl.sink, max);
    co_return;
  }
  std::string cmd;
  if (!g) cmd = "LIST ACTIVE";
  else if (cl.opts.list_only) cmd = "LISTGROUP " + g->name;
  else if (g->count == 0 || g->high < g->low) co_return;
  else {
    const auto& caps = c.server_capabilities();
    cmd = std::string(caps.known && !caps.over ? "XOVER " : "OVER ") + std::to_string(g->low) +
          "-" + std::to_string(g->high);
  }
  const nntp::reply r = co_await c.command_multiline(cmd, cl.sink, max);
  cl.res.reply_code = r.code;
  cl.res.reply_text = r.text;
  if (r.code >= 400) throw nntp::nntp_exception(nntp::code_for(r), cmd, r);
}

asio::awaitable<void> run(call& cl, bool put) {
  const target t = parse_target(cl.url);
  if (put && (t.group.empty() || !t.article.empty()))
    bad_path("put needs nntp://host/GROUP (the group the article is posted to)");
  std::unique_ptr<nntp_connection> conn(static_cast<nntp_connection*>(cl.cached.release()));
  bool keep = false;
  std::exception_ptr failure;
  try {
    if (!conn) {
      cl.where = stage::connect;
      conn = std::make_unique<nntp_connection>(co_await asio::this_coro::executor);
      cl.opened();
      co_await conn->client.connect(make_options(cl.opts, cl.url, cl.creds));
    }
    if (put) {
      cl.where = stage::send;
      counting_source src(cl, stage::send);
      const nntp::reply r = co_await conn->client.post(src);
      cl.res.reply_code = r.code;
      cl.res.reply_text = r.text;
    } else {
      co_await fetch(conn->client, t, cl);
    }
    keep = true;
  } catch (const nntp::nntp_exception&) {
    // A refusal (430, 411, 441 ...) after login leaves the session in step: keep it.
    keep = cl.where != stage::connect;
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  if (keep) cl.keep = std::move(conn);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

namespace detail {

asio::awaitable<void> nntp_get(call& cl) { co_await run(cl, false); }
asio::awaitable<void> nntp_put(call& cl) { co_await run(cl, true); }

}  // namespace detail
}  // namespace inet::transfer
