// Real servers' deviations from RFC 3501 that other IMAP clients have hit, as parser tests.
// Each case cites the public report it comes from. Lenient where the meaning is still clear;
// strict (an error with an offset) where guessing could misread the stream.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/imap/parser.hpp"

namespace inet::imap {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

fetch_data fetch(std::string_view wire) { return std::get<fetch_data>(parse_response(wire)); }

// mail.ru sends NIL as a body parameter value: ("boundary" NIL).
// https://github.com/duesee/imap-codec/issues/700
TEST(ImapQuirks, MailRuNilBoundaryParameter) {
  auto f = fetch(
      "* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"8bit\" 12 1 NIL NIL NIL NIL)"
      " \"mixed\" (\"boundary\" NIL) NIL NIL NIL))\r\n");
  ASSERT_TRUE(f.body);
  EXPECT_THAT(f.body->params, ElementsAre(Pair("boundary", "")));
  EXPECT_EQ(f.body->parts.at(0).section, "1");
}

// Exchange sends a bare string where body-fld-dsp must be a list: ... NIL "inline" NIL NIL.
// https://github.com/jstedfast/MailKit/issues/919
TEST(ImapQuirks, ExchangeDispositionAsString) {
  auto f = fetch(
      "* 37 FETCH (UID 67 FLAGS (\\Seen \\Recent) BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"ISO-8859-1\") "
      "NIL NIL \"QUOTED-PRINTABLE\" 850 31 NIL \"inline\" NIL NIL)(\"text\" \"html\" (\"charset\" \"ISO-8859-1\") "
      "NIL NIL \"QUOTED-PRINTABLE\" 14692 502 NIL \"inline\" NIL NIL) \"alternative\" (\"boundary\" \"b\") NIL NIL))\r\n");
  EXPECT_EQ(f.body->parts.at(0).disposition, "inline");
  EXPECT_EQ(f.body->parts.at(1).size, 14692u);
  EXPECT_EQ(f.uid, 67u);
}

// A description string in the multipart disposition slot.
// https://github.com/javaee/javamail/issues/278
TEST(ImapQuirks, MultipartExtensionWithStrayString) {
  auto f = fetch(
      "* 9 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL)"
      "(\"application\" \"octet-stream\" (\"name\" \"a.txt\") NIL NIL \"base64\" 171724 NIL (\"attachment\" "
      "(\"filename\" \"a.txt\")) NIL NIL) \"mixed\" (\"boundary\" \"x\") \"S/MIME Encrypted Message\" NIL))\r\n");
  EXPECT_EQ(f.body->subtype, "mixed");
  EXPECT_EQ(f.body->parts.at(1).disposition, "attachment");
  EXPECT_EQ(f.body->parts.at(1).section, "2");
}

// imap.qq.com puts a space before the closing parenthesis: "(UID 19436 )".
// https://github.com/jakartaee/mail-api/issues/209
TEST(ImapQuirks, SpaceBeforeClosingParen) {
  EXPECT_EQ(fetch("* 11487 FETCH (UID 19436 )\r\n").uid, 19436u);
  // ... and doubled spaces between tokens.
  auto f = fetch("* 1 FETCH  (FLAGS  (\\Seen  \\Answered)  UID  1 )\r\n");
  EXPECT_THAT(*f.flags, ElementsAre("\\Seen", "\\Answered"));
}

// UID may come after the body literal, in the same FETCH response.
// https://github.com/karastojko/mailio/issues/135
TEST(ImapQuirks, UidAfterLiteral) {
  auto f = fetch("* 3 FETCH (RFC822 {6}\r\nabcd\r\n UID 10)\r\n");
  EXPECT_EQ(f.uid, 10u);
  EXPECT_EQ(f.sections.at(0).kind, "RFC822");
  EXPECT_EQ(f.sections.at(0).data, "abcd\r\n");
  f = fetch("* 3 FETCH (UID 10 RFC822 {6}\r\nabcd\r\n)\r\n");
  EXPECT_EQ(f.uid, 10u);
}

// Non-canonical case: "a001 ok", "* search", "[uidvalidity ...]", "\seen" (Exchange/O365 among
// others). https://github.com/qnikst/HaskellNet/pull/116 ; capabilities: https://github.com/curl/curl/issues/19089
TEST(ImapQuirks, LowercaseKeywords) {
  auto s = std::get<status_response>(parse_response("a001 ok [uidvalidity 42] done\r\n"));
  EXPECT_EQ(s.status, status_response::kind::ok);
  EXPECT_EQ(s.code->name, "UIDVALIDITY");
  EXPECT_EQ(s.code->number(), 42u);
  EXPECT_THAT(std::get<search_data>(parse_response("* search 1 2\r\n")).numbers, ElementsAre(1u, 2u));
  auto f = fetch("* 1 fetch (flags (\\seen) uid 1 body[text] {2}\r\nhi)\r\n");
  EXPECT_EQ(f.uid, 1u);
  EXPECT_EQ(f.sections.at(0).item, "BODY[TEXT]");
  EXPECT_EQ(std::get<count_data>(parse_response("* 4 exists\r\n")).count, 4u);
  EXPECT_EQ(std::get<status_response>(parse_response("* bye later\r\n")).status, status_response::kind::bye);
}

// Gmail: X-GM-* items, a MODSEQ list, a BODY[HEADER.FIELDS (...)] literal, and odd
// ("RELATED" NIL ("ATTACHMENT" NIL) NIL) parts in the BODYSTRUCTURE.
// https://github.com/jstedfast/MailKit/issues/371
TEST(ImapQuirks, GmailExtensionsAndOddParts) {
  auto f = fetch(
      "* 56697 FETCH (X-GM-THRID 1563190496481790748 X-GM-MSGID 1563491715126921418 X-GM-LABELS (\"\\\\Sent\" "
      "\\Important) UID 227195 RFC822.SIZE 87705 MODSEQ (10677203) BODYSTRUCTURE (((\"TEXT\" \"PLAIN\" "
      "(\"CHARSET\" \"UTF-8\") NIL NIL \"BASE64\" 10418 133 NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"a\") NIL NIL)"
      "(\"RELATED\" NIL (\"ATTACHMENT\" NIL) NIL) \"MIXED\" (\"BOUNDARY\" \"b\") NIL NIL) "
      "BODY[HEADER.FIELDS (LIST-ID MIME-VERSION)] {21}\r\nMIME-Version: 1.0\r\n\r\n)\r\n");
  EXPECT_EQ(f.uid, 227195u);
  EXPECT_EQ(f.modseq, 10677203u);
  ASSERT_NE(f.find_other("X-GM-LABELS"), nullptr);
  EXPECT_EQ(f.find_other("X-GM-LABELS")->items.at(0).text, "\\Sent");
  EXPECT_EQ(f.find_other("X-GM-MSGID")->number(), 1563491715126921418u);
  ASSERT_EQ(f.body->parts.size(), 2u);
  EXPECT_EQ(f.body->parts[1].type, "related");
  EXPECT_EQ(f.body->parts[1].section, "2");
  EXPECT_EQ(f.sections.at(0).section, "HEADER.FIELDS (LIST-ID MIME-VERSION)");
  EXPECT_EQ(f.sections.at(0).data, "MIME-Version: 1.0\r\n\r\n");
}

// A message/rfc822 whose encapsulated body starts with NIL instead of its parts.
// https://github.com/jstedfast/MailKit/issues/1393
TEST(ImapQuirks, EncapsulatedBodyWithNilType) {
  auto f = fetch(
      "* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 727 16 NIL NIL NIL NIL)"
      "(\"message\" \"rfc822\" (\"name\" \"headers\") NIL NIL \"7bit\" 903 (\"date\" \"Re: x\" NIL NIL NIL NIL NIL NIL "
      "NIL \"<id>\") (NIL \"alternative\" (\"boundary\" \"x\") NIL NIL NIL) 17 NIL NIL NIL NIL) \"report\" "
      "(\"report-type\" \"delivery-status\") NIL NIL NIL))\r\n");
  const auto& msg = f.body->parts.at(1);
  EXPECT_EQ(msg.message_envelope->subject, "Re: x");
  EXPECT_EQ(msg.lines, 17u);
  ASSERT_EQ(msg.parts.size(), 1u);
  EXPECT_EQ(msg.parts[0].subtype, "alternative");
  EXPECT_EQ(msg.parts[0].section, "2.1");
}

// NIL where the encoding string belongs.
// https://github.com/apple/swift-nio-imap/issues/684
TEST(ImapQuirks, NilEncoding) {
  auto f = fetch(
      "* 2114 FETCH (UID 2114 MODSEQ (3143) RFC822.SIZE 11867 BODYSTRUCTURE (((\"text\" \"plain\" "
      "(\"CHARSET\" \"UTF-8\") NIL NIL NIL 1423 44 NIL NIL NIL NIL) \"alternative\" (\"BOUNDARY\" \"0\") NIL NIL NIL)"
      " \"mixed\" (\"BOUNDARY\" \"=\") NIL NIL NIL))\r\n");
  const auto& p = f.body->parts.at(0).parts.at(0);
  EXPECT_EQ(p.encoding, "");
  EXPECT_EQ(p.size, 1423u);
  EXPECT_EQ(p.section, "1.1");
}

// Empty parts "()" and NIL sizes/envelopes: kept as empty nodes, not fatal.
// https://github.com/jstedfast/MailKit/issues/1446 (O365: "Unexpected token: NIL")
TEST(ImapQuirks, EmptyPartsAndNilFields) {
  auto f = fetch("* 1 FETCH (BODYSTRUCTURE (() (\"text\" \"plain\" NIL NIL NIL \"7bit\" NIL NIL) \"mixed\") "
                 "ENVELOPE NIL RFC822.SIZE NIL FLAGS NIL)\r\n");
  ASSERT_EQ(f.body->parts.size(), 2u) << "a leading () is one empty part";
  EXPECT_EQ(f.body->parts[0].type, "");
  EXPECT_EQ(f.body->parts[1].section, "2");
  auto g = fetch("* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" NIL NIL)() \"mixed\"))\r\n");
  ASSERT_EQ(g.body->parts.size(), 2u);
  EXPECT_EQ(g.body->parts[0].size, 0u);
  EXPECT_EQ(g.body->parts[1].type, "");
  EXPECT_TRUE(f.envelope);
  EXPECT_FALSE(f.rfc822_size);
  EXPECT_TRUE(f.flags->empty());
}

