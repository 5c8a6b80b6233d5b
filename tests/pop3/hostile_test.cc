// Hostile POP3 servers: a multi-line body ends ONLY at CRLF "." CRLF (a bare "\n.\n" is data:
// the LF.LF smuggling class), dot-unstuffing survives one-byte writes, and a NUL or bare CR in a
// status line is a malformed response.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/pop3/test_util.hpp"
#include "tests/transport/alpn_server.hpp"
#include "transport/error.hpp"

namespace inet::pop3::testing {
namespace {

using mock::mock_server;
using mock::script;
using namespace std::string_literals;

TEST(Pop3Hostile, LfDotLfInsideAMessageIsDataAndTheNextCommandIsInStep) {
  mock_server srv(logged_in()
                      .expect("RETR 1")
                      .send("+OK\r\ntext\n.\nRETR smuggled\r\n.\r\n")
                      .expect("NOOP").send("+OK\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  std::string body;
  const std::uint64_t n = c.retr(1, string_sink(body));
  EXPECT_EQ(n, body.size());
  EXPECT_EQ(body, "text\n.\nRETR smuggled\r\n");
  EXPECT_TRUE(c.noop().ok);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Hostile, MessageCutOffAfterLfDotLfIsAPartialTransfer) {
  mock_server srv(logged_in().expect("RETR 1").send("+OK\r\nline\r\ntext\n.\n").close());
  blocking_client c;
  c.connect(login_options(srv));
  std::string body;
  try {
    c.retr(1, string_sink(body));
    FAIL() << "a RETR without CRLF.CRLF succeeded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::unexpected_eof) << e.what();
  }
  EXPECT_EQ(body, "line\r\n");
}

TEST(Pop3Hostile, ConnectionCutInsidePipelinedRetrsFailsOnlyTheUnfinishedMessage) {
  // RETRs sent ahead (RFC 2449 PIPELINING): message 1 arrives whole, message 2 is cut off
  // before its "." line. retr(1) keeps its bytes; retr(2) is a partial transfer, never a
  // success; what was read of it reached the sink; the client is then unusable.
  mock_server srv(logged_in({"USER", "PIPELINING"})
                      .expect("RETR 1").expect("RETR 2").expect("RETR 3")
                      .send("+OK\r\none\r\n.\r\n+OK\r\ntwo, first half\r\ntwo, sec")
                      .close());
  blocking_client c;
  c.connect(login_options(srv));
  ASSERT_EQ(c.retr_ahead({1, 2, 3}), 3u);
  std::string one, two, three;
  EXPECT_EQ(c.retr(1, string_sink(one)), 5u);
  EXPECT_EQ(one, "one\r\n");
  try {
    c.retr(2, string_sink(two));
    FAIL() << "a pipelined RETR cut off before its \".\" succeeded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::unexpected_eof) << e.what();
  }
  EXPECT_EQ(two.rfind("two, first half\r\n", 0), 0u) << two;
  EXPECT_THROW(c.retr(3, string_sink(three)), std::system_error);
  EXPECT_TRUE(three.empty());
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Hostile, UnstuffingWithOneByteWrites) {
  mock_server srv(logged_in()
                      .expect("RETR 1")
                      .trickle("+OK\r\n..\r\n...x\r\n.y\n.\r\n\r\n.\r\n", 1ms)
                      .expect("NOOP").send("+OK\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  std::string body;
  c.retr(1, string_sink(body));
  EXPECT_EQ(body, ".\r\n..x\r\ny\n.\r\n\r\n");
  EXPECT_TRUE(c.noop().ok);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Hostile, LfDotLfDoesNotEndAListing) {
  mock_server srv(logged_in().expect("UIDL").send("+OK\r\n1 abc\n.\n2 def\r\n.\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  try {
    c.uidl();
    FAIL() << "a UIDL line holding a bare LF was accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::malformed_response) << e.what();
  }
}

TEST(Pop3Hostile, NulOrBareCrInAStatusLineIsMalformed) {
  for (const std::string& bad : {"+OK 1\0 2\r\n"s, "+OK a\rb\r\n"s,
                                 "-ERR x\r\r\n"s}) {
    mock_server srv(logged_in().expect("NOOP").send(bad));
    blocking_client c;
    c.connect(login_options(srv));
    try {
      c.noop();
      FAIL() << "accepted " << transport::escape_control(bad);
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::malformed_response) << e.what();
    }
  }
}

TEST(Pop3Hostile, NulInTheGreetingIsMalformed) {
  mock_server srv(script().send("+OK ready\0\r\n"s));
  blocking_client c;
  try {
    c.connect(options_for(srv));
    FAIL() << "a greeting with a NUL was accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::malformed_response) << e.what();
  }
}

// pop3s offers ALPN "pop3" (RFC 7301, IANA id); a server selecting another protocol (ALPACA)
// fails the connect before any POP3 byte.
TEST(Pop3Hostile, ImplicitTlsOffersPop3AndRefusesAnotherAlpnProtocol) {
  for (const char* selected : {"http/1.1", "pop3", ""}) {
    inet::testing::alpn_choice choice{selected, {}};
    mock_server srv(greet_capa({"USER"}), inet::testing::alpn_server(&choice));
    blocking_client c;
    client_options o = options_for(srv);
    o.security = security::implicit_tls;
    std::error_code ec;
    try {
      c.connect(o);
    } catch (const std::system_error& e) {
      ec = e.code();
    }
    if (std::string(selected) == "http/1.1")
      EXPECT_EQ(ec, transport::error::alpn_mismatch) << ec.message();
    else
      EXPECT_FALSE(ec) << selected << ": " << ec.message();
    srv.wait_done();
    EXPECT_EQ(choice.offered, "\x04pop3") << selected;
    if (*selected == 'h') {
      EXPECT_EQ(srv.received(), "");
    }
  }
}

}  // namespace
}  // namespace inet::pop3::testing
