// http(s):// through the transfer library with the library-side features of docs/http.md:
// the shared cookie jar (options::cookies, the CLI's -b/-c), -F multipart forms and
// --compressed with br/zstd (bombs: curl's 63 under --max-filesize, corrupt data: 61).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "protocols/http/cookie_jar.hpp"
#include "protocols/transfer/session.hpp"
#include "tests/http/test_util.hpp"
#include "tests/mock/server.hpp"

namespace inet::transfer {
namespace {

using inet::http::test::ok;
using inet::http::test::br_encode;
using inet::http::test::zstd_encode;
using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;
using ::testing::Not;

std::string base(const mock_server& srv, const std::string& host = "127.0.0.1") {
  return "http://" + host + ":" + std::to_string(srv.port());
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

TEST(HttpTransferCookies, JarSharedAcrossUrlsAndNeverSentToAnotherHost) {
  std::string second, third;
  mock_server other(std::move(script().expect_until("", &third).send(ok("c")).close()));
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send(ok("a",
                                         "Set-Cookie: sid=1; Path=/; HttpOnly\r\n"
                                         "Set-Cookie: evil=1; Domain=example.com\r\n"))
                                .expect_until("", &second)
                                .send("HTTP/1.1 302 Found\r\nLocation: " +
                                      base(other, "localhost") + "/\r\nContent-Length: 0\r\n\r\n")
                                .close()));
  blocking_session s;
  options o;
  o.cookies = std::make_shared<http::cookie_jar>();
  o.http_headers = {"Cookie: given=2"};  // -b NAME=VALUE
  o.follow_location = true;
  EXPECT_EQ(get(s, base(srv) + "/login", o).out, "a");
  const outcome b = get(s, base(srv) + "/next", o);
  ASSERT_FALSE(b.ec) << b.r.message;
  EXPECT_EQ(b.out, "c");
  ASSERT_SCRIPT_OK(srv);
  ASSERT_SCRIPT_OK(other);
  EXPECT_THAT(second, HasSubstr("\r\nCookie: sid=1; given=2\r\n"));
  EXPECT_THAT(third, Not(HasSubstr("Cookie")));
  EXPECT_THAT(o.cookies->netscape(),
              HasSubstr("\n#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\t1\n"));
  EXPECT_EQ(o.cookies->size(), 1u);
}

TEST(HttpTransferForm, PostsMultipartAndFailsWith26OnAMissingFile) {
  const std::string path = ::testing::TempDir() + "/form.txt";
  std::ofstream(path, std::ios::binary) << "file body";
  std::string head;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .expect_until("file body")
                                .expect_regex("-{26}[0-9a-f]{16}--")
                                .send(ok("thanks"))
                                .close()));
  blocking_session s;
  options o;
  o.http_form = {"name=value", "f=@" + path + ";type=text/x-test"};
  const outcome r = get(s, base(srv) + "/form", o);
  ASSERT_FALSE(r.ec) << r.r.message;
  EXPECT_EQ(r.out, "thanks");
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("POST /form HTTP/1.1\r\n"));
  EXPECT_THAT(head, ::testing::ContainsRegex(
                        "\r\nContent-Type: multipart/form-data; boundary=-{24}[0-9a-f]{16}\r\n"
                        "Content-Length: [0-9]+\r\n"));
  const auto received = srv.received();
  EXPECT_THAT(received,
              HasSubstr("Content-Disposition: form-data; name=\"name\"\r\n\r\nvalue\r\n"));
  EXPECT_THAT(received,
              HasSubstr("Content-Disposition: form-data; name=\"f\"; filename=\"form.txt\""
                        "\r\nContent-Type: text/x-test\r\n\r\nfile body\r\n"));

  options missing;
  missing.http_form = {"f=@/nonexistent/dir/x"};
  blocking_session s2;
  EXPECT_EQ(get(s2, "http://127.0.0.1:1/", missing).exit(), 26);
}

TEST(HttpTransferCompressed, BrZstdDecodedBombIs63CorruptIs61) {
  const std::string text(50000, 'k');
  std::string head;
  mock_server srv(std::move(
      script()
          .expect_until("", &head)
          .send(ok(br_encode(text), "Content-Encoding: br\r\n"))
          .expect_until("")
          .send(ok(zstd_encode(std::string(32 * 1024 * 1024, 0)), "Content-Encoding: zstd\r\n"))
          .close()));
  blocking_session s;
  options o;
  o.compressed = true;
  EXPECT_EQ(get(s, base(srv) + "/", o).out, text);
  EXPECT_THAT(head, HasSubstr("\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"));
  o.max_filesize = 1024 * 1024;
  const outcome bomb = get(s, base(srv) + "/", o);
  EXPECT_EQ(bomb.exit(), 63);
  EXPECT_LE(bomb.out.size(), 1024u * 1024u);

  mock_server bad(std::move(
      script().expect_until("").send(ok("not brotli at all", "Content-Encoding: br\r\n")).close()));
  blocking_session s2;
  options c;
  c.compressed = true;
  EXPECT_EQ(get(s2, base(bad) + "/", c).exit(), 61);
}

}  // namespace
}  // namespace inet::transfer
