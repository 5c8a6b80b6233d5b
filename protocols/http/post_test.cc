// https_post against the scripted mock server (implicit TLS with the test PKI).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <string>

#include "protocols/http/post.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "protocols/url/url.hpp"
#include "tests/mock/server.hpp"
#include "transport/error.hpp"

namespace inet::http {
namespace {

using namespace std::chrono_literals;
using inet::test::cert_kind;
using inet::test::mock_server;
using inet::test::script;
using inet::test::server_options;
using inet::test::test_pki;
using ::testing::HasSubstr;

const std::string form = "application/x-www-form-urlencoded";
const std::string req_body = "grant_type=refresh_token&refresh_token=rt&client_id=cid";

server_options tls_server(cert_kind k = cert_kind::good) {
  server_options o;
  o.implicit_tls = true;
  o.cert = k;
  return o;
}

post_options trusting_test_ca() {
  post_options o;
  o.tls.ca_file = test_pki::instance().ca_file();
  return o;
}

std::string url_of(const mock_server& srv, const std::string& path = "/token") {
  return "https://127.0.0.1:" + std::to_string(srv.port()) + path;
}

// Reads the request head and the form body, then sends `reply` and hangs up.
script answer(std::string reply, std::string* head = nullptr, std::string* body = nullptr) {
  return std::move(script()
                       .expect_until("", head)
                       .expect_bytes(req_body.size(), body)
                       .send(std::move(reply))
                       .close());
}

std::string json_reply(const std::string& status, const std::string& json) {
  return "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(json.size()) + "\r\n\r\n" + json;
}

// The error code of a failing post (the test fails if it succeeds).
std::error_code post_error(const std::string& url, post_options o = trusting_test_ca(),
                           std::string* what = nullptr) {
  try {
    https_post(url, form, req_body, o);
  } catch (const std::system_error& e) {
    if (what) *what = e.what();
    return e.code();
  }
  ADD_FAILURE() << "post to " << url << " succeeded";
  return {};
}

TEST(HttpsPost, SendsExactRequestAndReturns200Body) {
  std::string head, body;
  const std::string json = R"({"access_token":"at","expires_in":3599,"token_type":"Bearer"})";
  mock_server srv(answer(json_reply("200 OK", json), &head, &body), tls_server());
  const std::string url =
      "https://localhost:" + std::to_string(srv.port()) + "/o/oauth2/token?tenant=a%20b#frag";
  EXPECT_EQ(https_post(url, form, req_body, trusting_test_ca()), json);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(head, "POST /o/oauth2/token?tenant=a%20b HTTP/1.1\r\n"
                  "Host: localhost:" + std::to_string(srv.port()) + "\r\n"
                  "User-Agent: inetpp\r\n"
                  "Accept: application/json\r\n"
                  "Content-Type: application/x-www-form-urlencoded\r\n"
                  "Content-Length: " + std::to_string(req_body.size()) + "\r\n"
                  "Connection: close\r\n");
  EXPECT_EQ(body, req_body);
}

TEST(HttpsPost, EmptyPathBecomesSlash) {
  std::string head;
  mock_server srv(answer(json_reply("200 OK", "{}"), &head), tls_server());
  EXPECT_EQ(https_post("https://127.0.0.1:" + std::to_string(srv.port()), form, req_body,
                       trusting_test_ca()),
            "{}");
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, ::testing::StartsWith("POST / HTTP/1.1\r\nHost: 127.0.0.1:"));
}

TEST(HttpsPost, Returns400ErrorJson) {
  const std::string json = R"({"error":"invalid_grant","error_description":"Bad Request"})";
  mock_server srv(answer(json_reply("400 Bad Request", json)), tls_server());
  EXPECT_EQ(https_post(url_of(srv), form, req_body, trusting_test_ca()), json);
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpsPost, ChunkedResponse) {
  mock_server srv(answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "5\r\n{\"a\":\r\n4;ext=1\r\n\"b\"}\r\n0\r\nX-Trailer: t\r\n\r\n"),
                  tls_server());
  EXPECT_EQ(https_post(url_of(srv), form, req_body, trusting_test_ca()), R"({"a":"b"})");
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpsPost, BodyEndingAtConnectionClose) {
  mock_server srv(answer("HTTP/1.1 200 OK\r\n\r\n{\"x\":1}"), tls_server());
  EXPECT_EQ(https_post(url_of(srv), form, req_body, trusting_test_ca()), R"({"x":1})");
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpsPost, InterimRepliesSkipped) {
  mock_server srv(answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n" +
                         json_reply("200 OK", "{}")),
                  tls_server());
  EXPECT_EQ(https_post(url_of(srv), form, req_body, trusting_test_ca()), "{}");
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpsPost, RedirectIsRefused) {
  mock_server srv(answer("HTTP/1.1 302 Found\r\nLocation: https://evil.example/\r\n"
                         "Content-Length: 0\r\n\r\n"),
                  tls_server());
  std::string what;
  EXPECT_EQ(post_error(url_of(srv), trusting_test_ca(), &what), error::redirect_refused);
  EXPECT_THAT(what, HasSubstr("302 Found"));
  EXPECT_THAT(what, HasSubstr("https://evil.example/"));
}

