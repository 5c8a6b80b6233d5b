// http(s):// through the transfer library (protocols/transfer/http.cc) against the mock server:
// curl's option meanings, output bytes of -i/-I, keep-alive across URLs, curl exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "protocols/transfer/session.hpp"
#include "tests/http/test_util.hpp"
#include "tests/mock/server.hpp"

namespace inet::transfer {
namespace {

using inet::http::test::ok;
using inet::test::close_mode;
using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;

std::string base(const mock_server& srv) {
  return "http://127.0.0.1:" + std::to_string(srv.port());
}

struct outcome {
  std::string out;
  std::error_code ec;
  result r;
  int exit() const { return static_cast<int>(curl_exit_code(ec, r.failed_in)); }
};

outcome get(blocking_session& s, const std::string& url, const options& o = {}) {
  outcome x;
  x.r = s.get(url, o, string_sink(x.out), x.ec);
  return x;
}

TEST(HttpTransfer, GetWritesBodyAndReusesTheConnection) {
  std::string head;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .send(ok("one"))
                                .expect("GET /b?q=1 HTTP/1.1")
                                .expect_until("")
                                .send(ok("two"))
                                .close()));
  blocking_session s;
  const outcome a = get(s, base(srv) + "/a");
  const outcome b = get(s, base(srv) + "/b?q=1");
  ASSERT_FALSE(a.ec) << a.r.message;
  ASSERT_FALSE(b.ec) << b.r.message;
  EXPECT_EQ(a.out, "one");
  EXPECT_EQ(b.out, "two");
  EXPECT_EQ(a.r.reply_code, 200);
  EXPECT_TRUE(b.r.reused_connection);
  EXPECT_EQ(s.connections_opened(), 1u);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(head, "GET /a HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(srv.port()) +
                      "\r\nUser-Agent: inetpp\r\nAccept: */*\r\n");
}

TEST(HttpTransfer, IncludeHeadersAndHead) {
  const std::string reply = "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 2\r\n\r\n";
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send(reply + "hi")
                                .expect("HEAD / HTTP/1.1")
                                .expect_until("")
                                .send(reply)
                                .close()));
  blocking_session s;
  options o;
  o.include_headers = true;
  EXPECT_EQ(get(s, base(srv) + "/", o).out, reply + "hi");
  options head;
  head.no_body = true;
  EXPECT_EQ(get(s, base(srv) + "/", head).out, reply);
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpTransfer, HeadersDataAndBasicAuth) {
  std::string head, body;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .expect_bytes(3, &body)
                                .send(ok("done"))
                                .close()));
  blocking_session s;
  options o;
  o.http_headers = {"X-One: 1", "Accept:", "Content-Type: text/plain"};
  o.http_data = "a=b";
  o.user = "u";
  o.password = "p";
  EXPECT_EQ(get(s, base(srv) + "/post", o).out, "done");
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(head, "POST /post HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(srv.port()) +
                      "\r\nUser-Agent: inetpp\r\nX-One: 1\r\n"
                      "Content-Type: text/plain\r\nAuthorization: Basic dTpw\r\n"
                      "Content-Length: 3\r\n");
  EXPECT_EQ(body, "a=b");
}

TEST(HttpTransfer, DigestWithUser) {
  std::string second;
  mock_server srv(std::move(
      script()
          .expect_until("")
          .send("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", "
                "nonce=\"n\", qop=\"auth\", algorithm=SHA-256\r\nContent-Length: 0\r\n\r\n")
          .expect_until("", &second)
          .send(ok("in"))
          .close()));
  blocking_session s;
  options o;
  o.user = "u";
  o.password = "p";
  o.http_digest = true;
  EXPECT_EQ(get(s, base(srv) + "/x", o).out, "in");
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(second, HasSubstr("Authorization: Digest username=\"u\", realm=\"r\", uri=\"/x\""));
}

TEST(HttpTransfer, FailGives22AndNoBody) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope")
                                .close()));
  blocking_session s;
  options o;
  o.fail_on_http_error = true;
  o.include_headers = true;
  const outcome x = get(s, base(srv) + "/", o);
  EXPECT_EQ(x.exit(), 22);
  // The head is written with -i (as curl 7.88 does), the body never.
  EXPECT_EQ(x.out, "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\n");
  EXPECT_EQ(x.r.message, "The requested URL returned error: 404");
  EXPECT_EQ(x.r.reply_code, 404);
}

TEST(HttpTransfer, FollowLocationAndTooManyRedirects) {
  const std::string moved = "HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n";
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send(moved)
                                .expect("GET /next HTTP/1.1")
                                .expect_until("")
                                .send(ok("final"))
                                .expect_until("")
                                .send(moved)
                                .expect_until("")
                                .send(moved)
                                .close()));
  blocking_session s;
  options o;
  o.follow_location = true;
  EXPECT_EQ(get(s, base(srv) + "/", o).out, "final");
  o.max_redirs = 0;
  EXPECT_EQ(get(s, base(srv) + "/", o).exit(), 47);
  options no_follow;  // the 3xx itself is the result
  const outcome x = get(s, base(srv) + "/", no_follow);
  EXPECT_FALSE(x.ec);
  EXPECT_EQ(x.r.reply_code, 302);
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpTransfer, ExitCodes) {
  {
    mock_server srv(std::move(script().expect_until("").close()));
    blocking_session s;
    EXPECT_EQ(get(s, base(srv) + "/").exit(), 52);  // empty reply
  }
  {
    mock_server srv(std::move(script()
                                  .expect_until("")
                                  .send("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")
                                  .close(close_mode::fin_only)));
    blocking_session s;
    EXPECT_EQ(get(s, base(srv) + "/").exit(), 18);  // partial file
  }
  {
    mock_server srv(std::move(script().expect_until("").send(ok(std::string(100, 'x')))));
    blocking_session s;
    options o;
    o.max_filesize = 10;
    EXPECT_EQ(get(s, base(srv) + "/", o).exit(), 63);
  }
  {
    mock_server srv(std::move(script()
                                  .expect_until("")
                                  .send("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                                        "Transfer-Encoding: chunked\r\n\r\nabc")
                                  .close()));
    blocking_session s;
    EXPECT_EQ(get(s, base(srv) + "/").exit(), 8);  // weird server reply
  }
  {
    mock_server srv(std::move(script()
                                  .expect_until("")
                                  .send("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                                        "Content-Length: 3\r\n\r\nabc")
                                  .close()));
    blocking_session s;
    options o;
    o.compressed = true;
    EXPECT_EQ(get(s, base(srv) + "/", o).exit(), 61);
  }
}

TEST(HttpTransfer, PutUploadsTheSource) {
  std::string head, body;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .expect_bytes(5, &body)
                                .send("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                                .close()));
  blocking_session s;
  options o;
  o.upload_size = 5;
  memory_source src("12345");
  std::error_code ec;
  const result r = s.put(base(srv) + "/file.txt", o, src, ec);
  ASSERT_FALSE(ec) << r.message;
  EXPECT_EQ(r.reply_code, 201);
  EXPECT_EQ(r.bytes, 5u);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("PUT /file.txt HTTP/1.1\r\n"));
  EXPECT_THAT(head, HasSubstr("Content-Length: 5\r\n"));
  EXPECT_EQ(body, "12345");
}

}  // namespace
}  // namespace inet::transfer
