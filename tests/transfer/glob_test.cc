// curl's URL globbing (protocols/transfer/glob.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/transfer/error.hpp"
#include "protocols/transfer/glob.hpp"

namespace inet::transfer {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> urls(std::string_view p) {
  std::vector<std::string> out;
  for (const auto& m : expand_glob(p)) out.push_back(m.url);
  return out;
}

TEST(UrlGlob, RangesSetsStepsAndPadding) {
  EXPECT_THAT(urls("pop3://h/[1-3]"), ElementsAre("pop3://h/1", "pop3://h/2", "pop3://h/3"));
  EXPECT_THAT(urls("f[008-011]"), ElementsAre("f008", "f009", "f010", "f011"));
  EXPECT_THAT(urls("x[a-e:2]"), ElementsAre("xa", "xc", "xe"));
  EXPECT_THAT(urls("x[1-10:4]"), ElementsAre("x1", "x5", "x9"));
  EXPECT_THAT(urls("{one,two}.example"), ElementsAre("one.example", "two.example"));
  EXPECT_THAT(urls("plain://h/"), ElementsAre("plain://h/"));
  EXPECT_EQ(url_glob("pop3://h/[1-1000]").size(), 1000u);
}

TEST(UrlGlob, SeveralPatternsMultiplyLastFastest) {
  const auto m = expand_glob("{a,b}/[1-2]");
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[1].url, "a/2");
  EXPECT_EQ(m[2].url, "b/1");
  EXPECT_THAT(m[3].values, ElementsAre("b", "2"));
}

TEST(UrlGlob, Ipv6AndEscapesAreLiteral) {
  EXPECT_THAT(urls("imap://[::1]:143/INBOX"), ElementsAre("imap://[::1]:143/INBOX"));
  EXPECT_THAT(urls("imap://h/\\[x\\]\\{y\\}"), ElementsAre("imap://h/[x]{y}"));
}

TEST(UrlGlob, MalformedPatternsAreExit3) {
  for (const char* bad : {"h/[1-", "h/{a,b", "h/[5-1]", "h/[1-3:0]", "h/[a-Z]", "h/[x]",
                          "h/{a,{b}}", "h/[1-99999999999]"}) {
    try {
      url_glob g(bad);
      ADD_FAILURE() << bad;
    } catch (const transfer_exception& e) {
      EXPECT_EQ(e.code(), error::url_malformat) << bad;
      EXPECT_THAT(e.why(), ::testing::StartsWith("bad range in URL position")) << bad;
    }
  }
  EXPECT_THROW(url_glob("[1-1000][1-1000]", 10'000), transfer_exception);
}

TEST(UrlGlob, OutputNamesTakeTheValues) {
  EXPECT_EQ(glob_output_name("m_#1_#2.txt", {"7", "x"}), "m_7_x.txt");
  EXPECT_EQ(glob_output_name("#3 #a ##1", {"v"}), "#3 #a #v");
}

}  // namespace
}  // namespace inet::transfer
