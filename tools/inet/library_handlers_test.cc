// `inet get`/`inet put` through the transfer library (cli::run against the mock servers): the
// URLs of a command share one connection per scheme; smtp put with --mail-from/--mail-rcpt.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mock/server.hpp"
#include "tools/inet/cli.hpp"
#include "tools/inet/extract.hpp"

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

// RETR 1..3 with a -ERR for 2: pipelined (the server lists PIPELINING: the glob's RETRs are
// written before any reply is read) or one by one; each URL's output and error as without.
result glob_with_a_refused_message(bool pipelining, const std::string& dir) {
  auto login = [pipelining](script s) {
    return s.send("+OK ready\r\n")
        .expect("CAPA").send(pipelining ? "+OK\r\nUSER\r\nPIPELINING\r\n.\r\n" : "+OK\r\nUSER\r\n.\r\n")
        .expect("USER alice").send("+OK\r\n")
        .expect("PASS secret").send("+OK\r\n");
  };
  script s = login(script());
  if (pipelining) {
    s.expect("RETR 1").expect("RETR 2").expect("RETR 3")
        .send("+OK\r\nm1\r\n.\r\n-ERR no such message\r\n+OK\r\nm3\r\n.\r\n");
  } else {
    s.expect("RETR 1").send("+OK\r\nm1\r\n.\r\n").expect("RETR 2").send("-ERR no such message\r\n");
  }
  s = login(s.accept_next());  // a refused RETR drops the connection, as always
  s.expect("RETR 3").send("+OK\r\nm3\r\n.\r\n").expect("QUIT").send("+OK\r\n");
  mock_server srv(std::move(s));
  result r = run("get", {"--tls", "none", "-w", "%{size_download}\n", "-o",
                         dir + "/msg_#1.eml", url(srv, "pop3", "[1-3]")});
  EXPECT_SCRIPT_OK(srv);
  return r;
}