TEST(HttpsPost, ServerErrorThrows) {
  mock_server srv(answer(json_reply("500 Internal Server Error", "{}")), tls_server());
  std::string what;
  const std::error_code ec = post_error(url_of(srv), trusting_test_ca(), &what);
  EXPECT_EQ(ec, error::server_error);
  EXPECT_TRUE(ec == condition::connection_failed);
  EXPECT_THAT(what, HasSubstr("HTTP 500 Internal Server Error"));
}

TEST(HttpsPost, OversizeContentLengthRefused) {
  mock_server srv(answer("HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n"), tls_server());
  const std::error_code ec = post_error(url_of(srv));
  EXPECT_EQ(ec, error::response_too_large);
  EXPECT_TRUE(ec == condition::protocol_violation);
}

TEST(HttpsPost, OversizeChunkedBodyRefused) {
  // 1 MiB + 16 KiB in chunks of 16 KiB (0x4000).
  mock_server srv(std::move(script()
                                .expect_until("")
                                .expect_bytes(req_body.size())
                                .send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                                .send_repeated("4000\r\n" + std::string(0x4000, 'x') + "\r\n", 65)
                                .send("0\r\n\r\n")),
                  tls_server());
  EXPECT_EQ(post_error(url_of(srv)), error::response_too_large);
}

TEST(HttpsPost, ExactlyOneMebibyteAccepted) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .expect_bytes(req_body.size())
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n")
                                .send_repeated(std::string(1024, 'y'), 1024)
                                .close()),
                  tls_server());
  EXPECT_EQ(https_post(url_of(srv), form, req_body, trusting_test_ca()).size(), 1048576u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpsPost, OversizeHeaderRefused) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .expect_bytes(req_body.size())
                                .send("HTTP/1.1 200 OK\r\n")
                                .send_repeated("X-Filler: " + std::string(1000, 'f') + "\r\n", 200)
                                .send("\r\n")),
                  tls_server());
  EXPECT_EQ(post_error(url_of(srv)), error::response_too_large);
}

TEST(HttpsPost, TruncatedBodyIsAnError) {
  mock_server srv(answer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"access_to"),
                  tls_server());
  EXPECT_EQ(post_error(url_of(srv)), error::truncated_response);
}

TEST(HttpsPost, NoResponseAtAllIsTruncated) {
  mock_server srv(answer(""), tls_server());
  EXPECT_EQ(post_error(url_of(srv)), error::truncated_response);
}

TEST(HttpsPost, MalformedResponsesRefused) {
  for (const std::string reply :
       {"SMTP/1.0 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n12345",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    mock_server srv(answer(reply), tls_server());
    EXPECT_EQ(post_error(url_of(srv)), error::malformed_response) << reply;
  }
}

TEST(HttpsPost, UnknownStatusClassRefused) {
  mock_server srv(answer("HTTP/1.1 600 What\r\nContent-Length: 0\r\n\r\n"), tls_server());
  const std::error_code ec = post_error(url_of(srv));
  EXPECT_TRUE(ec == error::unexpected_status || ec == error::malformed_response) << ec.message();
}

TEST(HttpsPost, CertificateVerificationFailures) {
  for (const cert_kind k : {cert_kind::self_signed, cert_kind::expired, cert_kind::wrong_host}) {
    mock_server srv(answer(json_reply("200 OK", "{}")), tls_server(k));
    std::string what;
    EXPECT_EQ(post_error(url_of(srv), trusting_test_ca(), &what),
              transport::error::certificate_verify_failed)
        << what;
  }
}

TEST(HttpsPost, SystemStoreDoesNotTrustTestCa) {
  mock_server srv(answer(json_reply("200 OK", "{}")), tls_server());
  EXPECT_EQ(post_error(url_of(srv), post_options{}), transport::error::certificate_verify_failed);
}

TEST(HttpsPost, IdleTimeout) {
  mock_server srv(std::move(script().expect_until("").expect_bytes(req_body.size()).stall(3s)),
                  tls_server());
  post_options o = trusting_test_ca();
  o.connect.time.idle = 200ms;
  EXPECT_TRUE(post_error(url_of(srv), o) == condition::timeout);
}

TEST(HttpsPost, TotalTimeoutBoundsATricklingServer) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .expect_bytes(req_body.size())
                                .trickle("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 100ms)),
                  tls_server());
  post_options o = trusting_test_ca();
  o.total_timeout = 500ms;
  EXPECT_EQ(post_error(url_of(srv), o), transport::error::deadline_exceeded);
}

