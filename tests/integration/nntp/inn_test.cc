// The NNTP client against a real INN 2.7 (Debian's inn2, started by start_inn in a temp tree on
// 127.0.0.1): POST an article whose body holds a lone "." line and lines starting with ".",
// then GROUP, LISTGROUP ranges, OVER parsed into typed records with INN's OVERVIEW.FMT (Xref
// as an extra field), HDR, ARTICLE/HEAD/BODY by number and by message-id (the body comes back
// byte-identical, ARTICLE is HEAD + CRLF + BODY), STAT, NEXT/LAST, LIST ACTIVE/NEWSGROUPS/
// OVERVIEW.FMT/HEADERS, NEWNEWS, NEWGROUPS, DATE, IHAVE; STARTTLS with AUTHINFO USER/PASS and
// AUTHINFO SASL (SCRAM-SHA-256/1, CRAM-MD5, PLAIN, LOGIN against Cyrus SASL), a
// wrong password, COMPRESS DEFLATE (RFC 8054), and implicit TLS (nnrpd -S).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>

#include "protocols/nntp/client.hpp"
#include "tests/integration/servers/env.hpp"

namespace inet::nntp {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> g_env;
std::string g_state, g_scripts;

using test::load_env;
using test::read_file;

// A unique message-id per run (the history is fresh, but a rerun of one test must not collide).
std::string make_id(const std::string& tag) {
  static int serial = 0;
  return "<" + tag + "." + std::to_string(++serial) + "." + std::to_string(::getpid()) + "." +
         std::to_string(std::time(nullptr)) + "@inetpp.test>";
}

const std::string body_text =
    "first line\r\n"
    ".\r\n"  // a lone dot: must not end the POST, and comes back as a lone dot
    "..two dots\r\n"
    ".leading dot\r\n"
    "tab\there\r\n"
    "last line\r\n";

std::string make_article(const std::string& id, const std::string& subject) {
  return "From: Tester <tester@inetpp.test>\r\n"
         "Newsgroups: local.test\r\n"
         "Subject: " + subject + "\r\n"
         "Message-ID: " + id + "\r\n"
         "\r\n" + body_text;
}

class Inn : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_TRUE(srcdir && tmp) << "run under bazel test";
    g_scripts = std::string(srcdir) + "/inetpp/tests/integration/nntp";
    g_state = std::string(tmp) + "/inn";
    const std::string start = g_scripts + "/start_inn " + g_state + " 2>" + tmp + "/start.log";
    ASSERT_EQ(std::system(start.c_str()), 0) << read_file(std::string(tmp) + "/start.log");
    g_env = load_env(g_state + "/env");
  }
  static void TearDownTestSuite() {
    if (!g_state.empty()) std::system((g_scripts + "/stop_inn " + g_state + " >/dev/null").c_str());
  }

  static client_options plain() {
    client_options o;
    o.host = "127.0.0.1";
    o.port = static_cast<std::uint16_t>(std::stoi(g_env["NNTP_PORT"]));
    o.policy = transport::tls_policy::none;
    o.tls.ca_file = g_env["CA_FILE"];
    o.connect.time.connect = 10s;
    o.connect.time.idle = 30s;
    return o;
  }

  /// Posts a fresh article through `c`; returns its message-id.
  static std::string post(blocking_client& c, const std::string& subject) {
    const std::string id = make_id("post");
    const std::string art = make_article(id, subject);
    memory_source src(art);
    const reply r = c.post(src);
    EXPECT_EQ(r.code, 240) << r.summary();
    return id;
  }
};

