// ABOR (RFC 959 §4.1.3, both reply orders), STOU (RFC 1123 §4.1.2.9), TYPE A line-end
// conversion, HOST (RFC 7151) and a caller-given active address, against the mock server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/ftp/test_util.hpp"
#include "transport/body.hpp"

namespace inet::ftp::testing {
namespace {

using ::testing::HasSubstr;

struct stop_here : std::runtime_error {
  stop_here() : std::runtime_error("caller stopped") {}
};

// The sink throws on the first chunk: the client sends ABOR, reads `abor_replies`, then NOOP
// (answered after `noop_strays`), and the control connection stays usable (one more NOOP).
void abort_case(std::string abor_replies) {
  port_box port;
  mock::script s = anonymous_login("");
  s.expect("TYPE I").send("200 ok\r\n").expect("EPSV").run(port.epsv())
      .expect("RETR big").send("150 go\r\n")
      .accept_next().send(std::string(1000, 'x')).use_connection(0)
      .expect("ABOR").send(std::move(abor_replies))
      .expect("NOOP").send("200 resync\r\n")
      .expect("NOOP").send("200 still here\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_THROW(c.retrieve("big", [](std::string_view) { throw stop_here(); }, 0), stop_here);
  EXPECT_EQ(c.noop().lines.front(), "still here");
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpAbort, Abor426Then226KeepsTheControlConnection) {
  abort_case("426 Transfer aborted.\r\n226 ABOR successful.\r\n");
}

TEST(FtpAbort, TransferAlreadyDoneThenAborReplyIsSkipped) {
  // The transfer's own 226 comes first, ABOR's 225 after it: NOOP's 200 resynchronises.
  abort_case("226 Transfer complete.\r\n225 No transfer to ABOR.\r\n");
}

TEST(FtpAbort, AborRefusedClosesTheControlConnection) {
  port_box port;
  mock::script s = anonymous_login("");
  s.expect("TYPE I").send("200 ok\r\n").expect("EPSV").run(port.epsv())
      .expect("RETR big").send("150 go\r\n")
      .accept_next().send("xyz").use_connection(0)
      .expect("ABOR").send("500 what\r\n").send("500 what\r\n").send("500 what\r\n")
      .send("500 what\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_THROW(c.retrieve("big", [](std::string_view) { throw stop_here(); }, 0), stop_here);
  transport::async_error_code ec;
  c.noop(ec);
  EXPECT_EQ(std::error_code(ec), make_error_code(error::not_connected));
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpAscii, TypeAConvertsLineEndsBothWays) {
  port_box port;
  auto wire = std::make_shared<std::string>();
  mock::script s = anonymous_login();  // SIZE offered, yet not asked: sizes differ in TYPE A
  s.expect("TYPE A").send("200 ok\r\n").expect("EPSV").run(port.epsv())
      .expect("RETR t.txt").send("150 go\r\n")
      .accept_next().send("a\r\nb\r\n\rc\r").close(mock::close_mode::fin_only).use_connection(0)
      .send("226 done\r\n")
      .expect("EPSV").run(port.epsv())
      .expect("STOR u.txt").send("150 go\r\n")
      .accept_next().run(read_all(wire.get())).use_connection(0).send("226 done\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  c.connect(options_for(srv));
  c.set_type(transfer_type::ascii);
  std::string got;
  const auto r = c.retrieve("t.txt", string_sink(got), 0);
  EXPECT_EQ(got, "a\nb\n\nc\n");  // a lone CR ends a line too (as curl), also at the very end
  EXPECT_EQ(r.bytes, 9u);          // wire bytes
  memory_source src("x\ny\r\nz\n");
  EXPECT_EQ(c.store("u.txt", src, false).bytes, 9u);
  EXPECT_EQ(*wire, "x\r\ny\r\nz\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpStou, ReturnsTheNameTheServerChose) {
  port_box port;
  auto wire = std::make_shared<std::string>();
  mock::script s = anonymous_login("");
  s.expect("TYPE I").send("200 ok\r\n").expect("EPSV").run(port.epsv())
      .expect("STOU").send("150 FILE: upload.1\r\n")
      .accept_next().run(read_all(wire.get())).use_connection(0).send("226 Transfer complete.\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  blocking_client c;
  c.connect(options_for(srv));
  memory_source src("unique");
  const auto r = c.store_unique(src);
  EXPECT_EQ(r.unique_name, "upload.1");
  EXPECT_EQ(*wire, "unique");
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpHost, HostGoesBeforeUserWhenOffered) {
  mock::script s;
  s.send("220 ready\r\n").expect("FEAT").send("211-Features:\r\n HOST\r\n211 End\r\n")
      .expect("HOST 127.0.0.1").send("220 vhost ok\r\n")
      .expect("USER anonymous").send("331 pw\r\n")
      .expect("PASS ftp@example.com").send("230 ok\r\n");
  mock::mock_server srv(std::move(s));
  blocking_client c;
  auto o = options_for(srv);
  o.host = "127.0.0.1";
  c.connect(o);
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpActive, CallerGivenAddressIsAnnounced) {
  mock::script s = anonymous_login("");
  s.expect_regex(R"(EPRT \|1\|127\.0\.0\.1\|[0-9]+\|)").send("200 EPRT ok\r\n")
      .expect("LIST").send("550 no\r\n");
  mock::mock_server srv(std::move(s));
  blocking_client c;
  c.connect(options_for(srv));
  c.async().set_data_mode(true, true, "127.0.0.1");
  std::string got;
  transport::async_error_code ec;
  c.list("", string_sink(got), ec);
  EXPECT_EQ(std::error_code(ec), make_error_code(error::file_unavailable));
  c.async().set_data_mode(true, true, "not-an-ip");
  c.list("", string_sink(got), ec);
  EXPECT_EQ(std::error_code(ec), make_error_code(transport::error::invalid_argument));
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::ftp::testing
