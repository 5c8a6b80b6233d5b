// Greeting, EHLO/HELO, capabilities, STARTTLS policy and implicit TLS (RFC 5321 §4.1.1.1,
// §3.2; RFC 3207; RFC 8314) against the scripted mock server.
#include <gtest/gtest.h>

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;
using mock::script;

const std::vector<std::string> full_caps = {
    "SIZE 35882577", "pipelining", "8BITMIME",          "SMTPUTF8", "ENHANCEDSTATUSCODES",
    "DSN",           "CHUNKING",   "AUTH PLAIN LOGIN", "AUTH=LOGIN CRAM-MD5", "STARTTLS"};

TEST(SmtpConnect, ParsesEhloCapabilities) {
  mock_server srv(greet_ehlo(full_caps).expect("QUIT").send("221 bye\r\n").expect_eof());
  blocking_client c;
  c.connect(options_for(srv));  // policy none: STARTTLS offered but not used
  const capabilities& caps = c.server_capabilities();
  EXPECT_TRUE(caps.esmtp);
  for (const char* k : {"SIZE", "PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "DSN",
                        "CHUNKING", "AUTH", "STARTTLS", "pipelining", "Size"})
    EXPECT_TRUE(caps.has(k)) << k;
  EXPECT_FALSE(caps.has("BINARYMIME"));
  ASSERT_TRUE(caps.size_limit.has_value());
  EXPECT_EQ(*caps.size_limit, 35882577u);
  EXPECT_EQ(caps.auth_mechanisms, (std::vector<std::string>{"PLAIN", "LOGIN", "CRAM-MD5"}));
  EXPECT_EQ(c.greeting().code, 220);
  EXPECT_EQ(c.greeting().text(), "mock.test ESMTP ready");
  EXPECT_TRUE(c.authenticated_with().empty());
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nQUIT\r\n");
}

TEST(SmtpConnect, SizeWithoutLimitOrZeroIsNoLimit) {
  for (const char* size_kw : {"SIZE", "SIZE 0", "SIZE 12x"}) {
    mock_server srv(greet_ehlo({size_kw}).expect("QUIT").send("221 bye\r\n"));
    blocking_client c;
    c.connect(options_for(srv));
    EXPECT_TRUE(c.server_capabilities().has("SIZE")) << size_kw;
    EXPECT_FALSE(c.server_capabilities().size_limit.has_value()) << size_kw;
    c.quit();
    EXPECT_SCRIPT_OK(srv);
  }
}

TEST(SmtpConnect, FallsBackToHeloWhenEhloIsUnknown) {
  for (const char* refusal : {"500 5.5.1 what?\r\n", "502 command not implemented\r\n"}) {
    mock_server srv(script()
                        .send("220 old.example SMTP\r\n")
                        .expect("EHLO client.test")
                        .send(refusal)
                        .expect("HELO client.test")
                        .send("250 old.example\r\n")
                        .expect("QUIT")
                        .send("221 bye\r\n"));
    blocking_client c;
    c.connect(options_for(srv));
    EXPECT_FALSE(c.server_capabilities().esmtp);
    EXPECT_TRUE(c.server_capabilities().keywords.empty());
    c.quit();
    EXPECT_SCRIPT_OK(srv);
  }
}

