// The idle bound on one lazily set timer per stream (transport/stream.cc): reads and writes
// inside the idle window never time out even when the exchange lasts several idle periods (the
// timer, set for an earlier operation, is set again for the remainder); a peer that stalls
// still times out; a completed operation leaves no timer behind that keeps io_context::run()
// waiting, in the coroutine and in the token forms (direct socket operations, no coroutine);
// the next call on the same stream is bounded again, and a deadline earlier than its idle
// bound is honoured.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"
#include "transport/blocking.hpp"
#include "transport/error.hpp"

namespace inet::testing {
namespace {

using boost::system::error_code;
using test::mock_server;
using test::script;
using transport::error;

TEST(IdleTimer, ReadsAndWritesOverSeveralIdlePeriodsDoNotTimeOut) {
  // 40 bytes, one every 25 ms: about 1 s in all, more than three 300 ms idle bounds.
  const std::string data(40, 'x');
  mock_server srv(script().trickle(data, 25ms).close());
  asio::io_context io;
  transport::stream s(io.get_executor());
  std::string got;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options(300ms));
    std::array<char, 8> c;
    for (;;) {
      const std::size_t n = co_await s.read_some(asio::buffer(c));
      if (n == 0) break;
      got.append(c.data(), n);
      co_await s.write(asio::buffer(c.data(), n));  // the write side shares the timer
    }
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(got, data);
}

TEST(IdleTimer, AStallAfterActivityTimesOut) {
  mock_server srv(script().trickle("abcdef", 40ms).stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  std::string got;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options(300ms));
    std::array<char, 8> c;
    for (;;) got.append(c.data(), co_await s.read_some(asio::buffer(c)));
  });
  EXPECT_EQ(ec, error::timeout) << ec.message();
  EXPECT_EQ(got, "abcdef");
  EXPECT_FALSE(s.is_open());
}

// Runs `io` until `done`, then the handlers that are ready; true when no work is left (the
// stream's timer would be work: its idle bound here is an hour).
bool nothing_left(asio::io_context& io, const bool& done) {
  io.restart();
  while (!done && io.run_one() > 0) {
  }
  io.poll();
  return io.stopped();
}

TEST(IdleTimer, CompletedTokenFormReadAndWriteLeaveNoTimer) {
  mock_server srv(script().send("hello").expect("PING").stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  transport::run_blocking(io, s.connect("127.0.0.1", srv.port(), quick_options(3600s)));

  std::array<char, 16> buf;
  error_code read_ec, write_ec;
  std::size_t n = 0;
  bool done = false;
  s.async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t got) {
    read_ec = ec;
    n = got;
    done = true;
  });
  EXPECT_TRUE(nothing_left(io, done));
  EXPECT_FALSE(read_ec) << read_ec.message();
  EXPECT_EQ(std::string(buf.data(), n), "hello");

  done = false;
  s.async_write_some(asio::buffer(std::string_view("PING\r\n")), [&](error_code ec, std::size_t) {
    write_ec = ec;
    done = true;
  });
  EXPECT_TRUE(nothing_left(io, done));
  EXPECT_FALSE(write_ec) << write_ec.message();
}

TEST(IdleTimer, CompletedCoroutineReadLeavesNoTimer) {
  mock_server srv(script().send("hello").stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  transport::run_blocking(io, s.connect("127.0.0.1", srv.port(), quick_options(3600s)));
  std::array<char, 16> buf;
  std::size_t n = 0;
  bool done = false;
  asio::co_spawn(io, s.read_some(asio::buffer(buf)), [&](std::exception_ptr e, std::size_t got) {
    EXPECT_FALSE(e);
    n = got;
    done = true;
  });
  EXPECT_TRUE(nothing_left(io, done));
  EXPECT_EQ(std::string(buf.data(), n), "hello");
}

TEST(IdleTimer, TheNextCallIsBoundedAgain) {
  mock_server srv(script().send("hello").stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  std::array<char, 16> buf;
  const std::size_t n = transport::run_blocking(
      io, [&]() -> asio::awaitable<std::size_t> {
        co_await s.connect("127.0.0.1", srv.port(), quick_options(300ms));
        co_return co_await s.read_some(asio::buffer(buf));
      }());
  EXPECT_EQ(std::string(buf.data(), n), "hello");
  std::error_code ec;
  try {
    transport::run_blocking(io, s.read_some(asio::buffer(buf)));
  } catch (const std::system_error& e) {
    ec = e.code();
  }
  EXPECT_EQ(ec, error::timeout) << ec.message();
}

TEST(IdleTimer, ADeadlineEarlierThanTheIdleBoundIsHonoured) {
  mock_server srv(script().send("hello").stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  std::array<char, 16> buf;
  transport::run_blocking(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options(3600s));
    co_await s.read_some(asio::buffer(buf));
  }());
  auto t = s.get_timeouts();  // idle: an hour
  t.deadline = std::chrono::steady_clock::now() + 200ms;
  s.set_timeouts(t);
  std::error_code ec;
  try {
    transport::run_blocking(io, s.read_some(asio::buffer(buf)));
  } catch (const std::system_error& e) {
    ec = e.code();
  }
  EXPECT_EQ(ec, error::deadline_exceeded) << ec.message();
}

}  // namespace
}  // namespace inet::testing
