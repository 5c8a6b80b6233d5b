// Expect: 100-continue: the bounded wait for the server's go-ahead (see expect.hpp).
#include "protocols/http/expect.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <variant>

namespace inet::http::detail {
namespace {

namespace asio = boost::asio;

[[noreturn]] void fail(error e, const std::string& what) {
  throw std::system_error(make_error_code(e), what);
}

std::string_view data_of(const boost::beast::flat_buffer& b) {
  return {static_cast<const char*>(b.data().data()), b.size()};
}

}  // namespace

response parse_interim_head(std::string_view head) {
  response r;
  const auto eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  if (line.size() < 12 || !line.starts_with("HTTP/1.") || line[8] != ' ' ||
      (line[7] != '0' && line[7] != '1') || line.find_first_not_of("0123456789", 9) < 12)
    fail(error::malformed_response, "malformed HTTP status line");
  r.version = line[7] == '1' ? 11 : 10;
  r.status = std::stoi(std::string(line.substr(9, 3)));
  if (line.size() > 13) r.reason = std::string(line.substr(13));
  std::string_view rest = eol == std::string_view::npos ? "" : head.substr(eol + 2);
  while (rest.size() > 2) {
    const auto end = rest.find("\r\n");
    const std::string_view field = rest.substr(0, end);
    const auto colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0)
      fail(error::malformed_response, "malformed HTTP header field");
    std::string_view value = field.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    r.headers.emplace_back(std::string(field.substr(0, colon)), std::string(value));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 2);
  }
  return r;
}

asio::awaitable<bool> await_continue(transport::stream& s, boost::beast::flat_buffer& buf,
                                     std::chrono::milliseconds timeout,
                                     std::size_t max_header_bytes,
                                     const std::function<void(const response&)>& on_interim) {
  using namespace asio::experimental::awaitable_operators;
  if (buf.size() == 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    auto space = buf.prepare(4096);
    const auto first = co_await (s.async_read_some(space, asio::use_awaitable) ||
                                 timer.async_wait(asio::use_awaitable));
    if (first.index() == 1) co_return true;  // silence: send the body anyway
    buf.commit(std::get<0>(first));
  }
  std::size_t end;
  while ((end = data_of(buf).find("\r\n\r\n")) == std::string_view::npos) {
    if (buf.size() > max_header_bytes)
      fail(error::response_too_large, "HTTP interim response head too large");
    buf.commit(co_await s.async_read_some(buf.prepare(4096), asio::use_awaitable));
  }
  const std::string_view head = data_of(buf).substr(0, end + 4);
  const response r = parse_interim_head(head);
  if (r.status != 100) co_return r.status < 200;
  if (on_interim) on_interim(r);
  buf.consume(end + 4);
  co_return true;
}

}  // namespace inet::http::detail
