// Digest access authentication (RFC 7616): the RFC's own examples, and the 401 round trip
// through http::agent against the mock server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <regex>

#include "protocols/http/agent.hpp"
#include "protocols/http/digest.hpp"
#include "tests/mock/server.hpp"
#include "transport/blocking.hpp"

namespace inet::http {
namespace {

using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;

// RFC 7616 §3.9.1.
const std::string rfc_challenge =
    R"(Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=ALG, )"
    R"(nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", )"
    R"(opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")";
const std::string rfc_cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

std::string with_alg(const std::string& alg) {
  return std::regex_replace(rfc_challenge, std::regex("ALG"), alg);
}

TEST(HttpDigest, Rfc7616ExampleSha256AndMd5) {
  const auto sha = parse_digest_challenge(with_alg("SHA-256"));
  ASSERT_TRUE(sha);
  EXPECT_TRUE(sha->qop_auth);
  EXPECT_EQ(sha->realm, "http-auth@example.org");
  const std::string h = digest_authorization(*sha, "Mufasa", "Circle of Life", "GET",
                                             "/dir/index.html", rfc_cnonce);
  EXPECT_THAT(h, HasSubstr(
      R"(response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")"));
  EXPECT_THAT(h, HasSubstr("nc=00000001, cnonce=\"" + rfc_cnonce + "\", qop=auth"));
  EXPECT_THAT(h, HasSubstr(R"(opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")"));
  const auto md5 = parse_digest_challenge(with_alg("MD5"));
  ASSERT_TRUE(md5);
  EXPECT_THAT(digest_authorization(*md5, "Mufasa", "Circle of Life", "GET", "/dir/index.html",
                                   rfc_cnonce),
              HasSubstr(R"(response="8ca523f5e9506fed4657c9700eebdbec")"));
}

TEST(HttpDigest, RefusesOtherSchemesAndAlgorithms) {
  EXPECT_FALSE(parse_digest_challenge(R"(Basic realm="x")"));
  EXPECT_FALSE(parse_digest_challenge(with_alg("SHA-512-256")));
  EXPECT_FALSE(parse_digest_challenge(R"(Digest realm="x")"));  // no nonce
}

TEST(HttpDigest, AgentAnswersA401Once) {
  std::string second;
  mock_server srv(std::move(
      script()
          .expect_until("")
          .send("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\n"
                "WWW-Authenticate: " + with_alg("SHA-256") + "\r\nContent-Length: 4\r\n\r\nnope")
          .expect_until("", &second)
          .send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
          .close()));
  boost::asio::io_context io;
  agent a(io.get_executor());
  fetch_options fo;
  fo.auth.type = auth::scheme::digest;
  fo.auth.user = "Mufasa";
  fo.auth.password = "Circle of Life";
  std::string body;
  const fetch_result r = transport::run_blocking(
      io, a.fetch("http://127.0.0.1:" + std::to_string(srv.port()) + "/dir/index.html", request{},
                  string_sink(body), fo));
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(body, "ok");
  ASSERT_SCRIPT_OK(srv);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(second, m, std::regex("cnonce=\"([^\"]+)\"")));
  const auto c = parse_digest_challenge(with_alg("SHA-256"));
  EXPECT_THAT(second, HasSubstr("Authorization: " +
                                digest_authorization(*c, "Mufasa", "Circle of Life", "GET",
                                                     "/dir/index.html", m[1].str()) +
                                "\r\n"));
}

TEST(HttpDigest, SecondRefusalIsReturned) {
  const std::string refusal = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: " +
                              with_alg("MD5") + "\r\nContent-Length: 0\r\n\r\n";
  mock_server srv(std::move(
      script().expect_until("").send(refusal).expect_until("").send(refusal).close()));
  boost::asio::io_context io;
  agent a(io.get_executor());
  fetch_options fo;
  fo.auth.type = auth::scheme::digest;
  fo.auth.user = "u";
  fo.auth.password = "wrong";
  const fetch_result r = transport::run_blocking(
      io, a.fetch("http://127.0.0.1:" + std::to_string(srv.port()) + "/", request{}, {}, fo));
  EXPECT_EQ(r.response.status, 401);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::http
