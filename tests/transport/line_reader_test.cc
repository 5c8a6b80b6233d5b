// transport::line_reader against the mock server: CRLF and bare-LF lines, the hard line limit,
// EOF mid-line, exact-count reads split across segments, until-EOF bodies with a maximum.
#include "transport/line_reader.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <string>
#include <vector>

#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"
#include "transport/error.hpp"

namespace inet::testing {
namespace {

using test::close_mode;
using test::mock_server;
using test::script;
using transport::error;

// Connects to `srv` and runs `body` with a reader of `max_line` bytes; returns the error.
std::error_code with_reader(
    mock_server& srv,
    const std::function<asio::awaitable<void>(transport::line_reader&)>& body,
    std::size_t max_line = transport::line_reader::default_max_line) {
  asio::io_context io;
  transport::stream s(io.get_executor());
  return error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    transport::line_reader reader(s, max_line);
    co_await body(reader);
  });
}

TEST(LineReader, CrlfAndBareLfLines) {
  mock_server srv(script().send("one\r\ntwo\nthree\r\n\r\nlast\n").close());
  std::vector<std::string> lines;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    for (int i = 0; i < 5; ++i) lines.emplace_back(co_await r.read_line());
    co_await r.read_line();  // EOF before any byte of a sixth line
  });
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three", "", "last"}));
  EXPECT_EQ(ec, error::unexpected_eof) << ec.message();
}

TEST(LineReader, LoneCrInsideALineIsKept) {
  mock_server srv(script().send("a\rb\r\n").close());
  std::string line;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    line = std::string(co_await r.read_line());
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(line, "a\rb");
}

TEST(LineReader, LineOfExactlyMaxLengthPasses) {
  const std::size_t max = 100;
  mock_server srv(script()
                      .send(std::string(max, 'a') + "\r\n")
                      .send(std::string(max, 'b') + "\n")
                      .send(std::string(max, 'c') + "\r\n")
                      .close());
  std::vector<std::string> lines;
  const auto ec = with_reader(
      srv,
      [&](transport::line_reader& r) -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) lines.emplace_back(co_await r.read_line());
      },
      max);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(lines, (std::vector<std::string>{std::string(max, 'a'), std::string(max, 'b'),
                                             std::string(max, 'c')}));
}

TEST(LineReader, DefaultLimitAcceptsExactly64KiB) {
  const std::size_t max = transport::line_reader::default_max_line;
  mock_server srv(script().send(std::string(max, 'z') + "\r\nnext\r\n").close());
  std::size_t len = 0;
  std::string next;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    len = (co_await r.read_line()).size();
    next = std::string(co_await r.read_line());
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(len, max);
  EXPECT_EQ(next, "next");
}

// Memory: nothing before the first read, the 16 KiB read-ahead for short lines, and growth up
// to max + 2 + 16 KiB only once a line needs it.
TEST(LineReader, BufferStartsEmptyAndGrowsOnlyForLongLines) {
  const std::size_t max = transport::line_reader::default_max_line;
  mock_server srv(script().send("* OK ready\r\n").close());
  std::vector<std::size_t> sizes;
  std::string greeting;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    sizes.push_back(r.buffer_size());
    greeting = std::string(co_await r.read_line());
    sizes.push_back(r.buffer_size());
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(greeting, "* OK ready");
  EXPECT_EQ(sizes, (std::vector<std::size_t>{0, 16 * 1024}));

  mock_server big(script().send(std::string(max, 'z') + "\r\n").close());
  std::size_t after = 0;
  const auto ec2 = with_reader(big, [&](transport::line_reader& r) -> asio::awaitable<void> {
    EXPECT_EQ((co_await r.read_line()).size(), max);
    after = r.buffer_size();
  });
  EXPECT_FALSE(ec2) << ec2.message();
  EXPECT_GT(after, max + 2);
  EXPECT_LE(after, max + 2 + 16 * 1024);
}

