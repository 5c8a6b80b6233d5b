// Internationalised envelope addresses (RFC 6531 §3.2, RFC 5890/5891): without SMTPUTF8 an
// ASCII local part with a non-ASCII domain goes out with the domain's A-label form; only a
// non-ASCII local part needs SMTPUTF8. A-labels are the ones libidn2 2.3 (UTS #46
// non-transitional) gives, as checked with idn2_to_ascii_8z.
#include <gtest/gtest.h>

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;

// Runs `fn`, expects std::system_error with `code`, returns its what().
template <typename Fn>
std::string error_text(Fn&& fn, std::error_code code) {
  try {
    fn();
    ADD_FAILURE() << "no exception; expected " << code.message();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e.what();
  }
  return {};
}

// 55 ASCII letters and one "ü": 57 bytes of UTF-8, an A-label of exactly 63 bytes.
const std::string longest_label = std::string(55, 'a') + "\xC3\xBC";
const std::string longest_alabel = "xn--" + std::string(55, 'a') + "-8yf";

TEST(SmtpIdn, WithoutSmtputf8DomainsGoOutAsALabels) {
  envelope e = simple_envelope("info@bücher.example", "bob@MÜNCHEN.de");
  e.recipients[0].orcpt = "rfc822;bob@münchen.de";
  e.recipients.push_back({"postmaster@[192.0.2.1]", "", "rfc822;postmaster@[192.0.2.1]"});
  e.recipients.push_back({"carol@example.test", "", ""});
  e.recipients.push_back({"x@" + longest_label + ".example", "", ""});
  const std::string commands =
      "MAIL FROM:<info@xn--bcher-kva.example>\r\n"
      "RCPT TO:<bob@xn--mnchen-3ya.de> ORCPT=rfc822;bob@xn--mnchen-3ya.de\r\n"
      "RCPT TO:<postmaster@[192.0.2.1]> ORCPT=rfc822;postmaster@[192.0.2.1]\r\n"
      "RCPT TO:<carol@example.test>\r\n"
      "RCPT TO:<x@" + longest_alabel + ".example>\r\n";
  mock_server srv(greet_ehlo({"PIPELINING", "DSN", "8BITMIME"})
                      .expect("MAIL FROM:<info@xn--bcher-kva.example>")
                      .expect("RCPT TO:<bob@xn--mnchen-3ya.de> ORCPT=rfc822;bob@xn--mnchen-3ya.de")
                      .expect("RCPT TO:<postmaster@[192.0.2.1]> ORCPT=rfc822;postmaster@[192.0.2.1]")
                      .expect("RCPT TO:<carol@example.test>")
                      .expect("RCPT TO:<x@" + longest_alabel + ".example>")
                      .send("250 ok\r\n250 ok\r\n250 ok\r\n550 no carol\r\n250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("250 queued\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  const send_result r = c.send(e, body);
  EXPECT_EQ(r.final_reply.code, 250);
  // Results name each recipient as the caller gave it, not in its wire form.
  ASSERT_EQ(r.recipients.size(), 4u);
  EXPECT_EQ(r.recipients[0].address, "bob@MÜNCHEN.de");
  EXPECT_EQ(r.recipients[1].address, "postmaster@[192.0.2.1]");
  EXPECT_EQ(r.recipients[3].address, "x@" + longest_label + ".example");
  ASSERT_EQ(r.rejected().size(), 1u);
  EXPECT_EQ(r.rejected()[0].address, "carol@example.test");
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\n" + commands + "DATA\r\nx\r\n.\r\nQUIT\r\n");
}

TEST(SmtpIdn, WithoutPipeliningTheSameALabelsOneByOne) {
  coro_driver c;
  mock_server srv(greet_ehlo({"8BITMIME"})
                      .expect("MAIL FROM:<info@xn--bcher-kva.example>")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@xn--r8jz45g.xn--zckzah>")
                      .send("250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("250 ok\r\n"));
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  const send_result r = c.send(simple_envelope("info@bücher.example", "bob@例え.テスト"), body);
  EXPECT_EQ(r.final_reply.code, 250);
  EXPECT_EQ(r.recipients.at(0).address, "bob@例え.テスト");
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpIdn, WithSmtputf8TheUtf8FormAndTheParameterAsBefore) {
  envelope e = simple_envelope("info@bücher.example", "bob@münchen.de");
  e.recipients[0].orcpt = "rfc822;bob@münchen.de";
  mock_server srv(greet_ehlo({"SMTPUTF8", "DSN"})
                      .expect("MAIL FROM:<info@bücher.example> SMTPUTF8")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@münchen.de> ORCPT=rfc822;bob@m+C3+BCnchen.de")
                      .send("250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  EXPECT_EQ(c.send(e, body).final_reply.code, 250);
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpIdn, NonAsciiLocalPartStillNeedsSmtputf8AndNothingIsSent) {
  mock_server srv(greet_ehlo({"PIPELINING", "8BITMIME"}).expect("QUIT").send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source body("x\r\n");
  const std::string why = error_text(
      [&] { c.send(simple_envelope("jörg@bücher.example", "bob@example.test"), body); },
      error::smtputf8_unsupported);
  EXPECT_NE(why.find("jörg@bücher.example"), std::string::npos) << why;
  // A good sender does not help a bad recipient later in the list: still nothing is written.
  envelope e = simple_envelope("info@bücher.example", "bob@example.test");
  e.recipients.push_back({"\"jö doe\"@example.test", "", ""});
  error_text([&] { c.send(e, body); }, error::smtputf8_unsupported);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nQUIT\r\n");
}

TEST(SmtpIdn, InvalidInternationalDomainIsRefusedByNameAndNothingIsSent) {
  mock_server srv(greet_ehlo({"PIPELINING"}).expect("QUIT").send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  const std::vector<std::string> bad = {
      "info@a\xE2\x92\x88" "b.example",                              // U+2488: disallowed
      "info@a" + longest_label + ".example",                         // A-label of 64 bytes
      "info@[b\xC3\xBC" "cher]",                                     // non-ASCII literal
  };
  for (const std::string& a : bad) {
    memory_source body("x\r\n");
    const std::string why = error_text(
        [&] { c.send(simple_envelope(a, "bob@example.test"), body); }, error::invalid_address);
    EXPECT_NE(why.find("'" + a + "'"), std::string::npos) << why;
    error_text([&] { c.send(simple_envelope("alice@example.test", a), body); },
               error::invalid_address);
  }
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nQUIT\r\n");
}

TEST(SmtpIdn, ExplicitSmtputf8RequestStillFailsWithoutTheExtension) {
  mock_server srv(greet_ehlo({"8BITMIME"}).expect("QUIT").send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  envelope e = simple_envelope("info@bücher.example");
  e.smtputf8 = true;
  memory_source body("x\r\n");
  error_text([&] { c.send(e, body); }, error::smtputf8_unsupported);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nQUIT\r\n");
}

}  // namespace
}  // namespace inet::smtp::testing
