// Fronts a coroutine with Asio's completion-token protocol, so an operation is written once (as
// a coroutine in a .cc file) and offered both as `awaitable<T>` and as
// `async_xxx(args..., CompletionToken&&)` with `void(error_code[, T])`.
//
// The token form type-erases its handler (asio::any_completion_handler) and calls one of the
// non-template spawn() functions below, which co_spawn the coroutine on the I/O object's
// executor. co_spawn gives the Asio guarantees: the handler is never invoked from inside the
// initiating function, it runs on its associated executor (with outstanding work tracked
// meanwhile), and its per-operation cancellation slot reaches every operation the coroutine
// awaits (terminal cancellation by default; a coroutine may widen it with
// this_coro::reset_cancellation_state).
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <exception>

namespace inet::transport::detail {

using size_handler =
    boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;
using void_handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

/// The error code a token-form operation reports for the exception its coroutine ended with:
/// the std::system_error / boost::system::system_error code as it is (transport::error::timeout
/// and error::deadline_exceeded stay themselves), except that transport::error::operation_aborted
/// becomes asio::error::operation_aborted (what Asio and Beast look for). Other exceptions
/// (std::bad_alloc …) are rethrown. (Not transport::detail::to_error_code of async.hpp, which maps
/// every exception: the two must keep distinct names — one definition each.)
boost::system::error_code stream_error_code(std::exception_ptr e);

/// Runs `op` on `ex` and completes `h` with (ec, value) — value 0 when ec is set.
void spawn(boost::asio::any_io_executor ex, boost::asio::awaitable<std::size_t> op,
           size_handler h);
/// Runs `op` on `ex` and completes `h` with (ec).
void spawn(boost::asio::any_io_executor ex, boost::asio::awaitable<void> op, void_handler h);

}  // namespace inet::transport::detail