TEST(HttpsPost, PlainHttpToLoopbackOnly) {
  mock_server srv(answer(json_reply("200 OK", "{\"ok\":1}")));
  EXPECT_EQ(https_post("http://127.0.0.1:" + std::to_string(srv.port()) + "/t", form, req_body),
            "{\"ok\":1}");
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(post_error("http://oauth2.googleapis.com/token"), error::insecure_url);
  EXPECT_EQ(post_error("http://10.0.0.1/token"), error::insecure_url);
}

TEST(HttpsPost, UnsupportedAndMalformedUrlsSendNothing) {
  EXPECT_EQ(post_error("ftp://127.0.0.1/token"), error::unsupported_url);
  EXPECT_EQ(post_error("oauth2.googleapis.com/token"), error::unsupported_url);
  EXPECT_EQ(post_error("https://user:pw@127.0.0.1/token"), error::unsupported_url);
  EXPECT_EQ(post_error("https://127.0.0.1:99999/token").category(), url::url_category());
  EXPECT_EQ(post_error("https://127.0.0.1/to\r\nken"), url::error::control_characters);
  EXPECT_EQ(post_error("https://127.0.0.1/%0d%0aX:y"), url::error::control_characters);
}

TEST(HttpsPost, ContentTypeInjectionRefused) {
  try {
    https_post("https://127.0.0.1:1/token", "text/plain\r\nX-Evil: 1", req_body);
    ADD_FAILURE() << "accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::invalid_argument);
  }
}

TEST(HttpsPost, RefreshTokenProviderEndToEnd) {
  const std::string expected_body =
      "grant_type=refresh_token&refresh_token=1%2F%2Frt&client_id=cid&client_secret=sec"
      "&scope=https%3A%2F%2Fmail.google.com%2F";
  std::string head, body1, body2;
  mock_server srv(std::move(
                      script()
                          .expect_until("", &head)
                          .expect_bytes(expected_body.size(), &body1)
                          .send(json_reply("200 OK", R"({"access_token":"ya29.first",)"
                                                     R"("expires_in":3599,"token_type":"Bearer"})"))
                          .close()
                          .accept_next()
                          .expect_until("")
                          .expect_bytes(expected_body.size(), &body2)
                          .send(json_reply("400 Bad Request",
                                           R"({"error":"invalid_grant",)"
                                           R"("error_description":"Token has been revoked."})"))
                          .close()),
                  tls_server());
  const post_options o = trusting_test_ca();
  auto provider = sasl::make_refresh_token_provider(
      {url_of(srv), "cid", "sec", "1//rt", "https://mail.google.com/"},
      [o](const std::string& url, const std::string& type, const std::string& body) {
        return https_post(url, type, body, o);
      });
  EXPECT_EQ(provider->token(), "ya29.first");
  EXPECT_EQ(provider->token(), "ya29.first");  // cached: no second request
  try {
    provider->token(true);
    ADD_FAILURE() << "revoked refresh token accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), sasl::error::token_refresh_failed);
    EXPECT_THAT(e.what(), HasSubstr("invalid_grant"));
    EXPECT_THAT(e.what(), HasSubstr("Token has been revoked."));
  }
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("Content-Type: application/x-www-form-urlencoded\r\n"));
  EXPECT_EQ(body1, expected_body);
  EXPECT_EQ(body2, expected_body);
}

TEST(HttpsPost, CoroutineFormOnCallersExecutor) {
  mock_server srv(answer(json_reply("200 OK", "{}")), tls_server());
  boost::asio::io_context io;
  std::string result;
  boost::asio::co_spawn(
      io, async_https_post(url_of(srv), form, req_body, trusting_test_ca()),
      [&](std::exception_ptr e, std::string r) {
        EXPECT_FALSE(e);
        result = std::move(r);
      });
  io.run();
  EXPECT_EQ(result, "{}");
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::http
