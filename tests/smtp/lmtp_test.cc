// LMTP (RFC 2033) against the scripted mock server: LHLO (no HELO fallback), one reply per
// accepted recipient after the end of data, partial delivery, DATA even when chunking is asked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;

mock::script greet_lhlo(const std::vector<std::string>& keywords) {
  return mock::script().send("220 mock LMTP ready\r\n").expect("LHLO client.test").send(ehlo_reply(keywords));
}

client_options lmtp_options(const mock_server& srv) {
  client_options o = options_for(srv);
  o.lmtp = true;
  return o;
}

envelope three_recipients() {
  envelope e;
  e.mail_from = "alice@example.test";
  e.recipients = {{"bob@example.test", "", ""}, {"carol@example.test", "", ""}, {"dave@example.test", "", ""}};
  return e;
}

TEST(Lmtp, OneReplyPerAcceptedRecipientAfterTheData) {
  std::string data;
  mock_server srv(greet_lhlo({"PIPELINING", "ENHANCEDSTATUSCODES", "CHUNKING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("RCPT TO:<carol@example.test>")
                      .expect("RCPT TO:<dave@example.test>")
                      .send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.1.5 ok\r\n550 5.1.1 dave unknown\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".", &data)
                      .send("250 2.0.0 <bob@example.test> saved\r\n"
                            "452 4.2.2 <carol@example.test> mailbox full\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  blocking_client c;
  client_options o = lmtp_options(srv);
  o.chunking = true;  // LMTP uses DATA regardless
  c.connect(o);
  memory_source body("Subject: hi\r\n\r\nbody\r\n");
  const send_result r = c.send(three_recipients(), body);
  ASSERT_EQ(r.recipients.size(), 3u);
  EXPECT_TRUE(r.recipients[0].accepted);
  ASSERT_TRUE(r.recipients[0].delivery);
  EXPECT_EQ(r.recipients[0].delivery->code, 250);
  EXPECT_FALSE(r.recipients[1].accepted);  // RCPT accepted, delivery failed
  EXPECT_EQ(r.recipients[1].reply.code, 250);
  ASSERT_TRUE(r.recipients[1].delivery);
  EXPECT_EQ(r.recipients[1].delivery->code, 452);
  EXPECT_EQ(r.recipients[1].delivery->status->to_string(), "4.2.2");
  EXPECT_FALSE(r.recipients[2].accepted);  // refused at RCPT: no delivery reply expected
  EXPECT_FALSE(r.recipients[2].delivery);
  EXPECT_EQ(r.final_reply.code, 250);
  EXPECT_EQ(r.rejected().size(), 2u);
  EXPECT_EQ(data, "Subject: hi\r\n\r\nbody\r\n");
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TEST(Lmtp, EveryDeliveryFailingIsAnError) {
  mock_server srv(greet_lhlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("RCPT TO:<carol@example.test>")
                      .expect("RCPT TO:<dave@example.test>")
                      .send("250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("452 full\r\n550 gone\r\n451 later\r\n")
                      .expect("NOOP")
                      .send("250 still here\r\n"));
  blocking_client c;
  c.connect(lmtp_options(srv));
  memory_source body("x\r\n");
  try {
    c.send(three_recipients(), body);
    FAIL() << "no recipient got the message, yet send() succeeded";
  } catch (const smtp_exception& e) {
    EXPECT_EQ(e.code(), error::transient_failure);  // the first failure's class
    EXPECT_EQ(e.server_reply().code, 452);
  }
  EXPECT_EQ(c.noop().code, 250);  // every reply was read: the connection is in step
  EXPECT_SCRIPT_OK(srv);
}

TEST(Lmtp, LhloRefusedHasNoHeloFallback) {
  mock_server srv(mock::script()
                      .send("220 mock LMTP ready\r\n")
                      .expect("LHLO client.test")
                      .send("500 5.5.1 what?\r\n")
                      .expect_eof());
  {
    blocking_client c;
    try {
      c.connect(lmtp_options(srv));
      FAIL() << "connected after a refused LHLO";
    } catch (const smtp_exception& e) {
      EXPECT_EQ(e.server_reply().code, 500);
    }
  }
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::smtp::testing
