// A small completion-token front over co_spawn for the transfer session: the operation is a
// coroutine returning {error_code, T}; the front starts it on the session's executor, maps an
// escaping exception to an error_code, forwards the caller's cancellation slot and completes
// with void(std::error_code, T) in the caller's token (callback, use_awaitable, use_future,
// deferred, ...).
//
// NOTE for the merge: transport/ is getting generic async_xxx machinery on another branch; this
// header is the transfer layer's stop-gap and should be replaced by it (one helper).
#pragma once

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>

#include <exception>
#include <new>
#include <system_error>
#include <utility>

namespace inet::transfer::detail {

/// The error_code for an exception that escaped an operation's coroutine.
std::error_code error_from_exception(std::exception_ptr e) noexcept;

/// Starts `make()` (a callable returning awaitable<std::pair<std::error_code, T>>) on `ex` and
/// completes `token` with (error_code, T).
template <class T, class Token, class Make>
auto co_initiate(boost::asio::any_io_executor ex, Make make, Token&& token) {
  return boost::asio::async_initiate<Token, void(std::error_code, T)>(
      [ex](auto handler, Make make) {
        auto slot = boost::asio::get_associated_cancellation_slot(handler);
        auto done = [h = std::move(handler)](std::exception_ptr e,
                                             std::pair<std::error_code, T> r) mutable {
          if (e) r.first = error_from_exception(e);
          std::move(h)(r.first, std::move(r.second));
        };
        boost::asio::co_spawn(ex, make(),
                              boost::asio::bind_cancellation_slot(slot, std::move(done)));
      },
      token, std::move(make));
}

}  // namespace inet::transfer::detail
