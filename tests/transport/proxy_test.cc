// Proxies through transport::stream::connect: SOCKS5 (RFC 1928) with and without RFC 1929
// auth, local vs remote name resolution, HTTP CONNECT (RFC 9110 §9.3.6) with Basic auth, the
// connect timeout covering the proxy handshake, and TLS through the tunnel. Loopback only.
#include "transport/proxy.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "protocols/codec/base64.hpp"
#include "tests/mock/proxy.hpp"
#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"
#include "transport/error.hpp"
#include "transport/line_reader.hpp"

namespace inet::testing {
namespace {

using test::mock_http_connect_proxy;
using test::mock_server;
using test::mock_socks5_proxy;
using test::script;
using transport::error;
using kind = transport::proxy_options::kind;

transport::connect_options via(kind k, std::uint16_t proxy_port, std::string user = {},
                               std::string pass = {}) {
  auto o = quick_options();
  o.proxy.type = k;
  o.proxy.host = "127.0.0.1";
  o.proxy.port = proxy_port;
  o.proxy.username = std::move(user);
  o.proxy.password = std::move(pass);
  return o;
}

script hello_script() {
  return script().send("220 hi\r\n").expect("HELLO").send("250 ok\r\n");
}

// Connects to host:port with `opts` and has the hello_script conversation.
std::error_code converse(const std::string& host, std::uint16_t port,
                         const transport::connect_options& opts) {
  asio::io_context io;
  transport::stream s(io.get_executor());
  return error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect(host, port, opts);
    transport::line_reader reader(s);
    EXPECT_EQ(co_await reader.read_line(), "220 hi");
    co_await s.write(asio::buffer(std::string_view("HELLO\r\n")));
    EXPECT_EQ(co_await reader.read_line(), "250 ok");
  });
}

std::string target(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// -------------------------------------------------------------------------------------- SOCKS5

TEST(Socks5, NoAuthTunnelReachesTheServer) {
  mock_socks5_proxy proxy;
  mock_server srv(hello_script());
  const auto ec = converse("127.0.0.1", srv.port(), via(kind::socks5, proxy.port()));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "HELLO\r\n");
  EXPECT_EQ(proxy.last_target(), target(srv.port()));
  EXPECT_FALSE(proxy.used_remote_dns());
  EXPECT_EQ(proxy.connections(), 1);
}

TEST(Socks5, UserPasswordAuth) {
  mock_socks5_proxy::options po;
  po.user = "alice";
  po.pass = "s3cret";
  mock_socks5_proxy proxy(po);
  mock_server srv(hello_script());
  const auto ec =
      converse("127.0.0.1", srv.port(), via(kind::socks5, proxy.port(), "alice", "s3cret"));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(proxy.last_target(), target(srv.port()));
}

TEST(Socks5, WrongPasswordIsProxyAuthFailed) {
  mock_socks5_proxy::options po;
  po.user = "alice";
  po.pass = "s3cret";
  mock_socks5_proxy proxy(po);
  mock_server srv(hello_script());
  const auto ec =
      converse("127.0.0.1", srv.port(), via(kind::socks5, proxy.port(), "alice", "wrong"));
  EXPECT_EQ(ec, error::proxy_auth_failed) << ec.message();
  EXPECT_TRUE(ec == condition::connection_failed);
  EXPECT_EQ(proxy.last_target(), "");  // no CONNECT request after failed auth
}

TEST(Socks5, MissingCredentialsIsProxyAuthFailed) {
  mock_socks5_proxy::options po;
  po.user = "alice";
  po.pass = "s3cret";
  mock_socks5_proxy proxy(po);
  mock_server srv(hello_script());
  const auto ec = converse("127.0.0.1", srv.port(), via(kind::socks5, proxy.port()));
  EXPECT_EQ(ec, error::proxy_auth_failed) << ec.message();
}

TEST(Socks5, OverlongCredentialsRefusedBeforeSending) {
  mock_socks5_proxy proxy;
  mock_server srv(hello_script());
  const auto ec = converse("127.0.0.1", srv.port(),
                           via(kind::socks5, proxy.port(), std::string(256, 'u'), "p"));
  EXPECT_EQ(ec, error::proxy_auth_failed) << ec.message();
}

TEST(Socks5, RemoteDnsSendsTheHostName) {
  mock_socks5_proxy proxy;
  mock_server srv(hello_script());
  const auto ec = converse("localhost", srv.port(), via(kind::socks5_remote, proxy.port()));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_TRUE(proxy.used_remote_dns());
  EXPECT_EQ(proxy.last_target(), "localhost:" + std::to_string(srv.port()));
}

