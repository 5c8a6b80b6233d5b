// `inet get http://` end to end (cli::run against the mock server): -C - resumes from the -o
// file, --retry on transient statuses, -w variables, --proxy-user (CONNECT with -p, else
// absolute-form requests to the proxy), -Z, and curl's
// exit codes 18 (cut mid-body), 52 (empty reply), 47 (too many redirects), 33 (no range).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mock/proxy.hpp"
#include "tests/mock/server.hpp"
#include "tools/inet/cli.hpp"

namespace inet::cli {
namespace {

using test::close_mode;
using test::mock_server;
using test::script;
using ::testing::HasSubstr;
using ::testing::Not;

struct result {
  int status = -1;
  std::string out, err;
};

result run(std::vector<std::string> args) {
  std::vector<std::string> argv{"inet", "get", "--connect-timeout", "5", "-m", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  std::istringstream in;
  result r;
  r.status = cli::run(argv, out, err, in);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string url(const mock_server& srv, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(srv.port()) + path;
}

std::string temp_file(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(InetGetHttp, ContinueAtDashResumesFromTheOutputFile) {
  std::string head;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .send("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes "
                                      "3-5/6\r\nContent-Length: 3\r\n\r\ndef")
                                .close()));
  const std::string file = temp_file("resume.bin", "abc");
  const result r = run({"-sS", "-C", "-", "-o", file, url(srv, "/f")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(file), "abcdef");
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("\r\nRange: bytes=3-\r\n"));
}

TEST(InetGetHttp, ResumeIgnoredIsExit33AndTheFileIsUntouched) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdef")
                                .close()));
  const std::string file = temp_file("resume33.bin", "abc");
  const result r = run({"-sS", "-C", "-", "-o", file, url(srv, "/f")});
  EXPECT_EQ(r.status, 33);
  EXPECT_EQ(slurp(file), "abc");
  EXPECT_THAT(r.err, HasSubstr("(33) HTTP server doesn't seem to support byte ranges"));
}

TEST(InetGetHttp, RetryOnATransientStatusThenSucceeds) {
  const std::string unavailable = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
  mock_server srv(std::move(script()
                                .expect("GET /r HTTP/1.1")
                                .expect_until("")
                                .send(unavailable)
                                .expect("GET /r HTTP/1.1")
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                                .close()));
  const result r = run({"--retry", "3", "--retry-delay", "0.001", "-w", " %{http_code}",
                        url(srv, "/r")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ok 200");
  EXPECT_THAT(r.err, HasSubstr("Warning: Problem : HTTP error. Will retry in 0 seconds. "
                               "3 retries left.\n"));
  EXPECT_SCRIPT_OK(srv);
}

TEST(InetGetHttp, RetryAfterBeyondTheMaxTimeEndsTheRetries) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 429 Too Many\r\nRetry-After: 3600\r\n"
                                      "Content-Length: 0\r\n\r\n")
                                .close()));
  const result r = run({"--retry", "3", "--retry-max-time", "60", "-w", "%{http_code}",
                        url(srv, "/r")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "429");
  EXPECT_THAT(r.err, Not(HasSubstr("Will retry")));
  EXPECT_SCRIPT_OK(srv);
}

TEST(InetGetHttp, RetryGivesUpAfterNAndNeverRetriesA404) {
  const std::string unavailable = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
  script s;
  for (int i = 0; i < 3; ++i)  // -f drops the connection after each 503
    s.expect("GET /r HTTP/1.1").expect_until("").send(unavailable).accept_next();
  s.expect("GET /missing HTTP/1.1")
      .expect_until("")
      .send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
      .close();
  mock_server srv(std::move(s));
  const result r = run({"-sS", "-f", "--retry", "2", "--retry-delay", "0.001", url(srv, "/r")});
  EXPECT_EQ(r.status, 22) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("Warning")));  // -s hides the retry warnings
  const result missing = run({"-sS", "--retry", "2", url(srv, "/missing")});
  EXPECT_EQ(missing.status, 0) << missing.err;
  EXPECT_SCRIPT_OK(srv);
}

TEST(InetGetHttp, WriteOutVariables) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 301 Moved\r\nLocation: /to\r\n"
                                      "Content-Length: 0\r\n\r\n")
                                .expect("GET /to HTTP/1.1")
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Type: text/x-a\r\n"
                                      "Content-Length: 3\r\n\r\nabc")
                                .close()));
  const result r = run({"-sS", "-L", "-o", "/dev/null", "-w",
                        "%{response_code}|%{num_redirects}|%{url_effective}|%{content_type}|"
                        "%{size_download}|%{nothing}\\n",
                        url(srv, "/from")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "200|1|" + url(srv, "/to") + "|text/x-a|3|\n");
}

