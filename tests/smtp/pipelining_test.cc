// RFC 2920 §3.1: MAIL, RCPT… and DATA go as one group; every reply is checked in order, and a
// group with no accepted recipient ends with RSET, or with a lone "." when DATA got 354.
// The mock answers only after it has read the whole group, so a client that waited for a
// reply before sending DATA would stall the script.
#include <gtest/gtest.h>

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;

envelope two_recipients() {
  envelope e = simple_envelope();
  e.recipients.push_back({"carol@example.test", "", ""});
  return e;
}

const std::string group =
    "MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n"
    "RCPT TO:<carol@example.test>\r\nDATA\r\n";

TEST(SmtpPipelining, OneRcptRefusedTheMessageGoesToTheOther) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("RCPT TO:<carol@example.test>")
                      .expect("DATA")
                      .send("250 ok\r\n550 5.1.1 no such user\r\n250 ok\r\n354 go ahead\r\n")
                      .expect_until(".")
                      .send("250 queued\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("hello\r\n");
  const send_result r = c.send(two_recipients(), body);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(r.final_reply.code, 250);
  ASSERT_EQ(r.recipients.size(), 2u);
  EXPECT_FALSE(r.recipients[0].accepted);
  EXPECT_TRUE(r.recipients[1].accepted);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\n" + group + "hello\r\n.\r\n");
}

// Every RCPT refused and DATA answered 554 (as RFC 2920 §3.1 says a server must): RSET, no
// content, and the caller learns no_recipients_accepted; the connection carries on.
TEST(SmtpPipelining, AllRcptRefusedAndData554EndsWithRset) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("RCPT TO:<carol@example.test>")
                      .expect("DATA")
                      .send("250 ok\r\n550 no\r\n551 no\r\n554 5.5.1 no valid recipients\r\n")
                      .expect("RSET")
                      .send("250 ok\r\n")
                      .expect("NOOP")
                      .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("never sent\r\n");
  try {
    c.send(two_recipients(), body);
    ADD_FAILURE() << "no exception";
  } catch (const smtp_exception& e) {
    EXPECT_EQ(e.code(), error::no_recipients_accepted);
    EXPECT_EQ(e.server_reply().code, 550);
  }
  EXPECT_EQ(c.noop().code, 250);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\n" + group + "RSET\r\nNOOP\r\n");
}

// A server that answers DATA with 354 although no recipient was accepted gets a single "."
// (RFC 2920 §3.1), never the message content.
TEST(SmtpPipelining, AllRcptRefusedButData354SendsALoneDot) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("RCPT TO:<carol@example.test>")
                      .expect("DATA")
                      .send("250 ok\r\n550 no\r\n550 no\r\n354 go ahead\r\n")
                      .expect(".")
                      .send("554 5.5.1 no valid recipients\r\n")
                      .expect("NOOP")
                      .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("secret content\r\n");
  EXPECT_THROW(c.send(two_recipients(), body), smtp_exception);
  EXPECT_EQ(c.noop().code, 250);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\n" + group + ".\r\nNOOP\r\n");
}

// MAIL refused: the RCPT and DATA replies are still read (they are in the stream), then RSET.
TEST(SmtpPipelining, MailRefusedReadsEveryReplyThenRsets) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("RCPT TO:<carol@example.test>")
                      .expect("DATA")
                      .send("553 5.1.8 bad sender\r\n503 no MAIL\r\n503 no MAIL\r\n503 no MAIL\r\n")
                      .expect("RSET")
                      .send("250 ok\r\n")
                      .expect("NOOP")
                      .send("250 still in step\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  EXPECT_THROW(c.send(two_recipients(), body), smtp_exception);
  EXPECT_EQ(c.noop().text(), "still in step");
  EXPECT_SCRIPT_OK(srv);
}

// DATA refused while a recipient was accepted: RSET, the DATA reply reported, no content.
TEST(SmtpPipelining, DataRefusedAfterAcceptedRcptRsets) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("DATA")
                      .send("250 ok\r\n250 ok\r\n451 4.3.1 not now\r\n")
                      .expect("RSET")
                      .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  try {
    c.send(simple_envelope(), body);
    ADD_FAILURE() << "no exception";
  } catch (const smtp_exception& e) {
    EXPECT_EQ(e.code(), error::transient_failure);
    EXPECT_EQ(e.server_reply().code, 451);
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received().find("x\r\n"), std::string::npos);
}

}  // namespace
}  // namespace inet::smtp::testing
