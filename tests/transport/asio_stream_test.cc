// transport::stream as an Asio AsyncReadStream / AsyncWriteStream: completion-token forms over
// plain TCP, TLS and DEFLATE, asio::async_read, Beast's http::async_read / async_write and
// beast::websocket::stream<transport::stream&>, with the transport's timeouts and per-operation
// cancellation. Loopback mock servers only.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <array>
#include <functional>
#include <string>
#include <utility>

#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"
#include "transport/beast.hpp"
#include "transport/stream.hpp"

namespace inet::testing {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using boost::system::error_code;
using test::mock_server;
using test::script;
using test::server_options;
using transport::error;

static_assert(beast::is_async_read_stream<transport::stream>::value);
static_assert(beast::is_async_write_stream<transport::stream>::value);
static_assert(beast::is_async_stream<transport::stream>::value);
static_assert(std::is_same_v<beast::lowest_layer_type<transport::stream>, transport::stream>);

server_options tls_server() {
  server_options o;
  o.implicit_tls = true;
  return o;
}

// Runs `body` on a fresh io_context after connecting `s` to `srv` (with TLS when `tls`).
template <typename Body>
std::error_code with_stream(mock_server& srv, bool tls, Body body,
                            transport::connect_options opts = quick_options()) {
  asio::io_context io;
  transport::stream s(io.get_executor());
  return error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), opts);
    if (tls) co_await s.handshake(test_ca(), "localhost");
    co_await body(s);
  });
}

// ------------------------------------------------------------------ token forms, plain Asio

TEST(AsioStream, CallbackFormsWriteReadAndReportEof) {
  mock_server srv(script().expect("HELLO").send("hi there\r\n").close());
  asio::io_context io;
  transport::stream s(io.get_executor());
  transport::run_blocking(io, s.connect("127.0.0.1", srv.port(), quick_options()));

  std::string got;
  std::array<char, 64> buf;
  error_code write_ec, eof_ec;
  std::size_t written = 0;
  bool initiated = true;
  std::function<void(error_code, std::size_t)> on_read = [&](error_code ec, std::size_t n) {
    if (ec) {
      eof_ec = ec;
      return;
    }
    got.append(buf.data(), n);
    s.async_read_some(asio::buffer(buf), on_read);
  };
  s.async_write_some(asio::buffer(std::string_view("HELLO\r\n")), [&](error_code ec, std::size_t n) {
    EXPECT_FALSE(initiated) << "completion ran inside the initiating call";
    write_ec = ec;
    written = n;
    s.async_read_some(asio::buffer(buf), on_read);
  });
  initiated = false;
  io.restart();
  io.run();
  EXPECT_FALSE(write_ec) << write_ec.message();
  EXPECT_EQ(written, 7u);
  EXPECT_EQ(got, "hi there\r\n");
  EXPECT_EQ(eof_ec, asio::error::eof) << eof_ec.message();
  EXPECT_SCRIPT_OK(srv);
}