// wait_idle (IMAP IDLE): a drained reader frees its buffer while it waits for the socket, and
// the next read allocates the 16 KiB read-ahead again (not the size a long line grew it to).
TEST(LineReader, WaitIdleFreesTheDrainedBufferWhileWaiting) {
  const std::string long_line(40 * 1024, 'l');
  mock_server srv(script()
                      .send(long_line + "\r\n")
                      .expect("go")
                      .send("* 1 EXISTS\r\n* 2 EXISTS\r\n")
                      .close());
  asio::io_context io;
  transport::stream s(io.get_executor());
  std::vector<std::size_t> sizes;
  std::vector<std::string> lines;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    transport::line_reader r(s);
    lines.emplace_back(co_await r.read_line());
    sizes.push_back(r.buffer_size());
    // Runs once wait_idle below is suspended (posted): sees the buffer while the reader waits,
    // then makes the server send.
    asio::post(io, [&] {
      sizes.push_back(r.buffer_size());
      asio::co_spawn(io, s.write(asio::buffer(std::string_view("go\r\n"))), asio::detached);
    });
    co_await r.wait_idle();
    sizes.push_back(r.buffer_size());
    lines.emplace_back(co_await r.read_line());
    sizes.push_back(r.buffer_size());
    lines.emplace_back(co_await r.read_line());
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(lines, (std::vector<std::string>{long_line, "* 1 EXISTS", "* 2 EXISTS"}));
  ASSERT_EQ(sizes.size(), 4u);
  EXPECT_GT(sizes[0], long_line.size());  // grown for the long line
  EXPECT_EQ(sizes[1], 0u);                // freed while waiting
  EXPECT_EQ(sizes[2], 0u);                // the wait reads nothing
  EXPECT_EQ(sizes[3], 16u * 1024);        // the read-ahead again
}

// A line that began before wait_idle keeps its bytes (and the buffer) and completes across it.
TEST(LineReader, WaitIdleKeepsBufferedBytesAndALineSpansIt) {
  mock_server srv(script().send("* 1 EXISTS\r\n* 2 EX").expect("go").send("ISTS\r\n").close());
  asio::io_context io;
  transport::stream s(io.get_executor());
  std::vector<std::string> lines;
  std::size_t kept = 0;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    transport::line_reader r(s);
    lines.emplace_back(co_await r.read_line());
    EXPECT_EQ(r.buffered(), 6u);  // "* 2 EX" arrived with the first line in one write
    co_await r.wait_idle();       // bytes are buffered: returns at once
    kept = r.buffer_size();
    co_await s.write(asio::buffer(std::string_view("go\r\n")));
    lines.emplace_back(co_await r.read_line());
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(lines, (std::vector<std::string>{"* 1 EXISTS", "* 2 EXISTS"}));
  EXPECT_EQ(kept, 16u * 1024);
}

TEST(LineReader, WaitIdleEndsAtEofAndTheReadReportsIt) {
  mock_server srv(script().send("* OK\r\n").expect("go").close());
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    transport::line_reader r(s);
    EXPECT_EQ(co_await r.read_line(), "* OK");
    co_await s.write(asio::buffer(std::string_view("go\r\n")));
    co_await r.wait_idle();
    co_await r.read_line();
  });
  EXPECT_EQ(ec, error::unexpected_eof) << ec.message();
}

// Under TLS bytes may wait decrypted inside the stream: wait_idle keeps the buffer and returns
// at once (were it to wait on the socket, nothing would come before "go": error::timeout).
TEST(LineReader, WaitIdleUnderTlsReturnsAtOnceAndKeepsTheBuffer) {
  test::server_options tls;
  tls.implicit_tls = true;
  mock_server srv(script().send("* OK\r\n").expect("go").send("* 1 EXISTS\r\n").close(), tls);
  asio::io_context io;
  transport::stream s(io.get_executor());
  std::size_t kept = 0;
  std::string line;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options(1000ms));
    co_await s.handshake(test_ca(), "localhost");
    transport::line_reader r(s);
    EXPECT_EQ(co_await r.read_line(), "* OK");
    co_await r.wait_idle();
    kept = r.buffer_size();
    co_await s.write(asio::buffer(std::string_view("go\r\n")));
    line = std::string(co_await r.read_line());
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(kept, 16u * 1024);
  EXPECT_EQ(line, "* 1 EXISTS");
}