TEST(Socks5, RemoteDnsNeverResolvesLocally) {
  // A made-up name only the proxy can "resolve": a local lookup would fail.
  mock_socks5_proxy::options po;
  po.any_name_is_loopback = true;
  mock_socks5_proxy proxy(po);
  mock_server srv(hello_script());
  const auto ec =
      converse("mail.inetpp-test.invalid", srv.port(), via(kind::socks5_remote, proxy.port()));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(proxy.last_target(), "mail.inetpp-test.invalid:" + std::to_string(srv.port()));
}

TEST(Socks5, LocalResolutionSendsAnAddress) {
  mock_socks5_proxy proxy;
  mock_server srv(hello_script());
  const auto ec = converse("127.0.0.1", srv.port(), via(kind::socks5, proxy.port()));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_FALSE(proxy.used_remote_dns());
}

TEST(Socks5, Ipv6LiteralTarget) {
  std::unique_ptr<mock_server> srv;
  try {
    test::server_options o;
    o.ipv6 = true;
    srv = std::make_unique<mock_server>(hello_script(), o);
  } catch (const std::system_error&) {
    GTEST_SKIP() << "cannot bind ::1";
  }
  mock_socks5_proxy proxy;
  const auto ec = converse("::1", srv->port(), via(kind::socks5, proxy.port()));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(proxy.last_target(), "[::1]:" + std::to_string(srv->port()));
  EXPECT_SCRIPT_OK(*srv);
}

TEST(Socks5, RejectedConnectIsProxyFailed) {
  mock_socks5_proxy::options po;
  po.reject = true;
  mock_socks5_proxy proxy(po);
  mock_server srv(hello_script());
  const auto ec = converse("127.0.0.1", srv.port(), via(kind::socks5, proxy.port()));
  EXPECT_EQ(ec, error::proxy_failed) << ec.message();
}

TEST(Socks5, TargetRefusedIsProxyFailed) {
  mock_socks5_proxy proxy;
  const auto ec = converse("127.0.0.1", closed_port(), via(kind::socks5, proxy.port()));
  EXPECT_EQ(ec, error::proxy_failed) << ec.message();
}

TEST(Socks5, NotASocksServerIsProxyFailed) {
  mock_server fake(script().expect_bytes(3).send("HTTP/1.1 400 Bad Request\r\n\r\n"));
  const auto ec = converse("127.0.0.1", 25, via(kind::socks5, fake.port()));
  EXPECT_EQ(ec, error::proxy_failed) << ec.message();
  EXPECT_EQ(fake.received(), std::string("\x05\x01\x00", 3));  // RFC 1928 §3 greeting
}

TEST(Socks5, StalledProxyHitsTheConnectTimeout) {
  mock_server stalled(script().stall(10s));  // accepts TCP, never answers the greeting
  auto opts = via(kind::socks5, stalled.port());
  opts.time.connect = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto ec = converse("127.0.0.1", 25, opts);
  EXPECT_EQ(ec, error::connect_timeout) << ec.message();
  EXPECT_LT(since(start), 3000ms);
}

TEST(Socks5, TlsThroughTheTunnelVerifiesTheTargetName) {
  mock_socks5_proxy proxy;
  test::server_options so;
  so.implicit_tls = true;
  mock_server srv(hello_script(), so);
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("localhost", srv.port(), via(kind::socks5_remote, proxy.port()));
    co_await s.handshake(test_ca(), "localhost");
    transport::line_reader reader(s);
    EXPECT_EQ(co_await reader.read_line(), "220 hi");
    co_await s.write(asio::buffer(std::string_view("HELLO\r\n")));
    EXPECT_EQ(co_await reader.read_line(), "250 ok");
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(s.tls_details().verified);
  EXPECT_SCRIPT_OK(srv);
}

// -------------------------------------------------------------------------------- HTTP CONNECT

