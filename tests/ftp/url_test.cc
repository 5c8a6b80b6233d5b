// ftp:// and ftps:// URLs through the transfer library (protocols/transfer/ftp.cc): what goes
// on the wire for get, listings and put, connection reuse, and curl's exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/transfer/session.hpp"
#include "tests/ftp/test_util.hpp"

namespace inet::ftp::testing {
namespace {

using transfer::exit_code;

std::string base(const mock::mock_server& srv, const char* user = "") {
  return std::string("ftp://") + user + srv.host() + ":" + std::to_string(srv.port()) + "/";
}

transfer::options plain() {
  transfer::options o;
  o.tls = transfer::tls_mode::none;
  o.connect_timeout = std::chrono::seconds(5);
  o.idle_timeout = std::chrono::seconds(5);
  return o;
}

mock::script user_login() {
  mock::script s;
  s.send("220 ready\r\n")
      .expect("FEAT").send("211-Features:\r\n SIZE\r\n211 End\r\n")
      .expect("USER alice").send("331 pw\r\n")
      .expect("PASS secret").send("230 ok\r\n")
      .expect("PWD").send("257 \"/home/alice\" is the current directory\r\n");
  return s;
}

TEST(FtpUrl, GetRetrievesThenListsOnTheSameConnection) {
  port_box port;
  mock::script s = user_login();
  s.expect("CWD pub").send("250 ok\r\n")
      .expect("TYPE I").send("200 ok\r\n")
      .expect("SIZE file.txt").send("213 5\r\n")
      .expect("EPSV").run(port.epsv())
      .expect("RETR file.txt").send("150 go\r\n")
      .accept_next().send("hello").close(mock::close_mode::fin_only).use_connection(0)
      .send("226 done\r\n")
      .expect("TYPE I").send("200 ok\r\n")
      .expect("TYPE A").send("200 ok\r\n")
      .expect("EPSV").run(port.epsv())
      .expect("LIST").send("150 listing\r\n")
      .accept_next().send("-rw-r--r-- 1 0 0 5 Jan 1 file.txt\r\n").close(mock::close_mode::fin_only)
      .use_connection(0).send("226 done\r\n")
      .expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  std::string body, listing;
  const auto r = ses.get(base(srv, "alice:secret@") + "pub/file.txt", plain(), string_sink(body));
  EXPECT_EQ(body, "hello");
  EXPECT_EQ(r.bytes, 5u);
  const auto r2 = ses.get(base(srv, "alice:secret@") + "pub/", plain(), string_sink(listing));
  EXPECT_TRUE(r2.reused_connection);
  EXPECT_EQ(listing, "-rw-r--r-- 1 0 0 5 Jan 1 file.txt\n");  // TYPE A: CRLF -> LF, as curl
  ses.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpUrl, PutStoresTheSourceAnonymously) {
  port_box port;
  auto got = std::make_shared<std::string>();
  mock::script s;
  s.send("220 ready\r\n").expect("FEAT").send("500 no\r\n")
      .expect("USER anonymous").send("331 pw\r\n").expect("PASS ftp@example.com").send("230 ok\r\n")
      .expect("PWD").send("257 \"/\"\r\n")
      .expect("CWD incoming").send("250 ok\r\n")
      .expect("TYPE I").send("200 ok\r\n")
      .expect("EPSV").run(port.epsv())
      .expect("STOR up.bin").send("150 send\r\n")
      .accept_next().run(read_all(got.get())).use_connection(0).send("226 stored\r\n")
      .expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  memory_source src("payload");
  auto o = plain();
  o.upload_name = "/tmp/up.bin";
  const auto r = ses.put(base(srv) + "incoming/", o, src);
  EXPECT_EQ(r.bytes, 7u);
  ses.close();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(*got, "payload");
}

TEST(FtpUrl, CurlExitCodes) {
  std::vector<std::pair<mock::script, exit_code>> cases;
  cases.emplace_back(mock::script().send("220 ready\r\n").expect("FEAT").send("500 no\r\n")
                         .expect("USER alice").send("331 pw\r\n").expect("PASS secret")
                         .send("530 Login incorrect.\r\n"),
                     exit_code::login_denied);
  cases.emplace_back(user_login().expect("TYPE I").send("504 no binary\r\n"),
                     exit_code::ftp_couldnt_set_type);
  cases.emplace_back(user_login().expect("TYPE I").send("200 ok\r\n").expect("SIZE f")
                         .send("550 no\r\n").expect("EPSV").send("229 (|||0|)\r\n"),
                     exit_code::ftp_weird_pasv_reply);
  for (auto& [script, expected] : cases) {
    mock::mock_server srv(std::move(script));
    transfer::blocking_session ses;
    std::string body;
    std::error_code ec;
    const auto r = ses.get(base(srv, "alice:secret@") + "f", plain(), string_sink(body), ec);
    EXPECT_EQ(transfer::curl_exit_code(ec, r.failed_in), expected) << ec.message() << " " << r.message;
  }
}

TEST(FtpUrl, MissingFileIs78AndShortDownloadIs18) {
  port_box port;
  mock::script s = user_login();
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE f").send("550 no\r\n")
      .expect("EPSV").run(port.epsv()).expect("RETR f").send("550 Failed to open file.\r\n")
      .accept_next()  // the client's unused data connection
      .use_connection(0).expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  std::string body;
  std::error_code ec;
  auto r = ses.get(base(srv, "alice:secret@") + "f", plain(), string_sink(body), ec);
  EXPECT_EQ(transfer::curl_exit_code(ec, r.failed_in), exit_code::remote_file_not_found) << r.message;

  port_box port2;
  mock::script s2 = user_login();
  s2.expect("TYPE I").send("200 ok\r\n").expect("SIZE g").send("213 10\r\n")
      .expect("EPSV").run(port2.epsv()).expect("RETR g").send("150 go\r\n")
      .accept_next().send("12").close(mock::close_mode::fin_only).use_connection(0)
      .send("426 aborted\r\n");
  mock::mock_server srv2(std::move(s2));
  port2.set(srv2);
  r = ses.get(base(srv2, "alice:secret@") + "g", plain(), string_sink(body), ec);
  EXPECT_EQ(transfer::curl_exit_code(ec, r.failed_in), exit_code::partial_file) << r.message;
  EXPECT_THAT(r.message, ::testing::HasSubstr("2 bytes"));
  ses.close();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_SCRIPT_OK(srv2);
}

TEST(FtpUrl, MaxFilesizeIs63) {
  port_box port;
  mock::script s = user_login();
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE big").send("550 no\r\n")
      .expect("SIZE big").send("550 no\r\n")
      .expect("EPSV").run(port.epsv()).expect("RETR big").send("150 go\r\n")
      .accept_next().send(std::string(100, 'x')).use_connection(0)
      .expect("ABOR").send("426 aborted\r\n226 ABOR ok\r\n").expect("NOOP").send("200 ok\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  transfer::blocking_session ses;
  std::string body;
  std::error_code ec;
  auto o = plain();
  o.max_filesize = 10;
  const auto r = ses.get(base(srv, "alice:secret@") + "big", o, string_sink(body), ec);
  EXPECT_EQ(transfer::curl_exit_code(ec, r.failed_in), exit_code::filesize_exceeded) << r.message;
  EXPECT_TRUE(body.empty());
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::ftp::testing
