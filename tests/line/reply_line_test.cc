// A NUL or a bare CR inside any reply line is a protocol error (line::check_reply_line, applied
// by engine::read_line to code replies, status lines and raw lines alike).
#include <gtest/gtest.h>

#include <string>

#include "protocols/line/engine.hpp"
#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"

namespace inet::testing {
namespace {

using test::mock_server;
using test::script;
using namespace std::string_literals;

std::error_code read_error(const std::string& wire,
                           const std::function<asio::awaitable<void>(line::engine&)>& read) {
  mock_server srv(script().send(wire).close());
  asio::io_context io;
  transport::stream s(io.get_executor());
  return error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    line::engine e(s, "test");
    co_await read(e);
  });
}

const std::vector<std::string> bad_lines = {
    "250 ok\0\r\n"s, "250 a\rb\r\n"s,   "250 ok\r\r\n"s,       "250-x\r\n250-\0\r\n250 y\r\n"s,
    "+OK \0\r\n"s,    "+OK a\rb\r\n"s, "* OK \"a\rb\"\r\n"s};

TEST(ReplyLine, NulOrCrInACodeReplyIsMalformed) {
  for (const auto& wire : bad_lines) {
    if (wire[0] != '2') continue;
    EXPECT_EQ(read_error(wire, [](line::engine& e) -> asio::awaitable<void> { co_await e.read_code_reply(); }),
              line::error::malformed_reply)
        << transport::escape_control(wire);
  }
}

TEST(ReplyLine, NulOrCrInAStatusLineIsMalformed) {
  for (const auto& wire : bad_lines) {
    if (wire[0] != '+') continue;
    EXPECT_EQ(read_error(wire, [](line::engine& e) -> asio::awaitable<void> { co_await e.read_status_reply(); }),
              line::error::malformed_reply)
        << transport::escape_control(wire);
  }
}

TEST(ReplyLine, NulOrCrInARawLineIsMalformed) {
  for (const auto& wire : bad_lines) {
    if (wire.find('-') == 3) continue;  // a multi-line reply's bad line is not its first
    EXPECT_EQ(read_error(wire, [](line::engine& e) -> asio::awaitable<void> { co_await e.read_line(); }),
              line::error::malformed_reply)
        << transport::escape_control(wire);
  }
}

TEST(ReplyLine, CrLfAndBareLfStillEndLines) {
  EXPECT_FALSE(read_error("250-a\n250 b\r\n", [](line::engine& e) -> asio::awaitable<void> {
    const line::code_reply r = co_await e.read_code_reply();
    EXPECT_EQ(r.text(), "a\nb");
  }));
}

TEST(ReplyLine, CheckReplyLine) {
  EXPECT_NO_THROW(line::check_reply_line("250 ok \x7f\xff\t"));
  EXPECT_THROW(line::check_reply_line(std::string_view("\0", 1)), std::system_error);
  EXPECT_THROW(line::check_reply_line("\r"), std::system_error);
}

}  // namespace
}  // namespace inet::testing
