// The definition of transport::launch<T> (see transport/async.hpp). Include it only in the .cc
// file that explicitly instantiates launch<T> for a client's result types:
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

/// Forwards the caller's cancellation requests into the coroutine and remembers them.
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
std::shared_ptr<cancel_relay> relay_for(Handler& handler) {
  auto relay = std::make_shared<cancel_relay>();
  auto slot = boost::asio::get_associated_cancellation_slot(handler);
  if (slot.is_connected()) {
    slot.assign([relay](boost::asio::cancellation_type type) {
      if ((type & boost::asio::cancellation_type::terminal) == boost::asio::cancellation_type::none)
        return;  // partial/total: no operation here can stop and leave the session usable
      relay->cancelled = true;
      relay->inner.emit(boost::asio::cancellation_type::terminal);
    });
  }
  return relay;
}

}  // namespace inet::transport::detail

namespace inet::transport {

template <typename T>
void launch(async_target target, boost::asio::awaitable<T> op,
            boost::asio::any_completion_handler<async_signature_t<T>> handler) {
  auto relay = detail::relay_for(handler);
  auto ex = boost::asio::get_associated_executor(handler, target.executor);
  auto done = [relay, target, handler = std::move(handler)](std::exception_ptr e,
                                                            auto&&... value) mutable {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected()) slot.clear();
    const async_error_code ec = detail::settle(target, e, relay->cancelled);
    std::move(handler)(ec, std::forward<decltype(value)>(value)...);
  };
  boost::asio::co_spawn(
      target.executor, std::move(op),
      boost::asio::bind_cancellation_slot(relay->inner.slot(),
                                          boost::asio::bind_executor(ex, std::move(done))));
}

}  // namespace inet::transport
