// send(): the mail transaction (RFC 5321 §3.3) with PIPELINING (RFC 2920), SIZE (RFC 1870),
// DSN (RFC 3461), SMTPUTF8 (RFC 6531), CHUNKING (RFC 3030) and per-recipient results.
#include <gtest/gtest.h>

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;
using mock::script;

envelope two_recipients() {
  envelope e = simple_envelope();
  e.recipients.push_back({"carol@example.test", "", ""});
  return e;
}

// Expects a system_error with `code` from `fn`; returns its reply if it was an smtp_exception.
template <typename Fn>
reply expect_error(Fn&& fn, std::error_code code) {
  try {
    fn();
    ADD_FAILURE() << "no exception; expected " << code.message();
  } catch (const smtp_exception& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e.server_reply();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
  }
  return {};
}

// RFC 2920 §3.1: MAIL, every RCPT and DATA leave in one write, so they reach the server as
// one segment on loopback (a client that wrote them one at a time would show only MAIL here).
TEST(SmtpSend, PipelinedMailRcptsAndDataGoInOneWrite) {
  const std::string batch =
      "MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n"
      "RCPT TO:<carol@example.test>\r\nDATA\r\n";
  std::string first_segment;
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .run([&](mock::connection_ctl& c) {
                        first_segment = c.read_some();
                        std::string all = first_segment;
                        while (all.size() < batch.size()) {
                          const std::string more = c.read_some();
                          if (more.empty()) c.fail("EOF inside the batch");
                          all += more;
                        }
                      })
                      .send("250 ok\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n")
                      .expect_until(".")
                      .send("250 queued\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  EXPECT_EQ(c.send(two_recipients(), body).final_reply.code, 250);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(first_segment, batch);
}

TEST(SmtpSend, PipelinedMailAndRcptsBeforeAnyReply) {
  // The mock reads MAIL and both RCPTs before it answers anything: a client that waited for
  // the MAIL reply would stall here and fail the script.
  std::string data;
  mock_server srv(greet_ehlo({"PIPELINING", "SIZE 100000", "8BITMIME"})
                      .expect("MAIL FROM:<alice@example.test> SIZE=20 BODY=8BITMIME")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("RCPT TO:<carol@example.test>")
                      .send("250 sender ok\r\n250 bob ok\r\n251 carol forwarded\r\n")
                      .expect("DATA")
                      .send("354 go ahead\r\n")
                      .expect_until(".", &data)
                      .send("250 queued as 42\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  envelope e = two_recipients();
  e.size_hint = 20;
  e.eight_bit = true;
  memory_source body("Subject: hi\r\n\r\nbody\r\n");
  const send_result r = c.send(e, body);
  EXPECT_EQ(r.final_reply.code, 250);
  EXPECT_EQ(r.final_reply.text(), "queued as 42");
  ASSERT_EQ(r.recipients.size(), 2u);
  EXPECT_TRUE(r.recipients[0].accepted);
  EXPECT_TRUE(r.recipients[1].accepted);
  EXPECT_EQ(r.recipients[1].reply.code, 251);
  EXPECT_TRUE(r.rejected().empty());
  EXPECT_EQ(r.message_bytes, 21u);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(data, "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_EQ(srv.received(),
            "EHLO client.test\r\n"
            "MAIL FROM:<alice@example.test> SIZE=20 BODY=8BITMIME\r\n"
            "RCPT TO:<bob@example.test>\r\nRCPT TO:<carol@example.test>\r\n"
            "DATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n");
}

TEST(SmtpSend, WithoutPipeliningOneCommandAtATime) {
  mock_server srv(greet_ehlo({"8BITMIME"})
                      .expect("MAIL FROM:<> BODY=8BITMIME")  // the null reverse-path
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<carol@example.test>")
                      .send("250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  envelope e = two_recipients();
  e.mail_from = "";
  e.eight_bit = true;
  memory_source body("x\r\n");
  EXPECT_EQ(c.send(e, body).final_reply.code, 250);
  EXPECT_SCRIPT_OK(srv);
}

// Without PIPELINING (not offered, or switched off) a refused MAIL must be followed by RSET,
// never by RCPTs that were sent ahead of the reply.
TEST(SmtpSend, MailRefusedWithoutPipeliningSendsNoRcpt) {
  for (bool offered : {false, true}) {
    mock_server srv(greet_ehlo(offered ? std::vector<std::string>{"PIPELINING"}
                                       : std::vector<std::string>{})
                        .expect("MAIL FROM:<alice@example.test>")
                        .send("550 5.7.1 sender rejected\r\n")
                        .expect("RSET")
                        .send("250 ok\r\n")
                        .expect("QUIT")
                        .send("221 bye\r\n"));
    client_options o = options_for(srv);
    o.pipelining = false;
    blocking_client c;
    c.connect(o);
    memory_source body("x\r\n");
    const reply r = expect_error([&] { c.send(two_recipients(), body); }, error::permanent_failure);
    EXPECT_EQ(r.code, 550);
    c.quit();
    EXPECT_SCRIPT_OK(srv);
  }
}

TEST(SmtpSend, PipelinedMailRefusedReadsAllRepliesThenRset) {
  mock_server srv(greet_ehlo({"PIPELINING", "ENHANCEDSTATUSCODES"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("DATA")
                      .send("553 5.1.8 bad sender\r\n503 5.5.1 need MAIL\r\n503 5.5.1 need MAIL\r\n")
                      .expect("RSET")
                      .send("250 2.0.0 ok\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  const reply r = expect_error([&] { c.send(simple_envelope(), body); }, error::permanent_failure);
  EXPECT_EQ(r.code, 553);
  ASSERT_TRUE(r.status.has_value());
  EXPECT_EQ(r.status->to_string(), "5.1.8");
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpSend, SizeLimitRefusedBeforeMail) {
  mock_server srv(greet_ehlo({"SIZE 1000", "PIPELINING"}).expect("QUIT").send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  envelope e = simple_envelope();
  e.size_hint = 1001;
  const std::string text(1001, 'x');  // memory_source keeps a view: the text must outlive it
  memory_source body(text);
  expect_error([&] { c.send(e, body); }, error::message_too_large);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nQUIT\r\n");
}

TEST(SmtpSend, SizeEqualToLimitIsSent) {
  mock_server srv(greet_ehlo({"SIZE 1000"})
                      .expect("MAIL FROM:<alice@example.test> SIZE=1000")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  envelope e = simple_envelope();
  e.size_hint = 1000;
  const std::string text = std::string(998, 'x') + "\r\n";
  memory_source body(text);
  EXPECT_EQ(c.send(e, body).final_reply.code, 250);
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpSend, OneRecipientDeferredOthersGetTheMessage) {
  mock_server srv(greet_ehlo({"PIPELINING", "ENHANCEDSTATUSCODES"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("RCPT TO:<carol@example.test>")
                      .expect("RCPT TO:<dave@example.test>")
                      .send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n"
                            "450 4.2.1 mailbox busy\r\n250 2.1.5 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("250 2.0.0 queued\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  envelope e = two_recipients();
  e.recipients.push_back({"dave@example.test", "", ""});
  memory_source body("x\r\n");
  const send_result r = c.send(e, body);
  ASSERT_EQ(r.recipients.size(), 3u);
  EXPECT_TRUE(r.recipients[0].accepted);
  EXPECT_FALSE(r.recipients[1].accepted);
  EXPECT_TRUE(r.recipients[2].accepted);
  const auto rejected = r.rejected();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].address, "carol@example.test");
  EXPECT_EQ(rejected[0].reply.code, 450);
  EXPECT_EQ(rejected[0].reply.summary(), "450 4.2.1 mailbox busy");
  EXPECT_EQ(r.final_reply.status->to_string(), "2.0.0");
  EXPECT_SCRIPT_OK(srv);
}

// (DATA went in the pipelined group and was refused: RSET, and the content is never sent.)
TEST(SmtpSend, AllRecipientsRefusedSendsRsetNotContent) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("RCPT TO:<carol@example.test>")
                      .expect("DATA")
                      .send("250 ok\r\n550-5.1.1 no such user\r\n550 5.1.1 really\r\n"
                            "451 4.3.0 try later\r\n554 5.5.1 no valid recipients\r\n")
                      .expect("RSET")
                      .send("250 ok\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  const reply r =
      expect_error([&] { c.send(two_recipients(), body); }, error::no_recipients_accepted);
  EXPECT_EQ(r.code, 550);
  EXPECT_EQ(r.lines, (std::vector<std::string>{"5.1.1 no such user", "5.1.1 really"}));
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received().find("x\r\n"), std::string::npos);
}

TEST(SmtpSend, FinalReplyDecidesTransientOrPermanentAndConnectionIsReusable) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("451 4.3.0 queue full\r\n")
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("554 5.6.0 content rejected\r\n")
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source b1("one\r\n"), b2("two\r\n"), b3("three\r\n");
  EXPECT_EQ(expect_error([&] { c.send(simple_envelope(), b1); }, error::transient_failure).code,
            451);
  EXPECT_EQ(expect_error([&] { c.send(simple_envelope(), b2); }, error::permanent_failure).code,
            554);
  EXPECT_EQ(c.send(simple_envelope(), b3).final_reply.code, 250);
  EXPECT_SCRIPT_OK(srv);
}

// RFC 5321 §4.1.1.4: when DATA itself is refused the envelope may still be pending on the
// server; the client promises (client.hpp) to RSET after a failed transaction so the next MAIL
// is not "503 nested MAIL command".
// Regression test (fixed in 870d0cf). The bug was:
// client.cc send_data() throws on a non-354 DATA reply without sending RSET.
TEST(SmtpSend, DataRefusedIsFollowedByRset) {
  mock_server srv(greet_ehlo({})
                      .expect("MAIL FROM:<alice@example.test>")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n")
                      .expect("DATA")
                      .send("451 4.3.1 not now\r\n")
                      .expect("RSET")
                      .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  expect_error([&] { c.send(simple_envelope(), body); }, error::transient_failure);
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpSend, ServiceClosingOnMailIsServiceUnavailable) {
  mock_server srv(greet_ehlo({})
                      .expect("MAIL FROM:<alice@example.test>")
                      .send("421 4.3.2 shutting down\r\n")
                      .close());
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  expect_error([&] { c.send(simple_envelope(), body); }, error::service_unavailable);
  c.quit();  // the server is gone: must not throw
}

// A pipelining server that answers MAIL with 421 and closes (RFC 5321 §3.8) never answers the
// RCPTs. The caller should learn "421 service closing", not a bare unexpected EOF.
// Regression test (fixed in 870d0cf). The bug was:
// client.cc send() (pipelined branch) reads every RCPT reply before looking at the MAIL
// reply, so the 421 is lost behind transport::error::unexpected_eof.
TEST(SmtpSend, Pipelined421OnMailThenCloseReportsServiceUnavailable) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("421 4.3.2 shutting down\r\n")
                      .close());
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  const reply r =
      expect_error([&] { c.send(simple_envelope(), body); }, error::service_unavailable);
  EXPECT_EQ(r.code, 421);
}

// Without PIPELINING, a 421 to one RCPT (RFC 5321 §3.8) ends the transaction at once: no
// further RCPT and no RSET go to a server that is closing, and the caller learns the 421.
TEST(SmtpSend, ServiceClosingOnRcptStopsTheTransaction) {
  envelope e = simple_envelope();
  e.recipients.push_back({"carol@example.test", {}, {}});
  mock_server srv(greet_ehlo({})
                      .expect("MAIL FROM:<alice@example.test>")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("421 4.3.2 shutting down\r\n")
                      .expect_eof());
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  const reply r = expect_error([&] { c.send(e, body); }, error::service_unavailable);
  EXPECT_EQ(r.code, 421);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpSend, DsnParametersOnlyWhenOffered) {
  envelope e = simple_envelope();
  e.dsn_ret = "HDRS";
  e.dsn_envid = "id+1=x y";
  e.recipients[0].notify = "SUCCESS,FAILURE";
  e.recipients[0].orcpt = "rfc822;bob+tag@example.test";
  mock_server with(greet_ehlo({"DSN"})
                       .expect("MAIL FROM:<alice@example.test> RET=HDRS ENVID=id+2B1+3Dx+20y")
                       .send("250 ok\r\n")
                       .expect("RCPT TO:<bob@example.test> NOTIFY=SUCCESS,FAILURE "
                               "ORCPT=rfc822;bob+2Btag@example.test")
                       .send("250 ok\r\n")
                       .expect("DATA")
                       .send("354 go\r\n")
                       .expect_until(".")
                       .send("250 ok\r\n"));
  mock_server without(greet_ehlo({"8BITMIME"})
                          .expect("MAIL FROM:<alice@example.test>")
                          .send("250 ok\r\n")
                          .expect("RCPT TO:<bob@example.test>")
                          .send("250 ok\r\n")
                          .expect("DATA")
                          .send("354 go\r\n")
                          .expect_until(".")
                          .send("250 ok\r\n"));
  for (mock_server* srv : {&with, &without}) {
    blocking_client c;
    c.connect(options_for(*srv));
    memory_source body("x\r\n");
    EXPECT_EQ(c.send(e, body).final_reply.code, 250);
    EXPECT_SCRIPT_OK(*srv);
  }
}

// NOTIFY and RET are sent verbatim: a space smuggles extra ESMTP parameters into the command.
// Regression test (fixed in 870d0cf). The bug was:
// client.cc send() only checks CR/LF/NUL in notify and never checks dsn_ret;
// RFC 3461 §4.1/§4.3 allow only NEVER | SUCCESS,FAILURE,DELAY and FULL | HDRS.
TEST(SmtpSend, DsnValuesOutsideTheGrammarAreRefused) {
  mock_server srv(greet_ehlo({"DSN"}).expect("QUIT").send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  envelope bad_notify = simple_envelope();
  bad_notify.recipients[0].notify = "SUCCESS ORCPT=rfc822;evil@example.test";
  envelope bad_ret = simple_envelope();
  bad_ret.dsn_ret = "FULL SMTPUTF8";
  for (const envelope& e : {bad_notify, bad_ret}) {
    memory_source body("x\r\n");
    EXPECT_THROW(c.send(e, body), std::system_error);
  }
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nQUIT\r\n");
}

TEST(SmtpSend, Utf8AddressNeedsSmtputf8) {
  mock_server without(greet_ehlo({"8BITMIME"}).expect("QUIT").send("221 bye\r\n"));
  {
    blocking_client c;
    c.connect(options_for(without));
    memory_source body("x\r\n");
    expect_error([&] { c.send(simple_envelope("alice@example.test", "jörg@example.test"), body); },
                 error::smtputf8_unsupported);
    envelope forced = simple_envelope();
    forced.smtputf8 = true;
    expect_error([&] { c.send(forced, body); }, error::smtputf8_unsupported);
    c.quit();
  }
  EXPECT_SCRIPT_OK(without);
  EXPECT_EQ(without.received(), "EHLO client.test\r\nQUIT\r\n");

  mock_server with(greet_ehlo({"SMTPUTF8", "8BITMIME"})
                       .expect("MAIL FROM:<josé@example.test> SMTPUTF8")
                       .send("250 ok\r\n")
                       .expect("RCPT TO:<jörg@example.test>")
                       .send("250 ok\r\n")
                       .expect("DATA")
                       .send("354 go\r\n")
                       .expect_until(".")
                       .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(with));
  memory_source body("x\r\n");
  EXPECT_EQ(c.send(simple_envelope("josé@example.test", "jörg@example.test"), body)
                .final_reply.code,
            250);
  EXPECT_SCRIPT_OK(with);
}

TEST(SmtpSend, HostileAddressesAreRefusedAndNothingIsSent) {
  mock_server srv(greet_ehlo({"PIPELINING", "DSN"}).expect("QUIT").send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  const std::vector<std::string> bad = {
      "a@x\r\nRCPT TO:<evil@x>", "a@x\nDATA", "a@x\rRSET", "a b@x", "<a@x>", "a@x> SIZE=1",
      std::string("a\0@x", 4),   "a\t@x",     std::string(600, 'a') + "@x"};
  for (const std::string& a : bad) {
    memory_source body("x\r\n");
    expect_error([&] { c.send(simple_envelope(a, "bob@example.test"), body); },
                 error::invalid_address);
    expect_error([&] { c.send(simple_envelope("alice@example.test", a), body); },
                 error::invalid_address);
  }
  memory_source body("x\r\n");
  expect_error([&] { c.send(simple_envelope("alice@example.test", ""), body); },
               error::invalid_address);
  envelope crlf_notify = simple_envelope();
  crlf_notify.recipients[0].notify = "NEVER\r\nRSET";
  expect_error([&] { c.send(crlf_notify, body); }, error::invalid_address);
  envelope none;
  none.mail_from = "alice@example.test";
  expect_error([&] { c.send(none, body); }, error::no_recipients_accepted);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nQUIT\r\n");
}

TEST(SmtpSend, QuotedLocalPartWithSpaceIsAllowed) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<\"john doe\"@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  EXPECT_EQ(c.send(simple_envelope("\"john doe\"@example.test"), body).final_reply.code, 250);
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpSend, SendBeforeConnectIsNotConnected) {
  blocking_client c;
  memory_source body("x\r\n");
  expect_error([&] { c.send(simple_envelope(), body); }, error::not_connected);
}

// ---- CHUNKING / BDAT (RFC 3030) ----------------------------------------------------------

TEST(SmtpBdat, ChunksCarryExactCountsAndNoDotStuffing) {
  std::string c1, c2;
  mock_server srv(greet_ehlo({"CHUNKING", "PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n250 ok\r\n")
                      .expect("BDAT 16")
                      .expect_bytes(16, &c1)
                      .send("250 2.0.0 16 octets\r\n")
                      .expect("BDAT 2 LAST")
                      .expect_bytes(2, &c2)
                      .send("250 2.0.0 queued\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  client_options o = options_for(srv);
  o.chunking = true;
  blocking_client c;
  c.connect(o);
  memory_source body(".hi\n.\nworld\r.");
  const send_result r = c.send(simple_envelope(), body);
  EXPECT_EQ(r.final_reply.text(), "2.0.0 queued");
  EXPECT_EQ(r.message_bytes, 18u);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(c1, ".hi\r\n.\r\nworld\r\n.");
  EXPECT_EQ(c2, "\r\n");
  EXPECT_EQ(srv.received().find("DATA"), std::string::npos);
}

TEST(SmtpBdat, BodyEndingInNewlineEndsWithEmptyLastChunk) {
  std::string c1;
  mock_server srv(greet_ehlo({"CHUNKING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n")
                      .expect("BDAT 7")
                      .expect_bytes(7, &c1)
                      .send("250 ok\r\n")
                      .expect("BDAT 0 LAST")
                      .send("250 queued\r\n")
                      .expect("NOOP")
                      .send("250 ok\r\n"));
  client_options o = options_for(srv);
  o.chunking = true;
  blocking_client c;
  c.connect(o);
  memory_source body("hello\r\n");
  EXPECT_EQ(c.send(simple_envelope(), body).final_reply.text(), "queued");
  EXPECT_EQ(c.noop().code, 250);  // nothing stray was sent after the empty chunk
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(c1, "hello\r\n");
}

TEST(SmtpBdat, RefusedChunkIsPermanentFailureThenRset) {
  mock_server srv(greet_ehlo({"CHUNKING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n")
                      .expect("BDAT 7")
                      .expect_bytes(7)
                      .send("552 5.3.4 too big\r\n")
                      .expect("RSET")
                      .send("250 ok\r\n"));
  client_options o = options_for(srv);
  o.chunking = true;
  blocking_client c;
  c.connect(o);
  memory_source body("hello\r\n");
  EXPECT_EQ(expect_error([&] { c.send(simple_envelope(), body); }, error::permanent_failure).code,
            552);
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpBdat, DataIsUsedUnlessBothSidesWantChunking) {
  for (bool offered : {false, true}) {
    mock_server srv(greet_ehlo(offered ? std::vector<std::string>{"CHUNKING"}
                                       : std::vector<std::string>{})
                        .expect("MAIL FROM:<alice@example.test>")
                        .send("250 ok\r\n")
                        .expect("RCPT TO:<bob@example.test>")
                        .send("250 ok\r\n")
                        .expect("DATA")
                        .send("354 go\r\n")
                        .expect_until(".")
                        .send("250 ok\r\n"));
    client_options o = options_for(srv);
    o.chunking = !offered;  // offered but not wanted, or wanted but not offered
    blocking_client c;
    c.connect(o);
    memory_source body("x\r\n");
    EXPECT_EQ(c.send(simple_envelope(), body).final_reply.code, 250);
    EXPECT_SCRIPT_OK(srv);
  }
}

}  // namespace
}  // namespace inet::smtp::testing

namespace inet::smtp::testing {
namespace {

// A source that delivers some bytes, then fails (a file that becomes unreadable).
class failing_source final : public byte_source {
 public:
  std::size_t read(std::span<char> buf) override {
    if (done_) throw std::runtime_error("disk went away");
    done_ = true;
    const std::string_view part = "Subject: x\r\n\r\nfirst part\r\n";
    part.copy(buf.data(), std::min(buf.size(), part.size()));
    return std::min(buf.size(), part.size());
  }

 private:
  bool done_ = false;
};

TEST(SmtpSend, ConnectionLostAfterEndOfDataIsUnconfirmedNotAFailure) {
  // The server received the whole message and "." but the connection dies before the reply:
  // it may have accepted the message, so the caller must not blindly resend it.
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .close());
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("Subject: hi\r\n\r\nbody\r\n");
  expect_error([&] { c.send(simple_envelope(), body); },
               make_error_code(error::delivery_unconfirmed));
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpSend, SourceFailingMidDataClosesTheConnection) {
  // Half a message is on the wire: the next MAIL FROM would land inside its body, so the
  // client closes the connection instead of reusing it.
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect("Subject: x")
                      .expect("")
                      .expect("first part")
                      .expect_eof());
  blocking_client c;
  c.connect(options_for(srv));
  failing_source body;
  EXPECT_THROW(c.send(simple_envelope(), body), std::runtime_error);
  memory_source again("x\r\n");
  expect_error([&] { c.send(simple_envelope(), again); }, make_error_code(error::not_connected));
  EXPECT_SCRIPT_OK(srv);
  const std::string got = srv.received();
  const std::size_t first = got.find("MAIL FROM");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(got.find("MAIL FROM", first + 1), std::string::npos) << got;  // no second MAIL
}

TEST(SmtpSend, UnbalancedQuoteInAddressIsRefused) {
  // 'x"> NOTIFY=NEVER' would end the path early on servers that stop at the first '>'.
  mock_server srv(greet_ehlo({"DSN"}).expect_silence(std::chrono::milliseconds(100)));
  blocking_client c;
  c.connect(options_for(srv));
  envelope e = simple_envelope();
  e.recipients[0].address = "x\"> NOTIFY=NEVER ORCPT=rfc822;a@b";
  memory_source body("x\r\n");
  expect_error([&] { c.send(e, body); }, make_error_code(error::invalid_address));
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::smtp::testing