TEST(InetGetHttp, SizeDownloadLeavesTheHeadOut) {
  const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n";
  mock_server srv(std::move(script().expect_until("").send(reply + "abc").close()));
  const result r = run({"-sS", "-i", "-w", "|%{size_download}", url(srv, "/")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, reply + "abc|3");
}

TEST(InetGetHttp, ProxyUserOnTheConnect) {
  test::mock_http_connect_proxy proxy({.basic_auth = "pu:pp"});
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                                .close()));
  const std::string px = "http://127.0.0.1:" + std::to_string(proxy.port());
  const result r = run({"-sS", "-p", "-x", px, "--proxy-user", "pu:pp", url(srv, "/p")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ok");
  EXPECT_THAT(proxy.last_request(), HasSubstr("Proxy-Authorization: Basic cHU6cHA=\r\n"));
}

TEST(InetGetHttp, PlainHttpThroughAProxyIsAbsoluteFormWithProxyUser) {
  std::string head;
  // The mock server is the proxy: it gets the absolute-form request for the origin.
  mock_server proxy(std::move(script()
                                  .expect("GET http://origin.test:8080/p?q=1 HTTP/1.1")
                                  .expect_until("", &head)
                                  .send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                                  .close()));
  const std::string px = "127.0.0.1:" + std::to_string(proxy.port());
  const result r = run({"-sS", "-x", px, "--proxy-user", "pu:pp", "-u", "a:b",
                        "http://origin.test:8080/p?q=1"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ok");
  ASSERT_SCRIPT_OK(proxy);
  EXPECT_EQ(head, "Host: origin.test:8080\r\nProxy-Authorization: Basic cHU6cHA=\r\n"
                  "User-Agent: inetpp\r\nAccept: */*\r\nAuthorization: Basic YTpi\r\n");
}

TEST(InetGetHttp, ParallelRunsEveryUrlOnItsOwnConnection) {
  // Both transfers are in flight at once: the second connection waits in the listener's
  // backlog while the first is served, so the order of the two is not known.
  auto reply = [](const std::string& line) {
    const std::string body = line == "GET /a HTTP/1.1" ? "A" : "B";
    return "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + body;
  };
  mock_server srv(std::move(script()
                                .respond(reply)
                                .expect_until("")
                                .accept_next()
                                .respond(reply)
                                .expect_until("")
                                .close()));
  const std::string dir = ::testing::TempDir();
  const result r = run({"-sS", "-Z", "--parallel-max", "2", "-o", dir + "/par_#1.txt",
                        url(srv, "/{a,b}")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(dir + "/par_a.txt"), "A");
  EXPECT_EQ(slurp(dir + "/par_b.txt"), "B");
  EXPECT_SCRIPT_OK(srv);
}

TEST(InetGetHttp, ParallelRetriesAndResumesEachUrl) {
  std::string first, second;
  mock_server srv(std::move(script()
                                .expect_until("", &first)
                                .send("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n")
                                .accept_next()  // -f dropped the connection
                                .expect_until("", &second)
                                .send("HTTP/1.1 206 Partial\r\nContent-Range: bytes 2-3/4\r\n"
                                      "Content-Length: 2\r\n\r\ncd")
                                .close()));
  const std::string file = temp_file("par_resume.bin", "ab");
  // With -C - a 503 would be exit 33 (no Content-Range), so the first try is -f's 22.
  const result r = run({"-sS", "-Z", "-f", "--retry", "1", "--retry-delay", "0.001",
                        "-o", file, url(srv, "/r")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(file), "cd");
  EXPECT_SCRIPT_OK(srv);
  mock_server again(std::move(script()
                                  .expect_until("", &second)
                                  .send("HTTP/1.1 206 Partial\r\nContent-Range: bytes 2-3/4\r\n"
                                        "Content-Length: 2\r\n\r\nef")
                                  .close()));
  const result resumed = run({"-sS", "-Z", "-C", "-", "-o", file, url(again, "/r")});
  EXPECT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(slurp(file), "cdef");
  ASSERT_SCRIPT_OK(again);
  EXPECT_THAT(second, HasSubstr("\r\nRange: bytes=2-\r\n"));
}

TEST(InetGetHttp, ParallelReturnsTheFirstFailureInUrlOrder) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                                .close()));
  const result r = run({"-sS", "-Z", "-f", url(srv, "/missing"), "http://127.0.0.1:1/"});
  EXPECT_EQ(r.status, 22);
  EXPECT_THAT(r.err, HasSubstr("(7)"));
  EXPECT_THAT(r.err, HasSubstr("(22)"));
  EXPECT_EQ(run({"-Z", "--parallel-max", "0", "http://127.0.0.1:1/"}).status, 2);
}

TEST(InetGetHttp, CutMidBodyIs18EmptyReplyIs52RedirectLoopIs47) {
  {
    mock_server srv(std::move(script()
                                  .expect_until("")
                                  .send("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")
                                  .close(close_mode::fin_only)));
    const result r = run({"-sS", url(srv, "/cut")});
    EXPECT_EQ(r.status, 18);
    EXPECT_EQ(r.out, "abc");
  }
  {
    mock_server srv(std::move(script().expect_until("").close()));
    EXPECT_EQ(run({"-sS", url(srv, "/empty")}).status, 52);
  }
  {
    const std::string loop = "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n";
    mock_server srv(std::move(script()
                                  .expect_until("")
                                  .send(loop)
                                  .expect_until("")
                                  .send(loop)
                                  .expect_until("")
                                  .send(loop)
                                  .close()));
    const result r = run({"-sS", "-L", "--max-redirs", "2", url(srv, "/loop")});
    EXPECT_EQ(r.status, 47);
    EXPECT_THAT(r.err, HasSubstr("(47)"));
  }
}

}  // namespace
}  // namespace inet::cli
