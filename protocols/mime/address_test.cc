#include "protocols/mime/address.hpp"

#include <gtest/gtest.h>

#include "protocols/mime/error.hpp"

namespace inet::mime {
namespace {

using list = std::vector<mailbox>;

TEST(ParseAddressList, SimpleForms) {
  EXPECT_EQ(parse_address_list("a@example.com"), (list{{"", "a@example.com"}}));
  EXPECT_EQ(parse_address_list("John Doe <john@example.com>, jane@x.org"),
            (list{{"John Doe", "john@example.com"}, {"", "jane@x.org"}}));
  EXPECT_EQ(parse_address_list("<only@angle.net>"), (list{{"", "only@angle.net"}}));
  EXPECT_EQ(parse_address_list("  "), list{});
  EXPECT_EQ(parse_address_list("a@b, , c@d,"), (list{{"", "a@b"}, {"", "c@d"}}));
  EXPECT_EQ(parse_address_list("John Q. Public <jqp@x.com>"), (list{{"John Q. Public", "jqp@x.com"}}));
}

TEST(ParseAddressList, QuotedNamesWithCommasAndEscapes) {
  EXPECT_EQ(parse_address_list("\"Doe, John\" <j@x.com>, \"A \\\"B\\\" C\" <abc@x.com>"),
            (list{{"Doe, John", "j@x.com"}, {"A \"B\" C", "abc@x.com"}}));
  EXPECT_EQ(parse_address_list("\"john doe\"@example.com"),
            (list{{"", "\"john doe\"@example.com"}}));
  EXPECT_EQ(parse_address_list("\"plain\"@example.com"), (list{{"", "plain@example.com"}}));
}

TEST(ParseAddressList, CommentsNestedAndIgnored) {
  EXPECT_EQ(parse_address_list("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>"),
            (list{{"Pete", "pete@silly.test"}}));
  EXPECT_EQ(parse_address_list("a@b (outer (inner, with comma) done), c@d"),
            (list{{"", "a@b"}, {"", "c@d"}}));
}

TEST(ParseAddressList, Groups) {
  EXPECT_EQ(parse_address_list("undisclosed-recipients:;"), list{});
  EXPECT_EQ(parse_address_list("team: a@x, Bob <b@y>; c@z"),
            (list{{"", "a@x"}, {"Bob", "b@y"}, {"", "c@z"}}));
  EXPECT_EQ(parse_address_list("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;"),
            (list{{"Ed Jones", "c@a.test"}, {"", "joe@where.test"}, {"John", "jdoe@one.test"}}));
}

TEST(ParseAddressList, ObsoleteFormsAndEncodedWords) {
  EXPECT_EQ(parse_address_list("<@relay.example:a@b.example>"), (list{{"", "a@b.example"}}));
  EXPECT_EQ(parse_address_list("x@[192.0.2.1]"), (list{{"", "x@[192.0.2.1]"}}));
  EXPECT_EQ(parse_address_list("=?UTF-8?B?QW5kcsOp?= <a@b>"), (list{{"Andr\xC3\xA9", "a@b"}}));
  EXPECT_EQ(parse_address_list("Folded\r\n Name <a@b>"), (list{{"Folded Name", "a@b"}}));
}

TEST(ParseAddressList, GarbageThrowsWithPosition) {
  for (const char* bad : {"no-domain", "a@", "<a@b", "\"unterminated <a@b>", "a@b c@d",
                          "(unterminated a@b", "x: y: a@b;;", "Name <>", "a@b>", "[a@b",
                          "a@b\x01"}) {
    try {
      parse_address_list(bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::bad_address) << bad;
      EXPECT_NE(std::string(e.what()).find("offset"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(parse_mailbox("a@b, c@d"), std::system_error);
  EXPECT_EQ(parse_mailbox("X <x@y>"), (mailbox{"X", "x@y"}));
}

TEST(FormatMailbox, QuotingRules) {
  EXPECT_EQ(format_mailbox({"", "a@b.c"}, false), "a@b.c");
  EXPECT_EQ(format_mailbox({"John Doe", "j@x.com"}, false), "John Doe <j@x.com>");
  EXPECT_EQ(format_mailbox({"Doe, John", "j@x.com"}, false), "\"Doe, John\" <j@x.com>");
  EXPECT_EQ(format_mailbox({"J. \"JD\" Doe\\", "j@x.com"}, false),
            "\"J. \\\"JD\\\" Doe\\\\\" <j@x.com>");
  EXPECT_EQ(format_mailbox({"  spaced", "j@x.com"}, false), "\"  spaced\" <j@x.com>");
  EXPECT_EQ(format_mailbox({"Andr\xC3\xA9", "a@b"}, false), "=?UTF-8?B?QW5kcsOp?= <a@b>");
  EXPECT_EQ(format_mailbox({"Andr\xC3\xA9 de la Fontaine", "a@b"}, false),
            "=?UTF-8?Q?Andr=C3=A9_de_la_Fontaine?= <a@b>");
  EXPECT_EQ(format_mailbox({"Andr\xC3\xA9", "a@b"}, true), "Andr\xC3\xA9 <a@b>");
  EXPECT_EQ(format_mailbox({"Andr\xC3\xA9, Jr", "a@b"}, true), "\"Andr\xC3\xA9, Jr\" <a@b>");
}

TEST(FormatMailbox, RoundTripsThroughParser) {
  for (const mailbox& m : {mailbox{"Doe, John", "j@x.com"}, mailbox{"A \"q\" \\b", "a@b"},
                           mailbox{"\xE5\xB1\xB1\xE7\x94\xB0 \xE5\xA4\xAA\xE9\x83\x8E", "y@j.jp"},
                           mailbox{"", "\"odd local\"@x"}}) {
    EXPECT_EQ(parse_address_list(format_mailbox(m, false)), list{m});
    EXPECT_EQ(parse_address_list(format_mailbox(m, true)), list{m});
  }
}

TEST(FormatMailbox, RefusesInjection) {
  try {
    format_mailbox({"Evil\r\nBcc: x@y", "a@b"}, false);
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::invalid_header);
  }
  EXPECT_THROW(format_mailbox({"", "a@b>\r\nRCPT TO:<c@d"}, false), std::system_error);
  EXPECT_THROW(format_mailbox({"", "j\xC3\xB6@x"}, false), std::system_error);
  EXPECT_EQ(format_mailbox({"", "j\xC3\xB6@x"}, true), "j\xC3\xB6@x");
}

// RFC 6531 §3.2 / RFC 5891: in 7-bit headers an internationalised domain is written as its
// A-label (values as libidn2 2.3, UTS #46 non-transitional, gives them); a non-ASCII local
// part has no ASCII form.
TEST(FormatMailbox, InternationalDomainBecomesALabelWithoutUtf8) {
  EXPECT_EQ(format_mailbox({"", "info@bücher.example"}, false), "info@xn--bcher-kva.example");
  EXPECT_EQ(format_mailbox({"Bücher", "info@Bücher.Example"}, false),
            "=?UTF-8?Q?B=C3=BCcher?= <info@xn--bcher-kva.example>");
  EXPECT_EQ(format_mailbox({"Doe, John", "\"john doe\"@münchen.de"}, false),
            "\"Doe, John\" <\"john doe\"@xn--mnchen-3ya.de>");
  EXPECT_EQ(format_mailbox({"", "a@例え.テスト"}, false), "a@xn--r8jz45g.xn--zckzah");
  // With utf8_allowed (RFC 6532) the address stays raw UTF-8.
  EXPECT_EQ(format_mailbox({"", "info@bücher.example"}, true), "info@bücher.example");
  EXPECT_EQ(format_mailbox({"Jörg", "jörg@bücher.example"}, true),
            "Jörg <jörg@bücher.example>");
  // ASCII addresses and domain literals are untouched.
  EXPECT_EQ(format_mailbox({"", "xn--bcher-kva@xn--bcher-kva.example"}, false),
            "xn--bcher-kva@xn--bcher-kva.example");
  EXPECT_EQ(format_mailbox({"", "postmaster@[192.0.2.1]"}, false), "postmaster@[192.0.2.1]");
}

TEST(FormatMailbox, NoAsciiFormIsRefusedByName) {
  const std::string long_label = std::string(56, 'a') + "ü";  // A-label of 64 bytes
  for (const std::string& a : {std::string("jörg@bücher.example"),  // local part
                               std::string("jörg@example.com"),
                               std::string("info@a⒈b.example"),  // U+2488
                               "info@" + long_label + ".example",
                               std::string("info@[bücher]")}) {
    try {
      format_mailbox({"Name", a}, false);
      ADD_FAILURE() << a;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::bad_address) << a;
      EXPECT_NE(std::string(e.what()).find("'" + a + "'"), std::string::npos) << e.what();
    }
  }
  // One byte shorter the A-label is 63 bytes: the longest label allowed.
  const std::string label_63 = std::string(55, 'a') + "ü";
  EXPECT_EQ(ascii_domain_address("x@" + label_63 + ".example"),
            "x@xn--" + std::string(55, 'a') + "-8yf.example");
  // Over 254 bytes once the domain is encoded: no longer a valid addr-spec for a header.
  std::string big = std::string(40, 'l') + "@";
  for (int i = 0; i < 4; ++i) big += std::string(45, 'a') + "ü.";
  big += "example";
  EXPECT_LE(big.size(), 254u);
  EXPECT_GT(ascii_domain_address(big).size(), 254u);
  EXPECT_THROW(format_mailbox({"", big}, false), std::system_error);
}

TEST(AsciiDomainAddress, Forms) {
  EXPECT_EQ(ascii_domain_address("info@bücher.example"), "info@xn--bcher-kva.example");
  EXPECT_EQ(ascii_domain_address("a@faß.de"), "a@xn--fa-hia.de");  // non-transitional
  EXPECT_EQ(ascii_domain_address("plain@example.com"), "plain@example.com");
  EXPECT_THROW(ascii_domain_address("jö"), std::system_error);
}

TEST(IsValidAddrSpec, AcceptsAndRefuses) {
  for (const char* ok : {"a@b", "first.last@example.com", "\"with space\"@x.org",
                         "\"q\\\"uote\"@x", "x@[IPv6:2001:db8::1]", "j\xC3\xB6@x"})
    EXPECT_TRUE(is_valid_addr_spec(ok)) << ok;
  for (const char* bad : {"", "a", "@b", "a@", "a b@c", "a@b c", "<a@b>", "a@b\r\nDATA",
                          "a@b\n", "a\"@b", "\"open@b", "a@b@c", "a(x)@b", "a,b@c"})
    EXPECT_FALSE(is_valid_addr_spec(bad)) << bad;
  EXPECT_FALSE(is_valid_addr_spec(std::string("a\0@b", 4)));
  EXPECT_FALSE(is_valid_addr_spec(std::string(250, 'a') + "@b.com"));
  EXPECT_EQ(address_domain("\"a@b\"@c.d"), "c.d");
}

}  // namespace
}  // namespace inet::mime
