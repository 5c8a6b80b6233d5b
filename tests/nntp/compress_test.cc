// COMPRESS DEFLATE (RFC 8054) against the mock server, which compresses with zlib on its side:
// automatic after connect when advertised (a 1 MiB article read through the inflater, a POST
// through the deflater), 403 leaving the connection uncompressed, nothing sent when the
// capability is missing, and no second COMPRESS on one connection.
#include <gtest/gtest.h>

#include "protocols/nntp/client.hpp"
#include "tests/nntp/test_util.hpp"

namespace inet::nntp::testing {
namespace {

const std::vector<std::string> caps_with_compress = {"VERSION 2", "READER", "POST", "OVER",
                                                     "COMPRESS DEFLATE"};

template <typename F>
std::error_code failure_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

TEST(NntpCompress, AfterConnectWhenAdvertised) {
  std::string body;
  for (int i = 0; body.size() < (1u << 20); ++i)
    body += "line " + std::to_string(i) + " of a compressible body\r\n";
  mock::mock_server srv(greet(caps_with_compress)
                            .expect("COMPRESS DEFLATE")
                            .send("206 Compression active\r\n")
                            .start_deflate()
                            .expect("BODY 7")
                            .send("222 7 <a@b>\r\n" + body + ".\r\n")
                            .expect("POST")
                            .send("340 send it\r\n")
                            .expect("Subject: s")
                            .expect("")
                            .expect("..dot")
                            .expect(".")
                            .send("240 ok\r\n")
                            .expect("QUIT")
                            .send("205 bye\r\n"));
  blocking_client c;
  client_options o = options_for(srv);
  o.compress = true;
  c.connect(o);
  EXPECT_TRUE(c.compression_active());
  std::string got;
  c.body("7", string_sink(got), 2 << 20);
  EXPECT_EQ(got, body);
  memory_source art("Subject: s\r\n\r\n.dot\r\n");
  EXPECT_EQ(c.post(art).code, 240);
  EXPECT_EQ(failure_of([&] { c.compress(); }), error::compression_unavailable);
  EXPECT_EQ(c.quit().code, 205);
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpCompress, Refused403LeavesTheConnectionUncompressed) {
  mock::mock_server srv(greet(caps_with_compress)
                            .expect("COMPRESS DEFLATE")
                            .send("403 Unable to activate compression\r\n")
                            .expect("DATE")
                            .send("111 20260102030405\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(failure_of([&] { c.compress(); }), error::compression_unavailable);
  EXPECT_FALSE(c.compression_active());
  EXPECT_EQ(c.date(), "20260102030405");
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpCompress, NotAdvertisedSendsNothing) {
  mock::mock_server srv(greet().expect("DATE").send("111 20260102030405\r\n"));
  blocking_client c;
  client_options o = options_for(srv);
  o.compress = true;  // asked for, but the server does not offer it: silently plain
  c.connect(o);
  EXPECT_FALSE(c.compression_active());
  EXPECT_EQ(failure_of([&] { c.compress(); }), error::compression_unavailable);
  EXPECT_EQ(c.date(), "20260102030405");
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::nntp::testing