// stream::cancel() (the IMAP IDLE timer's way out) ends the wait with operation_aborted.
TEST(LineReader, WaitIdleIsCancelledByStreamCancel) {
  mock_server srv(script().send("* OK\r\n").stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    transport::line_reader r(s);
    EXPECT_EQ(co_await r.read_line(), "* OK");
    asio::post(io, [&] { s.cancel(); });  // runs once wait_idle is suspended
    co_await r.wait_idle();
  });
  EXPECT_EQ(ec, error::operation_aborted) << ec.message();
}

TEST(LineReader, OneByteOverTheLimitFails) {
  mock_server srv(script().send(std::string(101, 'a') + "\r\n").close());
  const auto ec = with_reader(
      srv, [&](transport::line_reader& r) -> asio::awaitable<void> { co_await r.read_line(); },
      100);
  EXPECT_EQ(ec, error::line_too_long) << ec.message();
  EXPECT_TRUE(ec == condition::protocol_violation);
}

TEST(LineReader, OverlongLineWithoutLfFailsWithoutWaitingForTheEnd) {
  // 100 KiB without LF, then the server waits: the reader must give up at the limit, not wait
  // for (or buffer) the rest.
  mock_server srv(script().send(std::string(100 * 1024, 'x')).stall(10s));
  const auto start = std::chrono::steady_clock::now();
  const auto ec = with_reader(
      srv, [&](transport::line_reader& r) -> asio::awaitable<void> { co_await r.read_line(); });
  EXPECT_EQ(ec, error::line_too_long) << ec.message();
  EXPECT_LT(since(start), 4000ms);  // well under the 5 s idle timeout
}

TEST(LineReader, EndlessLineFromSendRepeatedFails) {
  mock_server srv(script().send_repeated(std::string(1024, 'y'), 100'000));
  const auto ec = with_reader(
      srv, [&](transport::line_reader& r) -> asio::awaitable<void> { co_await r.read_line(); });
  EXPECT_EQ(ec, error::line_too_long) << ec.message();
}

TEST(LineReader, EofMidLineIsUnexpectedEof) {
  mock_server srv(script().send("complete\r\npartial").close());
  std::string first;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    first = std::string(co_await r.read_line());
    co_await r.read_line();
  });
  EXPECT_EQ(first, "complete");
  EXPECT_EQ(ec, error::unexpected_eof) << ec.message();
}

TEST(LineReader, ResetMidLineIsAnError) {
  mock_server srv(script().send("partial").close(close_mode::reset));
  const auto ec = with_reader(
      srv, [&](transport::line_reader& r) -> asio::awaitable<void> { co_await r.read_line(); });
  EXPECT_TRUE(ec) << "a reset must not look like a line";
}

TEST(LineReader, ManyLinesInOneSegmentAndAcrossBufferWraps) {
  // 3000 lines of 40 bytes cross the 16 KiB read-ahead several times.
  std::string all;
  for (int i = 0; i < 3000; ++i) all += "line " + std::to_string(i) + std::string(30, '.') + "\r\n";
  mock_server srv(script().send(all).close());
  int count = 0;
  bool in_order = true;
  const auto ec = with_reader(
      srv,
      [&](transport::line_reader& r) -> asio::awaitable<void> {
        for (int i = 0; i < 3000; ++i) {
          const auto l = co_await r.read_line();
          in_order = in_order && l == "line " + std::to_string(i) + std::string(30, '.');
          ++count;
        }
      },
      64);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(count, 3000);
  EXPECT_TRUE(in_order);
}

TEST(LineReader, ReadExactAfterALineUsesBufferedBytesFirst) {
  // Line, literal body and next line arrive in one write (IMAP literal shape).
  mock_server srv(script().send("* 1 FETCH {9}\r\nBODYBYTESrest\r\n").close());
  std::string head, body, rest;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    head = std::string(co_await r.read_line());
    EXPECT_EQ(co_await r.read_exact(9, [&](std::string_view b) { body += b; }), 9u);
    rest = std::string(co_await r.read_line());
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(head, "* 1 FETCH {9}");
  EXPECT_EQ(body, "BODYBYTES");
  EXPECT_EQ(rest, "rest");
}

