// PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER, the factory and mechanism selection.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/sasl/mechanism.hpp"

namespace inet::sasl {
namespace {

using namespace std::string_literals;

credentials password_creds() {
  credentials c;
  c.username = "tim";
  c.password = "tanstaaftanstaaf";
  return c;
}

template <typename F>
void expect_error(F&& f, error expected) {
  try {
    f();
    ADD_FAILURE() << "no exception, expected " << make_error_code(expected).message();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(expected)) << e.what();
  }
}

TEST(SaslError, CategoryAndEnum) {
  const std::error_code ec = error::bad_challenge;
  EXPECT_STREQ(ec.category().name(), "inet.sasl");
  EXPECT_EQ(ec.value(), 2);
  EXPECT_FALSE(ec.message().empty());
}

TEST(Plain, ExactBytes) {
  credentials c;
  c.username = "tim";
  c.password = "tanstaaf";
  auto m = make_mechanism("plain", c);
  EXPECT_EQ(m->name(), "PLAIN");
  EXPECT_TRUE(m->has_initial_response());
  EXPECT_TRUE(m->sends_password_in_clear());
  EXPECT_FALSE(m->complete());
  EXPECT_EQ(m->initial_response(), "\0tim\0tanstaaf"s);
  EXPECT_TRUE(m->complete());
  expect_error([&] { m->step("more"); }, error::step_after_complete);
}

TEST(Plain, WithAuthzidAndEmptyChallengeInsteadOfInitialResponse) {
  credentials c;
  c.username = "tim";
  c.password = "tanstaaf";
  c.authzid = "Ursel";
  auto m = make_mechanism("PLAIN", c);
  EXPECT_EQ(m->step(""), "Ursel\0tim\0tanstaaf"s);  // RFC 4616 §4 example
  EXPECT_TRUE(m->complete());
}

TEST(Plain, RejectsNulAndEmpty) {
  credentials c = password_creds();
  c.password = "pass\0word"s;
  expect_error([&] { make_mechanism("PLAIN", c); }, error::invalid_credentials);
  c = password_creds();
  c.authzid = "a\0b"s;
  expect_error([&] { make_mechanism("PLAIN", c); }, error::invalid_credentials);
  c = password_creds();
  c.username.clear();
  expect_error([&] { make_mechanism("PLAIN", c); }, error::invalid_credentials);
}

TEST(Plain, NonEmptyFirstChallengeIsBad) {
  auto m = make_mechanism("PLAIN", password_creds());
  expect_error([&] { m->step("hello"); }, error::bad_challenge);
}

TEST(Login, UsernameThenPasswordWhateverThePrompt) {
  auto m = make_mechanism("LOGIN", password_creds());
  EXPECT_FALSE(m->has_initial_response());
  EXPECT_TRUE(m->sends_password_in_clear());
  EXPECT_EQ(m->step("Username:"), "tim");
  EXPECT_FALSE(m->complete());
  EXPECT_EQ(m->step("whatever"), "tanstaaftanstaaf");
  EXPECT_TRUE(m->complete());
  expect_error([&] { m->step("Password:"); }, error::step_after_complete);
}

TEST(Login, NoInitialResponse) {
  auto m = make_mechanism("login", password_creds());
  expect_error([&] { m->initial_response(); }, error::step_after_complete);
}

TEST(CramMd5, Rfc2195Example) {
  auto m = make_mechanism("CRAM-md5", password_creds());
  EXPECT_FALSE(m->has_initial_response());
  EXPECT_FALSE(m->sends_password_in_clear());
  EXPECT_EQ(m->step("<1896.697170952@postoffice.reston.mci.net>"),
            "tim b913a602c7eda7a495b4e6e7334d3890");
  EXPECT_TRUE(m->complete());
  expect_error([&] { m->step("<again>"); }, error::step_after_complete);
}

TEST(CramMd5, EmptyChallengeIsBad) {
  auto m = make_mechanism("CRAM-MD5", password_creds());
  expect_error([&] { m->step(""); }, error::bad_challenge);
}

TEST(CramMd5, RejectsControlInUsername) {
  credentials c = password_creds();
  c.username = "tim\r\nQUIT";
  expect_error([&] { make_mechanism("CRAM-MD5", c); }, error::invalid_credentials);
}

credentials token_creds() {
  credentials c;
  c.username = "someuser@example.com";
  c.oauth2_token = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg";
  c.host = "server.example.com";
  c.port = 587;
  return c;
}

TEST(XOAuth2, ExactBytes) {
  auto m = make_mechanism("XOAUTH2", token_creds());
  EXPECT_TRUE(m->has_initial_response());
  EXPECT_TRUE(m->sends_password_in_clear());
  EXPECT_EQ(m->initial_response(),
            "user=someuser@example.com\x01" "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01");
  EXPECT_TRUE(m->complete());
  EXPECT_FALSE(m->token_rejected());
}

TEST(XOAuth2, ErrorChallengeAnsweredWithEmptyResponse) {
  auto m = make_mechanism("xoauth2", token_creds());
  m->initial_response();
  const std::string json = R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})";
  EXPECT_EQ(m->step(json), "");
  EXPECT_TRUE(m->token_rejected());
  EXPECT_FALSE(m->complete());
  EXPECT_EQ(m->server_error_detail(), json);
  expect_error([&] { m->step(json); }, error::step_after_complete);
}

