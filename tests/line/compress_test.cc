// DEFLATE on the connection (IMAP COMPRESS=DEFLATE, RFC 4978 §4): the codec round trip, the
// engine and stream against the mock server (which compresses with zlib directly), compressed
// bytes that arrive in the same segment as the OK, corrupt data, and a decompression bomb that
// meets the line limit instead of memory.
#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>

#include "protocols/line/engine.hpp"
#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"
#include "transport/deflate.hpp"
#include "transport/error.hpp"

namespace inet::testing {
namespace {

using line::command;
using test::mock_server;
using test::script;
using transport::deflate_codec;
using transport::error;

// What a server's zlib would send for `plain` (raw deflate, sync flush).
std::string server_deflate(const std::string& plain) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, plain.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_SYNC_FLUSH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

std::error_code with_engine(mock_server& srv, const std::function<asio::awaitable<void>(line::engine&)>& body,
                            line::limits lim = {}) {
  asio::io_context io;
  transport::stream s(io.get_executor());
  return error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    line::engine e(s, "test", lim);
    co_await body(e);
  });
}

TEST(Deflate, RoundTripThroughTinyOutputBuffers) {
  std::mt19937 rng(7);
  std::string plain;
  for (int i = 0; i < 200000; ++i) plain += static_cast<char>(i % 3 ? 'a' + rng() % 26 : ' ');
  deflate_codec sender, receiver;
  std::string wire;
  for (std::size_t at = 0; at < plain.size(); at += 4096) wire += sender.compress(std::string_view(plain).substr(at, 4096));
  EXPECT_LT(wire.size(), plain.size());
  std::string back;
  std::size_t fed = 0;
  char out[7];  // forces inflate to hold output back between calls
  while (back.size() < plain.size()) {
    const std::size_t n = receiver.decompress(out);
    if (n > 0) {
      back.append(out, n);
      continue;
    }
    auto space = receiver.input_space();
    ASSERT_FALSE(space.empty());
    const std::size_t k = std::min<std::size_t>({space.size(), wire.size() - fed, 1000});
    ASSERT_GT(k, 0u) << "ran out of input at " << back.size();
    std::copy_n(wire.data() + fed, k, space.data());
    receiver.commit_input(k);
    fed += k;
  }
  EXPECT_EQ(back, plain);
  EXPECT_EQ(fed, wire.size());
}

TEST(Deflate, CorruptDataIsAnError) {
  deflate_codec c;
  c.add_input(std::string("\xff\xff\xff\xff\xff\xff", 6));
  char out[64];
  try {
    c.decompress(out);
    FAIL() << "corrupt data decoded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::compression_failed);
    EXPECT_EQ(e.code(), condition::protocol_violation);
  }
}

TEST(EngineCompression, BothDirectionsAfterTheOk) {
  mock_server srv(script()
                      .send("* OK ready\r\n")
                      .expect("A1 COMPRESS DEFLATE")
                      .send("A1 OK DEFLATE active\r\n")
                      .start_deflate()
                      .expect("A2 NOOP")
                      .send("* 3 EXISTS\r\nA2 OK done\r\n"));
  std::vector<std::string> lines;
  bool compressed = false;
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    co_await e.read_line();
    co_await e.send(command("A1").arg("COMPRESS").arg("DEFLATE"));
    EXPECT_EQ(co_await e.read_line(), "A1 OK DEFLATE active");
    e.start_compression();
    compressed = e.stream().is_compressed();
    co_await e.send(command("A2").arg("NOOP"));
    lines.emplace_back(co_await e.read_line());
    lines.emplace_back(co_await e.read_line());
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_TRUE(compressed);
  EXPECT_EQ(lines, (std::vector<std::string>{"* 3 EXISTS", "A2 OK done"}));
  EXPECT_EQ(srv.received(), "A1 COMPRESS DEFLATE\r\nA2 NOOP\r\n");
}

TEST(EngineCompression, CompressedBytesInTheSameSegmentAsTheOkAreInflated) {
  // The server may start compressing right after its OK (RFC 4978 §3); here both arrive in one
  // write, so the line reader already holds compressed bytes when the OK line is returned.
  mock_server srv(script()
                      .expect("A1 COMPRESS DEFLATE")
                      .send_raw("A1 OK go\r\n" + server_deflate("* OK [ALERT] early\r\n"))
                      .start_deflate()
                      .expect("A2 LOGOUT"));
  std::string early;
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    co_await e.send(command("A1").arg("COMPRESS").arg("DEFLATE"));
    EXPECT_EQ(co_await e.read_line(), "A1 OK go");
    e.start_compression();
    early = co_await e.read_line();
    co_await e.send(command("A2").arg("LOGOUT"));
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(early, "* OK [ALERT] early");
}

TEST(EngineCompression, CorruptStreamFromTheServerIsAProtocolViolation) {
  mock_server srv(script()
                      .expect("A1 COMPRESS DEFLATE")
                      .send("A1 OK go\r\n")
                      .start_deflate()
                      .send_raw(std::string("\x07\xff\xee\xdd\xcc\xbb\xaa", 7)));
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    co_await e.send(command("A1").arg("COMPRESS").arg("DEFLATE"));
    co_await e.read_line();
    e.start_compression();
    co_await e.read_line();
  });
  EXPECT_EQ(ec, error::compression_failed) << ec.message();
}

TEST(EngineCompression, DecompressionBombMeetsTheLineLimit) {
  // 64 MiB of 'A' without a line end compresses to ~64 KiB; the client must stop at its line
  // limit (here 4 KiB) rather than inflate it all into memory.
  const std::string bomb = server_deflate(std::string(64u << 20, 'A'));
  ASSERT_LT(bomb.size(), 200u * 1024);
  mock_server srv(script()
                      .expect("A1 COMPRESS DEFLATE")
                      .send("A1 OK go\r\n")
                      .start_deflate()
                      .send_raw(bomb));
  line::limits lim;
  lim.max_line_bytes = 4096;
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    co_await e.send(command("A1").arg("COMPRESS").arg("DEFLATE"));
    co_await e.read_line();
    e.start_compression();
    co_await e.read_line();
  }, lim);
  EXPECT_EQ(ec, error::line_too_long) << ec.message();
}

}  // namespace
}  // namespace inet::testing
