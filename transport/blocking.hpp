// Runs an asynchronous operation to completion on a private io_context: the blocking API of
// every protocol client is derived from its one coroutine implementation this way, so blocking
// calls get exactly the same timeouts and limits.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

namespace inet::transport {

/// Runs `op` on `io` (which must not be running elsewhere) until it completes, and returns its
/// result or rethrows its exception.
template <typename T>
T run_blocking(boost::asio::io_context& io, boost::asio::awaitable<T> op) {
  std::exception_ptr failure;
  std::optional<T> result;
  boost::asio::co_spawn(io, std::move(op), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result.emplace(std::move(value));
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

inline void run_blocking(boost::asio::io_context& io, boost::asio::awaitable<void> op) {
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(op), [&](std::exception_ptr e) { failure = e; });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace inet::transport
