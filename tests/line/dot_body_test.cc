// Dot-terminated bodies (RFC 1939 §3, RFC 3977 §3.1.1): the body ends ONLY at CRLF "." CRLF.
// A bare LF or CR is data (the "LF.LF smuggling" class), dot-unstuffing holds however the
// server splits its writes (one byte at a time included), and the sink gets exactly the
// unstuffed body with its CRLFs.
#include "protocols/line/dot_body.hpp"

#include <gtest/gtest.h>

#include <string>

#include "protocols/line/engine.hpp"
#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"
#include "transport/error.hpp"

namespace inet::testing {
namespace {

using test::mock_server;
using test::script;
using transport::error;

struct decoded {
  std::string body;
  std::size_t consumed = 0;
  bool done = false;
};

// Feeds `wire` to a decoder in pieces of `step` bytes (0: all at once).
decoded decode(std::string_view wire, std::size_t step = 0) {
  line::dot_decoder d;
  decoded r;
  while (r.consumed < wire.size() && !d.done()) {
    const std::size_t n = step ? std::min(step, wire.size() - r.consumed) : wire.size();
    r.consumed += d.feed(wire.substr(r.consumed, n), r.body);
  }
  r.done = d.done();
  return r;
}

TEST(DotDecoder, StopsRightAfterTheTerminator) {
  const decoded r = decode("a\r\n..b\r\n.\r\nNEXT");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.body, "a\r\n.b\r\n");
  EXPECT_EQ(r.consumed, 11u);  // "NEXT" is left for the caller
}

TEST(DotDecoder, BareLfDotLfIsDataNotTheEnd) {
  const decoded r = decode("text\n.\nmore\r\n.\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.body, "text\n.\nmore\r\n");
  const decoded cut = decode("text\n.\nmore");
  EXPECT_FALSE(cut.done);
  EXPECT_EQ(cut.body, "text\n.\nmore");
}

TEST(DotDecoder, NoMixedTerminatorEndsTheBody) {
  for (const char* wire : {"x\r\n.\n", "x\n.\r\n", "x\r.\r\n", "x\r\n.\r", "x\r\n. \r\n", "x\r\r\n.\n"}) {
    EXPECT_FALSE(decode(wire).done) << transport::escape_control(wire);
    EXPECT_FALSE(decode(wire, 1).done) << transport::escape_control(wire);
  }
}

TEST(DotDecoder, BareCrAndCrInDotLinesAreData) {
  EXPECT_EQ(decode("a\rb\r\n.\r\n").body, "a\rb\r\n");
  EXPECT_EQ(decode(".\rx\r\n.\r\n").body, "\rx\r\n");       // "." CR x: dot dropped, CR data
  EXPECT_EQ(decode(".\r\r\n.\r\n").body, "\r\r\n");         // "." CR CRLF: the line is CR
  EXPECT_EQ(decode("a\r\r\r\n.\r\n").body, "a\r\r\r\n");
}

TEST(DotDecoder, EmptyBodyAndUnstuffing) {
  EXPECT_EQ(decode(".\r\n").body, "");
  EXPECT_TRUE(decode(".\r\n").done);
  EXPECT_EQ(decode("..\r\n...\r\n.x\r\n\r\n.\r\n").body, ".\r\n..\r\nx\r\n\r\n");
}

TEST(DotDecoder, EverySplitGivesTheSameResult) {
  const std::string wire = "..a\r\n.\rb\n.\n\r\n..\r\n\r.\r\n.\r\n.\r\nafter";
  const decoded whole = decode(wire);
  ASSERT_TRUE(whole.done);
  EXPECT_EQ(whole.body, ".a\r\n\rb\n.\n\r\n.\r\n\r.\r\n");
  for (std::size_t step = 1; step < wire.size(); ++step) {
    const decoded d = decode(wire, step);
    EXPECT_EQ(d.body, whole.body) << step;
    EXPECT_EQ(d.consumed, whole.consumed) << step;
  }
}

// ------------------------------------------------------------------- engine over the mock kit

std::error_code body_of(mock_server& srv, std::string& body, std::string* after = nullptr,
                        std::size_t* sink_calls = nullptr) {
  asio::io_context io;
  transport::stream s(io.get_executor());
  return error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    line::engine e(s, "test");
    co_await e.read_dot_body([&](std::string_view b) {
      body += b;
      if (sink_calls) ++*sink_calls;
    });
    if (after) *after = std::string(co_await e.read_line());
  });
}

TEST(EngineDotBody, LfDotLfThenEofIsAPartialTransferNotASuccess) {
  mock_server srv(script().send("first\r\ntext\n.\nmore").close());
  std::string body;
  EXPECT_EQ(body_of(srv, body), error::unexpected_eof);
  EXPECT_EQ(body, "first\r\n");  // the sink gets complete lines; the cut-off one never
}

TEST(EngineDotBody, LfDotLfIsDeliveredAsData) {
  mock_server srv(script().send("text\n.\nmore\r\n.\r\n+OK next\r\n"));
  std::string body, after;
  ASSERT_FALSE(body_of(srv, body, &after));
  EXPECT_EQ(body, "text\n.\nmore\r\n");
  EXPECT_EQ(after, "+OK next");
}

TEST(EngineDotBody, UnstuffingHoldsWhenTheServerWritesOneByteAtATime) {
  mock_server srv(script().trickle("..a\r\n...\r\n..\r\nx\r\n.\rdata\r\n.\r\n+OK next\r\n", 1ms));
  std::string body, after;
  std::size_t calls = 0;
  ASSERT_FALSE(body_of(srv, body, &after, &calls));
  EXPECT_EQ(body, ".a\r\n..\r\n.\r\nx\r\n\rdata\r\n");
  EXPECT_EQ(after, "+OK next");
  EXPECT_GT(calls, 1u);  // it really arrived in pieces
}

TEST(EngineDotBody, TerminatorSplitAcrossWrites) {
  mock_server srv(script()
                      .send("line\r")
                      .stall(20ms)
                      .send("\n.")
                      .stall(20ms)
                      .send("\r")
                      .stall(20ms)
                      .send("\n+OK\r\n"));
  std::string body, after;
  ASSERT_FALSE(body_of(srv, body, &after));
  EXPECT_EQ(body, "line\r\n");
  EXPECT_EQ(after, "+OK");
}

}  // namespace
}  // namespace inet::testing
