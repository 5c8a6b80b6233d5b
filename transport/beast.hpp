// Beast WebSocket on transport::stream: the teardown and close_socket customisation points
// Beast finds by argument-dependent lookup, so beast::websocket::stream<transport::stream&>
// (ws:// and wss://, with the transport's timeouts, proxies and TLS verification) works:
//
//   transport::stream s(ex);
//   co_await s.connect(host, port, opts);
//   co_await s.handshake(tls, host);                      // wss://
//   boost::beast::websocket::stream<transport::stream&> ws(s);
//   co_await ws.async_handshake(host, "/chat", asio::use_awaitable);
//
// http::async_read / async_write need nothing from this header (stream.hpp suffices).
#pragma once

#include <boost/beast/core/role.hpp>
#include <boost/system/error_code.hpp>
#include <utility>

#include "transport/async.hpp"
#include "transport/stream.hpp"

namespace inet::transport {

/// Beast's close_socket (used when a WebSocket operation times out or fails): close() now.
inline void beast_close_socket(stream& s) { s.close(); }

/// The synchronous teardown of a WebSocket connection (RFC 6455 §7.1.1) used by Beast's
/// blocking close(): closes the socket at once, without TLS close_notify (the stream has no
/// blocking I/O). Always succeeds.
inline void teardown(boost::beast::role_type, stream& s, boost::system::error_code& ec) {
  s.close();
  ec = {};
}

namespace detail {
/// Runs the asynchronous teardown (see async_teardown) and completes `h` with its error code.
void start_teardown(boost::beast::role_type role, stream& s, void_handler h);
}  // namespace detail

/// The asynchronous WebSocket teardown (RFC 6455 §7.1.1), `void(error_code)`: with TLS,
/// graceful_close() (close_notify, up to 500 ms for the peer's, then close); over plain TCP a
/// client first reads until the server's FIN (the server closes first; bounded by the stream's
/// idle timeout and deadline), then closes. Errors: the transport's (timeouts …).
template <typename TeardownHandler>
void async_teardown(boost::beast::role_type role, stream& s, TeardownHandler&& handler) {
  detail::start_teardown(role, s, detail::void_handler(std::forward<TeardownHandler>(handler)));
}

}  // namespace inet::transport