TEST(SmtpConnect, HeloRefusedIsPermanentFailure) {
  mock_server srv(script()
                      .send("220 old.example SMTP\r\n")
                      .expect("EHLO client.test")
                      .send("502 no\r\n")
                      .expect("HELO client.test")
                      .send("550 go away\r\n")
                      .expect_eof());
  {
    blocking_client c;
    try {
      c.connect(options_for(srv));
      FAIL() << "connect succeeded";
    } catch (const smtp_exception& e) {
      EXPECT_EQ(e.code(), error::permanent_failure);
      EXPECT_EQ(e.server_reply().code, 550);
    }
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpConnect, Ehlo421IsServiceUnavailableWithoutHelo) {
  mock_server srv(script()
                      .send("220 mock\r\n")
                      .expect("EHLO client.test")
                      .send("421 4.3.2 shutting down\r\n")
                      .expect_eof());
  {
    blocking_client c;
    try {
      c.connect(options_for(srv));
      FAIL() << "connect succeeded";
    } catch (const smtp_exception& e) {
      EXPECT_EQ(e.code(), error::service_unavailable);
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\n");
}

TEST(SmtpConnect, Greeting554IsServiceUnavailable) {
  for (const char* greeting : {"554 5.3.2 no service for you\r\n", "421 busy\r\n"}) {
    mock_server srv(script().send(greeting).expect_eof());
    try {
      blocking_client c;
      c.connect(options_for(srv));
      FAIL() << "connect succeeded";
    } catch (const smtp_exception& e) {
      EXPECT_EQ(e.code(), error::service_unavailable) << greeting;
      EXPECT_EQ(e.server_reply().code, std::stoi(greeting));
    }
    EXPECT_SCRIPT_OK(srv);
    EXPECT_EQ(srv.received(), "") << "nothing may be sent after a refusing greeting";
  }
}

TEST(SmtpConnect, Non220GreetingIsBadGreeting) {
  for (const char* greeting : {"250 hello\r\n", "530 auth first\r\n", "220-multi\r\n230 x\r\n"}) {
    mock_server srv(script().send(greeting).expect_eof());
    try {
      blocking_client c;
      c.connect(options_for(srv));
      FAIL() << "connect succeeded for " << greeting;
    } catch (const smtp_exception& e) {
      EXPECT_EQ(e.code(), error::bad_greeting) << greeting;
    } catch (const std::system_error& e) {
      // "220-multi" then a different code is a malformed reply, also fine: not a greeting.
      EXPECT_EQ(e.code(), error::malformed_reply) << greeting;
    }
    EXPECT_SCRIPT_OK(srv);
    EXPECT_EQ(srv.received(), "");
  }
}

TEST(SmtpConnect, MultiLineGreetingIsAccepted) {
  mock_server srv(script()
                      .send("220-mock.test first\r\n220-second\r\n220 third\r\n")
                      .expect("EHLO client.test")
                      .send(ehlo_reply({}))
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(c.greeting().lines, (std::vector<std::string>{"mock.test first", "second", "third"}));
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpConnect, HeloNameWithSpaceOrCrlfIsRefusedBeforeConnecting) {
  for (const std::string& bad :
       {std::string("a b"), std::string("a\r\nMAIL FROM:<x>"), std::string("a\0b", 3)}) {
    mock_server srv{script()};
    client_options o = options_for(srv);
    o.helo_name = bad;
    blocking_client c;
    try {
      c.connect(o);
      FAIL() << "accepted EHLO name";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), transport::error::invalid_argument);
    }
    EXPECT_EQ(srv.received(), "");
  }
}

// ---- STARTTLS (RFC 3207) ------------------------------------------------------------------

TEST(SmtpStartTls, RequiredUpgradesAndForgetsPlaintextCapabilities) {
  // Plaintext EHLO offers SCRAM and CRAM-MD5 and a SIZE; after TLS only PLAIN LOGIN and no SIZE.
  // A client that kept the old list would pick SCRAM-SHA-256 (stronger); it must pick PLAIN.
  mock_server srv(greet_ehlo({"STARTTLS", "AUTH SCRAM-SHA-256 CRAM-MD5", "SIZE 1000", "DSN"})
                      .expect("STARTTLS")
                      .send("220 2.0.0 go ahead\r\n")
                      .start_tls()
                      .expect("EHLO client.test")
                      .send(ehlo_reply({"AUTH PLAIN LOGIN", "PIPELINING"}))
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
                      .send("235 2.7.0 ok\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n")
                      .close());
  client_options o = options_for(srv);
  o.policy.reset();  // default with credentials: required
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  blocking_client c;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "PLAIN");
  const capabilities& caps = c.server_capabilities();
  EXPECT_FALSE(caps.has("STARTTLS"));
  EXPECT_FALSE(caps.has("SIZE"));
  EXPECT_FALSE(caps.has("DSN"));
  EXPECT_FALSE(caps.size_limit.has_value());
  EXPECT_TRUE(caps.has("PIPELINING"));
  EXPECT_EQ(caps.auth_mechanisms, (std::vector<std::string>{"PLAIN", "LOGIN"}));
  EXPECT_TRUE(c.tls_details().verified);
  EXPECT_FALSE(c.tls_details().protocol.empty());
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(),
            "EHLO client.test\r\nSTARTTLS\r\nEHLO client.test\r\n"
            "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nQUIT\r\n");
}

