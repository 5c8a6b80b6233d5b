// The Asio completion-token front of every protocol client, written once.
//
// Each client operation is one coroutine (`client::send(...)` returning `awaitable<T>`, throwing
// typed exceptions). Its Asio-style twin `client::async_send(..., CompletionToken&&)` completes
// with `void(error_code)` or `void(error_code, T)`, and works with every Asio token: a callback,
// `use_awaitable`, `deferred`, `use_future`, `as_tuple(...)`, `redirect_error(...)`, and binders
// such as `bind_cancellation_slot`. The front is a thin `async_initiate` template (below); the
// coroutine is started by `launch<T>()`, compiled once per result type in a .cc file behind
// `boost::asio::any_completion_handler` (Asio's cpp20/type_erasure pattern), so a header that
// uses a token instantiates no coroutine machinery.
//
// Errors. The completion's `error_code` is a `boost::system::error_code` (Asio's own type; it
// wraps and compares equal to the library's `std::error_code`s: `ec == smtp::error::auth_failed`,
// `ec == inet::condition::timeout` work). An exception from the coroutine maps as:
//   - `std::system_error` (every `inet::exception`: smtp_exception, pop3_exception,
//     imap_exception ...) and `boost::system::system_error` -> its `code()`;
//   - anything else (a throwing byte_sink/byte_source, std::bad_alloc ...) ->
//     `async_errc::unexpected_exception` (category "inet.async").
// The server's own words are not lost: the client keeps the exception behind the last failed
// `async_` operation (or `error_code&` blocking call) in `last_failure()`; rethrow it to get the
// typed exception (`smtp_exception::server_reply()` ...). The coroutine form keeps throwing the
// typed exceptions directly.
//
// Cancellation. The completion handler's associated cancellation slot is honoured for
// `cancellation_type::terminal` (partial/total requests are ignored: no operation of these
// protocols can stop half-way and leave the session usable). The request reaches whatever socket
// read/write/wait the coroutine is suspended on; the operation then completes with
// `boost::asio::error::operation_aborted`, and the client is closed before the handler runs (a
// session cut in the middle of a reply cannot be resynchronised), so the next operation fails
// with the protocol's `not_connected` (or IMAP's connection error) until `async_connect`.
// Idle timeouts and the deadline keep applying underneath and compose with cancellation:
// whichever comes first ends the operation.
//
// Like every Asio I/O object, a client must outlive its operations and runs one operation at a
// time; handlers run on their associated executor (default: the client's executor).
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
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

/// What the launcher needs from the client an operation runs on.
struct async_target {
  boost::asio::any_io_executor executor;
  /// Receives the failure of the operation (null on success) before the handler runs.
  std::exception_ptr* last_failure = nullptr;
  /// Closes the client; called after a cancelled operation, before the handler runs.
  std::function<void()> close;
};

/// Starts `op` on `target.executor` and completes `handler` with its outcome (see the top of
/// this file). Defined in transport/async_launch.hpp; instantiated once per result type T in a
/// .cc file (transport/async.cc for void and standard types, each protocol's async .cc for its
/// own result types).
template <typename T>
void launch(async_target target, boost::asio::awaitable<T> op,
            boost::asio::any_completion_handler<async_signature_t<T>> handler);

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
