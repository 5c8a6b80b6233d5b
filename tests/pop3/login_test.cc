// Greeting, STLS (RFC 2595 §4) and its policy, implicit TLS (RFC 8314), USER/PASS, APOP
// (RFC 1939 §7), AUTH (RFC 5034) and login response codes (RFC 2449 §8, RFC 3206).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/codec/base64.hpp"

#include "protocols/pop3/internal.hpp"
#include "tests/pop3/test_util.hpp"

namespace inet::pop3::testing {
namespace {

using mock::mock_server;
using mock::script;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(Pop3Login, ApopDigestMatchesRfc1939Example) {
  EXPECT_EQ(apop_digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"),
            "c4c9334bac560ecc979e58001b3e22fb");
  EXPECT_EQ(apop_timestamp("POP3 server ready <1896.697170952@dbc.mtview.ca.us>"),
            "<1896.697170952@dbc.mtview.ca.us>");
  EXPECT_EQ(apop_timestamp("ready <no-at-sign>"), "");
  EXPECT_EQ(apop_timestamp("ready <a@b"), "");
  EXPECT_EQ(apop_timestamp("ready <a b@c>"), "");
}

TEST(Pop3Login, ApopWhenAllowedUsesTheGreetingTimestamp) {
  mock_server srv(greet_capa({"USER"}, "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n")
                      .expect("APOP mrose c4c9334bac560ecc979e58001b3e22fb")
                      .send("+OK mrose's maildrop has 2 messages (320 octets)\r\n"));
  blocking_client c;
  client_options o = options_for(srv);
  o.credentials.username = "mrose";
  o.credentials.password = "tanstaaf";
  o.allow_apop = true;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "APOP");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, ApopNotUsedUnlessAllowed) {
  mock_server srv(greet_capa({"USER"}, "+OK ready <1896.697170952@dbc.mtview.ca.us>\r\n")
                      .expect("USER alice").send("+OK\r\n")
                      .expect("PASS secret").send("+OK\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  EXPECT_EQ(c.authenticated_with(), "USER");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, ForcedApopWithoutTimestampSendsNothing) {
  mock_server srv(greet_capa({"USER"}).expect_eof());
  {
    blocking_client c;
    client_options o = login_options(srv);
    o.auth_mechanism = "+APOP";
    try {
      c.connect(o);
      FAIL() << "APOP without a timestamp succeeded";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::apop_unavailable);
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "CAPA\r\n");
}

TEST(Pop3Login, StlsRequiredButAbsentSendsNoCredentials) {
  mock_server srv(greet_capa({"USER", "SASL PLAIN"}).expect_eof());
  {
    blocking_client c;
    client_options o = login_options(srv);
    o.policy.reset();  // default with credentials: required
    try {
      c.connect(o);
      FAIL() << "logged in without TLS";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::tls_required);
      EXPECT_EQ(e.code(), condition::tls_required);
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "CAPA\r\n");
  EXPECT_THAT(srv.received(), Not(HasSubstr("secret")));
}

TEST(Pop3Login, StlsRefusedUnderRequiredPolicyFails) {
  mock_server srv(greet_capa({"STLS", "USER"}).expect("STLS").send("-ERR [SYS/TEMP] no TLS now\r\n")
                      .expect_eof());
  {
    blocking_client c;
    client_options o = login_options(srv);
    o.policy = transport::tls_policy::required;
    try {
      c.connect(o);
      FAIL() << "continued after STLS was refused";
    } catch (const pop3_exception& e) {
      EXPECT_EQ(e.code(), error::tls_required);
      EXPECT_EQ(e.server_response().text, "no TLS now");
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), Not(HasSubstr("USER")));
}

TEST(Pop3Login, StlsUpgradesAndAsksCapaAgain) {
  mock_server srv(greet_capa({"STLS", "SASL ANONYMOUS"})
                      .expect("STLS").send("+OK Begin TLS negotiation\r\n")
                      .start_tls()
                      .expect("CAPA").send(capa_reply({"USER", "UIDL"}))
                      .expect("USER alice").send("+OK\r\n")
                      .expect("PASS secret").send("+OK\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  blocking_client c;
  client_options o = login_options(srv);
  o.policy.reset();
  c.connect(o);
  EXPECT_TRUE(c.is_tls());
  EXPECT_TRUE(c.tls_details().verified);
  EXPECT_FALSE(c.server_capabilities().stls);  // pre-TLS capabilities forgotten
  EXPECT_TRUE(c.server_capabilities().sasl.empty());
  EXPECT_TRUE(c.server_capabilities().uidl);
  EXPECT_TRUE(c.quit().committed);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, BytesInjectedAfterStlsGoAheadAreFatal) {
  mock_server srv(greet_capa({"STLS", "USER"})
                      .expect("STLS")
                      .send("+OK Begin TLS\r\n+OK injected\r\n")
                      .expect_eof());
  {
    blocking_client c;
    client_options o = login_options(srv);
    o.policy.reset();
    try {
      c.connect(o);
      FAIL() << "TLS started after injected bytes";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), transport::error::starttls_injection);
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), Not(HasSubstr("USER")));
}

TEST(Pop3Login, StlsCertificateIsVerified) {
  mock_server srv(greet_capa({"STLS", "USER"})
                      .expect("STLS").send("+OK\r\n")
                      .start_tls(mock::cert_kind::wrong_host));
  blocking_client c;
  client_options o = login_options(srv);
  o.policy.reset();
  try {
    c.connect(o);
    FAIL() << "accepted a certificate for another host";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::certificate_verify_failed);
  }
  EXPECT_THAT(srv.received(), Not(HasSubstr("USER")));
}

TEST(Pop3Login, OpportunisticWithoutStlsContinuesInClear) {
  mock_server srv(greet_capa({"USER"}).expect("STAT").send("+OK 0 0\r\n"));
  blocking_client c;
  client_options o = options_for(srv);
  o.policy.reset();  // no credentials: opportunistic
  c.connect(o);
  EXPECT_FALSE(c.is_tls());
  EXPECT_EQ(c.stat().count, 0u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, OpportunisticPlaintextNeverRevealsThePassword) {
  // A man in the middle strips STLS from CAPA: under opportunistic the session may go on in
  // clear, but USER/PASS, APOP and AUTH PLAIN would reveal the password and are refused.
  for (const char* mode : {"", "USER", "+APOP", "PLAIN"}) {
    mock_server srv(greet_capa({"USER", "SASL PLAIN"}).expect_eof());
    {
      blocking_client c;
      client_options o = login_options(srv);
      o.policy = transport::tls_policy::opportunistic;
      o.auth_mechanism = mode;
      o.allow_apop = true;
      try {
        c.connect(o);
        ADD_FAILURE() << "logged in without TLS, mode '" << mode << "'";
      } catch (const std::system_error& e) {
        EXPECT_TRUE(e.code() == error::tls_required || e.code() == error::apop_unavailable)
            << mode << ": " << e.what();
      }
    }
    EXPECT_THAT(srv.received(), Not(HasSubstr("USER"))) << mode;
    EXPECT_THAT(srv.received(), Not(HasSubstr("PASS"))) << mode;
    EXPECT_THAT(srv.received(), Not(HasSubstr("AUTH"))) << mode;
    EXPECT_THAT(srv.received(), Not(HasSubstr("APOP"))) << mode;
  }
}

namespace {
// Hands out "old" first and "fresh" after a forced refresh; counts the calls.
class counting_provider final : public sasl::token_provider {
 public:
  std::string token(bool force_refresh) override {
    ++calls;
    if (force_refresh) ++refreshes;
    return refreshes ? "fresh" : "old";
  }
  int calls = 0;
  int refreshes = 0;
};
}  // namespace

TEST(Pop3Login, Xoauth2TokenRefreshedOnceAfterRejection) {
  // base64("user=alice\x01auth=Bearer old\x01\x01") and the same with "fresh".
  const std::string old_ir = codec::base64_encode("user=alice\x01""auth=Bearer old\x01\x01");
  const std::string fresh_ir = codec::base64_encode("user=alice\x01""auth=Bearer fresh\x01\x01");
  const std::string err = codec::base64_encode(R"({"status":"401","schemes":"bearer"})");
  mock_server srv(greet_capa({"SASL XOAUTH2"})
                      .expect("AUTH XOAUTH2 " + old_ir)
                      .send("+ " + err + "\r\n")
                      .expect("")
                      .send("-ERR [AUTH] token expired\r\n")
                      .expect("AUTH XOAUTH2 " + fresh_ir)
                      .send("+OK welcome\r\n"));
  auto provider = std::make_shared<counting_provider>();
  client_options o = login_options(srv);
  o.credentials.password.clear();
  o.token_provider = provider;
  blocking_client c;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "XOAUTH2");
  EXPECT_EQ(provider->refreshes, 1);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, ImplicitTls) {
  mock_server srv(greet_capa({"USER", "STLS"})
                      .expect("USER alice").send("+OK\r\n")
                      .expect("PASS secret").send("+OK\r\n"),
                  mock::server_options{.implicit_tls = true});
  blocking_client c;
  client_options o = login_options(srv);
  o.security = security::implicit_tls;
  o.policy.reset();
  c.connect(o);
  EXPECT_TRUE(c.is_tls());
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), Not(HasSubstr("STLS")));
}

