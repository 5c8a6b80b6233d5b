// The NNTP reader commands against the mock server: exact command bytes, dot blocks, hostile
// replies, POST/IHAVE.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/nntp/client.hpp"
#include "tests/nntp/test_util.hpp"

namespace inet::nntp::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

template <typename F>
std::error_code failure_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

TEST(NntpReader, GroupIsTyped) {
  mock::mock_server srv(greet()
                            .expect("GROUP misc.test")
                            .send("211 1234 3000234 3002322 misc.test\r\n")
                            .expect("GROUP no.such")
                            .send("411 no.such is unknown\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  const group_info g = c.group("misc.test");
  EXPECT_EQ(g.count, 1234u);
  EXPECT_EQ(g.low, 3000234u);
  EXPECT_EQ(g.high, 3002322u);
  EXPECT_EQ(g.name, "misc.test");
  EXPECT_EQ(failure_of([&] { c.group("no.such"); }), error::no_such_group);
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, InvalidNamesAndIdsSendNothing) {
  mock::mock_server srv(greet().expect("DATE").send("111 20260102030405\r\n").close());
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(failure_of([&] { c.group("misc.test\r\nPOST"); }), error::invalid_argument);
  EXPECT_EQ(failure_of([&] { c.group("misc test"); }), error::invalid_argument);
  EXPECT_EQ(failure_of([&] { c.stat("<a b@c>"); }), error::invalid_argument);
  EXPECT_EQ(failure_of([&] { c.stat(std::string("<a\0@c>", 6)); }), error::invalid_argument);
  EXPECT_EQ(failure_of([&] { c.listgroup("misc.test", "1-x"); }), error::invalid_argument);
  EXPECT_EQ(failure_of([&] { c.over("1 2"); }), error::invalid_argument);
  EXPECT_EQ(c.date(), "20260102030405");
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, ListgroupWithRange) {
  mock::mock_server srv(greet()
                            .expect("LISTGROUP misc.test 3000238-3000248")
                            .send("211 2 3000234 3002322 misc.test list follows\r\n"
                                  "3000238\r\n3000240\r\n.\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_THAT(c.listgroup("misc.test", "3000238-3000248"), ElementsAre(3000238u, 3000240u));
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, NextLastAndStat) {
  mock::mock_server srv(greet()
                            .expect("NEXT")
                            .send("223 3000237 <668929@example.org> retrieved\r\n")
                            .expect("LAST")
                            .send("422 no previous article\r\n")
                            .expect("STAT <45223423@example.com>")
                            .send("223 0 <45223423@example.com>\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  const article_ref n = c.next();
  EXPECT_EQ(n.number, 3000237u);
  EXPECT_EQ(n.message_id, "<668929@example.org>");
  EXPECT_EQ(failure_of([&] { c.last(); }), error::no_previous_article);
  EXPECT_EQ(c.stat("<45223423@example.com>").number, 0u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, ArticleIsDotUnstuffedAndLfDotLfDoesNotEndIt) {
  // "\n.\n" inside a line is data; "..x" loses one dot; only CRLF.CRLF ends the block.
  mock::mock_server srv(greet()
                            .expect("ARTICLE 3000234")
                            .send("220 3000234 <45223423@example.com>\r\n"
                                  "Subject: t\r\n\r\nline\n.\nstill\r\n..dot\r\n.\r\n")
                            .expect("BODY")
                            .send("430 no such article\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  std::string got;
  const article_ref a = c.article("3000234", string_sink(got), 1 << 20);
  EXPECT_EQ(a.message_id, "<45223423@example.com>");
  EXPECT_EQ(got, "Subject: t\r\n\r\nline\n.\nstill\r\n.dot\r\n");
  EXPECT_EQ(failure_of([&] { c.body("", string_sink(got), 1 << 20); }), error::no_such_article);
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, ArticleCutOffIsUnexpectedEof) {
  mock::mock_server srv(greet()
                            .expect("HEAD <a@b>")
                            .send("221 0 <a@b>\r\nSubject: t\r\n")
                            .close(mock::close_mode::fin_only));
  blocking_client c;
  c.connect(options_for(srv));
  std::string got;
  EXPECT_EQ(failure_of([&] { c.head("<a@b>", string_sink(got), 1 << 20); }),
            transport::error::unexpected_eof);
  EXPECT_EQ(failure_of([&] { c.date(); }), error::not_connected);
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, ArticleSizeCap) {
  mock::mock_server srv(greet()
                            .expect("BODY 1")
                            .send("222 1 <a@b>\r\n")
                            .send_repeated(std::string(1000, 'x') + "\r\n", 100));
  blocking_client c;
  c.connect(options_for(srv));
  std::string got;
  EXPECT_EQ(failure_of([&] { c.body("1", string_sink(got), 10000); }),
            transport::error::body_too_large);
  EXPECT_LE(got.size(), 10000u);
  c.close();
}

TEST(NntpReader, EndlessListingHitsTheCap) {
  mock::mock_server srv(greet()
                            .expect("LIST ACTIVE")
                            .send("215 list follows\r\n")
                            .send_repeated("misc.test 3002322 3000234 y\r\n", 100000));
  blocking_client c;
  client_options o = options_for(srv);
  o.max_listing_bytes = 64 * 1024;
  c.connect(o);
  EXPECT_EQ(failure_of([&] { c.list_active(""); }), transport::error::body_too_large);
  c.close();
}

TEST(NntpReader, NulInReplyLineIsMalformed) {
  mock::mock_server srv(greet().expect("DATE").send(std::string("111 2026\0 0102\r\n", 17)).close());
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(failure_of([&] { c.date(); }), error::malformed_reply);
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, ServerWritingOneByteAtATime) {
  mock::mock_server srv(greet()
                            .expect("LIST ACTIVE misc.*")
                            .trickle("215 list follows\r\nmisc.test 3002322 3000234 y\r\n"
                                     "misc.moderated 10 1 m\r\n.\r\n",
                                     std::chrono::milliseconds(0))
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  const auto groups = c.list_active("misc.*");
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "misc.test");
  EXPECT_EQ(groups[0].high, 3002322u);
  EXPECT_EQ(groups[0].low, 3000234u);
  EXPECT_EQ(groups[0].status, "y");
  EXPECT_EQ(groups[1].status, "m");
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, OverParsedWithOverviewFmt) {
  mock::mock_server srv(greet()
                            .expect("LIST OVERVIEW.FMT")
                            .send("215 Order of fields in overview database.\r\n"
                                  "Subject:\r\nFrom:\r\nDate:\r\nMessage-ID:\r\nReferences:\r\n"
                                  ":bytes\r\n:lines\r\nXref:full\r\n.\r\n")
                            .expect("OVER 3000234-")
                            .send("224 Overview information follows\r\n"
                                  "3000234\tI am just a test article\t\"Demo User\" "
                                  "<nobody@example.com>\t6 Oct 1998 04:38:40 -0500\t"
                                  "<45223423@example.com>\t<45454@example.net>\t1234\t17\t"
                                  "Xref: news.example.com misc.test:3000363\r\n"
                                  "3000235\tshort\r\n.\r\n")
                            .expect("HDR Subject 3000234-3000235")
                            .send("225 Headers follow\r\n3000234 I am just a test article\r\n"
                                  "3000235 \r\n.\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  const auto ov = c.over("3000234-");
  ASSERT_EQ(ov.size(), 2u);
  EXPECT_EQ(ov[0].number, 3000234u);
  EXPECT_EQ(ov[0].subject, "I am just a test article");
  EXPECT_EQ(ov[0].message_id, "<45223423@example.com>");
  EXPECT_EQ(ov[0].references, "<45454@example.net>");
  EXPECT_EQ(ov[0].bytes, 1234u);
  EXPECT_EQ(ov[0].lines, 17u);
  ASSERT_EQ(ov[0].extra.size(), 1u);
  EXPECT_EQ(ov[0].extra[0].first, "Xref");
  EXPECT_EQ(ov[0].extra[0].second, "news.example.com misc.test:3000363");
  EXPECT_EQ(ov[1].subject, "short");
  EXPECT_EQ(ov[1].bytes, 0u);
  const auto h = c.hdr("Subject", "3000234-3000235");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].number, 3000234u);
  EXPECT_EQ(h[0].value, "I am just a test article");
  EXPECT_EQ(h[1].value, "");
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, XoverAndXhdrWithoutCapabilities) {
  mock::mock_server srv(mock::script()
                            .send("201 old server\r\n")
                            .expect("CAPABILITIES")
                            .send("500 what?\r\n")
                            .expect("LIST OVERVIEW.FMT")
                            .send("503 no\r\n")
                            .expect("OVER 7")
                            .send("224 ok\r\n7\ts\tf\td\t<i@d>\t\t10\t1\r\n.\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_FALSE(c.server_capabilities().known);
  const auto ov = c.over("7");
  ASSERT_EQ(ov.size(), 1u);
  EXPECT_EQ(ov[0].message_id, "<i@d>");
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, ListsNewnewsNewgroups) {
  mock::mock_server srv(greet()
                            .expect("LIST NEWSGROUPS misc.*")
                            .send("215 descriptions\r\nmisc.test\tGeneral testing\r\n"
                                  "misc.empty\r\n.\r\n")
                            .expect("LIST HEADERS")
                            .send("215 fields\r\nSubject\r\n:bytes\r\n.\r\n")
                            .expect("NEWNEWS news.* 20260101 000000 GMT")
                            .send("230 list\r\n<i5@example.net>\r\n.\r\n")
                            .expect("NEWGROUPS 20260101 000000 GMT")
                            .send("231 list\r\nalt.new 5 1 y\r\n.\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  const auto d = c.list_newsgroups("misc.*");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].description, "General testing");
  EXPECT_EQ(d[1].description, "");
  EXPECT_THAT(c.list_headers(), ElementsAre("Subject", ":bytes"));
  EXPECT_THAT(c.newnews("news.*", "20260101 000000"), ElementsAre("<i5@example.net>"));
  const auto g = c.newgroups("20260101 000000");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].name, "alt.new");
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpPost, PostIsDotStuffedAndLineEndsNormalised) {
  std::string wire;
  mock::mock_server srv(greet()
                            .expect("POST")
                            .send("340 send article\r\n")
                            .expect_until(".", &wire)
                            .send("240 article received ok\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  const std::string article =
      "From: a@example.com\nNewsgroups: misc.test\nSubject: t\n\n.leading dot\nLF.LF\n.\nend";
  memory_source src(article);
  EXPECT_EQ(c.post(src).code, 240);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(wire,
            "From: a@example.com\r\nNewsgroups: misc.test\r\nSubject: t\r\n\r\n..leading dot\r\n"
            "LF.LF\r\n..\r\nend\r\n");
}

TEST(NntpPost, Refused440BeforeTheArticle) {
  mock::mock_server srv(greet().expect("POST").send("440 posting not permitted\r\n").close());
  blocking_client c;
  c.connect(options_for(srv));
  memory_source src("Subject: t\n\nx\n");
  EXPECT_EQ(failure_of([&] { c.post(src); }), error::posting_not_permitted);
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpPost, Refused441AfterTheArticle) {
  mock::mock_server srv(greet()
                            .expect("POST")
                            .send("340 send\r\n")
                            .expect_until(".")
                            .send("441 posting failed\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  memory_source src("Subject: t\n\nx\n");
  try {
    c.post(src);
    FAIL() << "posted";
  } catch (const nntp_exception& e) {
    EXPECT_EQ(e.code(), error::posting_failed);
    EXPECT_EQ(e.server_reply().code, 441);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpPost, NulInArticleClosesBeforeTheTerminator) {
  mock::mock_server srv(greet().expect("POST").send("340 send\r\n").expect_eof());
  blocking_client c;
  c.connect(options_for(srv));
  const std::string article("Subject: t\r\n\r\n\r\0\n.\r\n", 20);
  memory_source src(article);
  EXPECT_EQ(failure_of([&] { c.post(src); }), error::invalid_article);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), ::testing::Not(HasSubstr("\r\n.\r\n")));
}

TEST(NntpPost, Ihave) {
  std::string wire;
  mock::mock_server srv(greet()
                            .expect("IHAVE <i@example.com>")
                            .send("335 send it\r\n")
                            .expect_until(".", &wire)
                            .send("235 article transferred ok\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  memory_source src("Message-ID: <i@example.com>\r\n\r\nbody\r\n");
  EXPECT_EQ(c.ihave("<i@example.com>", src).code, 235);
  EXPECT_EQ(wire, "Message-ID: <i@example.com>\r\n\r\nbody\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpReader, RawCommandEscapeHatch) {
  std::string body;
  mock::mock_server srv(greet()
                            .expect("XFOO bar")
                            .send("500 unknown\r\n")
                            .expect("LIST DISTRIB.PATS")
                            .send("215 ok\r\n10:local.*:local\r\n.\r\n")
                            .close());
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(c.command("XFOO bar").code, 500);
  EXPECT_EQ(failure_of([&] { c.command("XFOO\r\nQUIT"); }), transport::error::invalid_argument);
  EXPECT_EQ(c.command_multiline("LIST DISTRIB.PATS", string_sink(body), 1000).code, 215);
  EXPECT_EQ(body, "10:local.*:local\r\n");
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::nntp::testing