TEST(SmtpStartTls, RequiredButAbsentSendsNothingAfterEhlo) {
  mock_server srv(greet_ehlo({"AUTH PLAIN", "PIPELINING"}).expect_eof());
  {
    client_options o = options_for(srv);
    o.policy.reset();
    o.credentials.username = "alice";
    o.credentials.password = "secret";
    blocking_client c;
    try {
      c.connect(o);
      FAIL() << "connected without TLS";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::tls_required);
      EXPECT_EQ(e.code(), inet::condition::tls_required);
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\n");
}

TEST(SmtpStartTls, ExplicitRequiredWithoutCredentialsAlsoFails) {
  mock_server srv(greet_ehlo({"PIPELINING"}).expect_eof());
  {
    client_options o = options_for(srv);
    o.policy = transport::tls_policy::required;
    blocking_client c;
    try {
      c.connect(o);
      FAIL() << "connected without TLS";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::tls_required);
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\n");
}

TEST(SmtpStartTls, RequiredAndRefusedFailsWithTlsRequired) {
  mock_server srv(greet_ehlo({"STARTTLS", "AUTH PLAIN"})
                      .expect("STARTTLS")
                      .send("454 4.7.0 TLS not available\r\n")
                      .expect_eof());
  {
    client_options o = options_for(srv);
    o.policy.reset();
    o.credentials.username = "alice";
    o.credentials.password = "secret";
    blocking_client c;
    try {
      c.connect(o);
      FAIL() << "connected without TLS";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::tls_required);
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nSTARTTLS\r\n");
}

TEST(SmtpStartTls, OpportunisticUpgradesWhenOffered) {
  mock_server srv(greet_ehlo({"STARTTLS"})
                      .expect("STARTTLS")
                      .send("220 go\r\n")
                      .start_tls()
                      .expect("EHLO client.test")
                      .send(ehlo_reply({"8BITMIME"}))
                      .expect("QUIT")
                      .send("221 bye\r\n")
                      .close());
  client_options o = options_for(srv);
  o.policy.reset();  // no credentials: opportunistic
  coro_driver c;
  c.connect(o);
  EXPECT_TRUE(c.is_tls());
  EXPECT_TRUE(c.caps().has("8BITMIME"));
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpStartTls, OpportunisticContinuesInPlaintextWhenAbsentOrRefused) {
  mock_server absent(greet_ehlo({"8BITMIME"}).expect("NOOP").send("250 ok\r\n"));
  mock_server refused(greet_ehlo({"STARTTLS"})
                          .expect("STARTTLS")
                          .send("454 not now\r\n")
                          .expect("NOOP")
                          .send("250 ok\r\n"));
  for (mock_server* srv : {&absent, &refused}) {
    client_options o = options_for(*srv);
    o.policy = transport::tls_policy::opportunistic;
    coro_driver c;
    c.connect(o);
    EXPECT_FALSE(c.is_tls());
    EXPECT_EQ(c.noop().code, 250);
    EXPECT_SCRIPT_OK(*srv);
  }
}

TEST(SmtpStartTls, OpportunisticPlaintextNeverRevealsAPassword) {
  // Without STARTTLS, opportunistic continues in plaintext, but PLAIN/LOGIN would reveal the
  // password: the client refuses before AUTH (only tls_policy::none opts into that).
  mock_server srv(greet_ehlo({"AUTH PLAIN LOGIN"}).expect_eof());
  {
    client_options o = options_for(srv);
    o.policy = transport::tls_policy::opportunistic;
    o.credentials.username = "alice";
    o.credentials.password = "secret";
    blocking_client c;
    try {
      c.connect(o);
      ADD_FAILURE() << "connect succeeded";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), inet::smtp::error::tls_required) << e.what();
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received().find("AUTH"), std::string::npos) << srv.received();
}

TEST(SmtpStartTls, OpportunisticPlaintextMayUseScram) {
  // A mechanism that does not reveal the password is allowed without TLS.
  mock_server srv(greet_ehlo({"AUTH CRAM-MD5"})
                      .expect("AUTH CRAM-MD5")
                      .send("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
                      .expect("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw")
                      .send("235 ok\r\n"));
  client_options o = options_for(srv);
  o.policy = transport::tls_policy::opportunistic;
  o.credentials.username = "tim";
  o.credentials.password = "tanstaaftanstaaf";
  blocking_client c;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "CRAM-MD5");
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpStartTls, PolicyNoneNeverSendsStartTls) {
  mock_server srv(greet_ehlo({"STARTTLS", "PIPELINING"}).expect("NOOP").send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));  // tls_policy::none
  EXPECT_EQ(c.noop().code, 250);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nNOOP\r\n");
}

TEST(SmtpStartTls, InjectedBytesAfterGoAheadAreRefused) {
  mock_server srv(greet_ehlo({"STARTTLS", "AUTH PLAIN"})
                      .expect("STARTTLS")
                      .send("220 go\r\n250 injected\r\n")
                      .expect_eof());
  {
    client_options o = options_for(srv);
    o.policy = transport::tls_policy::required;
    o.credentials.username = "alice";
    o.credentials.password = "secret";
    blocking_client c;
    try {
      c.connect(o);
      FAIL() << "accepted an injected reply";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), transport::error::starttls_injection);
    }
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nSTARTTLS\r\n");
}

