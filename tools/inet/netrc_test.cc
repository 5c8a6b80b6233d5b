#include "tools/inet/netrc.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace inet::cli {
namespace {

netrc_error code_of(std::string_view text) {
  try {
    parse_netrc(text);
  } catch (const std::system_error& e) {
    EXPECT_EQ(&e.code().category(), &netrc_category());
    return static_cast<netrc_error>(e.code().value());
  }
  ADD_FAILURE() << "parsed: " << text;
  return {};
}

TEST(Netrc, MachinesAndDefault) {
  auto e = parse_netrc(
      "machine mail.example.com login alice password s3cret\n"
      "machine ftp.example.com\n  login bob\n  password \"pa ss\\\"word\"\n"
      "default login anonymous password guest@\n");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].machine, "mail.example.com");
  EXPECT_EQ(e[0].login, "alice");
  EXPECT_EQ(e[0].password, "s3cret");
  EXPECT_EQ(e[1].password, "pa ss\"word");
  EXPECT_TRUE(e[2].is_default);
  EXPECT_EQ(e[2].login, "anonymous");
}

TEST(Netrc, MacdefBodyAndAccountAreSkipped) {
  auto e = parse_netrc(
      "machine a login u password p account acct\n"
      "macdef init\n"
      "cd /pub\n"
      "machine evil login x password y\n"
      "\n"
      "machine b login v password q\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].machine, "a");
  EXPECT_EQ(e[1].machine, "b");
  EXPECT_EQ(e[1].login, "v");
}

TEST(Netrc, CommentsAreSkipped) {
  auto e = parse_netrc("# my hosts\nmachine h login u # trailing\npassword p\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].password, "p");
}

TEST(Netrc, EntriesWithoutPassword) {
  auto e = parse_netrc("machine h login u");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_FALSE(e[0].password.has_value());
  EXPECT_TRUE(parse_netrc("").empty());
  EXPECT_TRUE(parse_netrc("  \n\t\n").empty());
}

TEST(Netrc, SyntaxErrors) {
  EXPECT_EQ(code_of("machine"), netrc_error::syntax);
  EXPECT_EQ(code_of("machine h login"), netrc_error::syntax);
  EXPECT_EQ(code_of("login u password p"), netrc_error::syntax);
  EXPECT_EQ(code_of("machine h bogus x"), netrc_error::syntax);
  EXPECT_EQ(code_of("machine h password \"unterminated"), netrc_error::syntax);
  EXPECT_EQ(code_of("machine h password a\x01" "b"), netrc_error::syntax);
  EXPECT_EQ(code_of("machine h password \"a\\r\\nQUIT\""), netrc_error::syntax);
}

TEST(Netrc, ErrorNamesLineButNotSecrets) {
  try {
    parse_netrc("machine h\nlogin u\npassword hunter2 extra\n");
    FAIL();
  } catch (const std::system_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("hunter2"), std::string::npos) << msg;
  }
}

TEST(Netrc, FindMatchesHostCaseInsensitivelyAndLogin) {
  auto e = parse_netrc(
      "machine H.example login a password pa\n"
      "machine h.example login b password pb\n"
      "default login anon password x\n");
  auto first = find_netrc(e, "h.EXAMPLE");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->login, "a");
  auto b = find_netrc(e, "h.example", "b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->password, "pb");
  auto other = find_netrc(e, "other.example");
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->is_default);
  EXPECT_FALSE(find_netrc(e, "h.example", "zed").has_value());
  EXPECT_FALSE(find_netrc(parse_netrc("machine a login u"), "b").has_value());
}

TEST(Netrc, LoadFileAndMissingFile) {
  std::string path = ::testing::TempDir() + "/netrc_test_file";
  {
    std::ofstream f(path);
    f << "machine x login u password p\n";
  }
  auto e = load_netrc(path);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].password, "p");
  std::remove(path.c_str());
  try {
    load_netrc(path);
    FAIL();
  } catch (const std::system_error& err) {
    EXPECT_EQ(err.code(), netrc_error::unreadable);
  }
}

TEST(Netrc, OversizedFileIsRefused) {
  std::string path = ::testing::TempDir() + "/netrc_big";
  {
    std::ofstream f(path);
    std::string line(1000, '#');
    for (int i = 0; i < 1100; ++i) f << line << '\n';
  }
  try {
    load_netrc(path);
    FAIL();
  } catch (const std::system_error& err) {
    EXPECT_EQ(err.code(), netrc_error::unreadable);
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace inet::cli
