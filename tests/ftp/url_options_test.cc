// curl's FTP options through the transfer library (protocols/transfer/ftp.cc): --ftp-method
// directory walks and their reuse, --ftp-create-dirs, -Q, -C (get and put), -P, --disable-epsv,
// and the exit codes 9, 14, 21, 30, 36. Exact lines on the wire (tests/mock).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/transfer/session.hpp"
#include "tests/ftp/test_util.hpp"

namespace inet::ftp::testing {
namespace {

using transfer::exit_code;
using method = transfer::options::ftp_method;

std::string base(const mock::mock_server& srv) {
  return "ftp://alice:secret@" + srv.host() + ":" + std::to_string(srv.port()) + "/";
}

transfer::options plain() {
  transfer::options o;
  o.tls = transfer::tls_mode::none;
  o.connect_timeout = std::chrono::seconds(5);
  o.idle_timeout = std::chrono::seconds(5);
  return o;
}

mock::script login(bool pwd = true) {
  mock::script s;
  s.send("220 ready\r\n")
      .expect("FEAT").send("211-Features:\r\n SIZE\r\n211 End\r\n")
      .expect("USER alice").send("331 pw\r\n")
      .expect("PASS secret").send("230 ok\r\n");
  if (pwd) s.expect("PWD").send("257 \"/home/al\"\"ice\" is current\r\n");
  return s;
}

// Serves `data` on the next data connection and ends with 226.
mock::script& serve(mock::script& s, const port_box& port, std::string cmd, std::string data) {
  s.expect("EPSV").run(port.epsv()).expect(std::move(cmd)).send("150 go\r\n")
      .accept_next().send(std::move(data)).close(mock::close_mode::fin_only).use_connection(0)
      .send("226 done\r\n");
  return s;
}

exit_code code_of(const std::error_code& ec, const transfer::result& r) {
  return transfer::curl_exit_code(ec, r.failed_in);
}

TEST(FtpUrlOptions, MulticwdWalksEachDirectoryAndReturnsToTheLoginDirectory) {
  port_box port;
  mock::script s = login();
  s.expect("CWD a").send("250 ok\r\n").expect("CWD b c").send("250 ok\r\n")
      .expect("TYPE I").send("200 ok\r\n").expect("SIZE f").send("213 1\r\n");
  serve(s, port, "RETR f", "1");
  // Same directories: no CWD at all.
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE g").send("213 1\r\n");
  serve(s, port, "RETR g", "2");
  // Elsewhere: back to the PWD path (quotes undoubled), then down again; "//" starts at "/".
  s.expect("TYPE I").send("200 ok\r\n").expect("CWD /home/al\"ice").send("250 ok\r\n")
      .expect("CWD /").send("250 ok\r\n").expect("CWD etc").send("250 ok\r\n")
      .expect("TYPE A").send("200 ok\r\n");
  serve(s, port, "LIST", "listing\r\n");
  s.expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  std::string body;
  ses.get(base(srv) + "a/b%20c/f", plain(), string_sink(body));
  ses.get(base(srv) + "a/b%20c/g", plain(), string_sink(body));
  ses.get(base(srv) + "/etc/", plain(), string_sink(body));
  EXPECT_EQ(body, "12listing\n");
  ses.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpUrlOptions, NocwdAndSinglecwd) {
  port_box port;
  mock::script s = login(false);
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE a/b/f").send("213 1\r\n");
  serve(s, port, "RETR a/b/f", "1");
  s.expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  std::string body;
  auto o = plain();
  o.ftp_cwd = method::nocwd;
  ses.get(base(srv) + "a/b/f", o, string_sink(body));
  EXPECT_EQ(body, "1");
  ses.close();
  EXPECT_SCRIPT_OK(srv);

  port_box port2;
  mock::script s2 = login();
  s2.expect("CWD a/b").send("250 ok\r\n").expect("TYPE I").send("200 ok\r\n")
      .expect("SIZE f").send("213 1\r\n");
  serve(s2, port2, "RETR f", "2");
  s2.expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv2(std::move(s2));
  port2.set(srv2);
  transfer::blocking_session ses2;
  o.ftp_cwd = method::singlecwd;
  ses2.get(base(srv2) + "a/b/f", o, string_sink(body));
  EXPECT_EQ(body, "12");
  ses2.close();
  EXPECT_SCRIPT_OK(srv2);
}

TEST(FtpUrlOptions, CwdRefusedIs9AndTheConnectionStaysUsable) {
  port_box port;
  mock::script s = login();
  s.expect("CWD nope").send("550 Failed to change directory.\r\n");
  s.expect("TYPE I").send("200 ok\r\n").expect("CWD /home/al\"ice").send("250 ok\r\n")
      .expect("SIZE f").send("213 1\r\n");
  serve(s, port, "RETR f", "1");
  s.expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  std::string body;
  std::error_code ec;
  auto r = ses.get(base(srv) + "nope/f", plain(), string_sink(body), ec);
  EXPECT_EQ(code_of(ec, r), exit_code::remote_access_denied) << r.message;
  r = ses.get(base(srv) + "f", plain(), string_sink(body), ec);
  EXPECT_FALSE(ec) << r.message;
  EXPECT_TRUE(r.reused_connection);
  ses.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpUrlOptions, CreateDirsMakesWhatCwdCannotEnter) {
  port_box port;
  auto got = std::make_shared<std::string>();
  mock::script s = login();
  s.expect("CWD new").send("550 no\r\n").expect("CWD new").send("550 no\r\n")
      .expect("MKD new").send("257 \"/home/alice/new\" created\r\n")
      .expect("CWD new").send("250 ok\r\n")
      .expect("TYPE I").send("200 ok\r\n").expect("EPSV").run(port.epsv())
      .expect("STOR f").send("150 send\r\n")
      .accept_next().run(read_all(got.get())).use_connection(0).send("226 ok\r\n")
      .expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  memory_source src("up");
  auto o = plain();
  o.ftp_create_dirs = true;
  ses.put(base(srv) + "new/f", o, src);
  EXPECT_EQ(*got, "up");
  ses.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpUrlOptions, QuoteCommandsRunBeforeAfterWalkAndAfterTransfer) {
  port_box port;
  mock::script s = login();
  s.expect("SITE UMASK 022").send("200 ok\r\n")
      .expect("CWD d").send("250 ok\r\n")
      .expect("NOOP").send("200 ok\r\n")
      .expect("TYPE I").send("200 ok\r\n").expect("SIZE f").send("213 1\r\n");
  serve(s, port, "RETR f", "1");
  s.expect("DELE gone").send("550 no such file\r\n")   // '*': ignored
      .expect("DELE f").send("550 no such file\r\n")  // fails: curl's 21
      .expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  std::string body;
  std::error_code ec;
  auto o = plain();
  o.quote = {"SITE UMASK 022", "+NOOP", "-*DELE gone", "-DELE f"};
  const auto r = ses.get(base(srv) + "d/f", o, string_sink(body), ec);
  EXPECT_EQ(code_of(ec, r), exit_code::quote_error) << r.message;
  EXPECT_EQ(body, "1");
  ses.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpUrlOptions, ResumeDownloadRestsAndPastTheEndIs36) {
  port_box port;
  mock::script s = login();
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE f").send("213 10\r\n")
      .expect("REST 6").send("350 Restart position accepted (6).\r\n");
  serve(s, port, "RETR f", "6789");
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE f").send("213 10\r\n");  // 20 > 10: no RETR
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE f").send("213 10\r\n");  // 10: done already
  s.expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  std::string body;
  std::error_code ec;
  auto o = plain();
  o.resume_from = 6;
  auto r = ses.get(base(srv) + "f", o, string_sink(body), ec);
  EXPECT_FALSE(ec) << r.message;
  EXPECT_EQ(body, "6789");
  o.resume_from = 20;
  r = ses.get(base(srv) + "f", o, string_sink(body), ec);
  EXPECT_EQ(code_of(ec, r), exit_code::bad_download_resume) << r.message;
  o.resume_from = 10;
  r = ses.get(base(srv) + "f", o, string_sink(body), ec);
  EXPECT_FALSE(ec) << r.message;
  EXPECT_EQ(body, "6789");
  ses.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpUrlOptions, ResumeUploadSkipsWhatTheServerHasAndAppends) {
  port_box port;
  auto got = std::make_shared<std::string>();
  mock::script s = login();
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE f").send("213 3\r\n")
      .expect("EPSV").run(port.epsv())
      .expect("APPE f").send("150 send\r\n")
      .accept_next().run(read_all(got.get())).use_connection(0).send("226 ok\r\n")
      .expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  memory_source src("abcdef");
  auto o = plain();
  o.resume_auto = true;
  ses.put(base(srv) + "f", o, src);
  EXPECT_EQ(*got, "def");
  ses.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpUrlOptions, ActiveRefusedIs30AndPasvOnlyUnparseable227Is14) {
  mock::script s = login();
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE f").send("213 1\r\n")
      .expect_regex(R"(EPRT \|1\|127\.0\.0\.1\|[0-9]+\|)").send("500 no\r\n")
      .expect_regex(R"(PORT 127,0,0,1,[0-9]+,[0-9]+)").send("500 no\r\n");
  mock::mock_server srv(std::move(s));
  transfer::blocking_session ses;
  std::string body;
  std::error_code ec;
  auto o = plain();
  o.ftp_port = "-";
  auto r = ses.get(base(srv) + "f", o, string_sink(body), ec);
  EXPECT_EQ(code_of(ec, r), exit_code::ftp_port_failed) << r.message;
  EXPECT_SCRIPT_OK(srv);

  mock::script s2 = login();
  s2.expect("TYPE I").send("200 ok\r\n").expect("SIZE f").send("213 1\r\n")
      .expect("PASV").send("227 Entering Passive Mode (garbage).\r\n");
  mock::mock_server srv2(std::move(s2));
  transfer::blocking_session ses2;
  o.ftp_port.reset();
  o.ftp_epsv = false;
  r = ses2.get(base(srv2) + "f", o, string_sink(body), ec);
  EXPECT_EQ(code_of(ec, r), exit_code::ftp_weird_227_format) << r.message;
  EXPECT_SCRIPT_OK(srv2);
}

TEST(FtpUrlOptions, MaxFilesizeRefusedBySizeBeforeRetr) {
  mock::script s = login();
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE big").send("213 1000\r\n");  // no RETR
  mock::mock_server srv(std::move(s));
  transfer::blocking_session ses;
  std::string body;
  std::error_code ec;
  auto o = plain();
  o.max_filesize = 10;
  const auto r = ses.get(base(srv) + "big", o, string_sink(body), ec);
  EXPECT_EQ(code_of(ec, r), exit_code::filesize_exceeded) << r.message;
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::ftp::testing
