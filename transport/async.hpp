// The Asio completion-token front of the library, written once: every `async_xxx(...,
// CompletionToken&&)` (protocol clients, transport::stream's async_read_some/async_write_some,
// transport::listener's async_accept, the transfer session's async_get/async_put) is a thin
// `async_initiate` over a coroutine that is started by `launch<T>()` / `launch_reported<T>()`,
// compiled once per result type in a .cc file behind `boost::asio::any_completion_handler`
// (Asio's cpp20/type_erasure pattern), so a header that uses a token instantiates no coroutine
// machinery. Every Asio token works: a callback, `use_awaitable`, `deferred`, `use_future`,
// `as_tuple(...)`, `redirect_error(...)`, binders such as `bind_cancellation_slot`. As with
// co_spawn, the handler never runs inside the initiating function and runs on its associated
// executor (default: the I/O object's), with outstanding work tracked meanwhile.
//
// Two completion shapes:
//   - launch<T>: the coroutine returns T and throws on failure; completes with
//     `void(error_code)` (T = void) or `void(error_code, T)` (T{} on failure).
//   - launch_reported<T>: the coroutine returns `std::pair<std::error_code, T>` and the value
//     describes a failure too (transfer::result); completes with `void(std::error_code, T)`.
//
// Errors. The completion's `error_code` is a `boost::system::error_code` (Asio's own type; it
// wraps and compares equal to the library's `std::error_code`s: `ec == smtp::error::auth_failed`,
// `ec == inet::condition::timeout` work). An exception from the coroutine maps as:
//   - transport::error::operation_aborted -> boost::asio::error::operation_aborted (what Asio and
//     Beast look for);
//   - `std::system_error` (every `inet::exception`: smtp_exception, pop3_exception,
//     imap_exception ...) and `boost::system::system_error` -> its `code()`;
//   - anything else (a throwing byte_sink/byte_source, std::bad_alloc ...) ->
//     `async_errc::unexpected_exception` (category "inet.async").
// The server's own words are not lost: a client keeps the exception behind the last failed
// `async_` operation (or `error_code&` blocking call) in `last_failure()`; rethrow it to get the
// typed exception (`smtp_exception::server_reply()` ...). The coroutine form keeps throwing the
// typed exceptions directly.
//
// Cancellation. The completion handler's associated cancellation slot is honoured for the types
// in `async_target::cancel_types` (protocol clients and the transfer session: terminal only —
// no operation of these protocols can stop half-way and leave the session usable; a stream read
// or write: every type). The request reaches whatever socket read/write/wait the coroutine is
// suspended on; a terminal cancellation that ends the operation completes it with
// `boost::asio::error::operation_aborted`, after `async_target::close` (a client is closed: a
// session cut in the middle of a reply cannot be resynchronised, so the next operation fails
// with the protocol's `not_connected` until `async_connect`). Idle timeouts and the deadline
// keep applying underneath and compose with cancellation: whichever comes first ends the
// operation.
//
// Like every Asio I/O object, a client must outlive its operations and runs one operation at a
// time.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <exception>
#include <functional>
#include <system_error>
#include <type_traits>
#include <utility>

