// The one "wants auth" rule (session::has_credentials) as the SMTP client applies it: a static
// OAuth2 token alone authenticates (OAUTHBEARER needs no user name, RFC 7628 §3.1), and a token
// provider alone makes TLS required by default — the policy refuses before any token is fetched.
#include <gtest/gtest.h>

#include "protocols/sasl/oauth2.hpp"
#include "protocols/smtp/client.hpp"
#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;

class counting_provider : public sasl::token_provider {
 public:
  std::string token(bool) override {
    ++calls;
    return "tok";
  }
  int calls = 0;
};

TEST(SessionCredentials, StaticTokenWithoutUserNameAuthenticates) {
  mock_server srv(greet_ehlo({"AUTH OAUTHBEARER"})
                      .expect_regex("AUTH OAUTHBEARER [A-Za-z0-9+/=]+")
                      .send("235 2.7.0 Accepted\r\n"));
  client_options o = options_for(srv);  // tls_policy::none: the test's explicit opt-in
  o.credentials.oauth2_token = "tok";
  blocking_client c;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "OAUTHBEARER");
  EXPECT_SCRIPT_OK(srv);
}

TEST(SessionCredentials, TokenProviderAloneRequiresTls) {
  mock_server srv(greet_ehlo({"AUTH OAUTHBEARER"}).expect_eof());
  auto p = std::make_shared<counting_provider>();
  client_options o = options_for(srv);
  o.policy.reset();
  o.token_provider = p;
  {
    blocking_client c;
    try {
      c.connect(o);
      ADD_FAILURE() << "authenticated without TLS";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::tls_required);
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\n");
  EXPECT_EQ(p->calls, 0);
}

}  // namespace
}  // namespace inet::smtp::testing
