// Tests of the mock SOCKS5 and HTTP CONNECT proxies, relaying to a mock_server.
#include "tests/mock/proxy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/mock/server.hpp"
#include "tests/mock/test_client.hpp"

namespace inet::test {
namespace {

using ::testing::HasSubstr;

std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s += static_cast<char>(b);
  return s;
}

std::string port_bytes(std::uint16_t p) { return bytes({p >> 8, p & 0xff}); }

/// SOCKS5 CONNECT by domain name; returns the REP code (or -1 when the
/// method/auth stage failed).
int socks5_connect(test_client& c, const std::string& host, std::uint16_t port,
                   const std::string& user = "", const std::string& pass = "") {
  bool auth = !user.empty();
  c.write(bytes({5, 1, auth ? 2 : 0}));
  std::string choice = c.read_exact(2);
  if (choice != bytes({5, auth ? 2 : 0})) return -1;
  if (auth) {
    c.write(bytes({1, static_cast<int>(user.size())}) + user + bytes({static_cast<int>(pass.size())}) + pass);
    if (c.read_exact(2) != bytes({1, 0})) return -1;
  }
  c.write(bytes({5, 1, 0, 3, static_cast<int>(host.size())}) + host + port_bytes(port));
  std::string reply = c.read_exact(10);
  EXPECT_EQ(reply.substr(0, 4), bytes({5, reply[1], 0, 1}));
  return static_cast<unsigned char>(reply[1]);
}

script echo_script() { return script().expect("hello").send("world\r\n").close(); }

void talk(test_client& c) {
  c.write("hello\r\n");
  EXPECT_EQ(c.read_line(), "world");
  boost::system::error_code ec;
  EXPECT_EQ(c.read_to_eof(ec), "");  // the server's FIN is relayed
}

TEST(MockSocks5, RelaysByDomainNameWithoutAuth) {
  mock_server srv(echo_script());
  mock_socks5_proxy proxy;
  test_client c("127.0.0.1", proxy.port());
  ASSERT_EQ(socks5_connect(c, "localhost", srv.port()), 0);
  talk(c);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(proxy.last_target(), "localhost:" + std::to_string(srv.port()));
  EXPECT_TRUE(proxy.used_remote_dns());
  EXPECT_EQ(proxy.connections(), 1);
}

TEST(MockSocks5, RelaysByIpv4Address) {
  mock_server srv(echo_script());
  mock_socks5_proxy proxy;
  test_client c("127.0.0.1", proxy.port());
  c.write(bytes({5, 1, 0}));
  EXPECT_EQ(c.read_exact(2), bytes({5, 0}));
  c.write(bytes({5, 1, 0, 1, 127, 0, 0, 1}) + port_bytes(srv.port()));
  EXPECT_EQ(c.read_exact(10).substr(0, 4), bytes({5, 0, 0, 1}));
  talk(c);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(proxy.last_target(), "127.0.0.1:" + std::to_string(srv.port()));
  EXPECT_FALSE(proxy.used_remote_dns());
}

TEST(MockSocks5, UsernamePasswordAuth) {
  mock_server srv(echo_script());
  mock_socks5_proxy proxy({.user = "u", .pass = "secret"});
  {
    test_client bad("127.0.0.1", proxy.port());
    EXPECT_EQ(socks5_connect(bad, "localhost", srv.port(), "u", "wrong"), -1);
  }
  {
    test_client no_auth("127.0.0.1", proxy.port());
    no_auth.write(bytes({5, 1, 0}));
    EXPECT_EQ(no_auth.read_exact(2), bytes({5, 0xFF}));  // no acceptable method
  }
  test_client c("127.0.0.1", proxy.port());
  ASSERT_EQ(socks5_connect(c, "localhost", srv.port(), "u", "secret"), 0);
  talk(c);
  EXPECT_SCRIPT_OK(srv);
}

TEST(MockSocks5, RefusesRejectedAndNonLoopbackTargets) {
  {
    mock_socks5_proxy rejecting({.reject = true});
    test_client c("127.0.0.1", rejecting.port());
    EXPECT_EQ(socks5_connect(c, "localhost", 1), 2);
  }
  mock_socks5_proxy proxy;
  {
    test_client c("127.0.0.1", proxy.port());
    EXPECT_EQ(socks5_connect(c, "example.com", 25), 4);
    EXPECT_EQ(proxy.last_target(), "example.com:25");
  }
  {
    test_client c("127.0.0.1", proxy.port());
    c.write(bytes({5, 1, 0}));
    c.read_exact(2);
    c.write(bytes({5, 1, 0, 1, 192, 0, 2, 1, 0, 25}));
    EXPECT_EQ(c.read_exact(10)[1], 2);
  }
  {
    test_client c("127.0.0.1", proxy.port());
    c.write(bytes({5, 1, 0}));
    c.read_exact(2);
    c.write(bytes({5, 2, 0, 3, 9}) + "localhost" + port_bytes(1));  // BIND
    EXPECT_EQ(c.read_exact(10)[1], 7);
  }
}

TEST(MockSocks5, AnyNameIsLoopbackOption) {
  mock_server srv(echo_script());
  mock_socks5_proxy proxy({.any_name_is_loopback = true});
  test_client c("127.0.0.1", proxy.port());
  ASSERT_EQ(socks5_connect(c, "mail.example", srv.port()), 0);
  talk(c);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(proxy.last_target(), "mail.example:" + std::to_string(srv.port()));
}

TEST(MockSocks5, TargetRefused) {
  std::uint16_t closed_port;
  {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    closed_port = a.local_endpoint().port();
  }
  mock_socks5_proxy proxy;
  test_client c("127.0.0.1", proxy.port());
  EXPECT_EQ(socks5_connect(c, "127.0.0.1", closed_port), 5);
}

/// Reads an HTTP response head; returns it with CRLFs.
std::string read_head(test_client& c) {
  std::string head;
  for (std::string line; !(line = c.read_line()).empty();) head += line + "\r\n";
  return head;
}

TEST(MockHttpConnect, RelaysAndForwardsPipelinedBytes) {
  mock_server srv(echo_script());
  mock_http_connect_proxy proxy;
  test_client c("127.0.0.1", proxy.port());
  std::string target = "localhost:" + std::to_string(srv.port());
  std::string head = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n";
  c.write(head + "hello\r\n");  // early data goes to the target
  EXPECT_THAT(read_head(c), HasSubstr("HTTP/1.1 200 "));
  EXPECT_EQ(c.read_line(), "world");
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(proxy.last_request(), head);
}

TEST(MockHttpConnect, BasicAuth) {
  mock_server srv(echo_script());
  mock_http_connect_proxy proxy({.basic_auth = "user:pw"});
  std::string target = "127.0.0.1:" + std::to_string(srv.port());
  {
    test_client c("127.0.0.1", proxy.port());
    c.write("CONNECT " + target + " HTTP/1.1\r\n\r\n");
    std::string h = read_head(c);
    EXPECT_THAT(h, HasSubstr("HTTP/1.1 407 "));
    EXPECT_THAT(h, HasSubstr("Proxy-Authenticate: Basic"));
  }
  {
    test_client c("127.0.0.1", proxy.port());
    c.write("CONNECT " + target + " HTTP/1.1\r\nProxy-Authorization: Basic dXNlcjp3cm9uZw==\r\n\r\n");
    EXPECT_THAT(read_head(c), HasSubstr("HTTP/1.1 407 "));
  }
  test_client c("127.0.0.1", proxy.port());
  // base64("user:pw") = dXNlcjpwdw==
  c.write("CONNECT " + target + " HTTP/1.1\r\nproxy-authorization:  basic dXNlcjpwdw==\r\n\r\n");
  EXPECT_THAT(read_head(c), HasSubstr("HTTP/1.1 200 "));
  talk(c);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(proxy.connections(), 3);
}

TEST(MockHttpConnect, ErrorStatuses) {
  mock_http_connect_proxy forbidding({.status = 403});
  {
    test_client c("127.0.0.1", forbidding.port());
    c.write("CONNECT localhost:1 HTTP/1.1\r\n\r\n");
    EXPECT_THAT(read_head(c), HasSubstr("HTTP/1.1 403 "));
    boost::system::error_code ec;
    c.read_to_eof(ec);
    EXPECT_EQ(ec, asio::error::eof);
  }
  mock_http_connect_proxy proxy;
  auto status_for = [&](const std::string& request) {
    test_client c("127.0.0.1", proxy.port());
    c.write(request);
    return c.read_line();
  };
  EXPECT_THAT(status_for("CONNECT example.com:443 HTTP/1.1\r\n\r\n"), HasSubstr(" 403 "));
  EXPECT_THAT(status_for("CONNECT 192.0.2.1:443 HTTP/1.1\r\n\r\n"), HasSubstr(" 403 "));
  EXPECT_THAT(status_for("GET http://localhost/ HTTP/1.1\r\n\r\n"), HasSubstr(" 405 "));
  EXPECT_THAT(status_for("CONNECT localhost HTTP/1.1\r\n\r\n"), HasSubstr(" 400 "));
  EXPECT_THAT(status_for("garbage\r\n\r\n"), HasSubstr(" 400 "));
}

}  // namespace
}  // namespace inet::test