TEST(Pop3Login, SaslPlainWithInitialResponse) {
  mock_server srv(greet_capa({"USER", "SASL PLAIN LOGIN"})
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==").send("+OK welcome\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  EXPECT_EQ(c.authenticated_with(), "PLAIN");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, SaslLoginByContinuations) {
  mock_server srv(greet_capa({"SASL LOGIN"})
                      .expect("AUTH LOGIN").send("+ VXNlcm5hbWU6\r\n")
                      .expect("YWxpY2U=").send("+ UGFzc3dvcmQ6\r\n")
                      .expect("c2VjcmV0").send("+OK\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  EXPECT_EQ(c.authenticated_with(), "LOGIN");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, SaslRefusedWithAuthCode) {
  mock_server srv(greet_capa({"SASL PLAIN", "AUTH-RESP-CODE"})
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
                      .send("-ERR [AUTH] invalid credentials\r\n"));
  blocking_client c;
  try {
    c.connect(login_options(srv));
    FAIL() << "refused AUTH succeeded";
  } catch (const pop3_exception& e) {
    EXPECT_EQ(e.code(), error::auth_failed);
    EXPECT_EQ(e.code(), condition::auth_failed);
    EXPECT_EQ(e.server_response().code, "AUTH");
    EXPECT_EQ(e.server_response().text, "invalid credentials");
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, BadBase64ChallengeCancelsTheExchange) {
  mock_server srv(greet_capa({"SASL LOGIN"})
                      .expect("AUTH LOGIN").send("+ !!!not base64\r\n")
                      .expect("*").send("-ERR cancelled\r\n"));
  blocking_client c;
  try {
    c.connect(login_options(srv));
    FAIL() << "bad challenge accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::malformed_response);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, ForcedMechanismMustBeOffered) {
  mock_server srv(greet_capa({"SASL PLAIN"}).expect_eof());
  {
    blocking_client c;
    client_options o = login_options(srv);
    o.auth_mechanism = "CRAM-MD5";
    try {
      c.connect(o);
      FAIL() << "used a mechanism the server did not offer";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::auth_unavailable);
    }
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, ResponseCodesOnLogin) {
  struct cse {
    const char* reply;
    error want;
  };
  for (const cse& k : {cse{"-ERR [IN-USE] maildrop locked\r\n", error::mailbox_in_use},
                       cse{"-ERR [LOGIN-DELAY] wait a bit\r\n", error::login_delay},
                       cse{"-ERR [SYS/TEMP] try later\r\n", error::temporary_failure},
                       cse{"-ERR [SYS/PERM] gone\r\n", error::permanent_failure},
                       cse{"-ERR [AUTH] bad password\r\n", error::auth_failed},
                       cse{"-ERR bad password\r\n", error::auth_failed}}) {
    mock_server srv(greet_capa({"USER", "RESP-CODES"})
                        .expect("USER alice").send("+OK\r\n")
                        .expect("PASS secret").send(k.reply));
    blocking_client c;
    try {
      c.connect(login_options(srv));
      ADD_FAILURE() << "login succeeded: " << k.reply;
    } catch (const pop3_exception& e) {
      EXPECT_EQ(e.code(), k.want) << k.reply;
      EXPECT_THAT(e.reply_text(), HasSubstr("-ERR"));
    }
    EXPECT_SCRIPT_OK(srv);
  }
}

TEST(Pop3Login, ErrGreetingIsRefusal) {
  mock_server srv(script().send("-ERR [SYS/TEMP] overloaded\r\n").expect_eof());
  {
    blocking_client c;
    try {
      c.connect(options_for(srv));
      FAIL() << "-ERR greeting accepted";
    } catch (const pop3_exception& e) {
      EXPECT_EQ(e.code(), error::temporary_failure);
    }
  }
  mock_server srv2(script().send("* OK IMAP here\r\n"));
  blocking_client c2;
  try {
    c2.connect(options_for(srv2));
    FAIL() << "non-POP3 greeting accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::malformed_response);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Login, ControlCharactersInCredentialsSendNothing) {
  mock_server srv(greet_capa({"USER"}).expect_eof());
  {
    blocking_client c;
    client_options o = login_options(srv);
    o.credentials.username = "alice\r\nDELE 1";
    EXPECT_THROW(c.connect(o), std::system_error);
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "CAPA\r\n");
}

TEST(Pop3Parse, ResponseCodes) {
  response r = parse_response(false, "[SYS/TEMP/DISK] disk full");
  EXPECT_EQ(r.code, "SYS/TEMP/DISK");
  EXPECT_EQ(r.text, "disk full");
  EXPECT_EQ(code_for(r, error::negative_response), error::temporary_failure);
  r = parse_response(false, "[in-use] locked");
  EXPECT_EQ(r.code, "IN-USE");
  EXPECT_EQ(code_for(r, error::negative_response), error::mailbox_in_use);
  for (const char* not_code : {"[unterminated text", "[] empty", "[a b] space", "[/x] slash"}) {
    r = parse_response(false, not_code);
    EXPECT_EQ(r.code, "") << not_code;
    EXPECT_EQ(r.text, not_code);
  }
  r = parse_response(true, "");
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.summary(), "+OK");
  EXPECT_EQ(code_for(parse_response(false, "[SYSTEM] x"), error::negative_response),
            error::negative_response);
}

TEST(Pop3Parse, Listings) {
  EXPECT_EQ(detail::parse_scan_listing("3 1024 extra").octets, 1024u);
  EXPECT_THROW(detail::parse_scan_listing("3"), std::system_error);
  EXPECT_THROW(detail::parse_scan_listing("-1 3"), std::system_error);
  EXPECT_THROW(detail::parse_scan_listing("99999999999 3"), std::system_error);
  EXPECT_EQ(detail::parse_uid_listing("7 abc").uid, "abc");
  EXPECT_THROW(detail::parse_uid_listing("7 " + std::string(71, 'a')), std::system_error);
  EXPECT_THROW(detail::parse_uid_listing("7"), std::system_error);
  EXPECT_TRUE(detail::parse_status_line("+ abc", true).continuation);
  EXPECT_THROW(detail::parse_status_line("+ abc", false), std::system_error);
  EXPECT_THROW(detail::parse_status_line("+OKAY", false), std::system_error);
}

}  // namespace
}  // namespace inet::pop3::testing
