// Test helpers for the session layer's unit tests (not public API).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace inet::session::testing {

/// Runs `op` to completion on `io` and returns its result (rethrows its exception).
template <typename T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> op) {
  auto fut = boost::asio::co_spawn(io, std::move(op), boost::asio::use_future);
  io.restart();
  io.run();
  return fut.get();
}

}  // namespace inet::session::testing
