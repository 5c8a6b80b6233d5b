// The NNTP client's session: greeting, CAPABILITIES, STARTTLS, MODE READER, AUTHINFO (exact
// bytes on the wire with the mock kit).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/codec/base64.hpp"
#include "protocols/nntp/client.hpp"
#include "protocols/nntp/internal.hpp"
#include "tests/nntp/test_util.hpp"
#include "tests/transport/alpn_server.hpp"

namespace inet::nntp::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

template <typename F>
std::error_code failure_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

TEST(NntpSession, GreetingCapabilitiesAndQuit) {
  mock::mock_server srv(greet().expect("QUIT").send("205 bye\r\n").close());
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_TRUE(c.posting_allowed());
  EXPECT_EQ(c.greeting().code, 200);
  EXPECT_TRUE(c.server_capabilities().reader);
  EXPECT_TRUE(c.server_capabilities().over);
  EXPECT_THAT(c.server_capabilities().list,
              ElementsAre("ACTIVE", "NEWSGROUPS", "OVERVIEW.FMT", "HEADERS"));
  EXPECT_EQ(c.quit().code, 205);
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpSession, GreetingUnavailableIsServiceUnavailable) {
  mock::mock_server srv(mock::script().send("502 go away\r\n").expect_eof());
  blocking_client c;
  try {
    c.connect(options_for(srv));
    FAIL() << "connected";
  } catch (const nntp_exception& e) {
    EXPECT_EQ(e.code(), error::service_unavailable);
    EXPECT_EQ(e.server_reply().code, 502);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpSession, ModeReaderWhenTransitServer) {
  mock::mock_server srv(greet({"VERSION 2", "IHAVE", "MODE-READER"})
                            .expect("MODE READER")
                            .send("201 reader, no posting\r\n")
                            .expect("CAPABILITIES")
                            .send(caps_reply({"VERSION 2", "READER"}))
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_FALSE(c.posting_allowed());
  EXPECT_TRUE(c.server_capabilities().reader);
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpSession, StarttlsRequiredButNotOfferedSendsNothingElse) {
  mock::mock_server srv(greet({"VERSION 2", "READER", "AUTHINFO USER"}).expect_eof());
  blocking_client c;
  client_options o = options_for(srv);
  o.policy = transport::tls_policy::required;
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  EXPECT_EQ(failure_of([&] { c.connect(o); }), error::tls_required);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), ::testing::Not(HasSubstr("AUTHINFO")));
}

TEST(NntpSession, StarttlsThenCapabilitiesAgainThenAuthinfoUserPass) {
  mock::mock_server srv(greet({"VERSION 2", "READER", "STARTTLS"})
                            .expect("STARTTLS")
                            .send("382 continue with TLS negotiation\r\n")
                            .start_tls()
                            .expect("CAPABILITIES")
                            .send(caps_reply({"VERSION 2", "READER", "AUTHINFO USER"}))
                            .expect("AUTHINFO USER alice")
                            .send("381 password required\r\n")
                            .expect("AUTHINFO PASS secret")
                            .send("281 authentication accepted\r\n")
                            .expect("CAPABILITIES")
                            .send(caps_reply({"VERSION 2", "READER", "POST"}))
                            .close());
  blocking_client c;
  client_options o = options_for(srv);
  o.policy.reset();  // credentials: TLS required
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  c.connect(o);
  EXPECT_TRUE(c.is_tls());
  EXPECT_EQ(c.authenticated_with(), "USER");
  EXPECT_TRUE(c.server_capabilities().post);
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpSession, AuthinfoRejected481) {
  mock::mock_server srv(greet({"VERSION 2", "READER", "AUTHINFO USER"})
                            .expect("AUTHINFO USER alice")
                            .send("381 password required\r\n")
                            .expect("AUTHINFO PASS wrong")
                            .send("481 authentication failed\r\n")
                            .close());
  blocking_client c;
  client_options o = options_for(srv);
  o.credentials.username = "alice";
  o.credentials.password = "wrong";
  try {
    c.connect(o);
    FAIL() << "logged in";
  } catch (const nntp_exception& e) {
    EXPECT_EQ(e.code(), error::auth_failed);
    EXPECT_EQ(e.code(), inet::condition::auth_failed);
    EXPECT_EQ(e.server_reply().code, 481);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpSession, UserPassNeverInClearUnlessPolicyNone) {
  mock::mock_server srv(greet({"VERSION 2", "READER", "AUTHINFO USER"}).expect_eof());
  blocking_client c;
  client_options o = options_for(srv);
  o.policy = transport::tls_policy::opportunistic;
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  EXPECT_EQ(failure_of([&] { c.connect(o); }), error::tls_required);
  c.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpSession, AuthinfoSaslPlainWithInitialResponse) {
  const std::string ir = codec::base64_encode(std::string("\0alice\0secret", 13));
  mock::mock_server srv(greet({"VERSION 2", "READER", "AUTHINFO SASL", "SASL PLAIN"})
                            .expect("AUTHINFO SASL PLAIN " + ir)
                            .send("281 authentication accepted\r\n")
                            .expect("CAPABILITIES")
                            .send(caps_reply({"VERSION 2", "READER"}))
                            .close());
  blocking_client c;
  client_options o = options_for(srv);
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "PLAIN");
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpSession, AuthinfoSaslFailure482) {
  mock::mock_server srv(greet({"VERSION 2", "READER", "SASL PLAIN"})
                            .expect_regex("AUTHINFO SASL PLAIN .+")
                            .send("482 authentication commands issued out of sequence\r\n")
                            .close());
  blocking_client c;
  client_options o = options_for(srv);
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  EXPECT_EQ(failure_of([&] { c.connect(o); }), error::auth_failed);
  EXPECT_SCRIPT_OK(srv);
}

// nntps offers ALPN "nntp" (IANA id, RFC 7301); a server selecting another protocol (ALPACA)
// fails the connect before any NNTP byte.
TEST(NntpSession, ImplicitTlsOffersNntpAndRefusesAnotherAlpnProtocol) {
  for (const char* selected : {"http/1.1", "nntp"}) {
    inet::testing::alpn_choice choice{selected, {}};
    mock::mock_server srv(greet(), inet::testing::alpn_server(&choice));
    blocking_client c;
    client_options o = options_for(srv);
    o.security = security::implicit_tls;
    const std::error_code ec = failure_of([&] { c.connect(o); });
    if (std::string(selected) == "nntp") {
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_TRUE(c.is_tls());
    } else {
      EXPECT_EQ(ec, transport::error::alpn_mismatch) << ec.message();
    }
    c.close();
    srv.wait_done();
    EXPECT_EQ(choice.offered, "\x04nntp") << selected;
    if (*selected == 'h') {
      EXPECT_EQ(srv.received(), "");
    }
  }
}

TEST(NntpRedact, AuthinfoPassAndSaslHidden) {
  EXPECT_EQ(detail::redact_trace("AUTHINFO PASS secret"), "AUTHINFO PASS <redacted>");
  EXPECT_EQ(detail::redact_trace("authinfo sasl PLAIN AGFsaWNl"), "AUTHINFO SASL PLAIN <redacted>");
  EXPECT_EQ(detail::redact_trace("AUTHINFO SASL SCRAM-SHA-256"), std::nullopt);
  EXPECT_EQ(detail::redact_trace("AUTHINFO USER alice"), std::nullopt);
  EXPECT_EQ(detail::redact_trace("GROUP misc.test"), std::nullopt);
}

}  // namespace
}  // namespace inet::nntp::testing
