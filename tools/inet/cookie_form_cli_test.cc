// `inet get` with curl's -b/-c (cookie files and strings) and -F (multipart forms) against the
// mock server: what goes on the wire, the cookie file written, and the exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/mock/server.hpp"
#include "tools/inet/cli.hpp"

namespace inet::cli {
namespace {

using test::mock_server;
using test::script;
using ::testing::HasSubstr;
using ::testing::Not;

struct result {
  int status = -1;
  std::string out, err;
};

result run(std::vector<std::string> args) {
  std::vector<std::string> argv{"inet", "get", "-sS", "--connect-timeout", "5", "-m", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  std::istringstream in;
  result r;
  r.status = cli::run(argv, out, err, in);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string base(const mock_server& srv) {
  return "http://127.0.0.1:" + std::to_string(srv.port());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(InetGetCookies, ReadsAFileSendsUpdatesAndWritesTheJar) {
  const std::string in = ::testing::TempDir() + "/cookies.in";
  const std::string out = ::testing::TempDir() + "/cookies.out";
  std::ofstream(in) << "# Netscape HTTP Cookie File\n"
                       "127.0.0.1\tFALSE\t/\tFALSE\t0\told\t1\n"
                       "other.example\tFALSE\t/\tFALSE\t0\tnot\tsent\n";
  std::string first, second;
  mock_server srv(std::move(script()
                                .expect_until("", &first)
                                .send("HTTP/1.1 200 OK\r\nSet-Cookie: new=2; Max-Age=3600\r\n"
                                      "Set-Cookie: old=; Max-Age=0\r\nContent-Length: 1\r\n\r\na")
                                .expect_until("", &second)
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb")
                                .close()));
  const result r = run({"-b", in, "-c", out, base(srv) + "/1", base(srv) + "/2"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ab");
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(first, HasSubstr("\r\nCookie: old=1\r\n"));
  EXPECT_THAT(second, HasSubstr("\r\nCookie: new=2\r\n"));
  const std::string jar = read_file(out);
  EXPECT_THAT(jar, HasSubstr("# Netscape HTTP Cookie File\n"));
  EXPECT_THAT(jar,
              ::testing::ContainsRegex("\n127\\.0\\.0\\.1\tFALSE\t/\tFALSE\t[0-9]{10}\tnew\t2\n"));
  EXPECT_THAT(jar, HasSubstr("\nother.example\tFALSE\t/\tFALSE\t0\tnot\tsent\n"));
  EXPECT_THAT(jar, Not(HasSubstr("\told\t")));
}

TEST(InetGetCookies, StringIsSentAsIs) {
  std::string head;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                                .close()));
  const result r = run({"-b", "a=1; b=2", base(srv) + "/"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("\r\nCookie: a=1; b=2\r\n"));
  EXPECT_EQ(run({"-b", "a=1\r\nX: y", base(srv) + "/"}).status, 2);
}

TEST(InetGetForm, PostsTheFieldsAndFilesAndMissingFileIs26) {
  const std::string file = ::testing::TempDir() + "/upload.txt";
  std::ofstream(file, std::ios::binary) << "uploaded";
  std::string head;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .expect_until("uploaded")
                                .expect_regex("-{26}[0-9a-f]{16}--")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                                .close()));
  const result r =
      run({"-F", "user=bob", "-F", "doc=@" + file + ";filename=a b.txt", base(srv) + "/up"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ok");
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("POST /up HTTP/1.1\r\n"));
  EXPECT_THAT(srv.received(), HasSubstr("name=\"user\"\r\n\r\nbob\r\n--------------------------"));
  EXPECT_THAT(srv.received(), HasSubstr("name=\"doc\"; filename=\"a b.txt\"\r\n"
                                        "Content-Type: text/plain\r\n\r\nuploaded\r\n"));
  EXPECT_EQ(run({"-F", "doc=@/nonexistent/x", "http://127.0.0.1:1/"}).status, 26);
  EXPECT_EQ(run({"-F", "a=1", "-d", "b=2", "http://127.0.0.1:1/"}).status, 2);
  EXPECT_EQ(run({"-F", "a=1", "-I", "http://127.0.0.1:1/"}).status, 2);
}

}  // namespace
}  // namespace inet::cli
