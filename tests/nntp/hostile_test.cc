// Hostile NNTP servers against the client (mock kit): a greeting or reply line that never ends,
// an article line that never ends (line_too_long, whatever the article cap), an endless LISTGROUP, a NUL in a listing. Every case ends in
// a typed error within the configured bounds, never a hang or a silent success.
#include <gtest/gtest.h>

#include "protocols/nntp/client.hpp"
#include "tests/nntp/test_util.hpp"

namespace inet::nntp::testing {
namespace {

template <typename F>
std::error_code failure_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

TEST(NntpHostile, EndlessGreetingIsLineTooLong) {
  mock::mock_server srv(mock::script().send("200 ").send_repeated(std::string(4096, 'x'), 10000));
  blocking_client c;
  client_options o = options_for(srv);
  o.limits.max_line_bytes = 8192;
  EXPECT_EQ(failure_of([&] { c.connect(o); }), transport::error::line_too_long);
}

TEST(NntpHostile, EndlessReplyLineIsLineTooLong) {
  mock::mock_server srv(
      greet().expect("GROUP misc.test").send("211 ").send_repeated(std::string(4096, '9'), 10000));
  blocking_client c;
  client_options o = options_for(srv);
  o.limits.max_line_bytes = 8192;
  c.connect(o);
  EXPECT_EQ(failure_of([&] { c.group("misc.test"); }), transport::error::line_too_long);
}

// A line inside a block is bounded by limits::max_line_bytes, whatever the article cap.
TEST(NntpHostile, EndlessArticleLineIsLineTooLong) {
  mock::mock_server srv(greet()
                            .expect("ARTICLE 1")
                            .send("220 1 <a@b>\r\nSubject: ")
                            .send_repeated(std::string(4096, 'y'), 10000));
  blocking_client c;
  client_options o = options_for(srv);
  o.limits.max_line_bytes = 16 * 1024;
  c.connect(o);
  std::string got;
  EXPECT_EQ(failure_of([&] { c.article("1", string_sink(got), 1 << 30); }),
            transport::error::line_too_long);
  EXPECT_LE(got.size(), 32u * 1024);
  EXPECT_EQ(failure_of([&] { c.date(); }), error::not_connected);  // no resync mid-block
}

TEST(NntpHostile, EndlessListgroupHitsTheListingCap) {
  mock::mock_server srv(greet()
                            .expect("LISTGROUP misc.test 1-")
                            .send("211 2 1 2 misc.test list follows\r\n")
                            .send_repeated("12345678\r\n", 100000));
  blocking_client c;
  client_options o = options_for(srv);
  o.max_listing_bytes = 64 * 1024;
  c.connect(o);
  EXPECT_EQ(failure_of([&] { c.listgroup("misc.test", "1-"); }), transport::error::body_too_large);
}

TEST(NntpHostile, NulInListingIsMalformedAndTheSessionGoesOn) {
  static const char listing[] = "215 list\r\nmisc\0.test 2 1 y\r\n.\r\n";
  mock::mock_server srv(greet()
                            .expect("LIST ACTIVE")
                            .send(std::string(listing, sizeof listing - 1))
                            .expect("DATE")
                            .send("111 20260102030405\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(failure_of([&] { c.list_active(""); }), error::malformed_reply);
  EXPECT_EQ(c.date(), "20260102030405");
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::nntp::testing
