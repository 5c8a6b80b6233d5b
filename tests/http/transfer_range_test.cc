// http(s):// ranges and resume through the transfer library (protocols/transfer/http.cc) against
// the mock server: the Range field on the wire, curl 7.88's resume rules (206 appends, 416 =
// already complete, no Content-Range = exit 33 before any byte), and the result fields behind
// curl's -w variables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "protocols/transfer/session.hpp"
#include "tests/mock/server.hpp"

namespace inet::transfer {
namespace {

using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;
using ::testing::Not;

std::string base(const mock_server& srv) {
  return "http://127.0.0.1:" + std::to_string(srv.port());
}

struct outcome {
  std::string out;
  std::error_code ec;
  result r;
  int exit() const { return static_cast<int>(curl_exit_code(ec, r.failed_in)); }
};

outcome get(const std::string& url, const options& o) {
  blocking_session s;
  outcome x;
  x.r = s.get(url, o, string_sink(x.out), x.ec);
  return x;
}

TEST(HttpRange, RangeFieldAfterTheCallersHeaders) {
  std::string head;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .send("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes "
                                      "0-4/20\r\nContent-Length: 5\r\n\r\nabcde")
                                .close()));
  options o;
  o.http_range = "0-4";
  o.http_headers = {"X-A: 1"};
  const outcome x = get(base(srv) + "/f", o);
  ASSERT_FALSE(x.ec) << x.r.message;
  EXPECT_EQ(x.out, "abcde");
  EXPECT_EQ(x.r.reply_code, 206);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(head, "GET /f HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(srv.port()) +
                      "\r\nUser-Agent: inetpp\r\nAccept: */*\r\nX-A: 1\r\nRange: bytes=0-4\r\n");
}

TEST(HttpRange, ResumeWinsOverRangeAndAppendsThe206Body) {
  std::string head;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .send("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes "
                                      "7-9/10\r\nContent-Length: 3\r\n\r\nxyz")
                                .close()));
  options o;
  o.http_range = "0-4";
  o.resume_from = 7;
  const outcome x = get(base(srv) + "/f", o);
  ASSERT_FALSE(x.ec) << x.r.message;
  EXPECT_EQ(x.out, "xyz");
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("\r\nRange: bytes=7-\r\n"));
  EXPECT_THAT(head, Not(HasSubstr("0-4")));
}

TEST(HttpRange, Resume416MeansCompleteAndWritesNothing) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: "
                                      "bytes */10\r\nContent-Length: 4\r\n\r\nnope")
                                .close()));
  options o;
  o.resume_from = 10;
  const outcome x = get(base(srv) + "/f", o);
  EXPECT_FALSE(x.ec) << x.r.message;
  EXPECT_EQ(x.out, "");
  EXPECT_EQ(x.r.reply_code, 416);
}

TEST(HttpRange, ResumeIgnoredByTheServerIsExit33WithNothingWritten) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789")
                                .close()));
  options o;
  o.resume_from = 4;
  const outcome x = get(base(srv) + "/f", o);
  EXPECT_EQ(x.exit(), 33);
  EXPECT_EQ(x.out, "");
  EXPECT_THAT(x.r.message, HasSubstr("doesn't seem to support byte ranges"));
}

TEST(HttpRange, ResumeOfACompleteFileWithoutRangeSupportSucceeds) {
  // No Content-Range, but Content-Length equals the offset: curl's "already downloaded".
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd")
                                .close()));
  options o;
  o.resume_from = 4;
  const outcome x = get(base(srv) + "/f", o);
  EXPECT_FALSE(x.ec) << x.r.message;
  EXPECT_EQ(x.out, "");
}

TEST(HttpRange, ResultNamesTheFinalUrlRedirectsAndContentType) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 302 Found\r\nLocation: /b?x=1\r\n"
                                      "Content-Length: 0\r\n\r\n")
                                .expect("GET /b?x=1 HTTP/1.1")
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                      "Content-Length: 2\r\n\r\nok")
                                .close()));
  options o;
  o.follow_location = true;
  const outcome x = get(base(srv) + "/a", o);
  ASSERT_FALSE(x.ec) << x.r.message;
  EXPECT_EQ(x.r.effective_url, base(srv) + "/b?x=1");
  EXPECT_EQ(x.r.redirects, 1);
  EXPECT_EQ(x.r.content_type, "text/plain");
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::transfer