TEST(AsioStream, AsyncReadTransferExactlyOverTls) {
  mock_server srv(script().send("0123456789ABCDEF").close(), tls_server());
  std::string first, rest;
  error_code rest_ec;
  const auto ec = with_stream(srv, true, [&](transport::stream& s) -> asio::awaitable<void> {
    first.resize(10);
    const std::size_t n = co_await asio::async_read(s, asio::buffer(first),
                                                    asio::transfer_exactly(10), asio::use_awaitable);
    EXPECT_EQ(n, 10u);
    co_await asio::async_read(s, asio::dynamic_buffer(rest),
                              asio::redirect_error(asio::use_awaitable, rest_ec));
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(first, "0123456789");
  EXPECT_EQ(rest, "ABCDEF");
  EXPECT_EQ(rest_ec, asio::error::eof);
  EXPECT_SCRIPT_OK(srv);
}

TEST(AsioStream, GatheredWriteOfSeveralBuffersIsOneWrite) {
  mock_server srv(script().expect("A1 LOGIN alice secret").send("A1 OK\r\n").close());
  std::size_t first_write = 0;
  const auto ec = with_stream(srv, false, [&](transport::stream& s) -> asio::awaitable<void> {
    const std::array<asio::const_buffer, 4> parts{
        asio::buffer(std::string_view("A1 ")), asio::buffer(std::string_view("LOGIN ")),
        asio::buffer(std::string_view("alice secret")), asio::buffer(std::string_view("\r\n"))};
    first_write = co_await s.async_write_some(parts, asio::use_awaitable);
    std::string line;
    co_await asio::async_read_until(s, asio::dynamic_buffer(line), "\r\n", asio::use_awaitable);
    EXPECT_EQ(line, "A1 OK\r\n");
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(first_write, 23u);  // all four pieces in one async_write_some
  EXPECT_SCRIPT_OK(srv);
}

TEST(AsioStream, TokenFormsOverDeflate) {
  mock_server srv(script()
                      .expect("A1 COMPRESS DEFLATE")
                      .send("A1 OK go\r\n")
                      .start_deflate()
                      .expect("A2 NOOP")
                      .send("A2 OK compressed\r\n")
                      .close());
  std::string reply;
  const auto ec = with_stream(srv, false, [&](transport::stream& s) -> asio::awaitable<void> {
    co_await asio::async_write(s, asio::buffer(std::string_view("A1 COMPRESS DEFLATE\r\n")),
                               asio::use_awaitable);
    std::string ok;
    co_await asio::async_read_until(s, asio::dynamic_buffer(ok), "\r\n", asio::use_awaitable);
    EXPECT_EQ(ok, "A1 OK go\r\n");
    s.start_compression();
    co_await asio::async_write(s, asio::buffer(std::string_view("A2 NOOP\r\n")),
                               asio::use_awaitable);
    co_await asio::async_read_until(s, asio::dynamic_buffer(reply), "\r\n", asio::use_awaitable);
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(reply, "A2 OK compressed\r\n");
  EXPECT_SCRIPT_OK(srv);
}

// ----------------------------------------------------------------- timeouts and cancellation

TEST(AsioStream, IdleTimeoutIsTheTransportsErrorAndClosesTheSocket) {
  mock_server srv(script().send("22").stall(3s));
  error_code read_ec;
  bool open_after = true;
  const auto ec = with_stream(
      srv, false,
      [&](transport::stream& s) -> asio::awaitable<void> {
        std::array<char, 8> buf;
        co_await asio::async_read(s, asio::buffer(buf),
                                  asio::redirect_error(asio::use_awaitable, read_ec));
        open_after = s.is_open();
      },
      quick_options(200ms));
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(read_ec, error::timeout) << read_ec.message();
  EXPECT_TRUE(std::error_code(read_ec) == condition::timeout);
  EXPECT_FALSE(open_after);
}

TEST(AsioStream, DeadlineStopsATricklingServerInAsyncRead) {
  mock_server srv(script().trickle(std::string(100, 'x'), 50ms));
  error_code read_ec;
  auto opts = quick_options(1000ms);
  opts.time.deadline = std::chrono::steady_clock::now() + 400ms;
  const auto ec = with_stream(
      srv, false,
      [&](transport::stream& s) -> asio::awaitable<void> {
        std::string all;
        co_await asio::async_read(s, asio::dynamic_buffer(all),
                                  asio::redirect_error(asio::use_awaitable, read_ec));
      },
      opts);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(read_ec, error::deadline_exceeded) << read_ec.message();
}

TEST(AsioStream, CancellationSlotAbortsAPendingReadWithoutLosingData) {
  mock_server srv(script().expect("GO").send("data\r\n").close());
  asio::io_context io;
  transport::stream s(io.get_executor());
  transport::run_blocking(io, s.connect("127.0.0.1", srv.port(), quick_options()));
  asio::cancellation_signal sig;
  std::array<char, 64> buf;
  error_code cancelled_ec;
  std::string after;
  s.async_read_some(asio::buffer(buf),
                    asio::bind_cancellation_slot(sig.slot(), [&](error_code ec, std::size_t) {
                      cancelled_ec = ec;
                      // The stream stays usable: the next read gets what the server sends next.
                      asio::co_spawn(
                          io,
                          [&]() -> asio::awaitable<void> {
                            co_await asio::async_write(
                                s, asio::buffer(std::string_view("GO\r\n")), asio::use_awaitable);
                            co_await asio::async_read_until(s, asio::dynamic_buffer(after), "\r\n",
                                                            asio::use_awaitable);
                          },
                          asio::detached);
                    }));
  // Runs once the read is pending on the socket. `total` passes only because reads widen the
  // coroutine's default terminal-only filter.
  asio::post(io, [&] { sig.emit(asio::cancellation_type::total); });
  io.restart();
  io.run();
  EXPECT_EQ(cancelled_ec, asio::error::operation_aborted) << cancelled_ec.message();
  EXPECT_EQ(after, "data\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(AsioStream, ReadKeepsItsTimeoutWhileAWriteStartsAndEnds) {
  // Full duplex: the write has its own watchdog, so the pending read's stays armed.
  mock_server srv(script().expect("PING").stall(3s));
  error_code read_ec, write_ec;
  const auto ec = with_stream(
      srv, false,
      [&](transport::stream& s) -> asio::awaitable<void> {
        std::array<char, 8> buf;
        s.async_read_some(asio::buffer(buf), [&](error_code e, std::size_t) { read_ec = e; });
        co_await asio::async_write(s, asio::buffer(std::string_view("PING\r\n")),
                                   asio::redirect_error(asio::use_awaitable, write_ec));
      },
      quick_options(300ms));
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_FALSE(write_ec) << write_ec.message();
  EXPECT_EQ(read_ec, error::timeout) << read_ec.message();
}

// ----------------------------------------------------------------------------------- Beast

http::request<http::string_body> beast_request() {
  http::request<http::string_body> req(http::verb::post, "/api", 11);
  req.set(http::field::host, "localhost");
  req.set(http::field::content_type, "text/plain");
  req.body() = "ping";
  req.prepare_payload();
  return req;
}

// Beast writes the request and parses the reply with a body limit, over plain TCP and TLS.
void beast_round_trip(bool tls) {
  std::string head, body;
  mock_server srv(script()
                      .expect_until("", &head)
                      .expect_bytes(4, &body)
                      .send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
                      .close(),
                  tls ? tls_server() : server_options{});
  std::string reply;
  const auto ec = with_stream(srv, tls, [&](transport::stream& s) -> asio::awaitable<void> {
    auto req = beast_request();
    co_await http::async_write(s, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> p;
    p.body_limit(1024);
    co_await http::async_read(s, buffer, p, asio::use_awaitable);
    reply = p.get().body();
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(head, "POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                  "Content-Length: 4\r\n");
  EXPECT_EQ(body, "ping");
  EXPECT_EQ(reply, "hello");
  EXPECT_SCRIPT_OK(srv);
}

TEST(AsioStreamBeast, HttpAsyncWriteAndReadPlain) { beast_round_trip(false); }
TEST(AsioStreamBeast, HttpAsyncWriteAndReadTls) { beast_round_trip(true); }

TEST(AsioStreamBeast, HttpBodyLimitAndTruncationAreBeastErrors) {
  mock_server big(script().send("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n").close(),
                  tls_server());
  mock_server cut(script().send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").close(),
                  tls_server());
  for (auto [srv, expected] : {std::pair{&big, http::error::body_limit},
                               std::pair{&cut, http::error::partial_message}}) {
    error_code read_ec;
    const auto ec = with_stream(*srv, true, [&](transport::stream& s) -> asio::awaitable<void> {
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> p;
      p.body_limit(1024);
      co_await http::async_read(s, buffer, p, asio::redirect_error(asio::use_awaitable, read_ec));
    });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(read_ec, expected) << read_ec.message();
  }
}

// RFC 6455 §4.2.2: base64(SHA-1(key + GUID)).
std::string websocket_accept(const std::string& key) {
  const std::string in = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), md);
  unsigned char out[64];
  const int n = EVP_EncodeBlock(out, md, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
}

// A WebSocket server side for the mock: answers the upgrade, checks one masked text frame,
// sends one, answers the close frame and hangs up.
void websocket_server(test::connection_ctl& c) {
  std::string key;
  for (std::string line; !(line = c.read_line()).empty();)
    if (line.rfind("Sec-WebSocket-Key: ", 0) == 0) key = line.substr(19);
  if (key.empty()) c.fail("no Sec-WebSocket-Key");
  c.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: " + websocket_accept(key) + "\r\n\r\n");
  const std::string frame = c.read_bytes(2 + 4 + 2);  // FIN|text, MASK|2, key, payload
  if (frame.substr(0, 2) != "\x81\x82") c.fail("not a masked 2-byte text frame");
  std::string payload;
  for (int i = 0; i < 2; ++i) payload += static_cast<char>(frame[6 + i] ^ frame[2 + i]);
  if (payload != "hi") c.fail("payload '" + payload + "'");
  c.write(std::string("\x81\x02ok", 4));
  const std::string close = c.read_bytes(2 + 4 + 2);  // close frame with status 1000
  if (close.substr(0, 2) != "\x88\x82") c.fail("not a masked close frame");
  c.write(std::string("\x88\x02\x03\xe8", 4));
}

TEST(AsioStreamBeast, WebSocketHandshakeMessageAndCloseOverTls) {
  mock_server srv(script().run(websocket_server).close(), tls_server());
  std::string message;
  const auto ec = with_stream(srv, true, [&](transport::stream& s) -> asio::awaitable<void> {
    beast::websocket::stream<transport::stream&> ws(s);
    co_await ws.async_handshake("localhost", "/chat", asio::use_awaitable);
    co_await ws.async_write(asio::buffer(std::string_view("hi")), asio::use_awaitable);
    beast::flat_buffer buffer;
    co_await ws.async_read(buffer, asio::use_awaitable);
    message = beast::buffers_to_string(buffer.data());
    co_await ws.async_close(beast::websocket::close_code::normal, asio::use_awaitable);
    EXPECT_FALSE(s.is_open());  // async_teardown closed the transport stream
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(message, "ok");
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::testing
