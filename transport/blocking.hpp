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
/// Runs `op` on `io` and returns its failure (null on success); the result goes to `result`.
template <typename T>
std::exception_ptr run_to_completion(boost::asio::io_context& io, boost::asio::awaitable<T> op,
                                     std::optional<T>& result) {
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(op), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result.emplace(std::move(value));
  });
  io.restart();
  io.run();
  return failure;
}
inline std::exception_ptr run_to_completion(boost::asio::io_context& io,
                                            boost::asio::awaitable<void> op) {
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(op), [&](std::exception_ptr e) { failure = e; });
  io.restart();
  io.run();
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

}  // namespace inet::transport
