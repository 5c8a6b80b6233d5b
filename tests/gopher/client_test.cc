// The Gopher client (protocols/gopher) and gopher:// through the transfer library, against the
// mock server: the selector bytes, lenient menus, hostile replies, raw output as curl writes it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/gopher/client.hpp"
#include "protocols/transfer/builtin.hpp"
#include "protocols/transfer/session.hpp"
#include "protocols/url/url.hpp"
#include "tests/mock/server.hpp"
#include "transport/error.hpp"

namespace inet::gopher {
namespace {

using namespace std::chrono_literals;
using test::mock_server;
using test::script;

client_options options_for(const mock_server& srv) {
  client_options o;
  o.host = srv.host();
  o.port = srv.port();
  o.connect.time.connect = 5s;
  o.connect.time.idle = 5s;
  return o;
}

template <typename F>
std::error_code failure_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

TEST(GopherItem, LenientFields) {
  item a = parse_item("1Floodgap\t/fun\tgopher.floodgap.com\t70\t+");
  EXPECT_EQ(a.type, '1');
  EXPECT_EQ(a.display, "Floodgap");
  EXPECT_EQ(a.selector, "/fun");
  EXPECT_EQ(a.host, "gopher.floodgap.com");
  EXPECT_EQ(a.port, 70);
  EXPECT_EQ(a.plus, "+");
  item b = parse_item("iJust text");
  EXPECT_TRUE(b.is_info());
  EXPECT_EQ(b.display, "Just text");
  EXPECT_EQ(b.selector, "");
  EXPECT_EQ(b.port, 70);
  EXPECT_EQ(parse_item("0a\tb\th\tnotaport").port, 70);
  EXPECT_EQ(parse_item("0a\tb\th\t99999").port, 70);
  EXPECT_EQ(parse_item("9bin\t/f.zip\th\t7070").port, 7070);
}

TEST(GopherClient, MenuWithBareLfAndNoFinalDot) {
  mock_server srv(script()
                      .expect("/dir")
                      .send("iWelcome\tfake\t(NULL)\t0\r\n0About\t/about.txt\thost\t70\n"
                            "1Sub\t/sub\thost\n")
                      .close());
  blocking_client c;
  const auto m = c.menu(options_for(srv), "/dir");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_TRUE(m[0].is_info());
  EXPECT_EQ(m[1].selector, "/about.txt");
  EXPECT_EQ(m[2].type, '1');
  EXPECT_EQ(m[2].port, 70);
  EXPECT_SCRIPT_OK(srv);
}

TEST(GopherClient, MenuStopsAtTheDotLine) {
  mock_server srv(script().expect("").send("0A\t/a\th\t70\r\n.\r\n"));
  blocking_client c;
  EXPECT_EQ(c.menu(options_for(srv), "").size(), 1u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(GopherClient, SearchSendsSelectorTabQuery) {
  mock_server srv(script().expect("/search\tfoo bar").send(".\r\n"));
  blocking_client c;
  EXPECT_TRUE(c.search(options_for(srv), "/search", "foo bar").empty());
  EXPECT_SCRIPT_OK(srv);
}

TEST(GopherClient, EndlessMenuHitsTheCap) {
  mock_server srv(script().expect("").send_repeated("iinfo line\t\t\t\r\n", 1000000));
  blocking_client c;
  client_options o = options_for(srv);
  o.max_bytes = 64 * 1024;
  EXPECT_EQ(failure_of([&] { c.menu(o, ""); }), transport::error::body_too_large);
}

TEST(GopherClient, EndlessLineHitsTheLineLimit) {
  mock_server srv(script().expect("").send_repeated(std::string(4096, 'i'), 100000));
  blocking_client c;
  client_options o = options_for(srv);
  o.max_line_bytes = 8192;
  EXPECT_EQ(failure_of([&] { c.menu(o, ""); }), transport::error::line_too_long);
}

TEST(GopherClient, TextIsDotTerminatedAndUnstuffed) {
  mock_server srv(script().expect("/t.txt").send("line\n.\nx\r\n..dot\r\n.\r\n"));
  blocking_client c;
  std::string out;
  c.text(options_for(srv), "/t.txt", string_sink(out));
  EXPECT_EQ(out, "line\n.\nx\r\n.dot\r\n");
  EXPECT_SCRIPT_OK(srv);
}

// A text item must end with its "." line: EOF before it is a truncated transfer, not success.
TEST(GopherClient, TextWithoutTerminatorIsUnexpectedEof) {
  mock_server srv(script().expect("/t.txt").send("line one\r\nline two\r\n").close());
  blocking_client c;
  std::string out;
  EXPECT_EQ(failure_of([&] { c.text(options_for(srv), "/t.txt", string_sink(out)); }),
            transport::error::unexpected_eof);
}

TEST(GopherClient, EndlessTextLineIsBounded) {
  mock_server srv(script().expect("/t.txt").send_repeated(std::string(4096, 't'), 100000));
  blocking_client c;
  client_options o = options_for(srv);
  o.max_line_bytes = 8192;
  std::string out;
  EXPECT_EQ(failure_of([&] { c.text(o, "/t.txt", string_sink(out)); }),
            transport::error::line_too_long);
  EXPECT_LE(out.size(), 16u * 1024);
}

TEST(GopherClient, BinaryToEofWithCap) {
  mock_server srv(script().expect("/f.bin").send(std::string("\0\1\2\r\n.\r\nrest", 12)).close());
  blocking_client c;
  std::string out;
  EXPECT_EQ(c.fetch(options_for(srv), "/f.bin", string_sink(out)), 12u);
  EXPECT_EQ(out, std::string("\0\1\2\r\n.\r\nrest", 12));
  EXPECT_SCRIPT_OK(srv);
  mock_server big(script().expect("/big").send_repeated(std::string(1000, 'b'), 1000));
  client_options o = options_for(big);
  o.max_bytes = 10000;
  out.clear();
  EXPECT_EQ(failure_of([&] { c.fetch(o, "/big", string_sink(out)); }),
            transport::error::body_too_large);
  EXPECT_LE(out.size(), 10000u);
}

TEST(GopherClient, SelectorInjectionRefused) {
  blocking_client c;
  client_options o;
  o.host = "127.0.0.1";
  o.port = 1;
  EXPECT_EQ(failure_of([&] { c.menu(o, "/a\r\n/b"); }), error::invalid_selector);
  EXPECT_EQ(failure_of([&] { c.menu(o, "/a\tq"); }), error::invalid_selector);
}

}  // namespace
}  // namespace inet::gopher

namespace inet::transfer {
namespace {

TEST(TransferGopher, CurlSelectorRule) {
  EXPECT_EQ(detail::gopher_selector(url::parse("gopher://h/")), "");
  EXPECT_EQ(detail::gopher_selector(url::parse("gopher://h")), "");
  EXPECT_EQ(detail::gopher_selector(url::parse("gopher://h/1")), "");
  EXPECT_EQ(detail::gopher_selector(url::parse("gopher://h/1/dir/x")), "/dir/x");
  EXPECT_EQ(detail::gopher_selector(url::parse("gopher://h/0/a%20b.txt")), "/a b.txt");
  EXPECT_EQ(detail::gopher_selector(url::parse("gopher://h/7/s?q")), "/s?q");
  EXPECT_EQ(detail::gopher_selector(url::parse("gopher://h/7/s%09two%20words")), "/s\ttwo words");
  EXPECT_EQ(url::default_port(url::scheme::gopher), 70);
  EXPECT_TRUE(url::parse("gophers://h/").implicit_tls());
}

TEST(TransferGopher, GetWritesTheRawReply) {
  const std::string menu = "iHello\t\t(NULL)\t0\r\n1Dir\t/dir\th\t70\r\n.\r\n";
  test::mock_server srv(test::script().expect("/dir").send(menu).close());
  options o;
  o.connect_timeout = std::chrono::seconds(5);
  o.idle_timeout = std::chrono::seconds(5);
  blocking_session s;
  std::string out;
  const result r = s.get("gopher://" + srv.host() + ":" + std::to_string(srv.port()) + "/1/dir",
                         o, string_sink(out));
  EXPECT_EQ(out, menu);
  EXPECT_EQ(r.bytes, menu.size());
  EXPECT_SCRIPT_OK(srv);
}

// curl's search form: "%09" in the URL becomes the TAB between selector and query on the wire.
TEST(TransferGopher, SearchFormSendsSelectorTabQuery) {
  const std::string reply = "0Found\t/f\th\t70\r\n.\r\n";
  test::mock_server srv(test::script().expect("/find\tnews server").send(reply).close());
  options o;
  o.connect_timeout = std::chrono::seconds(5);
  o.idle_timeout = std::chrono::seconds(5);
  blocking_session s;
  std::string out;
  s.get("gopher://" + srv.host() + ":" + std::to_string(srv.port()) + "/7/find%09news%20server",
        o, string_sink(out));
  EXPECT_EQ(out, reply);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::transfer