TEST(InetGetPop3, GlobIsPipelinedAndARefusedMessageFailsOnlyItsUrl) {
  const std::string dir = ::testing::TempDir() + "/pipelined";
  std::filesystem::create_directories(dir + "/a");
  std::filesystem::create_directories(dir + "/b");
  const result piped = glob_with_a_refused_message(true, dir + "/a");
  const result plain = glob_with_a_refused_message(false, dir + "/b");
  EXPECT_EQ(piped.status, plain.status);
  EXPECT_NE(piped.status, 0);
  EXPECT_EQ(piped.out, plain.out);
  EXPECT_EQ(piped.out, "4\n0\n4\n");
  EXPECT_EQ(piped.err, plain.err);
  EXPECT_THAT(piped.err, HasSubstr("RETR 2"));
  for (const char* sub : {"/a", "/b"}) {
    for (int i : {1, 3}) {
      std::ifstream in(dir + sub + "/msg_" + std::to_string(i) + ".eml", std::ios::binary);
      std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_EQ(got, "m" + std::to_string(i) + "\r\n") << sub << i;
    }
  }
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

TEST(InetPutSmtp, MailAuthIsSentAfterLoginOnly) {
  // curl's --mail-auth: AUTH=<addr> (xtext: '+' is +2B) after the reverse path, once logged in.
  mock_server srv(script()
                      .send("220 mock.test ESMTP\r\n")
                      .expect("EHLO client.test").send("250-mock.test\r\n250-SIZE 1000\r\n250 AUTH PLAIN\r\n")
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==").send("235 ok\r\n")
                      .expect("MAIL FROM:<alice@example.test> AUTH=<a+2Bb@example.test> SIZE=3")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".").send("250 queued\r\n")
                      .expect("QUIT").send("221 bye\r\n"));
  const std::string file = ::testing::TempDir() + "/mail_auth.eml";
  std::ofstream(file, std::ios::binary) << "x\r\n";
  const result r = run("put", {"--tls", "none", "--mail-from", "alice@example.test",
                               "--mail-auth", "a+b@example.test", "--mail-rcpt",
                               "bob@example.test", "-T", file, url(srv, "smtp", "client.test")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_SCRIPT_OK(srv);

  mock_server anon(script()
                       .send("220 mock.test ESMTP\r\n")
                       .expect("EHLO client.test").send("250 mock.test\r\n")
                       .expect("MAIL FROM:<alice@example.test>").send("250 ok\r\n")
                       .expect("RCPT TO:<bob@example.test>").send("250 ok\r\n")
                       .expect("DATA").send("354 go\r\n")
                       .expect_until(".").send("250 queued\r\n")
                       .expect("QUIT").send("221 bye\r\n"));
  const result a = run("put", {"--tls", "none", "--mail-from", "alice@example.test",
                               "--mail-auth", "a@example.test", "--mail-rcpt", "bob@example.test",
                               "smtp://" + anon.host() + ":" + std::to_string(anon.port()) +
                                   "/client.test"},
                       "x\r\n");
  EXPECT_EQ(a.status, 0) << a.err;
  EXPECT_SCRIPT_OK(anon);
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

namespace inet::cli {
namespace {

const char* const mail_with_attachments =
    "From: a@example.com\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
    "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename*=UTF-8''..%2F..%2Fr%C3%A9sum%C3%A9.bin\r\n\r\n"
    "AAEC/w==\r\n"
    "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nnote\r\n"
    "--b--\r\n";

script pop3_retr(int times) {
  script s = script()
                 .send("+OK ready\r\n")
                 .expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                 .expect("USER alice").send("+OK\r\n")
                 .expect("PASS secret").send("+OK\r\n");
  for (int i = 0; i < times; ++i)
    s.expect("RETR 1").send(std::string("+OK\r\n") + mail_with_attachments + ".\r\n");
  s.expect("QUIT").send("+OK\r\n");
  return s;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(InetGetExtract, PartsPrintsTheTreeAndExtractWritesSafeNames) {
  const std::string dir = ::testing::TempDir() + "/extract_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  {
    mock_server srv(pop3_retr(1));
    const result r =
        run("get", {"--tls", "none", "--parts", "--extract", dir, url(srv, "pop3", "1")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "message multipart/mixed\n"
              "  1 text/plain\n"
              "  2 application/octet-stream \"_._.._résumé.bin\"\n"
              "  3 text/plain\n");
    EXPECT_EQ(r.err, "");
    EXPECT_SCRIPT_OK(srv);
  }
  EXPECT_EQ(slurp(dir + "/_._.._résumé.bin"), std::string("\0\1\2\xff", 4));
  EXPECT_EQ(slurp(dir + "/part-3"), "note");
  EXPECT_FALSE(std::filesystem::exists(dir + "/part-1"));
  {
    // A second run refuses to overwrite (curl's write error 23) ...
    mock_server srv(pop3_retr(1));
    const result r = run("get", {"--tls", "none", "--extract", dir, url(srv, "pop3", "1")});
    EXPECT_EQ(r.status, 23);
    EXPECT_THAT(r.err, HasSubstr("Refusing to overwrite"));
  }
  {
    // ... unless --force.
    std::ofstream(dir + "/part-3") << "old";
    mock_server srv(pop3_retr(1));
    const result r =
        run("get", {"--tls", "none", "--force", "--extract", dir, url(srv, "pop3", "1")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(slurp(dir + "/part-3"), "note");
    EXPECT_SCRIPT_OK(srv);
  }
  std::filesystem::remove_all(dir);
}

TEST(InetGetExtract, ImapUidMessage) {
  const std::string msg = mail_with_attachments;
  script s = script()
                 .send("* OK [CAPABILITY IMAP4rev1] ready\r\n")
                 .expect("A1 LOGIN alice secret")
                 .send("A1 OK [CAPABILITY IMAP4rev1] done\r\n")
                 .expect("A2 SELECT INBOX")
                 .send("* 3 EXISTS\r\n* OK [UIDVALIDITY 42] v\r\nA2 OK [READ-WRITE] selected\r\n")
                 .expect("A3 UID FETCH 7 (BODY[])")
                 .send("* 1 FETCH (UID 7 BODY[] {" + std::to_string(msg.size()) + "}\r\n" + msg +
                       ")\r\nA3 OK\r\n")
                 .expect("A4 LOGOUT")
                 .send("* BYE bye\r\nA4 OK\r\n");
  mock_server srv(std::move(s));
  const result r = run("get", {"--tls", "none", "--parts", url(srv, "imap", "INBOX;UID=7")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "message multipart/mixed\n"
            "  1 text/plain\n"
            "  2 application/octet-stream \"_._.._résumé.bin\"\n"
            "  3 text/plain\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(InetGetExtract, SafeFileNames) {
  EXPECT_EQ(safe_file_name("report.pdf", "x"), "report.pdf");
  EXPECT_EQ(safe_file_name("..", "x"), "_.");
  EXPECT_EQ(safe_file_name(".bashrc", "x"), "_bashrc");
  EXPECT_EQ(safe_file_name("a\\b/c\r\nd\x7f", "x"), "a_b_c__d_");
  EXPECT_EQ(safe_file_name(std::string("a\0b", 3), "x"), "a_b");
  EXPECT_EQ(safe_file_name("", "part-2.1"), "part-2.1");
  std::string e_acute;
  for (int i = 0; i < 150; ++i) e_acute += "\xC3\xA9";  // 300 bytes of "é"
  EXPECT_EQ(safe_file_name(e_acute, "x"), e_acute.substr(0, 200));
  EXPECT_EQ(safe_file_name("a" + e_acute, "x"), "a" + e_acute.substr(0, 198));
}

TEST(InetGetExtract, NeedsOneMessage) {
  const result r = run("get", {"--parts", "pop3://127.0.0.1:1/"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("need one message"));
}

}  // namespace
}  // namespace inet::cli