TEST(LineReader, ReadExactSplitAcrossReads) {
  mock_server srv(script().trickle("abcdefghij", 20ms).send("\r\n").close());
  std::string body, rest;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    co_await r.read_exact(7, [&](std::string_view b) { body += b; });
    rest = std::string(co_await r.read_line());
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(body, "abcdefg");
  EXPECT_EQ(rest, "hij");
}

TEST(LineReader, ReadExactLargerThanTheBuffer) {
  std::string big;
  for (int i = 0; i < 50'000; ++i) big += static_cast<char>('a' + i % 26);
  mock_server srv(script().send(big).close());
  std::string body;
  std::size_t largest_chunk = 0;
  const auto ec = with_reader(
      srv,
      [&](transport::line_reader& r) -> asio::awaitable<void> {
        co_await r.read_exact(big.size(), [&](std::string_view b) {
          largest_chunk = std::max(largest_chunk, b.size());
          body += b;
        });
      },
      100);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(body, big);
  EXPECT_LE(largest_chunk, 100u + 2 + 16 * 1024);  // the documented fixed buffer
}

TEST(LineReader, ReadExactEofEarlyIsUnexpectedEof) {
  mock_server srv(script().send("short").close());
  std::string body;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    co_await r.read_exact(10, [&](std::string_view b) { body += b; });
  });
  EXPECT_EQ(ec, error::unexpected_eof) << ec.message();
  EXPECT_EQ(body, "short");
}

TEST(LineReader, ReadUntilEofDeliversEverything) {
  mock_server srv(script().send("head\r\n").send_repeated("0123456789", 5000).close());
  std::string body;
  std::uint64_t n = 0;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    EXPECT_EQ(co_await r.read_line(), "head");
    n = co_await r.read_until_eof([&](std::string_view b) { body += b; });
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(n, 50'000u);
  EXPECT_EQ(body.size(), 50'000u);
  EXPECT_EQ(body.substr(0, 20), "01234567890123456789");
}

TEST(LineReader, ReadUntilEofExactlyAtTheMaximumPasses) {
  mock_server srv(script().send(std::string(1000, 'q')).close());
  std::uint64_t n = 0;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    n = co_await r.read_until_eof([](std::string_view) {}, 1000);
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(n, 1000u);
}

TEST(LineReader, ReadUntilEofOverTheMaximumIsBodyTooLarge) {
  mock_server srv(script().send_repeated(std::string(1000, 'q'), 1000).close());
  std::uint64_t delivered = 0;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    co_await r.read_until_eof([&](std::string_view b) { delivered += b.size(); }, 100'000);
  });
  EXPECT_EQ(ec, error::body_too_large) << ec.message();
  EXPECT_LE(delivered, 100'000u);  // nothing past the limit reaches the sink
}

TEST(LineReader, ClearDropsBufferedBytes) {
  mock_server srv(script().send("one\r\ntwo\r\n").stall(10s));
  std::size_t before = 0;
  const auto ec = with_reader(srv, [&](transport::line_reader& r) -> asio::awaitable<void> {
    EXPECT_EQ(co_await r.read_line(), "one");
    before = r.buffered();
    r.clear();
    EXPECT_EQ(r.buffered(), 0u);
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(before, 5u);  // "two\r\n" arrived with "one\r\n" in one write
}

}  // namespace
}  // namespace inet::testing

namespace inet::testing {
namespace {

TEST(LineReaderDeadline, DeadlineStopsAFastEndlessBody) {
  // The server keeps the socket full; only the overall deadline can end the transfer.
  test::mock_server srv(test::script().send_repeated(std::string(64 * 1024, 'f'), 50'000));
  asio::io_context io;
  transport::stream s(io.get_executor());
  std::uint64_t delivered = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    auto opts = quick_options();
    opts.time.deadline = std::chrono::steady_clock::now() + 300ms;
    co_await s.connect("127.0.0.1", srv.port(), opts);
    transport::line_reader reader(s);
    co_await reader.read_until_eof([&](std::string_view b) { delivered += b.size(); });
  });
  EXPECT_EQ(ec, transport::error::deadline_exceeded) << ec.message() << " after " << delivered;
  EXPECT_LT(since(start), 5000ms);
}

}  // namespace
}  // namespace inet::testing
