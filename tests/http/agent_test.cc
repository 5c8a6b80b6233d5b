// http::agent against scripted mock servers: redirects (method rules, limit, credentials and
// cookies never sent to another origin, https -> http refused), Basic/Bearer, gzip/deflate with
// a cap on the decoded size.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>

#include "protocols/http/agent.hpp"
#include "tests/http/test_util.hpp"
#include "tests/mock/server.hpp"
#include "transport/blocking.hpp"

namespace inet::http {
namespace {

using inet::http::test::ok;
using inet::http::test::zlib_encode;
using inet::test::cert_kind;
using inet::test::mock_server;
using inet::test::script;
using inet::test::server_options;
using inet::test::test_pki;
using ::testing::HasSubstr;
using ::testing::Not;

std::string base(const mock_server& srv) {
  return "http://127.0.0.1:" + std::to_string(srv.port());
}

std::string redirect(int code, const std::string& location) {
  return "HTTP/1.1 " + std::to_string(code) + " Moved\r\nLocation: " + location +
         "\r\nContent-Length: 7\r\n\r\nignored";
}

struct runner {
  boost::asio::io_context io;
  agent a{io.get_executor()};
  std::string body;
  fetch_result run(std::string url, request req = {}, fetch_options fo = {}) {
    body.clear();
    return transport::run_blocking(io, a.fetch(std::move(url), std::move(req),
                                                string_sink(body), std::move(fo)));
  }
  std::error_code error_of(std::string url, request req = {}, fetch_options fo = {},
                           std::string* what = nullptr) {
    try {
      run(std::move(url), std::move(req), std::move(fo));
    } catch (const std::system_error& e) {
      if (what) *what = e.what();
      return e.code();
    }
    ADD_FAILURE() << "fetch succeeded";
    return {};
  }
};

fetch_options following() {
  fetch_options fo;
  fo.follow_redirects = true;
  return fo;
}

TEST(HttpAgent, RedirectToAnotherOriginDropsCredentialsAndCookies) {
  std::string second_head;
  mock_server other(std::move(script().expect_until("", &second_head).send(ok("there")).close()));
  std::string first_head, again_head;
  mock_server srv(std::move(script()
                                .expect_until("", &first_head)
                                .send(redirect(302, "/moved"))
                                .expect_until("", &again_head)
                                .send(redirect(301, base(other) + "/x?y=1"))
                                .close()));
  runner r;
  request req;
  req.headers = {{"Cookie", "sid=secret"}, {"X-Keep", "1"}};
  fetch_options fo = following();
  fo.auth.type = auth::scheme::basic;
  fo.auth.user = "user";
  fo.auth.password = "pw";
  const fetch_result res = r.run(base(srv) + "/start", req, fo);
  EXPECT_EQ(r.body, "there");
  EXPECT_EQ(res.redirects, 2);
  EXPECT_EQ(res.url, base(other) + "/x?y=1");
  ASSERT_SCRIPT_OK(srv);
  ASSERT_SCRIPT_OK(other);
  const std::string auth_line = "Authorization: Basic dXNlcjpwdw==\r\n";
  EXPECT_THAT(first_head, HasSubstr("Cookie: sid=secret\r\nX-Keep: 1\r\n" + auth_line));
  EXPECT_THAT(again_head, HasSubstr("GET /moved HTTP/1.1\r\n"));
  EXPECT_THAT(again_head, HasSubstr(auth_line));
  EXPECT_EQ(second_head, "GET /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:" +
                             std::to_string(other.port()) +
                             "\r\nUser-Agent: inetpp\r\nX-Keep: 1\r\n");
}

TEST(HttpAgent, CallerAuthorizationHeaderIsDroppedToo) {
  std::string second_head;
  mock_server other(std::move(script().expect_until("", &second_head).send(ok("x")).close()));
  mock_server srv(std::move(
      script().expect_until("").send(redirect(307, base(other) + "/")).close()));
  runner r;
  request req;
  req.headers = {{"Authorization", "Bearer tok"}};
  r.run(base(srv) + "/", req, following());
  ASSERT_SCRIPT_OK(other);
  EXPECT_THAT(second_head, Not(HasSubstr("Authorization")));
}

TEST(HttpAgent, BearerAuth) {
  std::string head;
  mock_server srv(std::move(script().expect_until("", &head).send(ok("x")).close()));
  runner r;
  fetch_options fo;
  fo.auth.type = auth::scheme::bearer;
  fo.auth.token = "abc.def";
  r.run(base(srv) + "/", {}, fo);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("Authorization: Bearer abc.def\r\n"));
}

TEST(HttpAgent, PostThen303BecomesGetWithoutBody) {
  std::string second;
  mock_server srv(std::move(script()
                                .expect_until("")
                                .expect_bytes(3)
                                .send(redirect(303, "/done"))
                                .expect_until("", &second)
                                .send(ok("done"))
                                .close()));
  runner r;
  request req;
  req.method = "POST";
  req.body = "a=1";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.run(base(srv) + "/form", req, following());
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(r.body, "done");
  EXPECT_EQ(second, "GET /done HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(srv.port()) +
                        "\r\nUser-Agent: inetpp\r\n");
}

TEST(HttpAgent, Post307KeepsMethodAndBody) {
  std::string body2;
  mock_server srv(std::move(script()
                                .expect_until("")
                                .expect_bytes(3)
                                .send(redirect(307, "/again"))
                                .expect("POST /again HTTP/1.1")
                                .expect_until("")
                                .expect_bytes(3, &body2)
                                .send(ok("done"))
                                .close()));
  runner r;
  request req;
  req.method = "POST";
  req.body = "a=1";
  r.run(base(srv) + "/form", req, following());
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(body2, "a=1");
}

TEST(HttpAgent, MethodRules) {
  EXPECT_EQ(method_after_redirect(301, "POST"), "GET");
  EXPECT_EQ(method_after_redirect(302, "POST"), "GET");
  EXPECT_EQ(method_after_redirect(302, "PUT"), "PUT");
  EXPECT_EQ(method_after_redirect(303, "PUT"), "GET");
  EXPECT_EQ(method_after_redirect(303, "HEAD"), "HEAD");
  EXPECT_EQ(method_after_redirect(307, "POST"), "POST");
  EXPECT_EQ(method_after_redirect(308, "DELETE"), "DELETE");
}

TEST(HttpAgent, RedirectLoopHitsTheLimitOnOneConnection) {
  script s;
  for (int i = 0; i < 4; ++i) s.expect_until("").send(redirect(302, "/loop"));
  mock_server srv(std::move(s.close()));
  runner r;
  fetch_options fo = following();
  fo.max_redirects = 3;
  EXPECT_EQ(r.error_of(base(srv) + "/loop", {}, fo), error::too_many_redirects);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(r.a.connections_opened(), 1);
}

TEST(HttpAgent, RedirectNotFollowedByDefault) {
  mock_server srv(std::move(script().expect_until("").send(redirect(302, "/x")).close()));
  runner r;
  const fetch_result res = r.run(base(srv) + "/");
  EXPECT_EQ(res.response.status, 302);
  EXPECT_EQ(r.body, "ignored");
}

TEST(HttpAgent, HttpsToHttpRefusedAndOtherSchemesRefused) {
  server_options so;
  so.implicit_tls = true;
  so.cert = cert_kind::good;
  mock_server tls(std::move(script()
                                .expect_until("")
                                .send(redirect(302, "http://127.0.0.1:1/"))
                                .expect_until("")
                                .send(redirect(302, "ftp://127.0.0.1/file"))
                                .close()),
                  so);
  client_options co;
  co.tls_opts.ca_file = test_pki::instance().ca_file();
  boost::asio::io_context io;
  agent a(io.get_executor(), co);
  const std::string url = "https://localhost:" + std::to_string(tls.port()) + "/";
  auto code = [&] {
    try {
      transport::run_blocking(io, a.fetch(url, {}, {}, following()));
    } catch (const std::system_error& e) {
      return e.code();
    }
    return std::error_code{};
  };
  EXPECT_EQ(code(), error::redirect_refused);
  EXPECT_EQ(code(), error::unsupported_url);
  EXPECT_SCRIPT_OK(tls);
}

TEST(HttpAgent, GzipAndDeflateDecodedWithAcceptEncoding) {
  const std::string text(100000, 'q');
  std::string head;
  mock_server srv(std::move(
      script()
          .expect_until("", &head)
          .send(ok(zlib_encode(text), "Content-Encoding: gzip\r\n"))
          .expect_until("")
          .send(ok(zlib_encode("zlib data", 15), "Content-Encoding: deflate\r\n"))
          .expect_until("")
          .send(ok(zlib_encode("raw data", -15), "Content-Encoding: deflate\r\n"))
          .close()));
  runner r;
  fetch_options fo;
  fo.decode_content = true;
  r.run(base(srv) + "/", {}, fo);
  EXPECT_EQ(r.body, text);
  EXPECT_THAT(head, HasSubstr("Accept-Encoding: gzip, deflate, br, zstd\r\n"));
  r.run(base(srv) + "/", {}, fo);
  EXPECT_EQ(r.body, "zlib data");
  r.run(base(srv) + "/", {}, fo);
  EXPECT_EQ(r.body, "raw data");
}

TEST(HttpAgent, GzipBombIsCapped) {
  const std::string bomb = zlib_encode(std::string(20 * 1024 * 1024, '\0'));
  ASSERT_LT(bomb.size(), 100000u);
  mock_server srv(std::move(
      script().expect_until("").send(ok(bomb, "Content-Encoding: gzip\r\n")).close()));
  runner r;
  fetch_options fo;
  fo.decode_content = true;
  fo.max_decoded = 1024 * 1024;
  EXPECT_EQ(r.error_of(base(srv) + "/", {}, fo), error::decoded_too_large);
  EXPECT_LE(r.body.size(), 1024u * 1024u);
}

TEST(HttpAgent, TruncatedOrCorruptGzipIsAnError) {
  const std::string z = zlib_encode(std::string(5000, 'a') + std::string(5000, 'b'));
  mock_server srv(std::move(
      script()
          .expect_until("")
          .send(ok(z.substr(0, z.size() - 10), "Content-Encoding: gzip\r\n"))
          .expect_until("")
          .send(ok("\x1f\x8b garbage garbage", "Content-Encoding: gzip\r\n"))
          .close()));
  runner r;
  fetch_options fo;
  fo.decode_content = true;
  EXPECT_EQ(r.error_of(base(srv) + "/", {}, fo), error::bad_content_encoding);
  EXPECT_EQ(r.error_of(base(srv) + "/", {}, fo), error::bad_content_encoding);
}

TEST(HttpAgent, WithoutDecodingTheBodyIsRaw) {
  const std::string z = zlib_encode("hello");
  mock_server srv(std::move(
      script().expect_until("").send(ok(z, "Content-Encoding: gzip\r\n")).close()));
  runner r;
  r.run(base(srv) + "/");
  EXPECT_EQ(r.body, z);
}

}  // namespace
}  // namespace inet::http
