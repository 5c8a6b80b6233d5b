// gopher / gophers get, as curl does it (lib/gopher.c): the selector is the URL path after the
// "/" and the item type character ("gopher://host/1/dir" sends "/dir"; "/" or "/1" send an
// empty selector), with "?query" appended first when the URL has one; the output is the
// server's reply byte for byte until it closes (menus are not reformatted, text is not
// unstuffed), bounded by max_filesize. A selector with a TAB (curl's "%09" search form) is
// refused by the URL parser's control-character rule: use gopher::client::search.
#include "protocols/gopher/client.hpp"
#include "protocols/transfer/builtin.hpp"
#include "protocols/transfer/session.hpp"
#include "protocols/transfer/settings.hpp"

namespace inet::transfer::detail {

namespace asio = boost::asio;

std::string gopher_selector(const url::parsed_url& u) {
  std::string full = "/" + u.path;
  if (!u.query.empty()) full += "?" + u.query;
  return full.size() <= 2 ? std::string() : full.substr(2);
}

asio::awaitable<void> gopher_get(call& cl) {
  gopher::client_options o;
  o.host = cl.url.host;
  o.port = cl.url.port;
  o.tls = cl.url.implicit_tls();
  apply_transport_options(cl.opts, o.tls_settings, o.connect);
  o.max_bytes = cl.opts.max_filesize.value_or(UINT64_MAX);
  gopher::client c(co_await asio::this_coro::executor);
  cl.where = stage::connect;
  cl.opened();
  // Gopher has no greeting: connection failures surface in fetch(); the stage moves to
  // transfer once the first byte of the reply arrives.
  byte_sink sink = [&cl](std::string_view chunk) {
    cl.where = stage::transfer;
    cl.sink(chunk);
  };
  co_await c.fetch(std::move(o), gopher_selector(cl.url), std::move(sink));
}

}  // namespace inet::transfer::detail
