// Tests of the scripted mock server (plaintext behaviour).
#include "tests/mock/server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "tests/mock/test_client.hpp"

namespace inet::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

TEST(MockServer, SendExpectConversation) {
  mock_server srv(script()
                      .send("220 mock ready\r\n")
                      .expect("EHLO client.example")
                      .send("250 ok\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n")
                      .close());
  test_client c(srv.host(), srv.port());
  EXPECT_EQ(c.read_line(), "220 mock ready");
  c.write("EHLO client.example\r\n");
  EXPECT_EQ(c.read_line(), "250 ok");
  c.write("QUIT\r\n");
  EXPECT_EQ(c.read_line(), "221 bye");
  boost::system::error_code ec;
  EXPECT_EQ(c.read_to_eof(ec), "");
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.failure(), "");
  EXPECT_EQ(srv.received(), "EHLO client.example\r\nQUIT\r\n");
  EXPECT_THAT(srv.received_lines(), ::testing::ElementsAre("EHLO client.example", "QUIT"));
}

TEST(MockServer, MismatchIsReportedAndClosesConnection) {
  mock_server srv(script().send("220 hi\r\n").expect("HELO a").send("250 never sent\r\n"));
  test_client c(srv.host(), srv.port());
  EXPECT_EQ(c.read_line(), "220 hi");
  c.write("EHLO \x01odd\r\n");
  boost::system::error_code ec;
  EXPECT_EQ(c.read_to_eof(ec), "");  // later steps skipped, FIN sent
  EXPECT_EQ(ec, asio::error::eof);
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  std::string f = srv.failure();
  EXPECT_THAT(f, HasSubstr("step 2 of 3 (expect \"HELO a\")"));
  EXPECT_THAT(f, HasSubstr("got \"EHLO \\x01odd\""));
  EXPECT_THAT(f, HasSubstr("S> 220 hi\\r\\n"));
  EXPECT_THAT(f, HasSubstr("C> EHLO \\x01odd\\r\\n"));
  EXPECT_THAT(f, ::testing::Not(HasSubstr("S> 250 never sent")));
}

TEST(MockServer, FailureWhileRunningSaysSo) {
  mock_server srv(script().expect("never"));
  test_client c(srv.host(), srv.port());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), ::testing::AnyOf(HasSubstr("still running"), HasSubstr("timed out")));
}

TEST(MockServer, ExpectRegexMatchesWholeLine) {
  mock_server srv(script().expect_regex(R"(A\d{3} LOGIN .*)").expect_regex("abc"));
  test_client c(srv.host(), srv.port());
  c.write("A001 LOGIN user pass\r\nabcd\r\n");
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("step 2 of 2"));
  EXPECT_THAT(srv.failure(), HasSubstr("\"abcd\" does not match /abc/"));
}

TEST(MockServer, InvalidRegexThrowsAtBuildTime) {
  EXPECT_THROW(script().expect_regex("(unclosed"), std::regex_error);
}

TEST(MockServer, ExpectAnyLineUntilAndBytes) {
  std::string any, data, bytes;
  mock_server srv(script()
                      .expect_any_line(&any)
                      .expect_until(".", &data)
                      .expect_bytes(5, &bytes)
                      .expect("end"));
  test_client c(srv.host(), srv.port());
  c.write("MAIL FROM:<a@b>\r\nSubject: x\r\n\r\n..dot\r\n.\r\n12\r\n4end\r\n");
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(any, "MAIL FROM:<a@b>");
  EXPECT_EQ(data, "Subject: x\r\n\r\n..dot\r\n");
  EXPECT_EQ(bytes, "12\r\n4");
}

TEST(MockServer, BareLfDoesNotEndALine) {
  mock_server srv(script().expect("a").expect("b"), {.step_timeout = 5000ms});
  test_client c(srv.host(), srv.port());
  c.write("a\nb\r\n");
  c.shutdown_send();
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("got \"a\\nb\""));
}

