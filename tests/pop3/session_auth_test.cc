// POP3 on the session layer (protocols/session): a token provider counts as credentials (TLS
// required by default), STLS refused under opportunistic, the RFC 5034 255-octet AUTH line,
// the "*" cancel after a failing mechanism step, no USER/PASS after a failed AUTH, and the
// OAuth2 retry happening only once. Exact bytes on the wire.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/codec/base64.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "tests/pop3/test_util.hpp"

namespace inet::pop3::testing {
namespace {

using mock::mock_server;
using ::testing::HasSubstr;
using ::testing::Not;

std::error_code connect_error(const client_options& o) {
  blocking_client c;
  try {
    c.connect(o);
  } catch (const std::system_error& e) {
    return e.code();
  }
  ADD_FAILURE() << "connect succeeded";
  return {};
}

class two_tokens final : public sasl::token_provider {
 public:
  std::string token(bool force_refresh) override {
    calls.push_back(force_refresh);
    return force_refresh ? "fresh" : "old";
  }
  std::vector<bool> calls;
};

TEST(Pop3Session, TokenProviderAloneMakesTlsRequired) {
  mock_server srv(greet_capa({"SASL OAUTHBEARER XOAUTH2"}).expect_eof());
  auto p = std::make_shared<two_tokens>();
  client_options o = options_for(srv);
  o.policy.reset();  // default: a token provider is a credential, so TLS is required
  o.token_provider = p;
  EXPECT_EQ(connect_error(o), error::tls_required);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "CAPA\r\n");
  // The policy refused before login: no token was fetched for a connection that cannot use it
  // (the former rule treated the connection as opportunistic and failed only at AUTH).
  EXPECT_TRUE(p->calls.empty());
}

TEST(Pop3Session, StlsRefusedUnderOpportunisticContinuesInClear) {
  mock_server srv(greet_capa({"STLS", "UIDL"})
                      .expect("STLS")
                      .send("-ERR not now\r\n")
                      .expect("NOOP")
                      .send("+OK\r\n"));
  client_options o = options_for(srv);  // no credentials
  o.policy = transport::tls_policy::opportunistic;
  blocking_client c;
  c.connect(o);
  EXPECT_FALSE(c.is_tls());
  c.noop();
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, OverlongInitialResponseWaitsForTheEmptyChallenge) {
  // RFC 5034 §4: the AUTH line with its initial response is at most 255 octets (CRLF too).
  const std::string pass(200, 'p');
  const std::string ir = codec::base64_encode(std::string("\0alice\0", 7) + pass);
  ASSERT_GT(std::string("AUTH PLAIN ").size() + ir.size() + 2, 255u);
  mock_server srv(greet_capa({"SASL PLAIN"})
                      .expect("AUTH PLAIN")
                      .send("+ \r\n")
                      .expect(ir)
                      .send("+OK welcome\r\n"));
  client_options o = login_options(srv);
  o.credentials.password = pass;
  blocking_client c;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "PLAIN");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, FailingMechanismStepIsCancelledWithoutUserFallback) {
  mock_server srv(greet_capa({"USER", "SASL SCRAM-SHA-256"})
                      .expect_regex("AUTH SCRAM-SHA-256 [A-Za-z0-9+/=]+")
                      .send("+ " + codec::base64_encode("not a server-first message") + "\r\n")
                      .expect("*")
                      .send("-ERR cancelled\r\n")
                      .expect_eof());
  EXPECT_EQ(connect_error(login_options(srv)), sasl::error::bad_challenge);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), Not(HasSubstr("USER")));
}

TEST(Pop3Session, NoUserPassAfterAFailedAuth) {
  mock_server srv(greet_capa({"USER", "SASL PLAIN"})
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
                      .send("-ERR [AUTH] invalid\r\n")
                      .expect_eof());
  EXPECT_EQ(connect_error(login_options(srv)), error::auth_failed);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), Not(HasSubstr("USER")));
  EXPECT_THAT(srv.received(), Not(HasSubstr("PASS")));
}

TEST(Pop3Session, Xoauth2SecondRejectionIsFinal) {
  const std::string old_ir = codec::base64_encode("user=alice\x01""auth=Bearer old\x01\x01");
  const std::string fresh_ir = codec::base64_encode("user=alice\x01""auth=Bearer fresh\x01\x01");
  const std::string err = "+ " + codec::base64_encode(R"({"status":"401"})") + "\r\n";
  mock_server srv(greet_capa({"SASL XOAUTH2"})
                      .expect("AUTH XOAUTH2 " + old_ir)
                      .send(err)
                      .expect("")
                      .send("-ERR [AUTH] token expired\r\n")
                      .expect("AUTH XOAUTH2 " + fresh_ir)
                      .send(err)
                      .expect("")
                      .send("-ERR [AUTH] still expired\r\n")
                      .expect_eof());
  auto p = std::make_shared<two_tokens>();
  client_options o = login_options(srv);
  o.credentials.password.clear();
  o.token_provider = p;
  EXPECT_EQ(connect_error(o), error::auth_failed);
  EXPECT_EQ(p->calls, (std::vector<bool>{false, true}));
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::pop3::testing
