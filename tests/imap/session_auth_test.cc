// IMAP on the session layer (protocols/session): STARTTLS refused under each policy, the
// AUTHENTICATE cancel ("*") after a bad challenge or a failing mechanism step, no LOGIN after a
// failed AUTHENTICATE, and the OAuth2 retry happening only once. Exact bytes on the wire.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/codec/base64.hpp"
#include "protocols/imap/client.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "tests/imap/mock_session.hpp"

namespace inet::imap {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::code_of;
using test::mock;
using test::mock_server;
using test::options_for;

client_options bob(const mock_server& srv, transport::tls_policy p = transport::tls_policy::none) {
  auto o = options_for(srv, p);
  o.credentials.username = "bob";
  o.credentials.password = "pw";
  return o;
}

TEST(ImapSession, StartTlsRefusedUnderRequiredSendsNoCredentials) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hi\r\n")
                      .expect("A1 STARTTLS")
                      .send("A1 NO [UNAVAILABLE] not now\r\n")
                      .expect_eof());
  {
    blocking_client c;
    try {
      c.connect(bob(srv, transport::tls_policy::required));
      ADD_FAILURE() << "continued after STARTTLS was refused";
    } catch (const imap_exception& e) {
      EXPECT_EQ(e.code(), make_error_code(error::tls_required));
      EXPECT_EQ(e.response().text, "not now");
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "A1 STARTTLS\r\n");
}

TEST(ImapSession, StartTlsRefusedUnderOpportunisticContinuesInClear) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n")
                      .expect("A1 STARTTLS")
                      .send("A1 BAD not now\r\n")
                      .expect("A2 NOOP")
                      .send("A2 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv, transport::tls_policy::opportunistic));  // no credentials
  EXPECT_FALSE(c.async().is_tls());
  c.noop();
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapSession, OpportunisticWithoutStartTlsContinuesInClear) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1] hi\r\n")
                      .expect("A1 NOOP")
                      .send("A1 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv, transport::tls_policy::opportunistic));
  c.noop();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "A1 NOOP\r\n");
}

TEST(ImapSession, BadBase64ChallengeIsCancelled) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 AUTH=LOGIN] hi\r\n")
                      .expect("A1 AUTHENTICATE LOGIN")
                      .send("+ !!!not base64\r\n")
                      .expect("*")
                      .send("A1 BAD cancelled\r\n"));
  blocking_client c;
  EXPECT_EQ(code_of([&] { c.connect(bob(srv)); }), make_error_code(error::malformed_response));
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapSession, FailingMechanismStepIsCancelled) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-256] hi\r\n")
                      .expect_regex("A1 AUTHENTICATE SCRAM-SHA-256 [A-Za-z0-9+/=]+")
                      .send("+ " + codec::base64_encode("not a server-first message") + "\r\n")
                      .expect("*")
                      .send("A1 BAD cancelled\r\n"));
  blocking_client c;
  EXPECT_EQ(code_of([&] { c.connect(bob(srv)); }), sasl::error::bad_challenge);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapSession, NoLoginAfterAFailedAuthenticate) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hi\r\n")
                      .expect("A1 AUTHENTICATE PLAIN AGJvYgBwdw==")
                      .send("A1 NO [AUTHENTICATIONFAILED] nope\r\n")
                      .expect_eof());
  {
    blocking_client c;
    EXPECT_EQ(code_of([&] { c.connect(bob(srv)); }), make_error_code(error::auth_failed));
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), Not(HasSubstr("LOGIN")));
}

TEST(ImapSession, Xoauth2SecondRejectionIsFinal) {
  struct provider final : sasl::token_provider {
    std::vector<bool> calls;
    std::string token(bool force_refresh) override {
      calls.push_back(force_refresh);
      return force_refresh ? "new-token" : "old-token";
    }
  };
  const std::string err = "+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=\r\n";
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi\r\n")
                      .expect("A1 AUTHENTICATE XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBvbGQtdG9rZW4BAQ==")
                      .send(err)
                      .expect("")
                      .send("A1 NO [AUTHENTICATIONFAILED] no\r\n")
                      .expect("A2 AUTHENTICATE XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBuZXctdG9rZW4BAQ==")
                      .send(err)
                      .expect("")
                      .send("A2 NO [AUTHENTICATIONFAILED] still no\r\n")
                      .expect_eof());
  auto p = std::make_shared<provider>();
  {
    blocking_client c;
    auto o = options_for(srv);
    o.credentials.username = "alice";
    o.token_provider = p;
    EXPECT_EQ(code_of([&] { c.connect(o); }), make_error_code(error::auth_failed));
  }
  EXPECT_EQ(p->calls, (std::vector<bool>{false, true}));
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::imap