TEST(HttpConnect, TunnelWithoutAuth) {
  mock_http_connect_proxy proxy;
  mock_server srv(hello_script());
  const auto ec = converse("127.0.0.1", srv.port(), via(kind::http_connect, proxy.port()));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  const std::string head = proxy.last_request();
  EXPECT_EQ(head.rfind("CONNECT " + target(srv.port()) + " HTTP/1.1\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("\r\nHost: " + target(srv.port()) + "\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Proxy-Authorization"), std::string::npos) << head;
}

TEST(HttpConnect, BasicAuthHeaderIsSent) {
  mock_http_connect_proxy::options po;
  po.basic_auth = "bob:pa ss:word";
  mock_http_connect_proxy proxy(po);
  mock_server srv(hello_script());
  const auto ec = converse("127.0.0.1", srv.port(),
                           via(kind::http_connect, proxy.port(), "bob", "pa ss:word"));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "HELLO\r\n");
  EXPECT_NE(proxy.last_request().find("\r\nProxy-Authorization: Basic " +
                                      codec::base64_encode("bob:pa ss:word") + "\r\n"),
            std::string::npos)
      << proxy.last_request();
}

TEST(HttpConnect, Status407IsProxyAuthFailed) {
  mock_http_connect_proxy::options po;
  po.basic_auth = "bob:right";
  mock_http_connect_proxy proxy(po);
  mock_server srv(hello_script());
  const auto ec =
      converse("127.0.0.1", srv.port(), via(kind::http_connect, proxy.port(), "bob", "wrong"));
  EXPECT_EQ(ec, error::proxy_auth_failed) << ec.message();
  EXPECT_EQ(srv.received(), "");
}

TEST(HttpConnect, OtherRefusalIsProxyFailed) {
  mock_http_connect_proxy::options po;
  po.status = 403;
  mock_http_connect_proxy proxy(po);
  mock_server srv(hello_script());
  const auto ec = converse("127.0.0.1", srv.port(), via(kind::http_connect, proxy.port()));
  EXPECT_EQ(ec, error::proxy_failed) << ec.message();
}

TEST(HttpConnect, Ipv6TargetIsBracketed) {
  mock_http_connect_proxy proxy;
  const auto ec = converse("::1", 1, via(kind::http_connect, proxy.port()));
  EXPECT_TRUE(ec);  // nothing listens on [::1]:1
  EXPECT_EQ(proxy.last_request().rfind("CONNECT [::1]:1 HTTP/1.1\r\n", 0), 0u)
      << proxy.last_request();
}

TEST(HttpConnect, CrlfInTargetIsRefusedBeforeAnythingIsSent) {
  mock_server fake_proxy(script().expect_silence(300ms));
  const auto ec = converse("127.0.0.1\r\nX-Injected: 1", 25,
                           via(kind::http_connect, fake_proxy.port()));
  EXPECT_EQ(ec, error::invalid_argument) << ec.message();
  EXPECT_SCRIPT_OK(fake_proxy);
  EXPECT_EQ(fake_proxy.received(), "");
}

TEST(HttpConnect, CrlfInCredentialsIsRefused) {
  mock_server fake_proxy(script().expect_silence(300ms));
  const auto ec = converse("127.0.0.1", 25,
                           via(kind::http_connect, fake_proxy.port(), "bob\r\nX: 1", "pw"));
  EXPECT_EQ(ec, error::invalid_argument) << ec.message();
  EXPECT_SCRIPT_OK(fake_proxy);
}

TEST(HttpConnect, MalformedStatusLineIsProxyFailed) {
  mock_server fake(script().expect_until("").send("SSH-2.0-OpenSSH\r\n\r\n"));
  const auto ec = converse("127.0.0.1", 25, via(kind::http_connect, fake.port()));
  EXPECT_EQ(ec, error::proxy_failed) << ec.message();
}

TEST(HttpConnect, BytesAfterTheResponseHeadBelongToTheTunnel) {
  // The proxy's 200 and the server's greeting arrive in one segment: the greeting must not be
  // swallowed by the CONNECT response parser.
  mock_server fake(script()
                       .expect_until("")
                       .send("HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\n220 hi\r\n")
                       .expect("HELLO")
                       .send("250 ok\r\n"));
  const auto ec = converse("127.0.0.1", 25, via(kind::http_connect, fake.port()));
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(fake);
}

TEST(HttpConnect, EndlessResponseHeadIsBounded) {
  mock_server fake(script()
                       .expect_until("")
                       .send("HTTP/1.1 200 OK\r\n")
                       .send_repeated("X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", 100'000));
  const auto ec = converse("127.0.0.1", 25, via(kind::http_connect, fake.port()));
  EXPECT_EQ(ec, error::proxy_failed) << ec.message();
}

TEST(HttpConnect, StalledProxyHitsTheConnectTimeout) {
  mock_server stalled(script().stall(10s));
  auto opts = via(kind::http_connect, stalled.port());
  opts.time.connect = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto ec = converse("127.0.0.1", 25, opts);
  EXPECT_EQ(ec, error::connect_timeout) << ec.message();
  EXPECT_LT(since(start), 3000ms);
}

// ---------------------------------------------------------- sans-I/O reply parsers (detail::)

std::error_code code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

TEST(ProxyReplies, Socks5MethodChoice) {
  using transport::detail::parse_socks5_method;
  EXPECT_EQ(parse_socks5_method(std::string("\x05\x00", 2), false), 0);
  EXPECT_EQ(parse_socks5_method(std::string("\x05\x02", 2), true), 2);
  EXPECT_EQ(code_of([] { parse_socks5_method(std::string("\x05\x02", 2), false); }),
            error::proxy_auth_failed);
  EXPECT_EQ(code_of([] { parse_socks5_method("\x05\xFF", true); }), error::proxy_auth_failed);
  EXPECT_EQ(code_of([] { parse_socks5_method(std::string("\x04\x00", 2), false); }),
            error::proxy_failed);
  EXPECT_EQ(code_of([] { parse_socks5_method("\x05\x01", true); }), error::proxy_failed);
  EXPECT_EQ(code_of([] { parse_socks5_method("\x05", true); }), error::proxy_failed);
  EXPECT_EQ(code_of([] { transport::detail::check_socks5_auth_status("\x01\x01"); }),
            error::proxy_auth_failed);
  EXPECT_NO_THROW(transport::detail::check_socks5_auth_status(std::string("\x01\x00", 2)));
}

TEST(ProxyReplies, Socks5ReplyLengthFollowsTheAddressType) {
  using transport::detail::socks5_reply_needs;
  EXPECT_EQ(socks5_reply_needs(""), 4u);
  EXPECT_EQ(socks5_reply_needs(std::string("\x05\x00", 2)), 2u);
  EXPECT_EQ(socks5_reply_needs(std::string("\x05\x00\x00\x01", 4)), 6u);   // IPv4 + port
  EXPECT_EQ(socks5_reply_needs(std::string("\x05\x00\x00\x04", 4)), 18u);  // IPv6 + port
  EXPECT_EQ(socks5_reply_needs(std::string("\x05\x00\x00\x03", 4)), 1u);   // length byte
  EXPECT_EQ(socks5_reply_needs(std::string("\x05\x00\x00\x03\x09", 5)), 11u);
  EXPECT_EQ(socks5_reply_needs(std::string("\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x19", 10)),
            0u);
  EXPECT_EQ(code_of([] { socks5_reply_needs(std::string("\x05\x00\x00\x02", 4)); }),
            error::proxy_failed);
  EXPECT_EQ(code_of([] { socks5_reply_needs(std::string("\x04\x00\x00\x01", 4)); }),
            error::proxy_failed);
  try {
    socks5_reply_needs(std::string("\x05\x05\x00\x01", 4));
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::proxy_failed);
    EXPECT_NE(std::string(e.what()).find("connection refused"), std::string::npos) << e.what();
  }
}

// Feeds `head` to a connect_head_parser; returns the bytes consumed when it reports the end.
std::size_t feed_head(std::string_view head) {
  transport::detail::connect_head_parser p;
  for (std::size_t i = 0; i < head.size(); ++i)
    if (p.feed(head[i])) return i + 1;
  return 0;
}

TEST(ProxyReplies, ConnectHeadEndsAtTheBlankLine) {
  EXPECT_EQ(feed_head("HTTP/1.1 200 OK\r\nVia: x\r\n\r\nTUNNEL"), 27u);
  EXPECT_EQ(feed_head("HTTP/1.0 204 x\n\nT"), 16u);
  EXPECT_EQ(feed_head("HTTP/1.1 200 OK\r\n"), 0u);  // not finished yet
  EXPECT_EQ(code_of([] { feed_head("HTTP/1.1 407 auth\r\n"); }), error::proxy_auth_failed);
  EXPECT_EQ(code_of([] { feed_head("HTTP/1.1 302 moved\r\n"); }), error::proxy_failed);
  EXPECT_EQ(code_of([] { feed_head("SSH-2.0-OpenSSH\r\n"); }), error::proxy_failed);
  EXPECT_EQ(code_of([] { feed_head("HTTP/1.1 20\r\n"); }), error::proxy_failed);  // too short
  try {
    feed_head("HTTP/1.1 500 \x1b[31mred\r\n");
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(std::string(e.what()).find('\x1b'), std::string::npos) << e.what();
  }
  const std::string endless =
      "HTTP/1.1 200 OK\r\n" + std::string(transport::detail::max_connect_head_bytes, 'x');
  EXPECT_EQ(code_of([&] { feed_head(endless); }), error::proxy_failed);
}

}  // namespace
}  // namespace inet::testing