namespace inet::transport {

/// The error code type of every completion signature and `error_code&` overload.
using async_error_code = boost::system::error_code;

/// Errors of the asynchronous front itself, category "inet.async".
enum class async_errc {
  /// The operation failed with an exception that carries no error code (e.g. a byte_sink or
  /// byte_source threw a std::runtime_error, or memory ran out); see the client's
  /// last_failure() for the exception itself.
  unexpected_exception = 1,
};
const std::error_category& async_category() noexcept;
inline std::error_code make_error_code(async_errc e) noexcept {
  return {static_cast<int>(e), async_category()};
}

/// The error code for a failure, as the async front and the error_code& overloads report it
/// (see the mapping at the top of this file). A null pointer gives a success code.
async_error_code to_error_code(std::exception_ptr failure) noexcept;

/// `void(error_code)` for T = void, else `void(error_code, T)`.
template <typename T>
struct async_signature {
  using type = void(async_error_code, T);
};
template <>
struct async_signature<void> {
  using type = void(async_error_code);
};
template <typename T>
using async_signature_t = typename async_signature<T>::type;

namespace detail {
/// The type-erased handlers of the transport's own token forms (stream, listener, Beast).
using size_handler = boost::asio::any_completion_handler<void(async_error_code, std::size_t)>;
using void_handler = boost::asio::any_completion_handler<void(async_error_code)>;
}  // namespace detail

/// What the launcher needs from the I/O object an operation runs on.
struct async_target {
  boost::asio::any_io_executor executor;
  /// Receives the failure of the operation (null on success) before the handler runs.
  std::exception_ptr* last_failure = nullptr;
  /// Closes the client; called after a cancelled operation, before the handler runs.
  std::function<void()> close;
  /// The cancellation types forwarded from the handler's slot into the coroutine.
  boost::asio::cancellation_type cancel_types = boost::asio::cancellation_type::terminal;
};

/// Starts `op` on `target.executor` and completes `handler` with its outcome (see the top of
/// this file). Defined in transport/async_launch.hpp; instantiated once per result type T in a
/// .cc file (transport/async.cc for void and standard types, each protocol's async .cc for its
/// own result types).
template <typename T>
void launch(async_target target, boost::asio::awaitable<T> op,
            boost::asio::any_completion_handler<async_signature_t<T>> handler);

/// Starts `op` on `target.executor` and completes `handler` with the pair it returns (an
/// exception escaping it gives `to_error_code(e)` and T{}). Defined in
/// transport/async_launch.hpp; instantiated once per T in the user's .cc file.
template <typename T>
void launch_reported(async_target target, boost::asio::awaitable<std::pair<std::error_code, T>> op,
                     boost::asio::any_completion_handler<void(std::error_code, T)> handler);

/// The async_initiate front: completes `token` with the outcome of coroutine `op`.
/// The coroutine is created by the caller (its frame holds the operation's arguments) and
/// started only when the token initiates the operation (at once for callbacks and use_future,
/// when awaited for use_awaitable and deferred; never if a deferred operation is dropped).
template <typename T, typename Token>
auto async_run(async_target target, boost::asio::awaitable<T> op, Token&& token) {
  return boost::asio::async_initiate<Token, async_signature_t<T>>(
      [](auto handler, async_target t, boost::asio::awaitable<T> a) {
        launch<T>(std::move(t), std::move(a),
                  boost::asio::any_completion_handler<async_signature_t<T>>(std::move(handler)));
      },
      token, std::move(target), std::move(op));
}

/// The async_initiate front of launch_reported: completes `token` with `void(std::error_code,
/// T)`, the pair coroutine `op` returns.
template <typename T, typename Token>
auto async_run_reported(async_target target,
                        boost::asio::awaitable<std::pair<std::error_code, T>> op, Token&& token) {
  using signature = void(std::error_code, T);
  return boost::asio::async_initiate<Token, signature>(
      [](auto handler, async_target t, boost::asio::awaitable<std::pair<std::error_code, T>> a) {
        launch_reported<T>(std::move(t), std::move(a),
                           boost::asio::any_completion_handler<signature>(std::move(handler)));
      },
      token, std::move(target), std::move(op));
}

}  // namespace inet::transport

template <>
struct std::is_error_code_enum<inet::transport::async_errc> : std::true_type {};

// ---- Operation tables -------------------------------------------------------------------------
//
// Each client lists its operations ONCE in a table macro (INET_SMTP_OPERATIONS ...), one row per
// overload: X(result type, name, (parameters), (arguments forwarded to the coroutine)). Default
// arguments become one row per arity. The table generates, from the hand-written coroutine
// `name(...)`:
//   - in `client`:          async_name(parameters..., CompletionToken&&)     (INET_ASYNC_FRONT)
//   - in `blocking_client`: name(parameters...) throwing what the coroutine throws, and
//                           name(parameters..., error_code& ec)             (INET_BLOCKING_DECLARE)
//   - in the .cc:           the blocking definitions                        (INET_BLOCKING_DEFINE)
// so the three forms cannot drift apart: a new operation needs one new table row.

/// Expands a parenthesised parameter list followed by a comma when it is not empty.
#define INET_ASYNC_PARAMS_COMMA(...) __VA_ARGS__ __VA_OPT__(, )

/// In `client`: the completion-token form of coroutine `name`.
#define INET_ASYNC_FRONT(R, name, params, args)                                                \
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(::inet::transport::async_signature_t<R>) Token>   \
  auto async_##name(INET_ASYNC_PARAMS_COMMA params Token&& token) {                           \
    return ::inet::transport::async_run<R>(async_target_(), name args,                        \
                                           std::forward<Token>(token));                       \
  }

/// In `blocking_client`: the throwing and the error_code& declarations.
#define INET_BLOCKING_DECLARE(R, name, params, args) \
  R name params;                                     \
  R name(INET_ASYNC_PARAMS_COMMA params ::inet::transport::async_error_code& ec);

/// In the client's .cc: the definitions (the coroutine run to completion on io_).
#define INET_BLOCKING_DEFINE(R, name, params, args)                                             \
  R blocking_client::name params { return ::inet::transport::run_blocking(io_, client_->name args); } \
  R blocking_client::name(INET_ASYNC_PARAMS_COMMA params ::inet::transport::async_error_code& ec) {   \
    return ::inet::transport::run_blocking(io_, client_->name args, ec, client_->last_failure_);      \
  }

/// In `blocking_client`: a const, argument-less accessor forwarded to the client as it is.
#define INET_BLOCKING_ACCESSOR(name) \
  decltype(auto) name() const noexcept(noexcept(client_->name())) { return client_->name(); }
