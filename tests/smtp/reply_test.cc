// Reply parsing (RFC 5321 §4.2, RFC 3463 enhanced codes), limits, the NOOP/RSET/QUIT and raw
// command helpers.
#include <gtest/gtest.h>

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;
using mock::script;

TEST(SmtpReply, EnhancedStatusStrippedOnlyWhenOffered) {
  mock_server with(greet_ehlo({"ENHANCEDSTATUSCODES"})
                       .expect("NOOP")
                       .send("250-2.0.0 first\r\n250-second without code\r\n250 2.0.0 third\r\n")
                       .expect("RSET")
                       .send("250 5.0.0 class does not match the code\r\n"));
  blocking_client c;
  c.connect(options_for(with));
  reply r = c.noop();
  ASSERT_TRUE(r.status.has_value());
  EXPECT_EQ(r.status->to_string(), "2.0.0");
  EXPECT_EQ(r.lines, (std::vector<std::string>{"first", "second without code", "third"}));
  EXPECT_EQ(r.summary(), "250 2.0.0 first");
  r = c.reset();
  EXPECT_FALSE(r.status.has_value());
  EXPECT_EQ(r.text(), "5.0.0 class does not match the code");
  EXPECT_SCRIPT_OK(with);

  mock_server without(greet_ehlo({"PIPELINING"}).expect("NOOP").send("250 2.0.0 ok\r\n"));
  blocking_client c2;
  c2.connect(options_for(without));
  r = c2.noop();
  EXPECT_FALSE(r.status.has_value());
  EXPECT_EQ(r.text(), "2.0.0 ok");
  EXPECT_SCRIPT_OK(without);
}

TEST(SmtpReply, MultiLineErrorIsCarriedInTheException) {
  mock_server srv(greet_ehlo({"ENHANCEDSTATUSCODES"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .send("550-5.7.1 Our system has detected an unusual rate of\r\n"
                            "550-5.7.1 unsolicited mail originating from your IP address.\r\n"
                            "550 5.7.1 See https://support.example/bulk\r\n")
                      .expect("RSET")
                      .send("250 2.0.0 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  try {
    c.send(simple_envelope(), body);
    FAIL() << "send succeeded";
  } catch (const smtp_exception& e) {
    EXPECT_EQ(e.code(), error::permanent_failure);
    const reply& r = e.server_reply();
    EXPECT_EQ(r.code, 550);
    EXPECT_EQ(r.status->to_string(), "5.7.1");
    ASSERT_EQ(r.lines.size(), 3u);
    EXPECT_EQ(r.lines[2], "See https://support.example/bulk");
    EXPECT_NE(std::string(e.what()).find("unusual rate"), std::string::npos) << e.what();
    EXPECT_NE(e.reply_text().find("550"), std::string::npos);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpReply, MalformedRepliesAreMalformedReply) {
  for (const char* bad : {"hello there\r\n", "25 short\r\n", "2500 four digits\r\n",
                          "250-a\r\n251 different code\r\n", "650 out of range\r\n",
                          "250_x\r\n"}) {
    mock_server srv(greet_ehlo({}).expect("NOOP").send(bad));
    blocking_client c;
    c.connect(options_for(srv));
    try {
      const reply r = c.noop();
      ADD_FAILURE() << "accepted " << bad << " as code " << r.code;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::malformed_reply) << bad << ": " << e.what();
      EXPECT_EQ(e.code(), inet::condition::protocol_violation);
    }
  }
}

TEST(SmtpReply, MalformedGreetingIsMalformedReply) {
  mock_server srv(script().send("SSH-2.0-OpenSSH_9.6\r\n"));
  blocking_client c;
  try {
    c.connect(options_for(srv));
    FAIL() << "connected to an SSH server";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::malformed_reply);
  }
}

TEST(SmtpReply, EndlessMultiLineReplyIsReplyTooLarge) {
  mock_server srv(greet_ehlo({}).expect("NOOP").send_repeated("250-more\r\n", 100000));
  blocking_client c;
  c.connect(options_for(srv));
  try {
    c.noop();
    FAIL() << "endless reply accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::reply_too_large);
  }
}

TEST(SmtpReply, OverlongReplyLineIsLineTooLong) {
  mock_server srv(greet_ehlo({}).expect("NOOP").send_repeated(std::string(4096, 'x'), 100));
  blocking_client c;
  c.connect(options_for(srv));
  try {
    c.noop();
    FAIL() << "endless line accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::line_too_long);
  }
}

// client_options::limits are documented as the bounds on what the server may send.
// Regression test (fixed in 870d0cf). The bug was:
// client.cc impl constructs `eng(stream, "smtp")` with default line::limits and never
// applies opts.limits, so the caller's limits are ignored (a 10-line EHLO passes a limit of 5).
TEST(SmtpReply, CallerLimitsAreApplied) {
  mock_server srv(greet_ehlo({"A", "B", "C", "D", "E", "F", "G", "H", "I"}));
  client_options o = options_for(srv);
  o.limits.max_reply_lines = 5;
  blocking_client c;
  try {
    c.connect(o);
    FAIL() << "a 10-line EHLO reply passed max_reply_lines = 5";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::reply_too_large);
  }
}

TEST(SmtpReply, EofInTheMiddleOfAReplyFails) {
  mock_server srv(greet_ehlo({}).expect("NOOP").send("250-partial\r\n250-more").close());
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_THROW(c.noop(), std::system_error);
}

// ---- NOOP / RSET / QUIT / command ---------------------------------------------------------

TEST(SmtpCommands, NoopResetAndRawCommand) {
  mock_server srv(greet_ehlo({})
                      .expect("NOOP")
                      .send("250 2.0.0 ok\r\n")
                      .expect("RSET")
                      .send("250 flushed\r\n")
                      .expect("VRFY bob")
                      .send("252 2.5.2 cannot verify\r\n")
                      .expect("QUIT")
                      .send("221 2.0.0 bye\r\n")
                      .expect_eof());
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(c.noop().code, 250);
  EXPECT_EQ(c.reset().text(), "flushed");
  EXPECT_EQ(c.command("VRFY bob").code, 252);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpCommands, CommandWithCrlfIsRefusedAndNothingSent) {
  mock_server srv(greet_ehlo({}).expect("NOOP").send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  for (const std::string& bad : {std::string("X\r\nY"), std::string("RSET\n"),
                                 std::string("NOOP\rQUIT"), std::string("N\0OP", 4)}) {
    try {
      c.command(bad);
      ADD_FAILURE() << "sent a command with CR/LF/NUL";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), transport::error::invalid_argument);
    }
  }
  EXPECT_EQ(c.noop().code, 250);  // the connection is still usable
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nNOOP\r\n");
}

