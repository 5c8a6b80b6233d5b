// The response body fast path of http::client (client.cc read_identity_body): Content-Length
// and close-delimited bodies read straight into limits.buffer_size pieces, over TCP and TLS,
// with the exact bytes across many reads, nothing read past Content-Length (keep-alive stays in
// step), truncation and the body cap as errors, chunked bodies in large chunks, and a decoded
// (gzip) large body through http::agent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>
#include <vector>

#include "protocols/http/agent.hpp"
#include "protocols/http/client.hpp"
#include "tests/http/test_util.hpp"
#include "tests/mock/server.hpp"
#include "transport/blocking.hpp"
#include "transport/error.hpp"

namespace inet::http {
namespace {

using inet::http::test::ok;
using inet::http::test::plain;
using inet::http::test::zlib_encode;
using inet::test::cert_kind;
using inet::test::close_mode;
using inet::test::mock_server;
using inet::test::script;
using inet::test::server_options;
using inet::test::test_pki;
using ::testing::HasSubstr;

// Bytes that differ at every offset modulo a prime, so a lost, repeated or reordered piece of
// any power-of-two size changes the result.
std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  std::uint32_t x = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = static_cast<char>((x >> 16) ^ (i % 251));
  }
  return s;
}

client_options tls(const mock_server& srv) {
  client_options o;
  o.host = "localhost";
  o.port = srv.port();
  o.tls_opts.ca_file = test_pki::instance().ca_file();
  return o;
}

server_options implicit_tls() {
  server_options so;
  so.implicit_tls = true;
  so.cert = cert_kind::good;
  return so;
}

// A sink keeping the bytes and each piece's size.
struct pieces {
  std::string body;
  std::vector<std::size_t> sizes;
  byte_sink sink() {
    return [this](std::string_view p) {
      body.append(p);
      sizes.push_back(p.size());
    };
  }
  std::size_t largest() const {
    std::size_t m = 0;
    for (auto n : sizes) m = std::max(m, n);
    return m;
  }
};

std::error_code send_error(blocking_client& c, pieces& got, std::string* what = nullptr) {
  try {
    c.send({}, got.sink());
  } catch (const std::system_error& e) {
    if (what) *what = e.what();
    return e.code();
  }
  ADD_FAILURE() << "request succeeded";
  return {};
}

TEST(HttpBody, LargeContentLengthBodyInBufferPiecesAndKeepAlive) {
  const std::string big = pattern(1024 * 1024 + 123);
  // The second response follows the first body in the same write: reading past
  // Content-Length would swallow it.
  mock_server srv(std::move(
      script().expect_until("").send(ok(big) + ok("abc")).expect_until("").close()));
  blocking_client c;
  client_options o = plain(srv);
  std::vector<transport::progress> seen;
  o.progress = [&](const transport::progress& p) { seen.push_back(p); };
  c.connect(o);
  pieces first;
  const response r = c.send({}, first.sink());
  EXPECT_EQ(r.body_bytes, big.size());
  EXPECT_TRUE(first.body == big);
  EXPECT_LE(first.largest(), o.limits.buffer_size);
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(seen.back().finished);
  EXPECT_EQ(seen.back().done, big.size());
  EXPECT_EQ(seen.back().total, big.size());
  pieces second;
  EXPECT_TRUE(c.send({}, second.sink()).reused_connection);
  EXPECT_EQ(second.body, "abc");
  EXPECT_EQ(second.sizes, std::vector<std::size_t>{3});
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpBody, TlsBodyFillsTheBufferWithSeveralRecords) {
  const std::string big = pattern(3 * 256 * 1024 + 7);
  mock_server srv(std::move(script().expect_until("").send(ok(big)).close()), implicit_tls());
  blocking_client c;
  c.connect(tls(srv));
  pieces got;
  c.send({}, got.sink());
  EXPECT_TRUE(got.body == big);
  // Full 16 KiB records keep coming, so pieces hold several records each: 4 or 5 pieces of at
  // most 256 KiB instead of one per record (48).
  EXPECT_LE(got.sizes.size(), 6u);
  EXPECT_LE(got.largest(), 256u * 1024);
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpBody, ShortContentLengthIsTruncationWithTheBytesReceived) {
  const std::string part = pattern(200000);
  mock_server srv(std::move(
      script()
          .expect_until("")
          .send("HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n" + part)
          .close(close_mode::fin_only)));
  blocking_client c;
  c.connect(plain(srv));
  pieces got;
  std::string what;
  EXPECT_EQ(send_error(c, got, &what), error::truncated_response);
  EXPECT_THAT(what, HasSubstr("after 200000 bytes"));
  EXPECT_TRUE(got.body == part);
  EXPECT_FALSE(c.is_connected());
}

TEST(HttpBody, TlsShortContentLengthIsTruncation) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" +
                                      pattern(40000))
                                .close()),
                  implicit_tls());
  blocking_client c;
  c.connect(tls(srv));
  pieces got;
  EXPECT_EQ(send_error(c, got), error::truncated_response);
  EXPECT_EQ(got.body.size(), 40000u);
}

