// SCRAM-SHA-1 / SCRAM-SHA-256 against RFC 5802 §5 and RFC 7677 §3, plus forged server messages;
// SASLprep subset.
#include <gtest/gtest.h>

#include <string>

#include "protocols/sasl/mechanism.hpp"
#include "protocols/sasl/saslprep.hpp"

namespace inet::sasl {
namespace {

using namespace std::string_literals;

template <typename F>
void expect_error(F&& f, error expected) {
  try {
    f();
    ADD_FAILURE() << "no exception, expected " << make_error_code(expected).message();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(expected)) << e.what();
  }
}

credentials user_pencil() {
  credentials c;
  c.username = "user";
  c.password = "pencil";
  return c;
}

constexpr const char* sha1_nonce = "fyko+d2lbbFgONRv9qkxdawL";
constexpr const char* sha1_server_first =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
constexpr const char* sha1_client_final =
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
constexpr const char* sha1_server_final = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

constexpr const char* sha256_nonce = "rOprNGfwEbeRWgbNEkqO";
constexpr const char* sha256_server_first =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

TEST(Scram, Sha1Rfc5802Example) {
  auto m = make_scram("SHA-1", user_pencil(), sha1_nonce);
  EXPECT_EQ(m->name(), "SCRAM-SHA-1");
  EXPECT_TRUE(m->has_initial_response());
  EXPECT_FALSE(m->sends_password_in_clear());
  EXPECT_EQ(m->initial_response(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  EXPECT_EQ(m->step(sha1_server_first), sha1_client_final);
  EXPECT_FALSE(m->complete());
  EXPECT_EQ(m->step(sha1_server_final), "");
  EXPECT_TRUE(m->complete());
  expect_error([&] { m->step(""); }, error::step_after_complete);
}

TEST(Scram, Sha256Rfc7677Example) {
  auto m = make_scram("sha-256", user_pencil(), sha256_nonce);
  EXPECT_EQ(m->name(), "SCRAM-SHA-256");
  EXPECT_EQ(m->step(""), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");  // empty challenge, no SASL-IR
  EXPECT_EQ(m->step(sha256_server_first),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  EXPECT_EQ(m->step("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="), "");
  EXPECT_TRUE(m->complete());
}

TEST(Scram, WrongServerSignatureRejected) {
  auto m = make_scram("SHA-1", user_pencil(), sha1_nonce);
  m->initial_response();
  m->step(sha1_server_first);
  expect_error([&] { m->step("v=rmF9pqV8S7suAoZWja4dJRkFsKQ0"); }, error::server_signature_mismatch);
  EXPECT_FALSE(m->complete());
  expect_error([&] { m->step(sha1_server_final); }, error::step_after_complete);
}

TEST(Scram, TruncatedOrGarbageServerSignatureRejected) {
  for (const char* final_msg : {"v=", "v=rmF9", "v=!!!!", "x=1", ""}) {
    auto m = make_scram("SHA-1", user_pencil(), sha1_nonce);
    m->initial_response();
    m->step(sha1_server_first);
    try {
      m->step(final_msg);
      ADD_FAILURE() << "accepted " << final_msg;
    } catch (const std::system_error& e) {
      EXPECT_TRUE(e.code() == error::server_signature_mismatch || e.code() == error::bad_challenge)
          << final_msg;
    }
    EXPECT_FALSE(m->complete());
  }
}

TEST(Scram, ServerErrorInFinal) {
  auto m = make_scram("SHA-1", user_pencil(), sha1_nonce);
  m->initial_response();
  m->step(sha1_server_first);
  try {
    m->step("e=invalid-proof");
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::server_error));
    EXPECT_NE(std::string(e.what()).find("invalid-proof"), std::string::npos);
  }
}

void expect_server_first_rejected(const std::string& server_first, error expected) {
  auto m = make_scram("SHA-1", user_pencil(), sha1_nonce);
  m->initial_response();
  expect_error([&] { m->step(server_first); }, expected);
  EXPECT_FALSE(m->complete());
}

TEST(Scram, NonceNotExtendingClientNonceRejected) {
  expect_server_first_rejected("r=XXXX+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
                               error::bad_challenge);
  // Server nonce equal to the client nonce: the server contributed nothing.
  expect_server_first_rejected("r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",
                               error::bad_challenge);
  // Prefix of the client nonce.
  expect_server_first_rejected("r=fyko,s=QSXCR+Q6sek8bf92,i=4096", error::bad_challenge);
}

TEST(Scram, IterationCountBounds) {
  const std::string prefix = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=";
  for (const char* bad : {"4095", "1", "0", "10000001", "99999999999999999999999", "-4096",
                          "+4096", "4096x", "", " 4096"})
    expect_server_first_rejected(prefix + bad, error::bad_challenge);
}

TEST(Scram, MalformedServerFirstRejected) {
  expect_server_first_rejected("", error::bad_challenge);
  expect_server_first_rejected("garbage", error::bad_challenge);
  expect_server_first_rejected("s=QSXCR+Q6sek8bf92,r=fyko+d2lbbFgONRv9qkxdawL3rf,i=4096",
                               error::bad_challenge);
  expect_server_first_rejected("r=fyko+d2lbbFgONRv9qkxdawL3rf,s=,i=4096", error::bad_challenge);
  expect_server_first_rejected("r=fyko+d2lbbFgONRv9qkxdawL3rf,s=not base64,i=4096",
                               error::bad_challenge);
  expect_server_first_rejected("m=ext,r=fyko+d2lbbFgONRv9qkxdawL3rf,s=QSXCR+Q6sek8bf92,i=4096",
                               error::bad_challenge);
  expect_server_first_rejected("e=unknown-user", error::server_error);
}

TEST(Scram, ExtensionsAfterIterationCountIgnored) {
  auto m = make_scram("SHA-1", user_pencil(), sha1_nonce);
  m->initial_response();
  const std::string first = std::string(sha1_server_first) + ",x=extension";
  const std::string final_msg = m->step(first);
  EXPECT_TRUE(final_msg.starts_with("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p="));
  // AuthMessage now includes the extension, so the RFC proof must differ.
  EXPECT_NE(final_msg, sha1_client_final);
}

TEST(Scram, UsernameEscapingAndAuthzid) {
  credentials c = user_pencil();
  c.username = "a=b,c";
  c.authzid = "admin,x";
  auto m = make_scram("SHA-256", c, "nonce");
  EXPECT_EQ(m->initial_response(), "n,a=admin=2Cx,n=a=3Db=2Cc,r=nonce");
}

TEST(Scram, ChannelBindingHeaderForAuthzid) {
  credentials c = user_pencil();
  c.authzid = "admin";
  auto m = make_scram("SHA-1", c, "abc");
  m->initial_response();
  const auto final_msg = m->step("r=abcdef,s=QSXCR+Q6sek8bf92,i=4096");
  EXPECT_TRUE(final_msg.starts_with("c=bixhPWFkbWluLA==,r=abcdef,p=")) << final_msg;  // "n,a=admin,"
}

TEST(Scram, RandomNoncesDiffer) {
  auto a = make_mechanism("SCRAM-SHA-256", user_pencil());
  auto b = make_mechanism("SCRAM-SHA-256", user_pencil());
  const auto ra = a->initial_response();
  const auto rb = b->initial_response();
  EXPECT_TRUE(ra.starts_with("n,,n=user,r="));
  EXPECT_GE(ra.size(), std::string("n,,n=user,r=").size() + 24);
  EXPECT_NE(ra, rb);
}

TEST(Scram, BadFactoryArguments) {
  expect_error([] { make_scram("MD5", user_pencil(), "n"); }, error::unknown_mechanism);
  expect_error([] { make_scram("SHA-1", user_pencil(), ""); }, error::invalid_credentials);
  expect_error([] { make_scram("SHA-1", user_pencil(), "a,b"); }, error::invalid_credentials);
  credentials c = user_pencil();
  c.password.clear();
  expect_error([&] { make_scram("SHA-1", c, "n"); }, error::invalid_credentials);
  c = user_pencil();
  c.username = "us\0er"s;
  expect_error([&] { make_scram("SHA-1", c, "n"); }, error::invalid_credentials);
}

TEST(Saslprep, AsciiUnchangedControlsRejected) {
  EXPECT_EQ(saslprep("user"), "user");
  EXPECT_EQ(saslprep("I X"), "I X");
  EXPECT_EQ(saslprep("a\x7F"), std::nullopt);
  EXPECT_EQ(saslprep("a\0b"s), std::nullopt);
  EXPECT_EQ(saslprep("a\nb"), std::nullopt);
}

TEST(Saslprep, Rfc4013Examples) {
  EXPECT_EQ(saslprep("I\xC2\xADX"), "IX");        // SOFT HYPHEN mapped to nothing
  EXPECT_EQ(saslprep("a\xC2\xA0" "b"), "a b");     // NO-BREAK SPACE -> SPACE
  EXPECT_EQ(saslprep("a\xE3\x80\x80" "b"), "a b");  // IDEOGRAPHIC SPACE -> SPACE
  EXPECT_EQ(saslprep("\x07"), std::nullopt);       // prohibited
  EXPECT_EQ(saslprep("\xC2\xAA"), std::nullopt);   // U+00AA needs NFKC (-> "a"): not implemented
  EXPECT_EQ(saslprep("\xE2\x85\xA8"), std::nullopt);  // U+2168 ROMAN NUMERAL NINE: not implemented
}

TEST(Saslprep, Latin1LettersAccepted) {
  EXPECT_EQ(saslprep("p\xC3\xA4ssw\xC3\xB6rd\xC3\x9F"), "p\xC3\xA4ssw\xC3\xB6rd\xC3\x9F");
}

TEST(Saslprep, InvalidUtf8Rejected) {
  EXPECT_EQ(saslprep("\xC3"), std::nullopt);              // truncated
  EXPECT_EQ(saslprep("\xC0\xAF"), std::nullopt);          // overlong '/'
  EXPECT_EQ(saslprep("\xED\xA0\x80"), std::nullopt);      // surrogate
  EXPECT_EQ(saslprep("\xF4\x90\x80\x80"), std::nullopt);  // > U+10FFFF
  EXPECT_EQ(saslprep("\x80"), std::nullopt);              // stray continuation
  EXPECT_EQ(saslprep("\xC2\x85"), std::nullopt);          // U+0085, C.2.2 control
}

}  // namespace
}  // namespace inet::sasl
