#include "tools/mail/aliases.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/mail/config.hpp"

namespace inet::mail {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string parse_error(std::string_view text) {
  try {
    parse_aliases(text, "aliases");
  } catch (const config_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Aliases, ParsesEntriesCommentsAndDefault) {
  const alias_table t = parse_aliases(
      "# system aliases\n\nroot: admin@x.org, ops@x.org  # both\r\n"
      "Postmaster:admin@x.org\ndefault: me@x.org\nroot: other@x.org\n",
      "aliases");
  ASSERT_NE(t.find("root"), nullptr);
  EXPECT_THAT(*t.find("root"), ElementsAre("admin@x.org", "ops@x.org"));  // first entry wins
  EXPECT_THAT(*t.find("postmaster"), ElementsAre("admin@x.org"));        // case-insensitive
  EXPECT_THAT(*t.find("nobody"), ElementsAre("me@x.org"));               // default
  EXPECT_EQ(parse_aliases("a: b@c\n", "x").find("z"), nullptr);          // no default
}

TEST(Aliases, MalformedLinesAreErrorsWithLineNumbers) {
  EXPECT_THAT(parse_error("root admin@x.org\n"), HasSubstr("aliases:1: expected 'name: address"));
  EXPECT_THAT(parse_error("\nroot: admin\n"), HasSubstr("aliases:2: alias 'root': 'admin' is not"));
  EXPECT_THAT(parse_error("root:\n"), HasSubstr("lists no address"));
  EXPECT_THAT(parse_error("a b: x@y\n"), HasSubstr("invalid local name"));
  EXPECT_THAT(parse_error("a@b: x@y\n"), HasSubstr("invalid local name"));
  EXPECT_THAT(parse_error(std::string_view("a: x@y\0\n", 8)), HasSubstr("NUL"));
}

TEST(Aliases, MissingFileIsAConfigError) {
  try {
    load_aliases("/nonexistent/inet-aliases");
    FAIL() << "no error";
  } catch (const config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/inet-aliases: cannot read aliases"));
  }
}

TEST(Aliases, ExpandReplacesOnlyBareLocalNamesOneLevel) {
  const alias_table t = parse_aliases("root: admin@x.org, ops@x.org\nops: loop@x.org\n", "a");
  EXPECT_EQ(expand_aliases("root", t), " admin@x.org, ops@x.org");
  EXPECT_EQ(expand_aliases("b@y.org, ROOT", t), "b@y.org, admin@x.org, ops@x.org");
  // Quoted commas, name-addrs and groups are kept as they are; unknown names too.
  EXPECT_EQ(expand_aliases("\"root, ops\" <r@x.org>, nobody", t), "\"root, ops\" <r@x.org>, nobody");
  EXPECT_EQ(expand_aliases("team: root;", t), "team: root;");
  const alias_table none;
  EXPECT_EQ(expand_aliases("root, a@b", none), "root, a@b");
}

}  // namespace
}  // namespace inet::mail
