// ftp(s):// get and put on ftp::client's coroutines over a connection the session may cache.
// Paths go to the server as one argument relative to the login directory (curl's
// --ftp-method nocwd); passive mode only, the PASV address ignored (curl's default).
//
//   ftp://host/dir/file         RETR dir/file (TYPE I; ";type=a" in the URL: TYPE A)
//   ftp://host/dir/ , ftp://host/   LIST dir/ : the listing as the server sent it
//   -l (list_only) or ";type=d" NLST: names only
//   put ftp://host/dir/file     STOR dir/file from the source; a URL ending in '/' gets the
//                               upload's file name appended (curl's -T rule)
//
// A download that ends before the server's 226, or shorter than its SIZE, is curl's 18.
#include "protocols/ftp/client.hpp"
#include "protocols/transfer/builtin.hpp"
#include "protocols/transfer/session.hpp"
#include "protocols/transfer/settings.hpp"
#include "transport/error.hpp"

namespace inet::transfer {
namespace {

namespace asio = boost::asio;

struct ftp_connection final : connection {
  explicit ftp_connection(asio::any_io_executor ex) : client(std::move(ex)) {}
  asio::awaitable<void> goodbye() override {
    try {
      co_await client.quit();  // never throws on a dead connection; guard anyway
    } catch (...) {
    }
    client.close();
  }
  ftp::client client;
};

ftp::client_options make_options(const options& o, const url::parsed_url& u,
                                 const credentials& creds) {
  ftp::client_options opts;
  opts.host = u.host;
  opts.port = u.port;
  opts.user = creds.user.value_or("");
  opts.password = creds.password.value_or("");
  const bool sends_secret = !opts.user.empty() && opts.user != "anonymous";
  if (u.implicit_tls()) {
    opts.security = ftp::security::implicit_tls;
  } else {
    opts.policy = detail::to_policy(effective_tls(o, sends_secret));
  }
  detail::apply_transport_options(o, opts.tls, opts.connect);
  return opts;
}

/// The URL's ";type=" parameter, lower-cased ('\0' when absent).
char url_type(const url::parsed_url& u) {
  for (const auto& [name, value] : u.path_params)
    if (name == "TYPE" && value.size() == 1) return static_cast<char>(value[0] | 0x20);
  return '\0';
}

/// cl.sink, refusing more than --max-filesize bytes (curl's 63; nothing past it is written).
byte_sink limited_sink(call& cl) {
  if (!cl.opts.max_filesize) return cl.sink;
  return [&cl, max = *cl.opts.max_filesize, seen = std::uint64_t{0}](std::string_view chunk) mutable {
    seen += chunk.size();
    if (seen > max)
      throw std::system_error(transport::make_error_code(transport::error::body_too_large),
                              "more than --max-filesize " + std::to_string(max) + " bytes");
    cl.sink(chunk);
  };
}

asio::awaitable<void> run_get(ftp::client& c, call& cl) {
  cl.where = stage::transfer;
  const std::string& path = cl.url.path;
  const char type = url_type(cl.url);
  const byte_sink sink = limited_sink(cl);
  if (cl.opts.list_only || type == 'd') {
    co_await c.name_list(path, sink);
    co_return;
  }
  if (path.empty() || path.back() == '/') {
    co_await c.list(path, sink);
    co_return;
  }
  if (type == 'a') co_await c.set_type(ftp::transfer_type::ascii);
  const auto r = co_await c.retrieve(path, sink, 0);
  cl.res.reply_code = r.final_reply.code;
  cl.res.reply_text = r.final_reply.summary();
}

asio::awaitable<void> run_put(ftp::client& c, call& cl) {
  cl.where = stage::append;
  std::string path = cl.url.path;
  if ((path.empty() || path.back() == '/') && cl.opts.upload_name) {
    const std::string& name = *cl.opts.upload_name;
    path += name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
  }
  if (url_type(cl.url) == 'a') co_await c.set_type(ftp::transfer_type::ascii);
  counting_source src(cl, stage::append);
  const auto r = co_await c.store(path, src, false);
  cl.res.reply_code = r.final_reply.code;
  cl.res.reply_text = r.final_reply.summary();
}

asio::awaitable<void> run(call& cl, bool put) {
  std::unique_ptr<ftp_connection> conn(static_cast<ftp_connection*>(cl.cached.release()));
  bool keep = false;
  std::exception_ptr failure;
  try {
    if (!conn) {
      cl.where = stage::connect;
      conn = std::make_unique<ftp_connection>(co_await asio::this_coro::executor);
      cl.opened();
      co_await conn->client.connect(make_options(cl.opts, cl.url, cl.creds));
    } else {
      co_await conn->client.set_type(ftp::transfer_type::binary);  // a ";type=a" may linger
    }
    if (put) {
      co_await run_put(conn->client, cl);
    } else {
      co_await run_get(conn->client, cl);
    }
    keep = true;
  } catch (...) {
    // After a failed transfer the control connection may be out of step: never reused.
    failure = std::current_exception();
  }
  if (keep) cl.keep = std::move(conn);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

namespace detail {

asio::awaitable<void> ftp_get(call& cl) { co_await run(cl, false); }
asio::awaitable<void> ftp_put(call& cl) { co_await run(cl, true); }

}  // namespace detail
}  // namespace inet::transfer
