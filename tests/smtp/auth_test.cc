// SMTP AUTH (RFC 4954) with every SASL mechanism against the scripted mock server. SCRAM is
// checked for real: the mock plays the server side of RFC 7677 and verifies the client proof
// with OpenSSL.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "protocols/codec/base64.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::connection_ctl;
using mock::mock_server;
using mock::script;

client_options with_login(const mock_server& srv, std::string user, std::string pass) {
  client_options o = options_for(srv);
  o.credentials.username = std::move(user);
  o.credentials.password = std::move(pass);
  return o;
}

// Connects expecting a failure; returns its code (and the reply, if an smtp_exception).
std::error_code connect_error(client_options o, reply* r = nullptr) {
  blocking_client c;
  try {
    c.connect(std::move(o));
  } catch (const smtp_exception& e) {
    if (r) *r = e.server_reply();
    return e.code();
  } catch (const std::system_error& e) {
    return e.code();
  }
  ADD_FAILURE() << "connect succeeded";
  return {};
}

TEST(SmtpAuth, PlainUsesInitialResponse) {
  mock_server srv(greet_ehlo({"AUTH PLAIN"})
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
                      .send("235 2.7.0 Authentication successful\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  blocking_client c;
  c.connect(with_login(srv, "alice", "secret"));
  EXPECT_EQ(c.authenticated_with(), "PLAIN");
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nQUIT\r\n");
}

TEST(SmtpAuth, OverlongInitialResponseWaitsForEmptyChallenge) {
  // RFC 4954 §4: AUTH lines are limited to 12288 octets; a longer initial response goes after
  // an empty 334 challenge instead.
  const std::string pass(10000, 'p');
  const std::string ir = codec::base64_encode(std::string("\0alice\0", 7) + pass);
  ASSERT_GT(ir.size(), 12288u);
  mock_server srv(greet_ehlo({"AUTH PLAIN"})
                      .expect("AUTH PLAIN")
                      .send("334 \r\n")
                      .expect(ir)
                      .send("235 ok\r\n"));
  blocking_client c;
  c.connect(with_login(srv, "alice", pass));
  EXPECT_EQ(c.authenticated_with(), "PLAIN");
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAuth, LoginExchange) {
  mock_server srv(greet_ehlo({"AUTH LOGIN"})
                      .expect("AUTH LOGIN")
                      .send("334 VXNlcm5hbWU6\r\n")
                      .expect("YWxpY2U=")
                      .send("334 UGFzc3dvcmQ6\r\n")
                      .expect("c2VjcmV0")
                      .send("235 2.7.0 ok\r\n"));
  blocking_client c;
  c.connect(with_login(srv, "alice", "secret"));
  EXPECT_EQ(c.authenticated_with(), "LOGIN");
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAuth, ForcedMechanismIsCaseInsensitive) {
  mock_server srv(greet_ehlo({"AUTH CRAM-MD5 PLAIN LOGIN"})
                      .expect("AUTH LOGIN")
                      .send("334 VXNlcm5hbWU6\r\n")
                      .expect("YWxpY2U=")
                      .send("334 UGFzc3dvcmQ6\r\n")
                      .expect("c2VjcmV0")
                      .send("235 ok\r\n"));
  client_options o = with_login(srv, "alice", "secret");
  o.auth_mechanism = "login";
  blocking_client c;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "LOGIN");
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAuth, CramMd5ExchangeRfc2195) {
  // CRAM-MD5 is preferred over PLAIN and LOGIN; RFC 2195 §2's example exchange.
  mock_server srv(greet_ehlo({"AUTH PLAIN LOGIN CRAM-MD5"})
                      .expect("AUTH CRAM-MD5")
                      .send("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
                      .expect("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw")
                      .send("235 ok\r\n"));
  blocking_client c;
  c.connect(with_login(srv, "tim", "tanstaaftanstaaf"));
  EXPECT_EQ(c.authenticated_with(), "CRAM-MD5");
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAuth, WrongPasswordIsAuthFailedWithReplyText) {
  mock_server srv(greet_ehlo({"ENHANCEDSTATUSCODES", "AUTH PLAIN"})
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
                      .send("535 5.7.8 Authentication credentials invalid\r\n")
                      .expect_eof());
  reply r;
  const std::error_code ec = connect_error(with_login(srv, "alice", "secret"), &r);
  EXPECT_EQ(ec, error::auth_failed);
  EXPECT_EQ(ec, inet::condition::auth_failed);
  EXPECT_EQ(r.code, 535);
  ASSERT_TRUE(r.status.has_value());
  EXPECT_EQ(r.status->to_string(), "5.7.8");
  EXPECT_EQ(r.text(), "Authentication credentials invalid");
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAuth, TemporaryAuthFailureIsTransient) {
  mock_server srv(greet_ehlo({"AUTH PLAIN"})
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
                      .send("454 4.7.0 Temporary authentication failure\r\n")
                      .expect_eof());
  EXPECT_EQ(connect_error(with_login(srv, "alice", "secret")), error::transient_failure);
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAuth, ForcedMechanismNotOfferedSendsNoAuth) {
  mock_server srv(greet_ehlo({"AUTH PLAIN LOGIN"}).expect_eof());
  client_options o = with_login(srv, "alice", "secret");
  o.auth_mechanism = "CRAM-MD5";
  EXPECT_EQ(connect_error(o), error::auth_unavailable);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\n");
}

TEST(SmtpAuth, NoAuthOfferedOrNoCommonMechanism) {
  mock_server none(greet_ehlo({"PIPELINING"}).expect_eof());
  EXPECT_EQ(connect_error(with_login(none, "alice", "secret")), error::auth_unavailable);
  EXPECT_SCRIPT_OK(none);
  // Only GSSAPI offered: nothing this client implements.
  mock_server gss(greet_ehlo({"AUTH GSSAPI NTLM"}).expect_eof());
  EXPECT_EQ(connect_error(with_login(gss, "alice", "secret")), error::auth_unavailable);
  EXPECT_SCRIPT_OK(gss);
  EXPECT_EQ(gss.received(), "EHLO client.test\r\n");
}

TEST(SmtpAuth, NonBase64ChallengeIsCancelled) {
  mock_server srv(greet_ehlo({"AUTH LOGIN"})
                      .expect("AUTH LOGIN")
                      .send("334 !!not base64!!\r\n")
                      .expect("*")
                      .send("501 5.7.0 cancelled\r\n")
                      .expect_eof());
  EXPECT_EQ(connect_error(with_login(srv, "alice", "secret")), error::malformed_reply);
  EXPECT_SCRIPT_OK(srv);
}

// ---- XOAUTH2 with token refresh ------------------------------------------------------------

class recording_provider : public sasl::token_provider {
 public:
  std::string token(bool force_refresh) override {
    calls.push_back(force_refresh);
    return force_refresh ? "new-token" : "old-token";
  }
  std::vector<bool> calls;
};

constexpr const char* xoauth_old = "AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBvbGQtdG9rZW4BAQ==";
constexpr const char* xoauth_new = "AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBuZXctdG9rZW4BAQ==";
constexpr const char* xoauth_error_json =
    "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21h"
    "aWwuZ29vZ2xlLmNvbS8ifQ==\r\n";

TEST(SmtpAuth, Xoauth2RefreshesRejectedTokenOnce) {
  mock_server srv(greet_ehlo({"AUTH XOAUTH2 PLAIN"})
                      .expect(xoauth_old)
                      .send(xoauth_error_json)
                      .expect("")
                      .send("535 5.7.8 Username and Password not accepted\r\n")
                      .expect(xoauth_new)
                      .send("235 2.7.0 Accepted\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  auto provider = std::make_shared<recording_provider>();
  client_options o = options_for(srv);
  o.credentials.username = "alice";
  o.token_provider = provider;
  blocking_client c;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "XOAUTH2");
  EXPECT_EQ(provider->calls, (std::vector<bool>{false, true}));
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAuth, Xoauth2SecondRejectionIsAuthFailed) {
  mock_server srv(greet_ehlo({"AUTH XOAUTH2"})
                      .expect(xoauth_old)
                      .send(xoauth_error_json)
                      .expect("")
                      .send("535 5.7.8 no\r\n")
                      .expect(xoauth_new)
                      .send(xoauth_error_json)
                      .expect("")
                      .send("535 5.7.8 still no\r\n")
                      .expect_eof());
  auto provider = std::make_shared<recording_provider>();
  client_options o = options_for(srv);
  o.credentials.username = "alice";
  o.token_provider = provider;
  reply r;
  EXPECT_EQ(connect_error(o, &r), error::auth_failed);
  EXPECT_EQ(r.code, 535);
  EXPECT_EQ(provider->calls, (std::vector<bool>{false, true}));
  EXPECT_SCRIPT_OK(srv);
}

// OAUTHBEARER (RFC 7628) needs no user name: a token provider alone authenticates. A
// rejected token gets the RFC 7628 §3.2.3 error exchange (the client answers the error
// challenge with a lone %x01), then one refresh and one retry with the new token.
TEST(SmtpAuth, OauthbearerWithoutUserNameRefreshesOnce) {
  mock_server srv(greet_ehlo({"AUTH OAUTHBEARER"})
                      .expect_regex("AUTH OAUTHBEARER [A-Za-z0-9+/=]+")
                      .send(xoauth_error_json)
                      .expect("AQ==")
                      .send("535 5.7.8 token expired\r\n")
                      .expect_regex("AUTH OAUTHBEARER [A-Za-z0-9+/=]+")
                      .send("235 2.7.0 Accepted\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  auto provider = std::make_shared<recording_provider>();
  client_options o = options_for(srv);
  o.token_provider = provider;  // no credentials.username
  blocking_client c;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "OAUTHBEARER");
  EXPECT_EQ(provider->calls, (std::vector<bool>{false, true}));
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  const auto lines = srv.received_lines();
  std::vector<std::string> responses;
  for (const auto& l : lines)
    if (l.rfind("AUTH OAUTHBEARER ", 0) == 0) responses.push_back(codec::base64_decode(l.substr(17)).value_or("?"));
  const std::string tail = "\x01port=" + std::to_string(srv.port()) + "\x01" "auth=Bearer ";
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0], "n,,\x01host=" + srv.host() + tail + "old-token\x01\x01");
  EXPECT_EQ(responses[1], "n,,\x01host=" + srv.host() + tail + "new-token\x01\x01");
}

// ---- SCRAM-SHA-256 (RFC 5802, RFC 7677) --------------------------------------------------

std::string hmac256(std::string_view key, std::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string sha256(std::string_view in) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(in.data()), in.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string xor_bytes(std::string a, std::string_view b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<char>(a[i] ^ b[i]);
  return a;
}

// The server side of RFC 5802 §3: the proof the client must send and the server signature.
struct scram_expectation {
  std::string client_proof_b64, server_signature_b64;
};
scram_expectation scram_server_side(std::string_view password, std::string_view salt, int iter,
                                    std::string_view auth_message) {
  unsigned char salted[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iter, EVP_sha256(), sizeof salted, salted);
  const std::string sp(reinterpret_cast<char*>(salted), sizeof salted);
  const std::string client_key = hmac256(sp, "Client Key");
  const std::string stored_key = sha256(client_key);
  const std::string proof = xor_bytes(client_key, hmac256(stored_key, auth_message));
  const std::string server_sig = hmac256(hmac256(sp, "Server Key"), auth_message);
  return {codec::base64_encode(proof), codec::base64_encode(server_sig)};
}

constexpr const char* rfc7677_salt_b64 = "W22ZaJ0SNY7soEsUEjb6gQ==";
constexpr const char* rfc7677_server_nonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

TEST(SmtpAuthScram, ServerSideHelperMatchesRfc7677Vector) {
  const std::string auth_message =
      "n=user,r=rOprNGfwEbeRWgbNEkqO,"
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  const auto e = scram_server_side("pencil", *codec::base64_decode(rfc7677_salt_b64), 4096,
                                   auth_message);
  EXPECT_EQ(e.client_proof_b64, "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  EXPECT_EQ(e.server_signature_b64, "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}

enum class scram_ending { good_signature, wrong_signature, no_signature, server_error };

// A custom step that reads the client-first message, answers with RFC 7677's salt and server
// nonce appended to the client's nonce, checks the client's proof and ends as `how` says.
std::function<void(connection_ctl&)> scram_server(std::string user, std::string password,
                                                  scram_ending how) {
  return [=](connection_ctl& c) {
    const std::string prefix = "AUTH SCRAM-SHA-256 ";
    const std::string first_line = c.read_line();
    if (first_line.rfind(prefix, 0) != 0) c.fail("expected AUTH SCRAM-SHA-256 <ir>: " + first_line);
    const auto first = codec::base64_decode(first_line.substr(prefix.size()));
    if (!first || first->rfind("n,,", 0) != 0) c.fail("client-first lacks the n,, gs2 header");
    const std::string bare = first->substr(3);
    const std::string want_user = "n=" + user + ",r=";
    if (bare.rfind(want_user, 0) != 0) c.fail("client-first-bare: " + bare);
    const std::string nonce = bare.substr(want_user.size()) + rfc7677_server_nonce;
    const std::string server_first =
        "r=" + nonce + ",s=" + rfc7677_salt_b64 + ",i=4096";
    c.write("334 " + codec::base64_encode(server_first) + "\r\n");

    const auto final_msg = codec::base64_decode(c.read_line());
    if (!final_msg) c.fail("client-final is not base64");
    const std::size_t p = final_msg->rfind(",p=");
    if (p == std::string::npos) c.fail("client-final has no proof");
    const std::string without_proof = final_msg->substr(0, p);
    if (without_proof != "c=biws,r=" + nonce) c.fail("client-final: " + without_proof);
    const auto e = scram_server_side(password, *codec::base64_decode(rfc7677_salt_b64), 4096,
                                     bare + "," + server_first + "," + without_proof);
    if (final_msg->substr(p + 3) != e.client_proof_b64) c.fail("wrong client proof");
    switch (how) {
      case scram_ending::good_signature:
        c.write("334 " + codec::base64_encode("v=" + e.server_signature_b64) + "\r\n");
        break;
      case scram_ending::wrong_signature:
        c.write("334 " + codec::base64_encode("v=" + e.client_proof_b64) + "\r\n");
        break;
      case scram_ending::no_signature: c.write("235 2.7.0 trust me\r\n"); break;
      case scram_ending::server_error:
        c.write("334 " + codec::base64_encode("e=invalid-proof") + "\r\n");
        break;
    }
  };
}

TEST(SmtpAuthScram, FullExchangeVerifiesBothSides) {
  mock_server srv(greet_ehlo({"AUTH PLAIN SCRAM-SHA-256 CRAM-MD5"})
                      .run(scram_server("user", "pencil", scram_ending::good_signature))
                      .expect("")
                      .send("235 2.7.0 ok\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  blocking_client c;
  c.connect(with_login(srv, "user", "pencil"));
  EXPECT_EQ(c.authenticated_with(), "SCRAM-SHA-256");
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAuthScram, WrongServerSignatureFailsAndCancels) {
  mock_server srv(greet_ehlo({"AUTH SCRAM-SHA-256"})
                      .run(scram_server("user", "pencil", scram_ending::wrong_signature))
                      .expect("*")
                      .send("501 5.7.0 cancelled\r\n")
                      .expect_eof());
  EXPECT_EQ(connect_error(with_login(srv, "user", "pencil")),
            sasl::error::server_signature_mismatch);
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAuthScram, SuccessWithoutServerSignatureIsRefused) {
  mock_server srv(greet_ehlo({"AUTH SCRAM-SHA-256"})
                      .run(scram_server("user", "pencil", scram_ending::no_signature))
                      .expect_eof());
  EXPECT_EQ(connect_error(with_login(srv, "user", "pencil")),
            sasl::error::server_signature_mismatch);
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAuthScram, ServerErrorAttributeFails) {
  mock_server srv(greet_ehlo({"AUTH SCRAM-SHA-256"})
                      .run(scram_server("user", "pencil", scram_ending::server_error))
                      .expect("*")
                      .send("535 5.7.8 no\r\n")
                      .expect_eof());
  EXPECT_EQ(connect_error(with_login(srv, "user", "pencil")), sasl::error::server_error);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::smtp::testing
