// Runs an asynchronous operation to completion on a private io_context: the blocking API of
// every protocol client is derived from its one coroutine implementation this way, so blocking
// calls get exactly the same timeouts and limits. The blocking_client members themselves are
// generated from each client's operation table (see transport/async.hpp).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

#include "transport/async.hpp"

namespace inet::transport {

namespace detail {
/// The io_context a blocking client's call is running on this thread (null outside such a
/// call). A transport::stream on it keeps its idle timer set between operations (see
/// run_blocking_owned).
const void* blocking_owned_context() noexcept;

/// Marks `io` as the owned context of the running call for its lifetime (nests).
class owned_context_scope {
 public:
  explicit owned_context_scope(const void* io) noexcept;
  ~owned_context_scope();
  owned_context_scope(const owned_context_scope&) = delete;
  owned_context_scope& operator=(const owned_context_scope&) = delete;

 private:
  const void* saved_;
};

/// Runs `io` until it is out of work or, on an owned context, until `done` is set (handler by
/// handler: a stream's idle timer left set there does not keep the call waiting).
inline void run_until(boost::asio::io_context& io, const bool& done) {
  io.restart();
  if (blocking_owned_context() != &io) {
    io.run();
    return;
  }
  while (!done && io.run_one() > 0) {
  }
}

/// Runs `op` on `io` and returns its failure (null on success); the result goes to `result`.
template <typename T>
std::exception_ptr run_to_completion(boost::asio::io_context& io, boost::asio::awaitable<T> op,
                                     std::optional<T>& result) {
  std::exception_ptr failure;
  bool done = false;
  boost::asio::co_spawn(io, std::move(op), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result.emplace(std::move(value));
    done = true;
  });
  run_until(io, done);
  return failure;
}
inline std::exception_ptr run_to_completion(boost::asio::io_context& io,
                                            boost::asio::awaitable<void> op) {
  std::exception_ptr failure;
  bool done = false;
  boost::asio::co_spawn(io, std::move(op), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  run_until(io, done);
  return failure;
}
}  // namespace detail

/// Runs `op` on `io` (which must not be running elsewhere) until it completes, and returns its
/// result or rethrows its exception.
template <typename T>
T run_blocking(boost::asio::io_context& io, boost::asio::awaitable<T> op) {
  std::optional<T> result;
  if (auto failure = detail::run_to_completion(io, std::move(op), result))
    std::rethrow_exception(failure);
  return std::move(*result);
}

inline void run_blocking(boost::asio::io_context& io, boost::asio::awaitable<void> op) {
  if (auto failure = detail::run_to_completion(io, std::move(op))) std::rethrow_exception(failure);
}

/// As above, but a failure sets `ec` (mapped as by to_error_code) and `last_failure` (the
/// exception itself, for the server's words) and returns a value-initialised T. Success clears
/// both.
template <typename T>
T run_blocking(boost::asio::io_context& io, boost::asio::awaitable<T> op, async_error_code& ec,
               std::exception_ptr& last_failure) {
  std::optional<T> result;
  last_failure = detail::run_to_completion(io, std::move(op), result);
  ec = to_error_code(last_failure);
  if (last_failure) return T{};
  return std::move(*result);
}

inline void run_blocking(boost::asio::io_context& io, boost::asio::awaitable<void> op,
                         async_error_code& ec, std::exception_ptr& last_failure) {
  last_failure = detail::run_to_completion(io, std::move(op));
  ec = to_error_code(last_failure);
}

/// As run_blocking, for a caller that owns `io` and runs it only through these calls (a
/// blocking client's private io_context): streams on it may leave their idle timer set when a
/// call ends instead of cancelling it (one timerfd_settime less per call); the next call's
/// operations reuse it. Bounds and errors are those of run_blocking.
template <typename T>
T run_blocking_owned(boost::asio::io_context& io, boost::asio::awaitable<T> op) {
  detail::owned_context_scope scope(&io);
  return run_blocking(io, std::move(op));
}

template <typename T>
T run_blocking_owned(boost::asio::io_context& io, boost::asio::awaitable<T> op,
                     async_error_code& ec, std::exception_ptr& last_failure) {
  detail::owned_context_scope scope(&io);
  return run_blocking(io, std::move(op), ec, last_failure);
}

}  // namespace inet::transport
