// transport::scoped_idle_suspension: an FTP-style control connection waits for its final reply
// while a data connection transfers for longer than the control's idle timeout. Under the guard
// the control survives (its deadline still holds); without it the control times out; a stalled
// data connection still times out on its own idle bound; when the guard ends, a pending control
// read gets a fresh idle bound.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <string>

#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"
#include "transport/stream.hpp"

namespace inet::testing {
namespace {

using namespace boost::asio::experimental::awaitable_operators;
using test::mock_server;
using test::script;
using transport::error;
using transport::scoped_idle_suspension;

const std::error_code aborted = boost::system::error_code(asio::error::operation_aborted);

// The control side: "150" now, "226" after `transfer` (longer than the 200 ms idle timeout).
script control_script(std::chrono::milliseconds transfer) {
  return script().send("150 Opening data connection\r\n").stall(transfer).send("226 Done\r\n");
}

// 20 bytes, one every 50 ms: a one-second transfer that always makes progress.
script data_script() { return script().trickle(std::string(20, 'd'), 50ms).close(); }

// The token forms' error codes as std::system_error (what error_of() captures).
asio::awaitable<std::string> read_line(transport::stream& s) {
  std::string line;
  boost::system::error_code ec;
  co_await asio::async_read_until(s, asio::dynamic_buffer(line), "\r\n",
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw std::system_error(ec, "control");
  co_return line;
}

asio::awaitable<std::string> read_to_eof(transport::stream& s) {
  std::string all;
  boost::system::error_code ec;
  co_await asio::async_read(s, asio::dynamic_buffer(all),
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec != asio::error::eof) throw std::system_error(ec, "data");
  co_return all;
}

struct transfer_result {
  std::error_code ec;          // how the whole exchange ended
  std::error_code control_ec;  // how the control read ended
  std::error_code data_ec;     // how the data read ended
  std::string reply;           // the control's final reply
  std::string data;
};

// Runs `op`, storing its result in *out or its error in *ec (then rethrown).
asio::awaitable<void> recorded(asio::awaitable<std::string> op, std::string* out,
                               std::error_code* ec) {
  try {
    *out = co_await std::move(op);
  } catch (const std::system_error& e) {
    *ec = e.code();
    throw;
  }
}

// Reads "150" on the control, then the final reply and the data concurrently, the control's
// idle timeout suspended while `guard` is set.
transfer_result transfer(mock_server& control_srv, mock_server& data_srv, bool guard,
                         transport::connect_options control_opts = quick_options(200ms)) {
  asio::io_context io;
  transport::stream control(io.get_executor()), data(io.get_executor());
  transfer_result r;
  r.ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await control.connect("127.0.0.1", control_srv.port(), control_opts);
    co_await data.connect("127.0.0.1", data_srv.port(), quick_options(200ms));
    EXPECT_EQ(co_await read_line(control), "150 Opening data connection\r\n");
    std::optional<scoped_idle_suspension> quiet;
    if (guard) quiet.emplace(control);
    try {
      co_await (recorded(read_line(control), &r.reply, &r.control_ec) &&
                recorded(read_to_eof(data), &r.data, &r.data_ec));
    } catch (const asio::multiple_exceptions&) {  // both failed: the first failure cancelled the other
      throw std::system_error(make_error_code(error::operation_aborted), "both failed");
    }
  });
  return r;
}

TEST(IdleSuspension, ControlSurvivesALongTransferUnderTheGuard) {
  mock_server control_srv(control_script(1100ms)), data_srv(data_script());
  const auto r = transfer(control_srv, data_srv, true);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.reply, "226 Done\r\n");
  EXPECT_EQ(r.data, std::string(20, 'd'));
}

TEST(IdleSuspension, WithoutTheGuardTheControlTimesOut) {
  mock_server control_srv(control_script(1100ms)), data_srv(data_script());
  const auto r = transfer(control_srv, data_srv, false);
  EXPECT_EQ(r.control_ec, error::timeout) << r.control_ec.message();
  EXPECT_EQ(r.data_ec, aborted) << r.data_ec.message();
}

TEST(IdleSuspension, AStalledDataConnectionStillTimesOut) {
  mock_server control_srv(control_script(3000ms));
  mock_server data_srv(script().send("ddd").stall(3000ms));
  const auto r = transfer(control_srv, data_srv, true);
  // The data read failed on its own idle bound; `&&` then cancelled the control read.
  EXPECT_EQ(r.data_ec, error::timeout) << r.data_ec.message();
  EXPECT_EQ(r.control_ec, aborted) << r.control_ec.message();
}

TEST(IdleSuspension, TheDeadlineStillHoldsUnderTheGuard) {
  mock_server control_srv(control_script(3000ms)), data_srv(data_script());
  auto opts = quick_options(200ms);
  opts.time.deadline = std::chrono::steady_clock::now() + 600ms;
  const auto r = transfer(control_srv, data_srv, true, opts);
  EXPECT_EQ(r.control_ec, error::deadline_exceeded) << r.control_ec.message();
}

TEST(IdleSuspension, APendingReadGetsAFreshIdleBoundWhenTheGuardEnds) {
  mock_server control_srv(control_script(3000ms));
  asio::io_context io;
  transport::stream control(io.get_executor());
  std::optional<std::error_code> read_result;
  bool pending_at_release = false;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await control.connect("127.0.0.1", control_srv.port(), quick_options(200ms));
    EXPECT_EQ(co_await read_line(control), "150 Opening data connection\r\n");
    {
      scoped_idle_suspension quiet(control);
      {
        scoped_idle_suspension nested(control);  // guards nest: the outer one still holds
      }
      asio::co_spawn(
          co_await asio::this_coro::executor,
          [&]() -> asio::awaitable<void> {
            try {
              co_await read_line(control);
              read_result = std::error_code();
            } catch (const std::system_error& e) {
              read_result = e.code();
            }
          },
          asio::detached);
      asio::steady_timer wait(co_await asio::this_coro::executor, 600ms);  // 3x the idle bound
      co_await wait.async_wait(asio::use_awaitable);
      pending_at_release = !read_result.has_value();
    }
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(pending_at_release) << "the control read ended while suspended";
  ASSERT_TRUE(read_result.has_value());
  EXPECT_EQ(*read_result, error::timeout) << read_result->message();
}

}  // namespace
}  // namespace inet::testing
