// The definition of transport::launch<T> and launch_reported<T> (see transport/async.hpp).
// Include it only in the .cc file that explicitly instantiates them for its result types:
//   template void inet::transport::launch<smtp::reply>(async_target, awaitable<smtp::reply>,
//                                                      any_completion_handler<...>);
#pragma once

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <memory>
#include <optional>

#include "transport/async.hpp"

namespace inet::transport::detail {

/// Forwards the caller's cancellation requests into the coroutine and remembers a terminal one.
struct cancel_relay {
  boost::asio::cancellation_signal inner;
  bool cancelled = false;
};

/// The error code an operation completes with, after the client was told about the failure.
inline async_error_code settle(async_target& t, std::exception_ptr failure, bool cancelled) {
  if (t.last_failure) *t.last_failure = failure;
  if (cancelled && failure) {
    if (t.close) t.close();
    return boost::asio::error::operation_aborted;
  }
  return to_error_code(failure);
}

/// Installs the relay on the caller's slot (if connected) and returns it.
template <typename Handler>
std::shared_ptr<cancel_relay> relay_for(Handler& handler, boost::asio::cancellation_type types) {
  auto relay = std::make_shared<cancel_relay>();
  auto slot = boost::asio::get_associated_cancellation_slot(handler);
  if (slot.is_connected()) {
    slot.assign([relay, types](boost::asio::cancellation_type type) {
      type = type & types;
      if (type == boost::asio::cancellation_type::none) return;
      if ((type & boost::asio::cancellation_type::terminal) != boost::asio::cancellation_type::none)
        relay->cancelled = true;
      relay->inner.emit(type);
    });
  }
  return relay;
}

/// The one place a coroutine is started for a handler: co_spawn on the I/O object's executor,
/// the handler's cancellation slot relayed, completion on the handler's associated executor.
/// `finish(target, cancelled, handler, exception_ptr, value...)` completes the handler.
template <typename R, typename Handler, typename Finish>
void start(async_target target, boost::asio::awaitable<R> op, Handler handler, Finish finish) {
  auto relay = relay_for(handler, target.cancel_types);
  auto ex = boost::asio::get_associated_executor(handler, target.executor);
  auto io_ex = target.executor;
  auto done = [relay, target = std::move(target), handler = std::move(handler),
               finish](std::exception_ptr e, auto&&... value) mutable {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected()) slot.clear();
    finish(target, relay->cancelled, std::move(handler), e,
           std::forward<decltype(value)>(value)...);
  };
  boost::asio::co_spawn(
      io_ex, std::move(op),
      boost::asio::bind_cancellation_slot(relay->inner.slot(),
                                          boost::asio::bind_executor(ex, std::move(done))));
}

}  // namespace inet::transport::detail

namespace inet::transport {

template <typename T>
void launch(async_target target, boost::asio::awaitable<T> op,
            boost::asio::any_completion_handler<async_signature_t<T>> handler) {
  detail::start(std::move(target), std::move(op), std::move(handler),
                [](async_target& t, bool cancelled, auto h, std::exception_ptr e, auto&&... value) {
                  const async_error_code ec = detail::settle(t, e, cancelled);
                  std::move(h)(ec, std::forward<decltype(value)>(value)...);
                });
}

template <typename T>
void launch_reported(async_target target, boost::asio::awaitable<std::pair<std::error_code, T>> op,
                     boost::asio::any_completion_handler<void(std::error_code, T)> handler) {
  detail::start(std::move(target), std::move(op), std::move(handler),
                [](async_target& t, bool cancelled, auto h, std::exception_ptr e,
                   std::pair<std::error_code, T> r) {
                  if (e) r = {detail::settle(t, e, cancelled), T{}};
                  std::move(h)(r.first, std::move(r.second));
                });
}

}  // namespace inet::transport
