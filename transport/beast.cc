#include "transport/beast.hpp"

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>

namespace inet::transport::detail {

static_assert(boost::beast::is_async_read_stream<stream>::value &&
                  boost::beast::is_async_write_stream<stream>::value,
              "transport::stream must stay an Asio AsyncReadStream/AsyncWriteStream");

namespace asio = boost::asio;

namespace {

asio::awaitable<void> teardown(boost::beast::role_type role, stream& s) {
  if (!s.is_open()) co_return;
  if (!s.is_tls() && role == boost::beast::role_type::client) {
    // RFC 6455 §7.1.1: the server closes the TCP connection first; wait for its FIN.
    std::array<char, 2048> sink;
    while (co_await s.read_some(asio::buffer(sink)) > 0) {
    }
  }
  co_await s.graceful_close();
}

}  // namespace

void start_teardown(boost::beast::role_type role, stream& s, void_handler h) {
  launch<void>({s.get_executor()}, teardown(role, s), std::move(h));
}

}  // namespace inet::transport::detail