// Dovecot (and others) announce capabilities in the greeting's response code (RFC 3501 §7.1),
// saving a round trip; see dovecot's login banner "* OK [CAPABILITY ...] Dovecot ready."
// https://github.com/curl/curl/issues/19089 shows such greetings in the wild.
TEST(ImapQuirks, DovecotGreetingWithCapabilities) {
  auto s = std::get<status_response>(parse_response(
      "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] "
      "Dovecot ready.\r\n"));
  EXPECT_EQ(s.code->name, "CAPABILITY");
  EXPECT_THAT(s.code->tokens, ElementsAre("IMAP4rev1", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE",
                                          "LITERAL+", "STARTTLS", "AUTH=PLAIN"));
  EXPECT_EQ(s.text, "Dovecot ready.");
}

// A quoted string that a server broke across lines (bare newline inside quotes) must not be
// guessed at: the rest of the stream would be misread. Strict: error with the offset.
// https://github.com/MailCore/mailcore2/issues/1473
TEST(ImapQuirks, QuotedStringBrokenAcrossLinesIsAnError) {
  try {
    parse_response("* 825 FETCH (BODYSTRUCTURE (\"APPLICATION\" \"PDF\r\n    NAME=\"A.PDF\"\" NIL NIL NIL \"base64\" 1 NIL))\r\n");
    ADD_FAILURE();
  } catch (const parse_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::malformed_response));
    EXPECT_EQ(e.offset(), 42u);  // the opening quote of "PDF
  }
}