TEST(SmtpStartTls, WrongHostCertificateFailsBeforeAuth) {
  mock_server srv(greet_ehlo({"STARTTLS", "AUTH PLAIN"})
                      .expect("STARTTLS")
                      .send("220 go\r\n")
                      .start_tls(mock::cert_kind::wrong_host));
  client_options o = options_for(srv);
  o.policy.reset();
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  {
    blocking_client c;
    try {
      c.connect(o);
      FAIL() << "accepted a certificate for wrong.example";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), transport::error::certificate_verify_failed);
    }
  }
  srv.wait_done();
  EXPECT_EQ(srv.received().find("AUTH"), std::string::npos);
}

// ---- implicit TLS (RFC 8314) -------------------------------------------------------------

TEST(SmtpImplicitTls, ConnectsWithTestCa) {
  mock::server_options so;
  so.implicit_tls = true;
  mock_server srv(greet_ehlo({"AUTH PLAIN"})
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
                      .send("235 ok\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n")
                      .close(),
                  so);
  client_options o = options_for(srv);
  o.security = security::implicit_tls;
  o.policy.reset();
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  blocking_client c;
  c.connect(o);
  EXPECT_TRUE(c.tls_details().verified);
  EXPECT_EQ(c.authenticated_with(), "PLAIN");
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpImplicitTls, BadCertificatesFailVerification) {
  for (auto kind : {mock::cert_kind::wrong_host, mock::cert_kind::expired,
                    mock::cert_kind::self_signed}) {
    mock::server_options so;
    so.implicit_tls = true;
    so.cert = kind;
    mock_server srv(greet_ehlo({}), so);
    client_options o = options_for(srv);
    o.security = security::implicit_tls;
    {
      blocking_client c;
      try {
        c.connect(o);
        FAIL() << "accepted certificate kind " << static_cast<int>(kind);
      } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), transport::error::certificate_verify_failed)
            << static_cast<int>(kind) << ": " << e.what();
      }
    }
    srv.wait_done();
    EXPECT_EQ(srv.received(), "");
  }
}

TEST(SmtpImplicitTls, UntrustedWithoutCaFileFails) {
  mock::server_options so;
  so.implicit_tls = true;
  mock_server srv(greet_ehlo({}), so);
  client_options o = options_for(srv);
  o.security = security::implicit_tls;
  o.tls.ca_file.clear();  // system store: the test CA is not in it
  blocking_client c;
  try {
    c.connect(o);
    FAIL() << "trusted the test CA without being told";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::certificate_verify_failed);
  }
}

}  // namespace
}  // namespace inet::smtp::testing
