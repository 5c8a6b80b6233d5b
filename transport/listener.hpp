// A listening endpoint for a connection the server opens to us: FTP active mode (PORT, RFC 959
// §4.1.2; EPRT, RFC 2428 §2), where the server connects back for each data transfer.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>

#include "transport/async.hpp"
#include "transport/stream.hpp"

namespace inet::transport {

/// Local ports a listener may bind: the first free one in [first, last] (curl's
/// `--ftp-port addr:first-last`). {0, 0} (the default) lets the system pick an ephemeral port.
struct port_range {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
};

/// Accepts exactly ONE connection from an expected address, within a time bound, and hands it
/// over as a transport::stream. Not thread-safe: use from one strand/coroutine at a time.
///
///   transport::listener l(ex);
///   l.open(control);                                  // the control connection's local address
///   send "EPRT |1|" + address + "|" + port + "|" for l.local_endpoint() ...
///   transport::stream data(ex);
///   data.set_timeouts(control.get_timeouts());
///   co_await l.accept(data, control.remote_ip_endpoint().address(), 60s);
///   co_await data.handshake(tls, host, control.session());   // FTPS: resume (RFC 4217 §10.2)
class listener {
 public:
  using executor_type = boost::asio::any_io_executor;

  explicit listener(executor_type ex);
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  executor_type get_executor() const;

  /// Binds `address` on the first free port of `ports` and listens (closing any previous
  /// listening socket). SO_REUSEADDR is set (a port in TIME_WAIT is reusable; one with a
  /// listening socket never is). Throws std::system_error: error::invalid_argument for a range
  /// with first > last or first == 0 < last; asio::error::address_in_use when every port of the
  /// range is taken; other bind/listen errors as they are (e.g. address_not_available for an
  /// address that is not ours).
  void open(const boost::asio::ip::address& address, port_range ports = {});
  /// Binds the local address of the connected `control` stream: the address the server already
  /// reaches us on (what PORT/EPRT should announce). error::not_connected if it is not open.
  void open(const stream& control, port_range ports = {});

  /// The bound address and port, for PORT/EPRT; a default endpoint when not open.
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  bool is_open() const noexcept;

  /// Accepts one connection and attaches it to `out` (stream::attach: `out` keeps its timeouts
  /// and may run handshake() next). Bounded by `timeout` and by `out`'s deadline. The listening
  /// socket is closed when this ends, whatever the outcome: exactly one peer gets in.
  ///
  /// The peer's source address must equal `expected_peer` (IPv4-mapped IPv6 addresses compare
  /// as IPv4); otherwise that connection is closed at once and the accept FAILS with
  /// error::unexpected_peer, as curl does — rather than waiting on, it makes an intruder racing
  /// the server for the announced port visible (the transfer is not retried silently).
  ///
  /// Throws std::system_error: error::timeout (nobody connected within `timeout`),
  /// error::deadline_exceeded, error::unexpected_peer, error::not_connected (not open),
  /// error::operation_aborted (cancel(), or the coroutine's cancellation), accept errors.
  boost::asio::awaitable<void> accept(stream& out, boost::asio::ip::address expected_peer,
                                      std::chrono::milliseconds timeout);

  /// accept() with any completion token: `void(error_code)`, the same errors as codes (asio's
  /// operation_aborted when cancelled; the handler's cancellation slot is honoured).
  template <typename AcceptToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_accept(stream& out, boost::asio::ip::address expected_peer,
                    std::chrono::milliseconds timeout, AcceptToken&& token = AcceptToken()) {
    return boost::asio::async_initiate<AcceptToken, void(boost::system::error_code)>(
        initiate_accept{this}, token, &out, std::move(expected_peer), timeout);
  }

  /// Cancels a pending accept (it fails with operation_aborted); the socket stays open.
  void cancel() noexcept;
  void close() noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;

  struct initiate_accept {
    listener* self;
    using executor_type = listener::executor_type;
    executor_type get_executor() const { return self->get_executor(); }
    template <typename Handler>
    void operator()(Handler&& h, stream* out, boost::asio::ip::address expected,
                    std::chrono::milliseconds timeout) const {
      self->start_accept(*out, std::move(expected), timeout,
                         detail::void_handler(std::forward<Handler>(h)));
    }
  };
  void start_accept(stream& out, boost::asio::ip::address expected,
                    std::chrono::milliseconds timeout, detail::void_handler h);
};

}  // namespace inet::transport