// Yahoo ends SEARCH results with a space: "* SEARCH 7456 " (a client splitting on spaces
// then fetched an empty set). The numbers are exactly those sent.
// https://github.com/ikvk/imap_tools/issues/97
TEST(ImapQuirks, YahooSearchWithTrailingSpace) {
  auto s = std::get<search_data>(parse_response("* SEARCH 7456 \r\n"));
  EXPECT_THAT(s.numbers, ElementsAre(7456u));
  auto empty = std::get<search_data>(parse_response("* SEARCH \r\n"));
  EXPECT_TRUE(empty.numbers.empty());
}

// Yahoo's "imapgate" sends "+ " (empty text) for AUTHENTICATE, a response code with no text
// after it ("* OK [HIGHESTMODSEQ 102784]": RFC 3501 wants SP text), and a non-standard
// HIGHESTMODSEQ-like capability. https://github.com/jstedfast/MailKit/issues/358
TEST(ImapQuirks, YahooEmptyContinuationAndCodeWithoutText) {
  EXPECT_EQ(std::get<continuation>(parse_response("+ \r\n")).text, "");
  auto s = std::get<status_response>(parse_response("* OK [HIGHESTMODSEQ 102784]\r\n"));
  EXPECT_EQ(s.code->name, "HIGHESTMODSEQ");
  EXPECT_THAT(s.code->tokens, ElementsAre("102784"));
  EXPECT_EQ(s.text, "");
  auto p = std::get<status_response>(parse_response("* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"));
  EXPECT_EQ(p.code->name, "PERMANENTFLAGS");
  auto list = std::get<list_data>(parse_response("* LIST (\\Inbox \\HasNoChildren) \"/\" \"Inbox\"\r\n"));
  EXPECT_EQ(list.mailbox, "Inbox");
  EXPECT_EQ(list.delimiter, std::optional<char>('/'));
}

