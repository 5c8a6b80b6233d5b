// `inet get`/`inet put` through the transfer library (cli::run against the mock servers): the
// URLs of a command share one connection per scheme; smtp put with --mail-from/--mail-rcpt.
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

struct result {
  int status = -1;
  std::string out, err;
};

result run(const char* verb, std::vector<std::string> args, std::string input = {}) {
  std::vector<std::string> argv{"inet", verb, "--connect-timeout", "5", "-m", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  std::istringstream in(input);
  result r;
  r.status = cli::run(argv, out, err, in);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string url(const mock_server& srv, const char* scheme, const std::string& path) {
  return std::string(scheme) + "://alice:secret@" + srv.host() + ":" + std::to_string(srv.port()) +
         "/" + path;
}

TEST(InetGetPop3, AllUrlsOfACommandShareOneLogin) {
  script s = script()
                 .send("+OK ready\r\n")
                 .expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                 .expect("USER alice").send("+OK\r\n")
                 .expect("PASS secret").send("+OK\r\n");
  for (int i = 1; i <= 4; ++i)
    s.expect("RETR " + std::to_string(i)).send("+OK\r\nm" + std::to_string(i) + "\r\n.\r\n");
  s.expect("QUIT").send("+OK\r\n");
  mock_server srv(std::move(s));  // a second login would find no listener
  std::vector<std::string> args{"--tls", "none"};
  for (int i = 1; i <= 4; ++i) args.push_back(url(srv, "pop3", std::to_string(i)));
  const result r = run("get", args);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "m1\r\nm2\r\nm3\r\nm4\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(InetGetPop3, GlobbedUrlsShareOneLoginAndNameTheOutputs) {
  script s = script()
                 .send("+OK ready\r\n")
                 .expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                 .expect("USER alice").send("+OK\r\n")
                 .expect("PASS secret").send("+OK\r\n");
  for (int i = 1; i <= 3; ++i)
    s.expect("RETR " + std::to_string(i)).send("+OK\r\nm" + std::to_string(i) + "\r\n.\r\n");
  s.expect("QUIT").send("+OK\r\n");
  mock_server srv(std::move(s));
  const std::string dir = ::testing::TempDir();
  const result r = run("get", {"--tls", "none", "-o", dir + "/msg_#1.eml", url(srv, "pop3", "[1-3]")});
  EXPECT_EQ(r.status, 0) << r.err;
  for (int i = 1; i <= 3; ++i) {
    std::ifstream in(dir + "/msg_" + std::to_string(i) + ".eml", std::ios::binary);
    std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(got, "m" + std::to_string(i) + "\r\n");
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(InetGet, BadGlobIsExit3AndGloboffSendsItAsIs) {
  result r = run("get", {"pop3://127.0.0.1:1/[3-1]"});
  EXPECT_EQ(r.status, 3);
  EXPECT_THAT(r.err, HasSubstr("bad range in URL position"));
  r = run("get", {"-g", "ldap://h/[3-1]"});
  EXPECT_EQ(r.status, 1);  // not a glob error: the scheme is the problem
}

TEST(InetPutSmtp, SendsStdinToTheRecipients) {
  std::string data;
  mock_server srv(script()
                      .send("220 mock.test ESMTP\r\n")
                      .expect("EHLO client.test").send("250-mock.test\r\n250 AUTH PLAIN\r\n")
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==").send("235 ok\r\n")
                      .expect("MAIL FROM:<alice@example.test>").send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>").send("250 ok\r\n")
                      .expect("RCPT TO:<carol@example.test>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".", &data).send("250 queued\r\n")
                      .expect("QUIT").send("221 bye\r\n"));
  const result r = run("put", {"--tls", "none", "--mail-from", "alice@example.test",
                               "--mail-rcpt", "bob@example.test", "--mail-rcpt",
                               "<carol@example.test>", url(srv, "smtp", "client.test")},
                       "Subject: hi\r\n\r\nbody\r\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(data, HasSubstr("Subject: hi"));
}

TEST(InetPutSmtp, RefusedSenderIsExit55) {
  mock_server srv(script()
                      .send("220 mock.test ESMTP\r\n")
                      .expect("EHLO client.test").send("250-mock.test\r\n250 AUTH PLAIN\r\n")
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==").send("235 ok\r\n")
                      .expect("MAIL FROM:<alice@example.test>").send("550 5.7.1 no\r\n")
                      .expect("RSET").send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n"));
  const result r = run("put", {"--tls", "none", "--mail-from", "alice@example.test",
                               "--mail-rcpt", "bob@example.test", url(srv, "smtp", "client.test")},
                       "x\r\n");
  EXPECT_EQ(r.status, 55);
  EXPECT_THAT(r.err, HasSubstr("inet: (55)"));
  EXPECT_SCRIPT_OK(srv);
}

TEST(InetPut, MissingUploadFileIsExit26) {
  const result r = run("put", {"-T", "/nonexistent/inet-upload", "imap://127.0.0.1:1/INBOX"});
  EXPECT_EQ(r.status, 26);
  EXPECT_THAT(r.err, HasSubstr("Can't open"));
}

}  // namespace
}  // namespace inet::cli