TEST(MockServer, StepTimeoutFailsTheStep) {
  mock_server srv(script().expect("x"), {.step_timeout = 50ms});
  test_client c(srv.host(), srv.port());
  c.write("partial");
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("timed out after 50 ms waiting for a line (partial: \"partial\")"));
}

TEST(MockServer, NoClientFailsAfterStepTimeout) {
  mock_server srv(script().send("hi\r\n"), {.step_timeout = 20ms});
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("no client connected"));
}

TEST(MockServer, OverlongLineFails) {
  mock_server srv(script().expect("x"));
  test_client c(srv.host(), srv.port());
  std::string big(1024 * 1024 + 10, 'a');
  boost::system::error_code ec;
  asio::write(c.socket(), asio::buffer(big), ec);  // may be cut short by the server's FIN/RST
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("longer than 1 MiB"));
}

TEST(MockServer, CloseGivesEofAndExpectEofSeesClientClose) {
  mock_server srv(script().send("bye\r\n").close().accept_next().expect("again").expect_eof());
  {
    test_client c(srv.host(), srv.port());
    boost::system::error_code ec;
    EXPECT_EQ(c.read_to_eof(ec), "bye\r\n");
    EXPECT_EQ(ec, asio::error::eof);
  }
  test_client c2(srv.host(), srv.port());
  c2.write("again\r\n");
  c2.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(MockServer, UseConnectionReturnsToAnEarlierConnectionWithItsBufferedBytes) {
  // An FTP-like exchange: a control connection, a data connection, back to the control.
  mock_server srv(script()
                      .expect("one")
                      .accept_next()
                      .send("data")
                      .close(close_mode::fin_only)
                      .use_connection(0)
                      .expect("two")
                      .send("done\r\n")
                      .use_connection(5));
  test_client control(srv.host(), srv.port());
  control.write("one\r\ntwo\r\n");  // "two" waits in the buffer of connection 0
  test_client data(srv.host(), srv.port());
  boost::system::error_code ec;
  EXPECT_EQ(data.read_to_eof(ec), "data");
  EXPECT_EQ(control.read_line(), "done");
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("no accepted connection number 5"));
}

TEST(MockServer, ExpectEofAfterServerClose) {
  mock_server srv(script().send("221 bye\r\n").close(close_mode::fin_only).expect_eof());
  test_client c(srv.host(), srv.port());
  boost::system::error_code ec;
  EXPECT_EQ(c.read_to_eof(ec), "221 bye\r\n");
  c.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(MockServer, SendAfterCloseFails) {
  mock_server srv(script().close().send("late\r\n"));
  test_client c(srv.host(), srv.port());
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("step 2 of 2 (send \"late\\r\\n\") failed: the connection was already closed"));
}

TEST(MockServer, ExpectEofFailsOnData) {
  mock_server srv(script().expect_eof());
  test_client c(srv.host(), srv.port());
  c.write("QUIT\r\n");
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("expected EOF, but the client sent \"QUIT\\r\\n\""));
}

TEST(MockServer, ResetCloseGivesConnectionReset) {
  mock_server srv(script().expect("x").close(close_mode::reset));
  test_client c(srv.host(), srv.port());
  c.write("x\r\n");
  boost::system::error_code ec;
  c.read_to_eof(ec);
  EXPECT_EQ(ec, asio::error::connection_reset);
  EXPECT_SCRIPT_OK(srv);
}

TEST(MockServer, ExpectSilence) {
  mock_server quiet(script().expect_silence(30ms).send("done\r\n"));
  test_client c(quiet.host(), quiet.port());
  EXPECT_EQ(c.read_line(), "done");
  EXPECT_SCRIPT_OK(quiet);

  mock_server chatty(script().expect_silence(10s));
  test_client c2(chatty.host(), chatty.port());
  c2.write("NOOP\r\n");
  ASSERT_TRUE(chatty.wait_done());
  EXPECT_FALSE(chatty.ok());
  EXPECT_THAT(chatty.failure(), HasSubstr("client sent \"NOOP\\r\\n\""));
}