TEST(SmtpCommands, QuitOnDeadConnectionDoesNotThrow) {
  mock_server srv(greet_ehlo({}).close(mock::close_mode::reset));
  blocking_client c;
  c.connect(options_for(srv));
  ASSERT_TRUE(srv.wait_done());
  EXPECT_NO_THROW(c.quit());
  EXPECT_NO_THROW(c.quit());  // twice
}

TEST(SmtpCommands, QuitWhenServerNeverAnswersDoesNotThrow) {
  mock_server srv(greet_ehlo({}).expect("QUIT").close(mock::close_mode::fin_only));
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_NO_THROW(c.quit());
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpCommands, QuitBeforeConnectAndAfterCloseDoesNotThrow) {
  blocking_client never;
  EXPECT_NO_THROW(never.quit());
  boost::asio::io_context io;
  client c(io.get_executor());
  c.close();
  bool done = false;
  boost::asio::co_spawn(io, c.quit(), [&](std::exception_ptr e) { done = !e; });
  io.run();
  EXPECT_TRUE(done);
}

// After the peer closed (FIN), the next command must fail with EOF at once.
// Regression test (fixed in 870d0cf). The bug was:
// transport/stream.cc read_some() issues a new async_read_some after EOF, which asio's epoll
// reactor never completes (no new edge) until the idle timer fires: error::timeout after `idle`,
// and quit() on such a connection stalls min(idle, 5 s). Fix: sticky EOF flag in stream::impl.
TEST(SmtpCommands, CommandAfterPeerClosedFailsWithEofNotTimeout) {
  mock_server srv(script().close(mock::close_mode::fin_only));
  client_options o = options_for(srv);
  o.connect.time.idle = 2s;
  blocking_client c;
  EXPECT_THROW(c.connect(o), std::system_error);
  try {
    c.command("NOOP");
    FAIL() << "NOOP succeeded on a closed connection";
  } catch (const std::system_error& e) {
    EXPECT_NE(e.code(), inet::condition::timeout) << e.what();
  }
}

TEST(SmtpCommands, ServerClosingAfterGreetingFailsConnect) {
  mock_server srv(script().send("220 hi\r\n").expect("EHLO client.test").close());
  blocking_client c;
  try {
    c.connect(options_for(srv));
    FAIL() << "connected";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::unexpected_eof) << e.what();
  }
}

}  // namespace
}  // namespace inet::smtp::testing