TEST_F(Inn, PostListOverAndFetchBackByteIdentical) {
  blocking_client c;
  c.connect(plain());
  EXPECT_TRUE(c.posting_allowed());
  EXPECT_TRUE(c.server_capabilities().reader);
  EXPECT_TRUE(c.server_capabilities().over);
  const std::string id = post(c, "inetpp integration");

  const group_info g = c.group("local.test");
  EXPECT_EQ(g.name, "local.test");
  ASSERT_GE(g.count, 1u);
  // The newest article is ours (the group is only posted to by this test).
  const article_ref ref = c.stat(id);
  EXPECT_EQ(ref.message_id, id);
  const std::uint64_t n = g.high;
  EXPECT_EQ(c.stat(std::to_string(n)).message_id, id);

  const auto all = c.listgroup("local.test", "1-");
  EXPECT_EQ(all.back(), n);
  EXPECT_EQ(c.listgroup("local.test", std::to_string(n)), std::vector<std::uint64_t>{n});
  EXPECT_TRUE(c.listgroup("local.test", std::to_string(n + 1) + "-").empty());

  const auto fmt = c.list_overview_fmt();
  EXPECT_NE(std::find(fmt.begin(), fmt.end(), "Xref:full"), fmt.end());
  const auto over = c.over(std::to_string(n));
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0].number, n);
  EXPECT_EQ(over[0].subject, "inetpp integration");
  EXPECT_EQ(over[0].from, "Tester <tester@inetpp.test>");
  EXPECT_EQ(over[0].message_id, id);
  EXPECT_EQ(over[0].lines, 6u);
  EXPECT_GT(over[0].bytes, body_text.size());
  ASSERT_FALSE(over[0].extra.empty());
  EXPECT_EQ(over[0].extra[0].first, "Xref");
  EXPECT_EQ(over[0].extra[0].second, "inn.inetpp.test local.test:" + std::to_string(n));
  // INN does not advertise "OVER MSGID" (RFC 3977 §8.3.2): 503, and the session goes on.
  const auto& lines = c.server_capabilities().lines;
  EXPECT_EQ(std::find(lines.begin(), lines.end(), "OVER MSGID"), lines.end());
  try {
    c.over(id);
    ADD_FAILURE() << "OVER <message-id> accepted";
  } catch (const nntp_exception& e) {
    EXPECT_EQ(e.server_reply().code, 503);
  }

  const auto subj = c.hdr("Subject", std::to_string(n));
  ASSERT_EQ(subj.size(), 1u);
  EXPECT_EQ(subj[0].number, n);
  EXPECT_EQ(subj[0].value, "inetpp integration");

  std::string body, head, article, body_by_id, article_by_id;
  EXPECT_EQ(c.body(std::to_string(n), string_sink(body), 1 << 20).number, n);
  EXPECT_EQ(body, body_text);  // byte-identical, dot-unstuffed, the lone "." kept
  c.head(std::to_string(n), string_sink(head), 1 << 20);
  c.article(std::to_string(n), string_sink(article), 1 << 20);
  EXPECT_EQ(article, head + "\r\n" + body);
  for (const char* h : {"From: Tester <tester@inetpp.test>\r\n", "Newsgroups: local.test\r\n",
                        "Subject: inetpp integration\r\n"})
    EXPECT_NE(head.find(h), std::string::npos) << h;
  EXPECT_NE(head.find("Message-ID: " + id + "\r\n"), std::string::npos);
  c.body(id, string_sink(body_by_id), 1 << 20);
  c.article(id, string_sink(article_by_id), 1 << 20);
  EXPECT_EQ(body_by_id, body_text);
  EXPECT_EQ(article_by_id, article);
  c.quit();
}

TEST_F(Inn, NextLastAndMissingArticles) {
  blocking_client c;
  c.connect(plain());
  const std::string a = post(c, "first of two");
  const std::string b = post(c, "second of two");
  const group_info g = c.group("local.test");
  ASSERT_GE(g.count, 2u);
  EXPECT_EQ(c.stat(std::to_string(g.high - 1)).message_id, a);
  EXPECT_EQ(c.next().message_id, b);
  EXPECT_EQ(c.last().message_id, a);
  transport::async_error_code ec;
  c.stat(std::to_string(g.high + 100), ec);
  EXPECT_EQ(ec, error::no_such_article);
  c.stat("<no-such-article@inetpp.test>", ec);
  EXPECT_EQ(ec, error::no_such_article);
  c.group("no.such.group", ec);
  EXPECT_EQ(ec, error::no_such_group);
  c.quit();
}

TEST_F(Inn, ListingsDateNewnewsNewgroups) {
  blocking_client c;
  c.connect(plain());
  const std::string id = post(c, "for newnews");
  const std::string now = c.date();
  ASSERT_EQ(now.size(), 14u);
  EXPECT_EQ(now.find_first_not_of("0123456789"), std::string::npos);

  const auto active = c.list_active("local.*");
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].name, "local.test");
  EXPECT_EQ(active[0].status, "y");
  EXPECT_GE(active[0].high, active[0].low);
  const auto desc = c.list_newsgroups("local.test");
  ASSERT_EQ(desc.size(), 1u);
  EXPECT_EQ(desc[0].description, "inetpp integration test group");
  const auto headers = c.list_headers();
  EXPECT_FALSE(headers.empty());

  // NEWNEWS since yesterday (GMT) lists the article; NEWGROUPS since tomorrow lists nothing.
  const std::time_t t = std::time(nullptr);
  char yesterday[32], tomorrow[32];
  const std::time_t y = t - 86400, m = t + 86400;
  std::strftime(yesterday, sizeof yesterday, "%Y%m%d %H%M%S", std::gmtime(&y));
  std::strftime(tomorrow, sizeof tomorrow, "%Y%m%d %H%M%S", std::gmtime(&m));
  const auto ids = c.newnews("local.*", yesterday);
  EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end());
  EXPECT_TRUE(c.newgroups(tomorrow).empty());
  c.quit();
}