// Cyrus 2.4 answers LOGIN with its full capability list in the tagged OK (RFC 3501 §7.1),
// including tokens such as RIGHTS=kxte and NO_ATOMIC_RENAME, and a SESSIONID in the text.
// https://github.com/mobizt/ESP32-Mail-Client/issues/9
TEST(ImapQuirks, CyrusTaggedOkWithCapabilities) {
  auto s = std::get<status_response>(parse_response(
      "$ OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE ACL RIGHTS=kxte QUOTA MAILBOX-REFERRALS "
      "NAMESPACE UIDPLUS NO_ATOMIC_RENAME UNSELECT CHILDREN MULTIAPPEND BINARY CATENATE CONDSTORE "
      "ESEARCH SORT SORT=MODSEQ SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES ANNOTATEMORE "
      "LIST-EXTENDED WITHIN QRESYNC SCAN XLIST URLAUTH URLAUTH=BINARY LOGINDISABLED AUTH=GSSAPI "
      "AUTH=PLAIN AUTH=LOGIN COMPRESS=DEFLATE IDLE] User logged in SESSIONID=<cyrus-25655-1557749176-1>\r\n"));
  EXPECT_EQ(s.tag, "$");
  EXPECT_EQ(s.code->name, "CAPABILITY");
  EXPECT_EQ(s.code->tokens.size(), 37u);
  EXPECT_EQ(s.code->tokens.at(5), "RIGHTS=kxte");
  EXPECT_EQ(s.code->tokens.back(), "IDLE");
  EXPECT_EQ(s.text, "User logged in SESSIONID=<cyrus-25655-1557749176-1>");
  // ... and its greeting carries the version string after the code.
  auto g = std::get<status_response>(parse_response(
      "* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE AUTH=GSSAPI AUTH=PLAIN AUTH=LOGIN SASL-IR] "
      "mailbox1.example Cyrus IMAP git2.4.17+0-Debian-2.4.17+nocaldav-0+deb8u2+iig1 server ready\r\n"));
  EXPECT_EQ(g.code->tokens.back(), "SASL-IR");
  EXPECT_EQ(g.text.substr(0, 16), "mailbox1.example");
}

}  // namespace
}  // namespace inet::imap
