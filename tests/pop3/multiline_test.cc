// Multi-line responses (RFC 1939 §3): termination, dot-unstuffing, limits, and cut-off
// transfers, which must be errors (a partial transfer), never a truncated success.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/pop3/test_util.hpp"

namespace inet::pop3::testing {
namespace {

using mock::mock_server;
using mock::script;

TEST(Pop3Multiline, DotUnstuffingAndTermination) {
  // Wire: a line that is just "." (stuffed ".."), lines starting with ".." (stuffed "..."),
  // a line ".x" the server did not stuff, empty lines, and the terminator.
  mock_server srv(logged_in()
                      .expect("RETR 1")
                      .send("+OK 60 octets\r\n"
                            "From: a@b\r\n"
                            "\r\n"
                            "..\r\n"
                            "...hidden\r\n"
                            "....\r\n"
                            ".x\r\n"
                            "\r\n"
                            "last line\r\n"
                            ".\r\n")
                      .expect("NOOP").send("+OK\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  std::string body;
  const std::uint64_t n = c.retr(1, string_sink(body));
  EXPECT_EQ(body, "From: a@b\r\n\r\n.\r\n..hidden\r\n...\r\nx\r\n\r\nlast line\r\n");
  EXPECT_EQ(n, body.size());
  EXPECT_TRUE(c.noop().ok);  // nothing after "." was consumed
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Multiline, MessageWithoutTrailingNewlineGetsTheServersCrlf) {
  // RFC 1939 §3: the server ends an unterminated last line with CRLF before ".". That CRLF is
  // delivered (as curl does), so the output is the message as the server holds it, ended.
  mock_server srv(logged_in().expect("RETR 1").send("+OK\r\nno newline at end\r\n.\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  std::string body;
  c.retr(1, string_sink(body));
  EXPECT_EQ(body, "no newline at end\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Multiline, EmptyMessageAndTop) {
  mock_server srv(logged_in()
                      .expect("RETR 1").send("+OK 0 octets\r\n.\r\n")
                      .expect("TOP 2 1").send("+OK\r\nSubject: s\r\n\r\nfirst\r\n.\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  std::string body;
  EXPECT_EQ(c.retr(1, string_sink(body)), 0u);
  EXPECT_EQ(body, "");
  EXPECT_EQ(c.top(2, 1, string_sink(body)), 21u);
  EXPECT_EQ(body, "Subject: s\r\n\r\nfirst\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Multiline, RetrCutOffBeforeDotIsPartial) {
  for (const char* cut : {"+OK\r\nline one\r\nline two\r\n", "+OK\r\nline one\r\nline tw"}) {
    mock_server srv(logged_in().expect("RETR 1").send(cut).close());
    blocking_client c;
    c.connect(login_options(srv));
    std::string body;
    try {
      c.retr(1, string_sink(body));
      ADD_FAILURE() << "a cut-off RETR succeeded";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), transport::error::unexpected_eof);
      EXPECT_THAT(e.what(), ::testing::HasSubstr("partial"));
    }
    EXPECT_THAT(body, ::testing::StartsWith("line one\r\n"));  // what arrived; the call failed
    EXPECT_THAT(body, ::testing::Not(::testing::HasSubstr("line tw\r\n")));
    // The session is gone; nothing pretends otherwise.
    EXPECT_THROW(c.noop(), std::system_error);
    EXPECT_FALSE(c.quit().committed);
    EXPECT_SCRIPT_OK(srv);
  }
}

TEST(Pop3Multiline, ListCutOffBeforeDotIsPartial) {
  mock_server srv(logged_in().expect("LIST").send("+OK\r\n1 100\r\n2 200\r\n").close());
  blocking_client c;
  c.connect(login_options(srv));
  try {
    c.list();
    FAIL() << "a cut-off LIST succeeded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::unexpected_eof);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Multiline, EndlessRetrHitsTheSizeLimit) {
  mock_server srv(logged_in().expect("RETR 1").send("+OK\r\n")
                      .send_repeated("an endless line of message text\r\n", 1'000'000));
  blocking_client c;
  c.connect(login_options(srv));
  std::uint64_t delivered = 0;
  try {
    c.retr(1, [&](std::string_view chunk) { delivered += chunk.size(); }, 256 * 1024);
    FAIL() << "an endless RETR ended";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::body_too_large);
  }
  EXPECT_LE(delivered, 256u * 1024);
  EXPECT_GT(delivered, 200u * 1024);
}

TEST(Pop3Multiline, EndlessListHitsTheListingLimit) {
  mock_server srv(logged_in().expect("LIST").send("+OK\r\n").send_repeated("1 100\r\n", 1'000'000));
  blocking_client c;
  client_options o = login_options(srv);
  o.max_listing_bytes = 64 * 1024;
  c.connect(o);
  try {
    c.list();
    FAIL() << "an endless LIST ended";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::body_too_large);
  }
}

TEST(Pop3Multiline, EndlessLineHitsTheLineLimit) {
  mock_server srv(logged_in().expect("RETR 1").send("+OK\r\n").send_repeated(std::string(4096, 'x'), 10'000));
  blocking_client c;
  client_options o = login_options(srv);
  o.limits.max_line_bytes = 8192;
  c.connect(o);
  std::string body;
  try {
    c.retr(1, string_sink(body));
    FAIL() << "an endless line ended";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::line_too_long);
  }
  EXPECT_TRUE(body.empty());
}

TEST(Pop3Multiline, ThrowingSinkAbortsAndClosesTheSession) {
  mock_server srv(logged_in().expect("RETR 1").send("+OK\r\na\r\nb\r\n.\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  EXPECT_THROW(c.retr(1, [](std::string_view) { throw std::runtime_error("disk full"); }),
               std::runtime_error);
  EXPECT_THROW(c.noop(), std::system_error);
}

TEST(Pop3Multiline, CapaBodyIsParsedAndBounded) {
  mock_server srv(greet_capa({"TOP", "USER", "SASL PLAIN scram-sha-256", "RESP-CODES",
                              "AUTH-RESP-CODE", "PIPELINING", "UIDL", "LOGIN-DELAY 900",
                              "IMPLEMENTATION Shlemazle-Plotz-v302"})
                      .expect("QUIT").send("+OK\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  const capabilities& caps = c.server_capabilities();
  EXPECT_TRUE(caps.known && caps.top && caps.user && caps.resp_codes && caps.auth_resp_code &&
              caps.pipelining && caps.uidl);
  EXPECT_FALSE(caps.stls);
  EXPECT_EQ(caps.sasl, (std::vector<std::string>{"PLAIN", "SCRAM-SHA-256"}));
  EXPECT_EQ(caps.login_delay_seconds, 900u);
  EXPECT_EQ(caps.implementation, "Shlemazle-Plotz-v302");
  EXPECT_TRUE(caps.has("sasl"));
  EXPECT_FALSE(caps.has("EXPIRE"));
  EXPECT_TRUE(c.authenticated_with().empty());
  EXPECT_TRUE(c.quit().committed);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Multiline, CapaRefusedMeansNothingKnown) {
  mock_server srv(script()
                      .send("+OK old server\r\n")
                      .expect("CAPA").send("-ERR unknown command\r\n")
                      .expect("USER alice").send("+OK\r\n")
                      .expect("PASS secret").send("+OK\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  EXPECT_FALSE(c.server_capabilities().known);
  EXPECT_EQ(c.authenticated_with(), "USER");
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::pop3::testing