TEST(HttpBody, StalledBodyHitsTheIdleTimeout) {
  using namespace std::chrono_literals;
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" +
                                      pattern(1000))
                                .stall(3600s)));
  blocking_client c;
  client_options o = plain(srv);
  o.connect.time.idle = 200ms;
  c.connect(o);
  pieces got;
  EXPECT_EQ(send_error(c, got), transport::error::timeout);
  EXPECT_EQ(got.body.size(), 1000u);  // what arrived before the stall reached the sink
  EXPECT_FALSE(c.is_connected());
}

TEST(HttpBody, TlsRecordsReadBeforeAStallReachTheSink) {
  using namespace std::chrono_literals;
  // Four full 16 KiB records (head included), then silence: the records gathered in the body
  // buffer reach the sink before the timeout is reported.
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n";
  const std::string part = pattern(4 * 16384 - head.size());
  mock_server srv(std::move(script().expect_until("").send(head + part).stall(3600s)),
                  implicit_tls());
  blocking_client c;
  client_options o = tls(srv);
  o.connect.time.idle = 200ms;
  c.connect(o);
  pieces got;
  EXPECT_EQ(send_error(c, got), transport::error::timeout);
  EXPECT_TRUE(got.body == part);
}

TEST(HttpBody, BytesPastContentLengthAreNotBody) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA")
                                .close()));
  blocking_client c;
  c.connect(plain(srv));
  pieces got;
  const response r = c.send({}, got.sink());
  EXPECT_EQ(got.body, "hello");
  EXPECT_EQ(r.body_bytes, 5u);
}

TEST(HttpBody, LargeCloseDelimitedBodyEndsAtEof) {
  const std::string big = pattern(600 * 1024 + 1);
  mock_server srv(std::move(
      script().expect_until("").send("HTTP/1.1 200 OK\r\n\r\n" + big).close()));
  blocking_client c;
  std::vector<transport::progress> seen;
  client_options o = plain(srv);
  o.progress = [&](const transport::progress& p) { seen.push_back(p); };
  c.connect(o);
  pieces got;
  EXPECT_EQ(c.send({}, got.sink()).body_bytes, big.size());
  EXPECT_TRUE(got.body == big);
  EXPECT_FALSE(c.is_connected());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().done, big.size());
  EXPECT_FALSE(seen.back().total);
}

TEST(HttpBody, CloseDelimitedBodyOverTheCapFailsBeforeTheExcessReachesTheSink) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\n\r\n" + pattern(100000))
                                .close()));
  blocking_client c;
  client_options o = plain(srv);
  o.limits.max_body = 50000;
  c.connect(o);
  pieces got;
  EXPECT_EQ(send_error(c, got), error::response_too_large);
  EXPECT_LE(got.body.size(), 50000u);
}

TEST(HttpBody, ContentLengthOverTheCapFailsAtTheHead) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 50001\r\n\r\n")
                                .close()));
  blocking_client c;
  client_options o = plain(srv);
  o.limits.max_body = 50000;
  c.connect(o);
  pieces got;
  EXPECT_EQ(send_error(c, got), error::response_too_large);
  EXPECT_TRUE(got.sizes.empty());
}

TEST(HttpBody, ChunkedLargeChunksExact) {
  const std::string a = pattern(300000), b = pattern(70001);
  auto hex = [](std::size_t n) {
    char s[20];
    std::snprintf(s, sizeof s, "%zx", n);
    return std::string(s);
  };
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                      hex(a.size()) + "\r\n" + a + "\r\n" + hex(b.size()) +
                                      "\r\n" + b + "\r\n0\r\n\r\n" + ok("next"))
                                .expect_until("")
                                .close()));
  blocking_client c;
  c.connect(plain(srv));
  pieces got;
  EXPECT_EQ(c.send({}, got.sink()).body_bytes, a.size() + b.size());
  EXPECT_TRUE(got.body == a + b);
  EXPECT_LE(got.largest(), 256u * 1024);
  pieces next;
  c.send({}, next.sink());
  EXPECT_EQ(next.body, "next");
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpBody, LargeGzipBodyDecodedThroughTheAgent) {
  const std::string text = pattern(1024 * 1024);
  const std::string wire = zlib_encode(text);
  ASSERT_GT(wire.size(), 256u * 1024);  // several body pieces reach the decoder
  mock_server srv(std::move(
      script().expect_until("").send(ok(wire, "Content-Encoding: gzip\r\n")).close()));
  boost::asio::io_context io;
  agent a{io.get_executor()};
  std::string body;
  fetch_options fo;
  fo.decode_content = true;
  transport::run_blocking(io, a.fetch("http://127.0.0.1:" + std::to_string(srv.port()) + "/", {},
                                      string_sink(body), fo));
  EXPECT_TRUE(body == text);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::http
