// news:// and nntp:// through the URL transfer library (protocols/transfer/nntp.cc) against the
// mock server: the commands each URL form sends, the bytes written, curl exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/nntp/client.hpp"
#include "protocols/transfer/session.hpp"
#include "tests/mock/server.hpp"
#include "tests/nntp/test_util.hpp"
#include "transport/error.hpp"

namespace inet::transfer {
namespace {

using nntp::testing::greet;
using test::mock_server;

std::string base(const mock_server& srv, const char* scheme) {
  return std::string(scheme) + "://" + srv.host() + ":" + std::to_string(srv.port()) + "/";
}

options plain() {
  options o;
  o.tls = tls_mode::none;
  o.connect_timeout = std::chrono::seconds(5);
  o.idle_timeout = std::chrono::seconds(5);
  return o;
}

TEST(TransferNntp, NewsGroupListsOverviewLines) {
  mock_server srv(greet()
                      .expect("GROUP misc.test")
                      .send("211 2 3 4 misc.test\r\n")
                      .expect("OVER 3-4")
                      .send("224 ok\r\n3\ta\tb\tc\t<3@x>\t\t10\t1\r\n4\td\te\tf\t<4@x>\t\t20\t2\r\n.\r\n")
                      .expect("QUIT")
                      .send("205 bye\r\n"));
  blocking_session s;
  std::string out;
  const result r = s.get(base(srv, "news") + "misc.test", plain(), string_sink(out));
  EXPECT_EQ(out, "3\ta\tb\tc\t<3@x>\t\t10\t1\r\n4\td\te\tf\t<4@x>\t\t20\t2\r\n");
  EXPECT_EQ(r.bytes, out.size());
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferNntp, ListOnlyGivesArticleNumbers) {
  mock_server srv(greet()
                      .expect("GROUP misc.test")
                      .send("211 2 3 4 misc.test\r\n")
                      .expect("LISTGROUP misc.test")
                      .send("211 2 3 4 misc.test\r\n3\r\n4\r\n.\r\n")
                      .close());
  blocking_session s;
  std::string out;
  options o = plain();
  o.list_only = true;
  s.get(base(srv, "news") + "misc.test", o, string_sink(out));
  EXPECT_EQ(out, "3\r\n4\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferNntp, NntpGroupNumberFetchesTheArticle) {
  mock_server srv(greet()
                      .expect("GROUP misc.test")
                      .send("211 2 3 4 misc.test\r\n")
                      .expect("ARTICLE 4")
                      .send("220 4 <4@x>\r\nSubject: s\r\n\r\n..dot\r\n.\r\n")
                      .close());
  blocking_session s;
  std::string out;
  s.get(base(srv, "nntp") + "misc.test/4", plain(), string_sink(out));
  EXPECT_EQ(out, "Subject: s\r\n\r\n.dot\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferNntp, NewsMessageIdWithoutBrackets) {
  mock_server srv(greet()
                      .expect("ARTICLE <4@example.com>")
                      .send("220 0 <4@example.com>\r\nSubject: s\r\n\r\nx\r\n.\r\n")
                      .close());
  blocking_session s;
  std::string out;
  s.get(base(srv, "news") + "4@example.com", plain(), string_sink(out));
  EXPECT_EQ(out, "Subject: s\r\n\r\nx\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferNntp, MissingArticleIsExit78AndCutOffIs18) {
  mock_server srv(greet()
                      .expect("ARTICLE <no@x>")
                      .send("430 no such article\r\n")
                      .expect("ARTICLE <half@x>")
                      .send("220 0 <half@x>\r\nSubject: s\r\n")
                      .close(test::close_mode::fin_only));
  blocking_session s;
  std::error_code ec;
  std::string out;
  result r = s.get(base(srv, "news") + "no@x", plain(), string_sink(out), ec);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::remote_file_not_found);
  r = s.get(base(srv, "news") + "half@x", plain(), string_sink(out), ec);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::partial_file);
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferNntp, PutPostsTheArticle) {
  std::string wire;
  mock_server srv(greet()
                      .expect("POST")
                      .send("340 send\r\n")
                      .expect_until(".", &wire)
                      .send("240 ok\r\n")
                      .close());
  blocking_session s;
  memory_source m("Newsgroups: misc.test\nSubject: s\n\n.x\n");
  const result r = s.put(base(srv, "nntp") + "misc.test", plain(), m);
  EXPECT_EQ(r.reply_code, 240);
  EXPECT_EQ(wire, "Newsgroups: misc.test\r\nSubject: s\r\n\r\n..x\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferNntp, PutRefusedIsUploadFailed) {
  mock_server srv(greet().expect("POST").send("440 posting not permitted\r\n").close());
  blocking_session s;
  memory_source m("Subject: s\n\nx\n");
  std::error_code ec;
  const result r = s.put(base(srv, "nntp") + "misc.test", plain(), m, ec);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::upload_failed);
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferNntp, BadPathsAreUrlMalformat) {
  blocking_session s;
  std::error_code ec;
  std::string out;
  for (const char* u : {"news://h/misc.test/abc", "news://h/a*b", "nntp://h/%3Ca%20b@c%3E"}) {
    const result r = s.get(u, plain(), string_sink(out), ec);
    EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::url_malformat) << u;
  }
  EXPECT_EQ(s.connections_opened(), 0u);
}

TEST(TransferNntp, ExitCodes) {
  EXPECT_EQ(curl_exit_code(nntp::error::auth_failed, stage::connect), exit_code::login_denied);
  EXPECT_EQ(curl_exit_code(nntp::error::tls_required, stage::connect), exit_code::use_ssl_failed);
  EXPECT_EQ(curl_exit_code(nntp::error::no_such_group, stage::transfer),
            exit_code::remote_file_not_found);
  EXPECT_EQ(curl_exit_code(nntp::error::posting_failed, stage::send), exit_code::upload_failed);
  EXPECT_EQ(curl_exit_code(nntp::error::malformed_reply, stage::transfer),
            exit_code::weird_server_reply);
}

}  // namespace
}  // namespace inet::transfer

namespace inet::url {
namespace {

TEST(NntpUrl, SchemesAndDefaultPorts) {
  EXPECT_EQ(default_port(scheme::nntp), 119);
  EXPECT_EQ(default_port(scheme::news), 119);
  EXPECT_EQ(default_port(scheme::nntps), 563);
  EXPECT_EQ(default_port(scheme::snews), 563);
  const parsed_url u = parse("news://news.example.com/comp.lang.c");
  EXPECT_EQ(u.scheme, scheme::news);
  EXPECT_EQ(u.port, 119);
  EXPECT_EQ(u.path, "comp.lang.c");
  EXPECT_FALSE(u.implicit_tls());
  EXPECT_TRUE(parse("nntps://h/g/1").implicit_tls());
  EXPECT_EQ(parse("nntp://h/g/12").path, "g/12");
}

}  // namespace
}  // namespace inet::url
