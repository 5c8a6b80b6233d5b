#include "transport/idn.hpp"

#include <gtest/gtest.h>

#include "transport/error.hpp"

using inet::transport::to_ascii_host;

TEST(Idn, AsciiAndIpLiteralsUnchanged) {
  EXPECT_EQ(to_ascii_host("mail.example.org"), "mail.example.org");
  EXPECT_EQ(to_ascii_host("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(to_ascii_host("::1"), "::1");
}

TEST(Idn, UnicodeBecomesALabel) {
  // RFC 3492 / IDNA2008 A-labels.
  EXPECT_EQ(to_ascii_host("bücher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(to_ascii_host("BÜCHER.example"), "xn--bcher-kva.example");  // UTS #46 mapping
  EXPECT_EQ(to_ascii_host("münchen.de"), "xn--mnchen-3ya.de");
}

TEST(Idn, DisallowedCodePointsAreRefused) {
  // U+2603 SNOWMAN is DISALLOWED in IDNA2008; invalid UTF-8 too.
  for (const char* bad : {"\xe2\x98\x83.example", "b\xffr.example"}) {
    try {
      to_ascii_host(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), inet::transport::error::resolve_failed) << e.what();
    }
  }
}
