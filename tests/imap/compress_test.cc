// COMPRESS=DEFLATE (RFC 4978) against the scripted mock server, which compresses with zlib on
// its side: automatic after login, a 1 MiB literal fetched through the compressed stream,
// NO [COMPRESSIONACTIVE] leaving the connection uncompressed, and no COMPRESS without the
// capability.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/imap/client.hpp"
#include "tests/imap/mock_session.hpp"

namespace inet::imap {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::code_of;
using test::mock;
using test::mock_server;
using test::options_for;

TEST(ImapCompress, AfterLoginEverythingTravelsCompressed) {
  std::string body;
  for (int i = 0; body.size() < (1u << 20); ++i) body += "line " + std::to_string(i) + " of a compressible body\r\n";
  mock_server srv(mock()
                      .send("* PREAUTH [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] ready\r\n")
                      .expect("A1 COMPRESS DEFLATE")
                      .send("A1 OK DEFLATE active\r\n")
                      .start_deflate()
                      .expect("A2 SELECT INBOX")
                      .send("* 1 EXISTS\r\n* OK [UIDVALIDITY 5] ok\r\nA2 OK [READ-WRITE] ok\r\n")
                      .expect("A3 UID FETCH 9 (UID BODY.PEEK[])")
                      .send("* 1 FETCH (UID 9 BODY[] {" + std::to_string(body.size()) + "}\r\n" + body +
                            ")\r\nA3 OK done\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.compress = true;
  c.connect(o);
  EXPECT_TRUE(c.compression_active());
  EXPECT_EQ(c.select("INBOX").exists, 1u);
  fetch_items items;
  items.sections.push_back(section_spec{});
  std::string got;
  fetch_options fo;
  fo.by_uid = true;
  fo.sink = [&](const section_ref&, std::string_view chunk) { got.append(chunk); };
  ASSERT_EQ(c.fetch(9, items, fo).size(), 1u);
  EXPECT_EQ(got, body);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapCompress, RefusedCompressionLeavesThePlainConnection) {
  mock_server srv(mock()
                      .send("* PREAUTH [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] ready\r\n")
                      .expect("A1 COMPRESS DEFLATE")
                      .send("A1 NO [COMPRESSIONACTIVE] DEFLATE active via TLS\r\n")
                      .expect("A2 NOOP")
                      .send("A2 OK\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(code_of([&] { c.compress(); }), make_error_code(error::command_failed));
  EXPECT_FALSE(c.compression_active());
  c.noop();
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapCompress, NotOfferedMeansNotSent) {
  mock_server srv(mock()
                      .send("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n")
                      .expect("A1 NOOP")
                      .send("A1 OK\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.compress = true;
  c.connect(o);
  EXPECT_FALSE(c.compression_active());
  EXPECT_EQ(code_of([&] { c.compress(); }), make_error_code(error::capability_missing));
  c.noop();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), Not(HasSubstr("COMPRESS")));
}

}  // namespace
}  // namespace inet::imap
