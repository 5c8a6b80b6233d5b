// `inet get pop3(s)://` through the CLI (cli::run) against the scripted mock server: curl's
// command choice, exact output bytes and exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "protocols/pop3/client.hpp"
#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"
#include "tools/inet/cli.hpp"
#include "tools/pop3/pop3_get.hpp"
#include "transport/error.hpp"

namespace inet::pop3_cli {
namespace {

using test::mock_server;
using test::script;
using ::testing::HasSubstr;
using ::testing::Not;

struct result {
  int status = -1;
  std::string out, err;
};

result run_get(std::vector<std::string> args) {
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

std::string url(const mock_server& srv, const std::string& path, const char* scheme = "pop3") {
  return std::string(scheme) + "://alice:secret@" + srv.host() + ":" + std::to_string(srv.port()) +
         "/" + path;
}

script login(const char* caps = "+OK\r\nUSER\r\n.\r\n") {
  return script()
      .send("+OK ready\r\n")
      .expect("CAPA").send(caps)
      .expect("USER alice").send("+OK\r\n")
      .expect("PASS secret").send("+OK\r\n");
}

TEST(Pop3Get, ListIsTheDefault) {
  mock_server srv(login().expect("LIST").send("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  const result r = run_get({"--tls", "none", url(srv, "")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "1 120\r\n2 200\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Get, MessageNumberRetrievesTheMessage) {
  mock_server srv(login().expect("RETR 2").send("+OK\r\nSubject: x\r\n\r\n..dot\r\nend\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  const result r = run_get({"--tls", "none", url(srv, "2")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Subject: x\r\n\r\n.dot\r\nend\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Get, CustomCommandsAndListOnly) {
  mock_server srv(login().expect("UIDL").send("+OK\r\n1 aaa\r\n.\r\n").expect("QUIT").send("+OK\r\n")
                      .accept_next()
                      .send("+OK ready\r\n").expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                      .expect("USER alice").send("+OK\r\n").expect("PASS secret").send("+OK\r\n")
                      .expect("TOP 1 0").send("+OK\r\nSubject: y\r\n\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n")
                      .accept_next()
                      .send("+OK ready\r\n").expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                      .expect("USER alice").send("+OK\r\n").expect("PASS secret").send("+OK\r\n")
                      .expect("LIST 1").send("+OK 1 120\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  result r = run_get({"--tls", "none", "-X", "UIDL", url(srv, "")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "1 aaa\r\n");
  r = run_get({"--tls", "none", "-X", "TOP 1 0", url(srv, "")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Subject: y\r\n\r\n");
  r = run_get({"--tls", "none", "--list-only", url(srv, "1")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");  // curl writes nothing for a message-specific LIST
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Get, HeadMakesASingleLineCommand) {
  mock_server srv(login().expect("DELE 1").send("+OK marked\r\n").expect("QUIT").send("+OK\r\n"));
  const result r = run_get({"--tls", "none", "-X", "DELE", "-I", url(srv, "1")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Get, CutOffTransferIsPartialExit18) {
  mock_server srv(login().expect("RETR 1").send("+OK\r\nline one\r\n").close());
  const result r = run_get({"--tls", "none", url(srv, "1")});
  EXPECT_EQ(r.status, 18);
  EXPECT_EQ(r.out, "line one\r\n");
  EXPECT_THAT(r.err, HasSubstr("inet: (18)"));
  EXPECT_SCRIPT_OK(srv);
}

// The same for a listing: LIST (pop3://host/) cut off before its "." line is exit 18, not 0.
TEST(Pop3Get, CutOffListIsPartialExit18) {
  mock_server srv(login().expect("LIST").send("+OK 2 messages\r\n1 120\r\n").close());
  const result r = run_get({"--tls", "none", url(srv, "")});
  EXPECT_EQ(r.status, 18);
  EXPECT_THAT(r.err, HasSubstr("inet: (18)"));
  EXPECT_SCRIPT_OK(srv);
}

// LF.LF smuggling: "\n.\n" inside a message is data, not the end; a message cut off after it
// is a partial transfer (exit 18), never a silently truncated success.
TEST(Pop3Get, BareLfDotLfNeitherTruncatesNorSucceeds) {
  mock_server srv(login().expect("RETR 1").send("+OK\r\nhead\r\ntext\n.\nmore\r\n").close());
  const result r = run_get({"--tls", "none", url(srv, "1")});
  EXPECT_EQ(r.status, 18);
  EXPECT_EQ(r.out, "head\r\ntext\n.\nmore\r\n");
  EXPECT_THAT(r.err, HasSubstr("inet: (18)"));
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Get, BareLfDotLfIsDeliveredAsData) {
  mock_server srv(login().expect("RETR 1").send("+OK\r\ntext\n.\nmore\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  const result r = run_get({"--tls", "none", url(srv, "1")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "text\n.\nmore\r\n");
  EXPECT_SCRIPT_OK(srv);
}

// The CAPA equivalent of curl's IMAP rule: with CAPA refused and TLS required, STLS is tried
// anyway (as curl does); refused too, it is 64 (CURLE_USE_SSL_FAILED), and no credential is
// sent.
TEST(Pop3Get, CapaRefusedWithTlsRequiredIs64) {
  mock_server srv(script().send("+OK ready\r\n").expect("CAPA").send("-ERR unknown command\r\n")
                      .expect("STLS").send("-ERR no\r\n").expect_eof());
  const result r = run_get({url(srv, "1")});  // credentials: TLS required by default
  EXPECT_EQ(r.status, 64) << r.err;
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "CAPA\r\nSTLS\r\n");
}

TEST(Pop3Get, LoginDeniedIs67) {
  mock_server srv(script().send("+OK ready\r\n").expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                      .expect("USER alice").send("+OK\r\n")
                      .expect("PASS secret").send("-ERR [AUTH] invalid\r\n"));
  const result r = run_get({"--tls", "none", url(srv, "1")});
  EXPECT_EQ(r.status, 67);
  EXPECT_THAT(r.err, HasSubstr("inet: (67)"));
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Get, TlsRequiredButNotOfferedIs64AndSendsNoPassword) {
  mock_server srv(script().send("+OK ready\r\n").expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                      .expect_eof());
  const result r = run_get({url(srv, "1")});  // credentials: TLS required by default
  EXPECT_EQ(r.status, 64);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), Not(HasSubstr("secret")));
}

TEST(Pop3Get, ErrToTheCommandIs8) {
  mock_server srv(login().expect("RETR 9").send("-ERR no such message\r\n"));
  const result r = run_get({"--tls", "none", url(srv, "9")});
  EXPECT_EQ(r.status, 8);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("no such message"));
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Get, MaxFilesizeIs63) {
  mock_server srv(login().expect("RETR 1").send("+OK\r\n").send_repeated("0123456789\r\n", 10'000));
  const result r = run_get({"--tls", "none", "--max-filesize", "1k", url(srv, "1")});
  EXPECT_EQ(r.status, 63);
  EXPECT_LE(r.out.size(), 1024u);
}

TEST(Pop3Get, Pop3sVerifiesWithCacertAndSilentHidesErrors) {
  mock_server srv(login().expect("LIST").send("+OK\r\n.\r\n").expect("QUIT").send("+OK\r\n"),
                  test::server_options{.implicit_tls = true});
  const result r =
      run_get({"--cacert", test::test_pki::instance().ca_file(), url(srv, "", "pop3s")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_SCRIPT_OK(srv);

  mock_server bad(script(), test::server_options{.implicit_tls = true,
                                                 .cert = test::cert_kind::self_signed});
  const result v = run_get({"-s", "--cacert", test::test_pki::instance().ca_file(),
                            url(bad, "", "pop3s")});
  EXPECT_EQ(v.status, 60);
  EXPECT_EQ(v.err, "");
}

TEST(Pop3Get, ApopLoginOption) {
  mock_server srv(script().send("+OK ready <1896.697170952@dbc.mtview.ca.us>\r\n")
                      .expect("CAPA").send("-ERR\r\n")
                      .expect("APOP mrose c4c9334bac560ecc979e58001b3e22fb").send("+OK\r\n")
                      .expect("LIST").send("+OK\r\n.\r\n").expect("QUIT").send("+OK\r\n"));
  const result r = run_get({"--tls", "none", "pop3://mrose:tanstaaf;AUTH=+APOP@" + srv.host() +
                                                ":" + std::to_string(srv.port()) + "/"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Get, ExitCodeMapping) {
  EXPECT_EQ(exit_code_for(transport::error::unexpected_eof, phase::transfer),
            cli::exit_code::partial_file);
  EXPECT_EQ(exit_code_for(transport::error::unexpected_eof, phase::connect),
            cli::exit_code::recv_error);
  EXPECT_EQ(exit_code_for(pop3::error::mailbox_in_use, phase::connect),
            cli::exit_code::login_denied);
  EXPECT_EQ(exit_code_for(transport::error::timeout, phase::transfer),
            cli::exit_code::operation_timedout);
}

}  // namespace
}  // namespace inet::pop3_cli
