// The Gopher client's operations (RFC 1436), each one connection: send the selector, read the
// reply, close.
#include "protocols/gopher/client.hpp"

#include <charconv>

#include "transport/async_launch.hpp"
#include "transport/blocking.hpp"
#include "transport/stream.hpp"

namespace inet::gopher {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.gopher"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::invalid_selector: return "invalid Gopher selector (CR, LF, NUL or TAB)";
      case error::not_connected: return "not connected";
    }
    return "unknown Gopher error";
  }
};

void check(std::string_view s, bool allow_tab, std::string_view what) {
  for (char c : s)
    if (c == '\r' || c == '\n' || c == '\0' || (c == '\t' && !allow_tab))
      throw std::system_error(make_error_code(error::invalid_selector), std::string(what));
}

}  // namespace

const std::error_category& gopher_category() noexcept {
  static const category c;
  return c;
}

item parse_item(std::string_view line) {
  item it;
  if (line.empty()) return it;
  it.type = line.front();
  line.remove_prefix(1);
  std::string_view f[5];
  for (int i = 0; i < 5; ++i) {
    const std::size_t tab = i < 4 ? line.find('\t') : std::string_view::npos;
    f[i] = line.substr(0, tab);
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  it.display = f[0];
  it.selector = f[1];
  it.host = f[2];
  unsigned port = 0;
  const auto [p, ec] = std::from_chars(f[3].data(), f[3].data() + f[3].size(), port);
  if (ec == std::errc() && p == f[3].data() + f[3].size() && port > 0 && port < 65536)
    it.port = static_cast<std::uint16_t>(port);
  it.plus = f[4];
  return it;
}

struct client::impl {
  explicit impl(asio::any_io_executor ex) : stream(std::move(ex)) {}
  transport::stream stream;

  awaitable<std::unique_ptr<line::engine>> request(const client_options& o, std::string_view sel) {
    stream.close();
    co_await stream.connect(o.host, o.port, o.connect);
    if (o.tls) co_await stream.handshake(o.tls_settings, o.host);
    line::limits l;
    l.max_line_bytes = o.max_line_bytes;
    auto eng = std::make_unique<line::engine>(stream, "gopher", l);
    std::string req(sel);
    req += "\r\n";
    co_await eng->send_bytes(req, "> " + std::string(sel));
    co_return eng;
  }

  awaitable<std::vector<item>> read_menu(line::engine& eng, std::uint64_t max) {
    std::vector<item> out;
    std::uint64_t total = 0;
    for (;;) {
      std::string_view l;
      bool eof = false;
      try {
        l = co_await eng.reader().read_line();  // CRLF or bare LF
      } catch (const std::system_error& e) {
        if (e.code() != transport::error::unexpected_eof) throw;
        eof = true;  // lenient: no final "." line
      }
      if (eof || l == ".") break;
      total += l.size() + 2;
      if (total > max)
        throw std::system_error(make_error_code(transport::error::body_too_large), "Gopher menu");
      out.push_back(parse_item(l));
    }
    stream.close();
    co_return out;
  }
};

client::client(asio::any_io_executor ex) : impl_(std::make_unique<impl>(std::move(ex))) {}
client::~client() = default;

awaitable<std::vector<item>> client::menu(client_options opts, std::string selector) {
  check(selector, false, "selector");
  auto eng = co_await impl_->request(opts, selector);
  co_return co_await impl_->read_menu(*eng, opts.max_bytes);
}

awaitable<std::vector<item>> client::search(client_options opts, std::string selector,
                                            std::string query) {
  check(selector, false, "selector");
  check(query, true, "query");
  auto eng = co_await impl_->request(opts, selector + "\t" + query);
  co_return co_await impl_->read_menu(*eng, opts.max_bytes);
}

awaitable<std::uint64_t> client::text(client_options opts, std::string selector, byte_sink sink) {
  check(selector, true, "selector");
  auto eng = co_await impl_->request(opts, selector);
  const std::uint64_t n = co_await eng->read_dot_body(sink, opts.max_bytes);
  impl_->stream.close();
  co_return n;
}

awaitable<std::uint64_t> client::fetch(client_options opts, std::string selector, byte_sink sink) {
  check(selector, true, "selector");
  auto eng = co_await impl_->request(opts, selector);
  const std::uint64_t n = co_await eng->reader().read_until_eof(sink, opts.max_bytes);
  impl_->stream.close();
  co_return n;
}

void client::close() noexcept { impl_->stream.close(); }
asio::any_io_executor client::get_executor() const noexcept { return impl_->stream.get_executor(); }
INET_GOPHER_OPERATIONS(INET_BLOCKING_DEFINE)

}  // namespace inet::gopher

namespace inet::transport {
template void launch<std::vector<gopher::item>>(
    async_target, boost::asio::awaitable<std::vector<gopher::item>>,
    boost::asio::any_completion_handler<async_signature_t<std::vector<gopher::item>>>);
}  // namespace inet::transport
