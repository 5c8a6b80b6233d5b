// AUTHINFO SASL SCRAM-SHA-256 (RFC 4643 §2.4, RFC 7677) against the mock server, ending the way
// INN ends it: "283 <base64 server-final>" (accepted with success data, RFC 4643 §2.4.1). The
// client must verify that data: a right server signature logs in, a wrong one fails with
// server_signature_mismatch and closes (it never uses a session it could not verify).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "protocols/codec/base64.hpp"
#include "protocols/nntp/client.hpp"
#include "protocols/sasl/mechanism.hpp"
#include "tests/nntp/test_util.hpp"

namespace inet::nntp::testing {
namespace {

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

constexpr const char* salt_b64 = "W22ZaJ0SNY7soEsUEjb6gQ==";  // RFC 7677's example salt
constexpr const char* server_nonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

// The server side of RFC 5802 §3 for "alice"/"secret": answers the client-first message with
// 383 server-first, checks the proof, ends with 283 v=<signature> (or a wrong signature).
std::function<void(mock::connection_ctl&)> scram_server(bool right_signature) {
  return [=](mock::connection_ctl& c) {
    const std::string prefix = "AUTHINFO SASL SCRAM-SHA-256 ";
    const std::string line = c.read_line();
    if (line.rfind(prefix, 0) != 0) c.fail("expected " + prefix + "<ir>: " + line);
    const auto first = codec::base64_decode(line.substr(prefix.size()));
    if (!first || first->rfind("n,,n=alice,r=", 0) != 0) c.fail("client-first: " + line);
    const std::string bare = first->substr(3);
    const std::string nonce = bare.substr(10) + server_nonce;
    const std::string server_first = "r=" + nonce + ",s=" + salt_b64 + ",i=4096";
    c.write("383 " + codec::base64_encode(server_first) + "\r\n");

    const auto fin = codec::base64_decode(c.read_line());
    if (!fin) c.fail("client-final is not base64");
    const std::size_t p = fin->rfind(",p=");
    if (p == std::string::npos) c.fail("client-final has no proof");
    const std::string without_proof = fin->substr(0, p);
    const std::string auth = bare + "," + server_first + "," + without_proof;
    const std::string salt = *codec::base64_decode(salt_b64);
    unsigned char salted[32];
    PKCS5_PBKDF2_HMAC("secret", 6, reinterpret_cast<const unsigned char*>(salt.data()),
                      static_cast<int>(salt.size()), 4096, EVP_sha256(), sizeof salted, salted);
    const std::string sp(reinterpret_cast<char*>(salted), sizeof salted);
    std::string proof = hmac256(sp, "Client Key");
    const std::string client_sig = hmac256(sha256(proof), auth);
    for (std::size_t i = 0; i < proof.size(); ++i) proof[i] = static_cast<char>(proof[i] ^ client_sig[i]);
    if (fin->substr(p + 3) != codec::base64_encode(proof)) c.fail("wrong client proof");
    const std::string sig = right_signature ? hmac256(hmac256(sp, "Server Key"), auth) : client_sig;
    c.write("283 " + codec::base64_encode("v=" + codec::base64_encode(sig)) + "\r\n");
  };
}

client_options alice(const mock::mock_server& srv) {
  client_options o = options_for(srv);
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  return o;
}

const std::vector<std::string> sasl_caps = {"VERSION 2", "READER", "AUTHINFO SASL",
                                            "SASL PLAIN SCRAM-SHA-256"};

TEST(NntpSasl, Scram283WithTheRightSignatureLogsIn) {
  mock::mock_server srv(greet(sasl_caps)
                            .run(scram_server(true))
                            .expect("CAPABILITIES")
                            .send(caps_reply({"VERSION 2", "READER"}))
                            .expect("DATE")
                            .send("111 20260102030405\r\n"));
  blocking_client c;
  c.connect(alice(srv));
  EXPECT_EQ(c.authenticated_with(), "SCRAM-SHA-256");
  EXPECT_EQ(c.date(), "20260102030405");
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpSasl, Scram283WithAWrongSignatureFailsAndSendsNothingMore) {
  mock::mock_server srv(greet(sasl_caps).run(scram_server(false)).expect_eof());
  blocking_client c;
  std::error_code ec;
  try {
    c.connect(alice(srv));
  } catch (const std::system_error& e) {
    ec = e.code();
  }
  EXPECT_EQ(ec, sasl::error::server_signature_mismatch);
  ec.clear();
  try {
    c.date();  // the failed connect closed the session: it cannot be used unverified
  } catch (const std::system_error& e) {
    ec = e.code();
  }
  EXPECT_EQ(ec, error::not_connected);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::nntp::testing
