// Message content that must never reach the wire (RFC 5321 §4.5.3.1.6, RFC 5322 §2.3): a NUL
// byte (lenient servers drop it and then see a smuggled "\r\n.\r\n") or a line of more than
// 998 octets. Found in the first read of the message: refused before MAIL, connection kept.
// Found later: the transaction is abandoned without "." (or BDAT LAST) and the connection
// closed, so the server discards the partial message. DATA and BDAT alike.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;
using mock::script;
using ::testing::HasSubstr;
using namespace std::string_literals;

// Sends `body` and returns the std::system_error it fails with (what() in *what).
std::error_code send_error(blocking_client& c, byte_source& body, std::string* what = nullptr) {
  try {
    c.send(simple_envelope(), body);
  } catch (const std::system_error& e) {
    if (what) *what = e.what();
    return e.code();
  }
  return {};
}

TEST(SmtpHostileData, NulIsRefusedBeforeMailAndTheConnectionStaysUsable) {
  mock_server srv(greet_ehlo({"PIPELINING"}).expect("NOOP").send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body(std::string_view("Subject: x\r\n\r\na\r\0\n.\r\nRCPT TO:<evil>\r\n", 36));
  std::string what;
  EXPECT_EQ(send_error(c, body, &what), error::invalid_message);
  EXPECT_THAT(what, HasSubstr("NUL byte at offset 16"));
  EXPECT_EQ(c.noop().code, 250);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nNOOP\r\n");  // no MAIL, no message byte
}

TEST(SmtpHostileData, LineOver998OctetsIsRefusedNeverSplit) {
  std::string captured;
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".", &captured)
                      .send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  const std::string too_long = "Subject: x\r\n\r\n" + std::string(999, 'x') + "\r\n";
  memory_source bad(too_long);
  std::string what;
  EXPECT_EQ(send_error(c, bad, &what), error::invalid_message);
  EXPECT_THAT(what, HasSubstr("longer than 998 octets at offset 1012"));
  const std::string longest = "Subject: x\r\n\r\n." + std::string(997, 'x') + "\r\n";  // 998
  memory_source good(longest);
  EXPECT_EQ(c.send(simple_envelope(), good).final_reply.code, 250);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(captured, "Subject: x\r\n\r\n.." + std::string(997, 'x') + "\r\n");
}

// 1024 lines of 63 "x" + LF: exactly the client's first 64 KiB read; 66560 bytes on the wire.
std::string first_read() {
  std::string s;
  for (int i = 0; i < 1024; ++i) s += std::string(63, 'x') + "\n";
  return s;
}
constexpr std::size_t first_read_wire = 1024 * 65;

TEST(SmtpHostileData, NulLaterAbandonsDataWithoutTheTerminator) {
  std::string sent;
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_bytes(first_read_wire, &sent)
                      .expect_eof());
  blocking_client c;
  c.connect(options_for(srv));
  chunky_source body(first_read() + std::string("tail\r\n\0\r\n.\r\n", 11), 64 * 1024);
  std::string what;
  EXPECT_EQ(send_error(c, body, &what), error::invalid_message);
  EXPECT_THAT(what, HasSubstr("NUL byte at offset 65542"));
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received().find("\r\n.\r\n"), std::string::npos);
  EXPECT_EQ(srv.received().find('\0'), std::string::npos);
  EXPECT_EQ(send_error(c, body), error::not_connected);  // closed, never reused
}

TEST(SmtpHostileData, LongLineLaterAbandonsBdatWithoutLast) {
  mock_server srv(greet_ehlo({"PIPELINING", "CHUNKING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n250 ok\r\n")
                      .expect("BDAT " + std::to_string(first_read_wire))
                      .expect_bytes(first_read_wire)
                      .send("250 ok\r\n")
                      .expect_eof());
  blocking_client c;
  client_options o = options_for(srv);
  o.chunking = true;
  c.connect(o);
  chunky_source body(first_read() + std::string(1000, 'y') + "\r\n", 64 * 1024);
  std::string what;
  EXPECT_EQ(send_error(c, body, &what), error::invalid_message);
  EXPECT_THAT(what, HasSubstr("longer than 998 octets"));
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received().find("LAST"), std::string::npos);
}

TEST(SmtpHostileData, NulInTheFirstReadIsRefusedBeforeMailWithBdatToo) {
  mock_server srv(greet_ehlo({"CHUNKING"}).expect("QUIT").send("221 bye\r\n"));
  blocking_client c;
  client_options o = options_for(srv);
  o.chunking = true;
  c.connect(o);
  memory_source body(std::string_view("a\0", 2));
  EXPECT_EQ(send_error(c, body), error::invalid_message);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nQUIT\r\n");
}

// A NUL or bare CR in a reply line is a malformed reply (RFC 5321 §4.2), never text.
TEST(SmtpHostileReply, NulOrBareCrInAReplyIsMalformed) {
  for (const std::string& bad : {"250 ok\0\r\n"s, "250-a\rb\r\n250 ok\r\n"s,
                                 "250 ok\r\r\n"s}) {
    mock_server srv(greet_ehlo({}).expect("NOOP").send(bad));
    blocking_client c;
    c.connect(options_for(srv));
    try {
      c.noop();
      FAIL() << "accepted " << bad;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::malformed_reply) << e.what();
    }
  }
}

TEST(SmtpHostileReply, NulInTheEhloReplyIsMalformed) {
  mock_server srv(script().send("220 mock\r\n").expect("EHLO client.test")
                      .send("250-mock\r\n250 AUTH PLAIN\0LOGIN\r\n"s));
  blocking_client c;
  try {
    c.connect(options_for(srv));
    FAIL() << "an EHLO reply with a NUL was accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::malformed_reply) << e.what();
  }
}

}  // namespace
}  // namespace inet::smtp::testing