TEST(OAuthBearer, ExactBytesRfc7628) {
  auto m = make_mechanism("OAUTHBEARER", token_creds());
  EXPECT_EQ(m->initial_response(),
            "n,a=someuser@example.com,\x01host=server.example.com\x01port=587\x01"
            "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01");
  EXPECT_TRUE(m->complete());
}

TEST(OAuthBearer, EscapesAuthzidAndOmitsUnknownHostPort) {
  credentials c;
  c.authzid = "a,b=c";
  c.oauth2_token = "tok";
  auto m = make_mechanism("OAUTHBEARER", c);
  EXPECT_EQ(m->initial_response(), "n,a=a=2Cb=3Dc,\x01" "auth=Bearer tok\x01\x01");
}

TEST(OAuthBearer, EmptyFirstChallengeGetsInitialResponse) {
  auto via_step = make_mechanism("OAUTHBEARER", token_creds());
  auto direct = make_mechanism("OAUTHBEARER", token_creds());
  EXPECT_EQ(via_step->step(""), direct->initial_response());
  EXPECT_TRUE(via_step->complete());
  expect_error([&] { direct->initial_response(); }, error::step_after_complete);
}

TEST(OAuthBearer, ErrorPath) {
  auto m = make_mechanism("OAUTHBEARER", token_creds());
  m->initial_response();
  EXPECT_EQ(m->step(R"({"status":"invalid_token"})"), "\x01");
  EXPECT_TRUE(m->token_rejected());
  EXPECT_FALSE(m->complete());
}

TEST(OAuth, RejectsBadTokens) {
  credentials c = token_creds();
  c.oauth2_token = "tok\x01" "evil";
  expect_error([&] { make_mechanism("XOAUTH2", c); }, error::invalid_credentials);
  expect_error([&] { make_mechanism("OAUTHBEARER", c); }, error::invalid_credentials);
  c = token_creds();
  c.oauth2_token = "tok\0"s;
  expect_error([&] { make_mechanism("XOAUTH2", c); }, error::invalid_credentials);
  c = token_creds();
  c.username = "user\x01" "auth=Bearer x";
  expect_error([&] { make_mechanism("XOAUTH2", c); }, error::invalid_credentials);
  c = token_creds();
  c.oauth2_token.clear();
  expect_error([&] { make_mechanism("OAUTHBEARER", c); }, error::invalid_credentials);
}

TEST(Factory, UnknownMechanism) {
  expect_error([] { make_mechanism("GSSAPI", password_creds()); }, error::unknown_mechanism);
  expect_error([] { make_mechanism("SCRAM-SHA-256-PLUS", password_creds()); },
               error::unknown_mechanism);
  expect_error([] { make_mechanism("", password_creds()); }, error::unknown_mechanism);
}

TEST(Factory, SupportedMechanismsStrongestFirst) {
  EXPECT_EQ(supported_mechanisms(),
            (std::vector<std::string>{"SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN",
                                      "LOGIN", "OAUTHBEARER", "XOAUTH2"}));
}

TEST(Choose, PasswordPrefersScramSha256) {
  const std::vector<std::string> offered{"LOGIN", "plain", "CRAM-MD5", "scram-sha-1",
                                         "SCRAM-SHA-256"};
  EXPECT_EQ(choose_mechanism(offered, password_creds()), "SCRAM-SHA-256");
}

TEST(Choose, PasswordOrdering) {
  const auto c = password_creds();
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{"LOGIN", "SCRAM-SHA-1", "PLAIN"}, c),
            "SCRAM-SHA-1");
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{"LOGIN", "PLAIN", "CRAM-MD5"}, c),
            "CRAM-MD5");
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{"LOGIN", "PLAIN"}, c), "PLAIN");
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{"LOGIN", "XOAUTH2"}, c), "LOGIN");
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{"GSSAPI", "XOAUTH2"}, c), std::nullopt);
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{}, c), std::nullopt);
}

TEST(Choose, TokenFirstThenPasswordFallback) {
  credentials c = password_creds();
  c.oauth2_token = "tok";
  const std::vector<std::string> all{"PLAIN", "XOAUTH2", "SCRAM-SHA-256", "OAUTHBEARER"};
  EXPECT_EQ(choose_mechanism(all, c), "OAUTHBEARER");
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{"PLAIN", "XOAUTH2"}, c), "XOAUTH2");
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{"PLAIN", "LOGIN"}, c), "PLAIN");
}

TEST(Choose, TokenOnlyNeverPicksPasswordMechanisms) {
  credentials c = token_creds();
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{"PLAIN", "LOGIN", "SCRAM-SHA-256"}, c),
            std::nullopt);
}

TEST(Choose, NonAsciiPasswordSkipsScram) {
  credentials c = password_creds();
  c.password = "\xE2\x82\xAC" "uro";  // U+20AC: outside the implemented SASLprep subset
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{"SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"}, c),
            "PLAIN");
  expect_error([&] { make_mechanism("SCRAM-SHA-256", c); }, error::invalid_credentials);
}

TEST(Choose, NulPasswordServesNothing) {
  credentials c = password_creds();
  c.password = "a\0b"s;
  EXPECT_EQ(choose_mechanism(std::vector<std::string>{"PLAIN", "LOGIN", "CRAM-MD5"}, c),
            std::nullopt);
}

}  // namespace
}  // namespace inet::sasl