TEST_F(Inn, IhaveInjectsOnceThenRefusesTheDuplicate) {
  blocking_client c;
  c.connect(plain());
  ASSERT_TRUE(c.server_capabilities().ihave);
  const std::string id = make_id("ihave");
  const std::string art = "Path: elsewhere!not-for-mail\r\n"
                          "From: Feeder <feeder@inetpp.test>\r\n"
                          "Newsgroups: local.test\r\n"
                          "Subject: injected\r\n"
                          "Date: Sun, 06 Dec 2026 12:00:00 +0000\r\n"
                          "Message-ID: " + id + "\r\n\r\n" + body_text;
  memory_source src(art);
  EXPECT_EQ(c.ihave(id, src).code, 235);
  std::string body;
  c.body(id, string_sink(body), 1 << 20);
  EXPECT_EQ(body, body_text);
  memory_source again(art);
  try {
    c.ihave(id, again);
    ADD_FAILURE() << "duplicate IHAVE accepted";
  } catch (const nntp_exception& e) {
    EXPECT_EQ(e.code(), error::posting_failed);
    EXPECT_EQ(e.server_reply().code, 435);  // not wanted: the article is not even sent
  }
  EXPECT_EQ(c.stat(id).message_id, id);  // the session is still in step
  c.quit();
}

TEST_F(Inn, StarttlsThenAuthinfoUserPass) {
  blocking_client c;
  client_options o = plain();
  o.policy = transport::tls_policy::required;
  o.auth_mechanism = "USER";
  o.credentials.username = g_env["TEST_USER"];
  o.credentials.password = g_env["TEST_PASS"];
  c.connect(o);
  EXPECT_TRUE(c.is_tls());
  EXPECT_EQ(c.authenticated_with(), "USER");
  EXPECT_EQ(c.group("local.test").name, "local.test");
  c.quit();

  blocking_client bad;
  o.credentials.password = "wrong";
  transport::async_error_code ec;
  bad.connect(o, ec);
  EXPECT_EQ(ec, error::auth_failed);
}

// AUTHINFO SASL through the shared SASL driver against INN's Cyrus SASL (a private sasldb):
// the strongest common mechanism by default, then each one forced; a wrong password is
// auth_failed whatever the mechanism.
TEST_F(Inn, AuthinfoSaslEveryMechanism) {
  client_options o = plain();
  o.policy = transport::tls_policy::required;
  o.credentials.username = g_env["TEST_USER"];
  o.credentials.password = g_env["TEST_PASS"];
  for (const char* mech : {"", "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN"}) {
    SCOPED_TRACE(mech);
    o.auth_mechanism = mech;
    blocking_client c;
    c.connect(o);
    EXPECT_TRUE(c.is_tls());
    EXPECT_EQ(c.authenticated_with(), *mech ? std::string(mech) : "SCRAM-SHA-256");
    const std::string id = post(c, std::string("after SASL ") + mech);  // tester may post
    EXPECT_EQ(c.stat(id).message_id, id);
    c.quit();

    client_options wrong = o;
    wrong.credentials.password = "wrong";
    blocking_client bad;
    transport::async_error_code ec;
    bad.connect(wrong, ec);
    EXPECT_EQ(ec, error::auth_failed);
  }
}

TEST_F(Inn, CompressDeflate) {
  blocking_client c;
  client_options o = plain();
  o.compress = true;
  c.connect(o);
  ASSERT_TRUE(c.server_capabilities().compress_deflate);
  EXPECT_TRUE(c.compression_active());
  const std::string id = post(c, "posted compressed");
  std::string body;
  c.body(id, string_sink(body), 1 << 20);
  EXPECT_EQ(body, body_text);
  EXPECT_EQ(c.over(std::to_string(c.group("local.test").high)).at(0).message_id, id);
  std::error_code ec;
  try {
    c.compress();
  } catch (const std::system_error& e) {
    ec = e.code();
  }
  EXPECT_EQ(ec, error::compression_unavailable);  // once per connection
  c.quit();
}

TEST_F(Inn, ImplicitTls) {
  blocking_client c;
  client_options o = plain();
  o.port = static_cast<std::uint16_t>(std::stoi(g_env["NNTPS_PORT"]));
  o.security = security::implicit_tls;
  c.connect(o);
  EXPECT_TRUE(c.is_tls());
  EXPECT_FALSE(c.server_capabilities().starttls);
  const group_info g = c.group("local.test");
  EXPECT_EQ(g.name, "local.test");
  c.quit();
}

}  // namespace
}  // namespace inet::nntp
