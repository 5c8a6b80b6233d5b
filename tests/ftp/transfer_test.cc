// FTP data transfers against the mock server: the data connection is a second connection to
// the mock's listener (accept_next), and the script returns to the control connection with
// use_connection(0). Exact lines on the wire, exact bytes through the data connection.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <regex>

#include "tests/ftp/test_util.hpp"
#include "transport/body.hpp"

namespace inet::ftp::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Serves `data` on a new data connection, closes it, and returns to the control connection.
mock::script& serve_data(mock::script& s, std::string data, std::string final_reply = "226 Transfer complete.\r\n") {
  s.accept_next().send(std::move(data)).close(mock::close_mode::fin_only).use_connection(0);
  if (!final_reply.empty()) s.send(std::move(final_reply));
  return s;
}

TEST(FtpTransfer, RetrOverEpsvStreamsTheFile) {
  port_box port;
  const std::string file = "hello\r\nworld\n\x00\xff binary";
  mock::script s = anonymous_login();
  s.expect("TYPE I").send("200 Switching to Binary mode.\r\n")
      .expect("SIZE f.bin").send("213 " + std::to_string(file.size()) + "\r\n")
      .expect("EPSV").run(port.epsv())
      .expect("RETR f.bin").send("150 Opening BINARY mode data connection.\r\n");
  serve_data(s, file);
  // A second transfer: TYPE is not sent again.
  s.expect("SIZE g").send("550 nope\r\n").expect("EPSV").run(port.epsv())
      .expect("RETR g").send("550 Failed to open file.\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  std::vector<transport::progress> seen;
  auto o = options_for(srv);
  o.progress = [&](const transport::progress& p) { seen.push_back(p); };
  c.connect(o);
  std::string got;
  const auto r = c.retrieve("f.bin", string_sink(got), 0);
  EXPECT_EQ(got, file);
  EXPECT_EQ(r.bytes, file.size());
  EXPECT_EQ(r.final_reply.code, 226);
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(seen.back().finished);
  EXPECT_EQ(seen.back().done, file.size());
  try {
    c.retrieve("g", string_sink(got), 0);
    FAIL() << "no throw";
  } catch (const ftp_exception& e) {
    EXPECT_EQ(e.code(), make_error_code(error::file_unavailable));
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTransfer, PasvAddressIsIgnoredAndEpsvRefusalSticks) {
  port_box port;
  mock::script s = anonymous_login("");
  s.expect("TYPE I").send("200 ok\r\n")
      .expect("EPSV").send("500 EPSV not understood\r\n")
      // A foreign address: the client must connect to the control peer (127.0.0.1) instead.
      .expect("PASV").run(port.pasv("10,9,8,7"))
      .expect("RETR a").send("150 go\r\n");
  serve_data(s, "A");
  s.expect("PASV").run(port.pasv("192,0,2,1")).expect("RETR b").send("125 already open\r\n");
  serve_data(s, "B");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  c.connect(options_for(srv));
  std::string got;
  c.retrieve("a", string_sink(got), 0);
  c.retrieve("b", string_sink(got), 0);
  EXPECT_EQ(got, "AB");
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTransfer, PassiveReplyWithoutUsablePortIsAnError) {
  mock::mock_server srv(anonymous_login("")
                            .expect("TYPE I").send("200 ok\r\n")
                            .expect("EPSV").send("229 Entering Extended Passive Mode (|||0|)\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  std::string got;
  transport::async_error_code ec;
  c.retrieve("a", string_sink(got), 0, ec);
  EXPECT_EQ(std::error_code(ec), make_error_code(error::passive_failed));
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTransfer, RestResumesAtAnOffset) {
  port_box port;
  mock::script s = anonymous_login();
  s.expect("TYPE I").send("200 ok\r\n")
      .expect("SIZE f").send("213 10\r\n")
      .expect("REST 6").send("350 Restart position accepted (6).\r\n")
      .expect("EPSV").run(port.epsv())
      .expect("RETR f").send("150 go\r\n");
  serve_data(s, "6789");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  c.connect(options_for(srv));
  std::string got;
  EXPECT_EQ(c.retrieve("f", string_sink(got), 6).bytes, 4u);
  EXPECT_EQ(got, "6789");
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTransfer, Error426AfterAPartialTransferNamesTheBytes) {
  port_box port;
  mock::script s = anonymous_login("");
  s.expect("TYPE I").send("200 ok\r\n").expect("EPSV").run(port.epsv())
      .expect("RETR f").send("150 go\r\n");
  serve_data(s, "12345", "426 Connection closed; transfer aborted.\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  c.connect(options_for(srv));
  std::string got;
  try {
    c.retrieve("f", string_sink(got), 0);
    FAIL() << "no throw";
  } catch (const ftp_exception& e) {
    EXPECT_EQ(e.code(), make_error_code(error::transfer_failed));
    EXPECT_THAT(e.what(), HasSubstr("5 bytes"));
    EXPECT_EQ(e.server_reply().code, 426);
  }
  EXPECT_EQ(got, "12345");
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTransfer, DownloadShorterThanSizeIsAnError) {
  port_box port;
  mock::script s = anonymous_login();
  s.expect("TYPE I").send("200 ok\r\n").expect("SIZE f").send("213 100\r\n")
      .expect("EPSV").run(port.epsv()).expect("RETR f").send("150 go\r\n");
  serve_data(s, "12345");  // closed early, yet 226
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  c.connect(options_for(srv));
  std::string got;
  try {
    c.retrieve("f", string_sink(got), 0);
    FAIL() << "no throw";
  } catch (const ftp_exception& e) {
    EXPECT_EQ(e.code(), make_error_code(error::transfer_failed));
    EXPECT_THAT(e.what(), HasSubstr("5 bytes received, SIZE announced 100"));
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTransfer, MissingFinalReplyIsBoundedByTheIdleTimeout) {
  port_box port;
  mock::script s = anonymous_login("");
  s.expect("TYPE I").send("200 ok\r\n").expect("EPSV").run(port.epsv())
      .expect("RETR f").send("150 go\r\n");
  serve_data(s, "abc", "");  // ... and never a 226
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  auto o = options_for(srv);
  o.connect.time.idle = 300ms;
  c.connect(o);
  std::string got;
  try {
    c.retrieve("f", string_sink(got), 0);
    FAIL() << "no throw";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(transport::error::timeout));
    EXPECT_THAT(e.what(), HasSubstr("no final reply after 3 bytes"));
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTransfer, StorAndAppeSendTheSourceAndCloseTheDataConnection) {
  port_box port;
  auto stored = std::make_shared<std::string>();
  auto appended = std::make_shared<std::string>();
  mock::script s = anonymous_login("");
  s.expect("TYPE I").send("200 ok\r\n").expect("EPSV").run(port.epsv())
      .expect("STOR up/f.txt").send("150 Ok to send data.\r\n")
      .accept_next().run(read_all(stored.get())).use_connection(0).send("226 Transfer complete.\r\n")
      .expect("EPSV").run(port.epsv())
      .expect("APPE log").send("150 Ok\r\n")
      .accept_next().run(read_all(appended.get())).use_connection(0).send("250 ok\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  auto o = options_for(srv);
  o.buffer_size = 1000;  // several writes
  c.connect(o);
  std::string big(5000, 'x');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  memory_source src(big);
  EXPECT_EQ(c.store("up/f.txt", src, false).bytes, big.size());
  memory_source src2("more");
  EXPECT_EQ(c.store("log", src2, true).final_reply.code, 250);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(*stored, big);
  EXPECT_EQ(*appended, "more");
}

TEST(FtpTransfer, ListAndNlstPassTheListingThrough) {
  port_box port;
  const std::string listing = "-rw-r--r--    1 0  0  12 Jan 01 12:00 a.txt\r\ndrwxr-xr-x    2 0  0  6 Jan 01 12:00 dir\r\n";
  mock::script s = anonymous_login("");
  s.expect("EPSV").run(port.epsv()).expect("LIST").send("150 Here comes the directory listing.\r\n");
  serve_data(s, listing);
  s.expect("EPSV").run(port.epsv()).expect("NLST pub").send("150 Here comes the listing.\r\n");
  serve_data(s, "a.txt\r\ndir\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  c.connect(options_for(srv));
  std::string got, names;
  c.list("", string_sink(got));
  c.name_list("pub", string_sink(names));
  EXPECT_EQ(got, listing);
  EXPECT_EQ(names, "a.txt\r\ndir\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTransfer, MlsdIsParsedIntoEntries) {
  port_box port;
  mock::script s = anonymous_login("");
  s.expect("EPSV").run(port.epsv()).expect("MLSD pub").send("150 Here comes the listing.\r\n");
  serve_data(s, "type=cdir;modify=20260101000000;perm=el; .\r\n"
                "type=file;size=12;modify=20260102030405;perm=r;unique=1A; read me.txt\r\n"
                "type=dir;perm=el; sub\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  c.connect(options_for(srv));
  const auto entries = c.mlsd("pub");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].type, entry::kind::cdir);
  EXPECT_EQ(entries[1].name, "read me.txt");
  EXPECT_EQ(entries[1].size, 12u);
  EXPECT_EQ(entries[1].unique, "1A");
  EXPECT_EQ(entries[2].type, entry::kind::dir);
  EXPECT_EQ(entries[2].name, "sub");
  EXPECT_SCRIPT_OK(srv);
}

// Active mode: the "server" side of the data connection is a plain TCP connect to the port the
// client announced (the mock kit only accepts), done inside a custom step.
struct active_port {
  std::shared_ptr<int> port = std::make_shared<int>(0);
  // Reads EPRT (or PORT) and answers `reply`; remembers the announced port.
  std::function<void(mock::connection_ctl&)> read(std::string verb, std::string reply) const {
    return [p = port, verb, reply](mock::connection_ctl& c) {
      const std::string l = c.read_line();
      std::smatch m;
      if (verb == "EPRT" && std::regex_match(l, m, std::regex(R"(EPRT \|1\|127\.0\.0\.1\|(\d+)\|)")))
        *p = std::stoi(m[1]);
      else if (verb == "PORT" && std::regex_match(l, m, std::regex(R"(PORT 127,0,0,1,(\d+),(\d+))")))
        *p = std::stoi(m[1]) * 256 + std::stoi(m[2]);
      else
        c.fail("unexpected " + l);
      c.write(reply);
    };
  }
  std::function<void(mock::connection_ctl&)> connect_and_send(std::string data) const {
    return [p = port, data](mock::connection_ctl&) {
      boost::asio::io_context io;
      boost::asio::ip::tcp::socket sock(io);
      sock.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(*p)});
      boost::asio::write(sock, boost::asio::buffer(data));
      sock.shutdown(boost::asio::ip::tcp::socket::shutdown_send);
    };
  }
};

TEST(FtpTransfer, ActiveModeEprtThenPortFallback) {
  active_port ap;
  mock::script s = anonymous_login("");
  s.expect("TYPE I").send("200 ok\r\n")
      .run(ap.read("EPRT", "200 EPRT command successful.\r\n"))
      .expect("RETR a").send("150 Opening data connection.\r\n")
      .run(ap.connect_and_send("active data"))
      .send("226 done\r\n")
      .run(ap.read("EPRT", "500 EPRT not understood\r\n"))
      .run(ap.read("PORT", "200 PORT command successful.\r\n"))
      .expect("RETR b").send("150 go\r\n")
      .run(ap.connect_and_send("via PORT"))
      .send("226 done\r\n");
  mock::mock_server srv(std::move(s));
  blocking_client c;
  auto o = options_for(srv);
  o.active = true;
  c.connect(o);
  std::string a, b;
  EXPECT_EQ(c.retrieve("a", string_sink(a), 0).bytes, 11u);
  c.retrieve("b", string_sink(b), 0);
  EXPECT_EQ(a, "active data");
  EXPECT_EQ(b, "via PORT");
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTransfer, ActiveModeServerNeverConnects) {
  active_port ap;
  mock::script s = anonymous_login("");
  s.expect("TYPE I").send("200 ok\r\n")
      .run(ap.read("EPRT", "200 ok\r\n"))
      .expect("RETR a").send("150 go\r\n");
  mock::mock_server srv(std::move(s));
  blocking_client c;
  auto o = options_for(srv);
  o.active = true;
  o.data_idle = 300ms;
  c.connect(o);
  std::string a;
  std::error_code ec;
  try {
    c.retrieve("a", string_sink(a), 0);
  } catch (const std::system_error& e) {
    ec = e.code();
  }
  EXPECT_EQ(ec, make_error_code(error::port_failed));
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTransfer, FtpsDataConnectionIsTls) {
  port_box port;
  auto sni = std::make_shared<std::string>();
  mock::script s;
  s.send("220 ready\r\n")
      .expect("FEAT").send("211-Features:\r\n AUTH TLS\r\n211 End\r\n")
      .expect("AUTH TLS").send("234 go\r\n").start_tls()
      .expect("PBSZ 0").send("200 ok\r\n").expect("PROT P").send("200 ok\r\n")
      .expect("FEAT").send("211 none\r\n")
      .expect("USER anonymous").send("331 pw\r\n").expect("PASS ftp@example.com").send("230 ok\r\n")
      .expect("TYPE I").send("200 ok\r\n").expect("EPSV").run(port.epsv())
      .expect("RETR secret.txt").send("150 go\r\n")
      .accept_next().start_tls()
      .run([sni](mock::connection_ctl& c) {
        *sni = c.is_tls() ? "tls" : "plain";
        c.write("classified");
      })
      .close().use_connection(0).send("226 ok\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  auto o = options_for(srv);
  o.policy = transport::tls_policy::required;
  c.connect(o);
  std::string got;
  c.retrieve("secret.txt", string_sink(got), 0);
  EXPECT_EQ(got, "classified");
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(*sni, "tls");
}

}  // namespace
}  // namespace inet::ftp::testing