TEST(MockServer, TrickleAndStall) {
  mock_server srv(script().trickle("slow\r\n", 1ms).stall(1ms).send("fast\r\n").close());
  test_client c(srv.host(), srv.port());
  boost::system::error_code ec;
  EXPECT_EQ(c.read_to_eof(ec), "slow\r\nfast\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(MockServer, SendRepeatedStreamsAndStopsQuietlyWhenClientLeaves) {
  mock_server srv(script().send_repeated("0123456789abcdef", 64 * 1024 * 1024));  // 1 GiB
  {
    test_client c(srv.host(), srv.port());
    std::string got = c.read_exact(1024 * 1024);
    EXPECT_EQ(got.substr(0, 20), "0123456789abcdef0123");
    EXPECT_EQ(got.size(), 1024u * 1024u);
  }  // client closes with unread data -> RST -> server stops sending
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.failure(), ::testing::IsEmpty());
}

TEST(MockServer, SendRepeatedAllBytesArrive) {
  mock_server srv(script().send_repeated("ab", 100000).close());
  test_client c(srv.host(), srv.port());
  boost::system::error_code ec;
  std::string all = c.read_to_eof(ec);
  EXPECT_EQ(all.size(), 200000u);
  EXPECT_EQ(all.find_first_not_of("ab"), std::string::npos);
  EXPECT_SCRIPT_OK(srv);
}

TEST(MockServer, RespondAndRunCustomSteps) {
  mock_server srv(script()
                      .respond([](const std::string& line) {
                        return line.substr(0, line.find(' ')) + " OK done\r\n";
                      })
                      .run([](connection_ctl& ctl) {
                        EXPECT_FALSE(ctl.is_tls());
                        std::string l = ctl.read_line();
                        if (l != "PING") ctl.fail("wanted PING, got " + l);
                        ctl.write("PONG\r\n");
                        EXPECT_EQ(ctl.read_bytes(3), "xyz");
                        EXPECT_EQ(ctl.read_some(), "");  // EOF
                      }));
  test_client c(srv.host(), srv.port());
  c.write("a7 NOOP\r\n");
  EXPECT_EQ(c.read_line(), "a7 OK done");
  c.write("PING\r\n");
  EXPECT_EQ(c.read_line(), "PONG");
  c.write("xyz");
  c.shutdown_send();
  EXPECT_SCRIPT_OK(srv);
}

TEST(MockServer, CustomStepExceptionFailsScript) {
  mock_server srv(script().run([](connection_ctl&) { throw std::runtime_error("boom"); }));
  test_client c(srv.host(), srv.port());
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("run (custom step)) failed: boom"));
}

TEST(MockServer, DestructorDoesNotHang) {
  { mock_server never_connected(script().send("x\r\n"), {.step_timeout = 3600s}); }
  {
    mock_server stalled(script().stall(3600s));
    test_client c(stalled.host(), stalled.port());
  }
  {
    mock_server reading(script().expect("x"), {.step_timeout = 3600s});
    test_client c(reading.host(), reading.port());
    c.write("partial");
  }
  SUCCEED();
}

TEST(MockServer, Ipv6) {
  std::unique_ptr<mock_server> srv;
  try {
    srv = std::make_unique<mock_server>(script().expect("v6").send("ok\r\n"), server_options{.ipv6 = true});
  } catch (const std::system_error& e) {
    GTEST_SKIP() << "no ::1: " << e.what();
  }
  EXPECT_EQ(srv->host(), "::1");
  test_client c(srv->host(), srv->port());
  c.write("v6\r\n");
  EXPECT_EQ(c.read_line(), "ok");
  EXPECT_SCRIPT_OK(*srv);
}

}  // namespace
}  // namespace inet::test
