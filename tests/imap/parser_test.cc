// The response parser (RFC 3501 §7, §9; RFC 9051): every response type, literals in any
// chunking, streamed body literals, limits and malformed input with offsets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/imap/parser.hpp"

namespace inet::imap {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

template <typename T>
T as(std::string_view wire) {
  response r = parse_response(wire);
  const T* p = std::get_if<T>(&r);
  if (!p) throw std::runtime_error("unexpected response type " + std::to_string(r.index()));
  return *p;
}

TEST(ImapParser, TaggedStatusWithCode) {
  auto s = as<status_response>("a1 OK [READ-WRITE] SELECT completed\r\n");
  EXPECT_EQ(s.tag, "a1");
  EXPECT_EQ(s.status, status_response::kind::ok);
  ASSERT_TRUE(s.code);
  EXPECT_EQ(s.code->name, "READ-WRITE");
  EXPECT_EQ(s.text, "SELECT completed");
  s = as<status_response>("a2 NO [TRYCREATE] Mailbox doesn't exist\r\n");
  EXPECT_EQ(s.status, status_response::kind::no);
  EXPECT_TRUE(s.has_code("trycreate"));
  EXPECT_EQ(s.summary(), "NO [TRYCREATE] Mailbox doesn't exist");
  s = as<status_response>("a3 BAD\r\n");
  EXPECT_EQ(s.status, status_response::kind::bad);
  EXPECT_EQ(s.text, "");
}

TEST(ImapParser, UntaggedStatusAndCodes) {
  auto s = as<status_response>("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
  EXPECT_EQ(s.tag, "");
  EXPECT_EQ(s.code->number(), 3857529045u);
  s = as<status_response>("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
  EXPECT_THAT(s.code->tokens, ElementsAre("\\Deleted", "\\Seen", "\\*"));
  s = as<status_response>("* OK [APPENDUID 38505 3955] APPEND completed\r\n");
  EXPECT_THAT(s.code->tokens, ElementsAre("38505", "3955"));
  s = as<status_response>("* OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
  EXPECT_THAT(s.code->tokens, ElementsAre("38505", "304,319:320", "3956:3958"));
  s = as<status_response>("* BYE Autologout; idle for too long\r\n");
  EXPECT_EQ(s.status, status_response::kind::bye);
  EXPECT_EQ(s.text, "Autologout; idle for too long");
  s = as<status_response>("* PREAUTH IMAP4rev1 server logged in as Smith\r\n");
  EXPECT_EQ(s.status, status_response::kind::preauth);
  s = as<status_response>("* NO [ALERT] Disk quota (\"95%\") reached\r\n");
  EXPECT_EQ(s.code->name, "ALERT");
  EXPECT_EQ(s.text, "Disk quota (\"95%\") reached");
  s = as<status_response>("* OK [HIGHESTMODSEQ 715194045007] Highest\r\n");
  EXPECT_EQ(s.code->number(), 715194045007u);
  s = as<status_response>("* OK [no closing bracket\r\n");
  EXPECT_FALSE(s.code);
  EXPECT_EQ(s.text, "[no closing bracket");
}

TEST(ImapParser, Continuation) {
  EXPECT_EQ(as<continuation>("+ Ready for literal data\r\n").text, "Ready for literal data");
  EXPECT_EQ(as<continuation>("+ \r\n").text, "");
  EXPECT_EQ(as<continuation>("+\r\n").text, "");
  EXPECT_EQ(as<continuation>("+ YGgGCSqGSIb3EgECAgIA\r\n").text, "YGgGCSqGSIb3EgECAgIA");
}

TEST(ImapParser, CapabilityFlagsEnabledId) {
  EXPECT_THAT(as<capability_data>("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n").capabilities,
              ElementsAre("IMAP4rev1", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"));
  EXPECT_THAT(as<flags_data>("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Fwd)\r\n").flags,
              ElementsAre("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", "$Fwd"));
  EXPECT_THAT(as<enabled_data>("* ENABLED CONDSTORE QRESYNC\r\n").capabilities,
              ElementsAre("CONDSTORE", "QRESYNC"));
  auto id = as<id_data>("* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n");
  ASSERT_EQ(id.fields.size(), 2u);
  EXPECT_EQ(id.fields[0].first, "name");
  EXPECT_EQ(id.fields[0].second, "Dovecot");
  EXPECT_FALSE(id.fields[1].second);
  EXPECT_TRUE(as<id_data>("* ID NIL\r\n").fields.empty());
}

TEST(ImapParser, ListLsubWithModifiedUtf7AndExtendedData) {
  auto l = as<list_data>("* LIST (\\HasNoChildren \\Drafts) \"/\" \"Entw&APw-rfe\"\r\n");
  EXPECT_EQ(l.mailbox, "Entw\xC3\xBC" "rfe");
  EXPECT_EQ(l.raw_mailbox, "Entw&APw-rfe");
  EXPECT_EQ(l.delimiter, '/');
  EXPECT_TRUE(l.has_attribute("\\drafts"));
  EXPECT_FALSE(l.lsub);
  l = as<list_data>("* LSUB () NIL INBOX\r\n");
  EXPECT_TRUE(l.lsub);
  EXPECT_FALSE(l.delimiter);
  EXPECT_EQ(l.mailbox, "INBOX");
  l = as<list_data>("* LIST () \".\" {11}\r\nwith \"quote\r\n");
  EXPECT_EQ(l.mailbox, "with \"quote");
  l = as<list_data>("* LIST () \"/\" \"New\" (\"OLDNAME\" (\"Old&AOQ-\"))\r\n");
  EXPECT_EQ(l.old_name, "Old\xC3\xA4");
  // Invalid modified UTF-7 is kept raw rather than failing the whole LIST.
  EXPECT_EQ(as<list_data>("* LIST () \"/\" \"a&b\"\r\n").mailbox, "a&b");
}

TEST(ImapParser, StatusSearchEsearch) {
  auto s = as<status_data>("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777)\r\n");
  EXPECT_EQ(s.mailbox, "blurdybloop");
  EXPECT_EQ(s.get("messages"), 231u);
  EXPECT_EQ(s.get("HIGHESTMODSEQ"), 7011231777u);
  EXPECT_FALSE(s.get("UNSEEN"));
  auto se = as<search_data>("* SEARCH 2 84 882\r\n");
  EXPECT_THAT(se.numbers, ElementsAre(2u, 84u, 882u));
  EXPECT_TRUE(as<search_data>("* SEARCH\r\n").numbers.empty());
  se = as<search_data>("* SEARCH 2 5 6 (MODSEQ 917162500)\r\n");
  EXPECT_EQ(se.modseq, 917162500u);
  auto e = as<esearch_data>("* ESEARCH (TAG \"A282\") UID MIN 2 COUNT 3 ALL 2,10:11 MAX 11\r\n");
  EXPECT_EQ(e.tag, "A282");
  EXPECT_TRUE(e.uid);
  EXPECT_EQ(e.min, 2u);
  EXPECT_EQ(e.max, 11u);
  EXPECT_EQ(e.count, 3u);
  ASSERT_TRUE(e.all);
  EXPECT_EQ(e.all->to_string(), "2,10:11");
  EXPECT_THROW(parse_response("* SEARCH 2 x\r\n"), parse_error);
  EXPECT_THROW(parse_response("* SEARCH 4294967296\r\n"), parse_error);
}

TEST(ImapParser, MessageCountsExpungeVanished) {
  auto c = as<count_data>("* 23 EXISTS\r\n");
  EXPECT_EQ(c.what, count_data::kind::exists);
  EXPECT_EQ(c.count, 23u);
  EXPECT_EQ(as<count_data>("* 5 RECENT\r\n").what, count_data::kind::recent);
  EXPECT_EQ(as<expunge_data>("* 44 EXPUNGE\r\n").seq, 44u);
  auto v = as<vanished_data>("* VANISHED (EARLIER) 41,43:116\r\n");
  EXPECT_TRUE(v.earlier);
  EXPECT_EQ(v.uids.to_string(), "41,43:116");
  EXPECT_FALSE(as<vanished_data>("* VANISHED 405\r\n").earlier);
}

TEST(ImapParser, Namespace) {
  auto n = as<namespace_data>("* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" NIL))\r\n");
  ASSERT_EQ(n.personal.size(), 1u);
  EXPECT_EQ(n.personal[0].prefix, "");
  EXPECT_EQ(n.personal[0].delimiter, '/');
  ASSERT_EQ(n.shared.size(), 2u);
  EXPECT_FALSE(n.shared[1].delimiter);
  EXPECT_TRUE(as<namespace_data>("* NAMESPACE NIL NIL NIL\r\n").personal.empty());
}

TEST(ImapParser, FetchSimpleItems) {
  auto f = as<fetch_data>(
      "* 12 FETCH (FLAGS (\\Seen) UID 4827313 INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
      "RFC822.SIZE 4286 MODSEQ (12121231000) BINARY.SIZE[1] 42)\r\n");
  EXPECT_EQ(f.seq, 12u);
  EXPECT_EQ(f.uid, 4827313u);
  EXPECT_THAT(*f.flags, ElementsAre("\\Seen"));
  EXPECT_EQ(f.internal_date, "17-Jul-1996 02:44:25 -0700");
  EXPECT_EQ(f.rfc822_size, 4286u);
  EXPECT_EQ(f.modseq, 12121231000u);
  EXPECT_EQ(f.binary_sizes.at("1"), 42u);
}

TEST(ImapParser, FetchEnvelope) {
  auto f = as<fetch_data>(
      "* 12 FETCH (ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
      "\"IMAP4rev1 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
      "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL ((NIL NIL \"imap\" \"cac.washington.edu\")) "
      "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
      "\"<B27397-0100000@cac.washington.edu>\"))\r\n");
  ASSERT_TRUE(f.envelope);
  EXPECT_EQ(f.envelope->subject, "IMAP4rev1 WG mtg summary and minutes");
  ASSERT_EQ(f.envelope->from.size(), 1u);
  EXPECT_EQ(f.envelope->from[0].name, "Terry Gray");
  EXPECT_EQ(f.envelope->from[0].email(), "gray@cac.washington.edu");
  EXPECT_TRUE(f.envelope->reply_to.empty());
  EXPECT_EQ(f.envelope->cc.size(), 2u);
  EXPECT_EQ(f.envelope->message_id, "<B27397-0100000@cac.washington.edu>");
}

TEST(ImapParser, FetchBodystructureTreeWithSections) {
  auto f = as<fetch_data>(
      "* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)"
      "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 4554 (\"date\" \"subj\" NIL NIL NIL NIL NIL NIL NIL NIL) "
      "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"QUOTED-PRINTABLE\" 10 1)(\"IMAGE\" \"GIF\" (\"NAME\" \"a.gif\") "
      "\"<id>\" \"desc\" \"BASE64\" 4554 NIL (\"attachment\" (\"filename\" \"a.gif\")) NIL) \"MIXED\" NIL) 73)"
      " \"MIXED\" (\"BOUNDARY\" \"----- = _aaaaaaaaaa0\") NIL (\"en\" \"de\") \"loc\"))\r\n");
  ASSERT_TRUE(f.body);
  const body_structure& b = *f.body;
  EXPECT_TRUE(b.is_multipart());
  EXPECT_EQ(b.subtype, "mixed");
  EXPECT_EQ(b.section, "");
  EXPECT_EQ(b.param("boundary"), "----- = _aaaaaaaaaa0");
  EXPECT_THAT(b.language, ElementsAre("en", "de"));
  EXPECT_EQ(b.location, "loc");
  ASSERT_EQ(b.parts.size(), 2u);
  EXPECT_EQ(b.parts[0].type, "text");
  EXPECT_EQ(b.parts[0].lines, 23u);
  EXPECT_EQ(b.parts[0].section, "1");
  const body_structure& msg = b.parts[1];
  EXPECT_EQ(msg.section, "2");
  ASSERT_TRUE(msg.message_envelope);
  EXPECT_EQ(msg.message_envelope->subject, "subj");
  EXPECT_EQ(msg.lines, 73u);
  ASSERT_EQ(msg.parts.size(), 1u);
  ASSERT_EQ(msg.parts[0].parts.size(), 2u);
  EXPECT_EQ(msg.parts[0].parts[0].section, "2.1");
  const body_structure& gif = msg.parts[0].parts[1];
  EXPECT_EQ(gif.section, "2.2");
  EXPECT_EQ(gif.encoding, "BASE64");
  EXPECT_EQ(gif.disposition, "attachment");
  EXPECT_THAT(gif.disposition_params, ElementsAre(Pair("filename", "a.gif")));
  EXPECT_EQ(gif.id, "<id>");
  // A single-part message is part "1".
  auto single = as<fetch_data>("* 2 FETCH (BODY (\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1))\r\n");
  EXPECT_EQ(single.body->section, "1");
  EXPECT_EQ(single.body->size, 3u);
}

TEST(ImapParser, FetchBodySectionsKeptWhenNotStreaming) {
  auto f = as<fetch_data>(
      std::string("* 3 FETCH (UID 7 BODY[HEADER.FIELDS (FROM TO)] {11}\r\nFrom: a\r\n\r\n BODY[1]<0> \"abc\" "
                  "BINARY[2] ~{3}\r\n") +
      std::string("\0\1\2", 3) + " RFC822.TEXT NIL)\r\n");
  ASSERT_EQ(f.sections.size(), 4u);
  EXPECT_EQ(f.sections[0].item, "BODY[HEADER.FIELDS (FROM TO)]");
  EXPECT_EQ(f.sections[0].section, "HEADER.FIELDS (FROM TO)");
  EXPECT_EQ(f.sections[0].data, "From: a\r\n\r\n");
  EXPECT_EQ(f.sections[1].origin, 0u);
  EXPECT_EQ(f.sections[1].data, "abc");
  EXPECT_EQ(f.sections[2].kind, "BINARY");
  EXPECT_EQ(f.sections[2].data, std::string("\0\1\2", 3));
  EXPECT_TRUE(f.sections[3].nil);
  EXPECT_EQ(f.uid, 7u);
}

TEST(ImapParser, UnknownResponsesAndFetchItemsAreKept) {
  auto u = as<unknown_data>("* XFOO (a (b {3}\r\nc)d) \"e\") NIL\r\n");
  EXPECT_EQ(u.name, "XFOO");
  ASSERT_EQ(u.args.size(), 2u);
  EXPECT_EQ(u.args[0].to_string(), "(a (b \"c)d\") \"e\")");
  auto u2 = as<unknown_data>("* 3 XBAR x\r\n");
  EXPECT_EQ(u2.number, 3u);
  auto f = as<fetch_data>("* 1 FETCH (X-FUTURE (1 (2 3)) UID 9 PREVIEW {5}\r\nhello)\r\n");
  EXPECT_EQ(f.uid, 9u);
  ASSERT_NE(f.find_other("x-future"), nullptr);
  EXPECT_EQ(f.find_other("PREVIEW")->text, "hello");
}

// Feeds `wire` to a parser in the client's way, splitting literals into 1-byte chunks and
// recording streamed literal bytes.
std::vector<response> drive(parser& p, std::string_view wire, std::string* streamed = nullptr,
                            std::vector<std::size_t>* chunks = nullptr) {
  std::vector<response> out;
  std::size_t pos = 0;
  while (pos < wire.size()) {
    const std::size_t lf = wire.find("\r\n", pos);
    auto st = p.feed_line(wire.substr(pos, lf - pos));
    pos = lf + 2;
    while (st == parser::status::need_literal) {
      const bool s = p.pending_literal().streamed;
      const std::size_t n = static_cast<std::size_t>(p.pending_literal().size);
      for (std::size_t i = 0; i < n; i += 3) {
        const std::string_view c = wire.substr(pos + i, std::min<std::size_t>(3, n - i));
        if (s && streamed) streamed->append(c);
        if (s && chunks) chunks->push_back(c.size());
        st = p.feed_literal(c);
      }
      pos += n;
      if (st == parser::status::need_line) {
        const std::size_t lf2 = wire.find("\r\n", pos);
        st = p.feed_line(wire.substr(pos, lf2 - pos));
        pos = lf2 + 2;
      }
    }
    if (st == parser::status::response_ready) out.push_back(p.take_response());
  }
  return out;
}

TEST(ImapParser, StreamsBodyLiteralsAndKeepsOthers) {
  parser p;
  std::string body;
  auto rs = drive(p, "* 1 FETCH (ENVELOPE (NIL {4}\r\nsubj NIL NIL NIL NIL NIL NIL NIL NIL) BODY[] {10}\r\n"
                     "0123456789 UID 5)\r\n* 2 EXISTS\r\na1 OK done\r\n", &body);
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(body, "0123456789");
  const auto& f = std::get<fetch_data>(rs[0]);
  EXPECT_EQ(f.envelope->subject, "subj");
  ASSERT_EQ(f.sections.size(), 1u);
  EXPECT_TRUE(f.sections[0].streamed);
  EXPECT_EQ(f.sections[0].size, 10u);
  EXPECT_EQ(f.sections[0].data, "");
  EXPECT_EQ(f.uid, 5u);
  EXPECT_EQ(std::get<count_data>(rs[1]).count, 2u);
  EXPECT_EQ(std::get<status_response>(rs[2]).tag, "a1");
}

TEST(ImapParser, PendingLiteralDescribesTheItem) {
  parser p;
  ASSERT_EQ(p.feed_line("* 7 FETCH (UID 3 BODY[1.2]<100> {5}"), parser::status::need_literal);
  EXPECT_TRUE(p.pending_literal().streamed);
  EXPECT_EQ(p.pending_literal().item, "BODY[1.2]<100>");
  EXPECT_EQ(p.pending_literal().seq, 7u);
  EXPECT_EQ(p.pending_literal().size, 5u);
  EXPECT_EQ(p.feed_literal("ab"), parser::status::need_literal);
  EXPECT_EQ(p.literal_remaining(), 3u);
  EXPECT_EQ(p.feed_literal("cde"), parser::status::need_line);
  EXPECT_EQ(p.feed_line(")"), parser::status::response_ready);
  auto f = std::get<fetch_data>(p.take_response());
  EXPECT_EQ(f.sections[0].origin, 100u);
}

TEST(ImapParser, StreamAllLiteralsForRawCommands) {
  parser p;
  p.set_stream_all_literals(true);
  ASSERT_EQ(p.feed_line("* LIST () \"/\" {3}"), parser::status::need_literal);
  EXPECT_TRUE(p.pending_literal().streamed);
}

TEST(ImapParser, ZeroLengthLiteral) {
  auto l = as<list_data>("* LIST () \"/\" {0}\r\n\r\n");
  EXPECT_EQ(l.mailbox, "");
}

// ---- limits and hostile input ----

std::uint64_t error_offset(std::string_view wire, error expected, parser_limits lim = {}) {
  try {
    parse_response(wire, lim);
  } catch (const parse_error& e) {
    EXPECT_EQ(e.code(), make_error_code(expected)) << e.what();
    return e.offset();
  }
  ADD_FAILURE() << "no parse_error for " << wire;
  return 0;
}

TEST(ImapParser, HostileLiteralSizesAreRejectedAtOnce) {
  parser p;
  EXPECT_THROW(p.feed_line("* 1 FETCH (BODY[] {18446744073709551615}"), parse_error);
  for (const char* l : {"* 1 FETCH (BODY[] {18446744073709551616}", "* 1 FETCH (BODY[] {99999999999999999999999}",
                        "* 1 FETCH (BODY[] {1099511627776}"}) {
    parser q;
    try {
      q.feed_line(l);
      ADD_FAILURE() << l;
    } catch (const parse_error& e) {
      EXPECT_EQ(e.code(), make_error_code(error::literal_too_large)) << l;
    }
  }
  for (const char* l : {"* 1 FETCH (BODY[] {-1}", "* 1 FETCH (BODY[] {}", "* 1 FETCH (BODY[] {1a}",
                        "* 1 FETCH (BODY[] {5", "* 1 FETCH (BODY[] {5} x"}) {
    parser q;
    try {
      q.feed_line(l);
      ADD_FAILURE() << l;
    } catch (const parse_error& e) {
      EXPECT_EQ(e.code(), make_error_code(error::malformed_response)) << l;
    }
  }
  // A non-body literal over the collected limit.
  parser_limits lim;
  lim.max_collected_literal = 10;
  EXPECT_EQ(error_offset("* LIST () \"/\" {11}\r\nxxxxxxxxxxx\r\n", error::literal_too_large, lim), 15u);
}

TEST(ImapParser, CallerSetBodyLimit) {
  parser p;
  p.set_max_streamed_literal(100);
  EXPECT_EQ(p.feed_line("* 1 FETCH (BODY[] {100}"), parser::status::need_literal);
  parser q;
  q.set_max_streamed_literal(100);
  EXPECT_THROW(q.feed_line("* 1 FETCH (BODY[] {101}"), parse_error);
}

TEST(ImapParser, MalformedInputGivesOffsetAndExcerpt) {
  EXPECT_EQ(error_offset("* LIST () \"/\" \"unterminated\r\n", error::malformed_response), 14u);
  EXPECT_EQ(error_offset("* 1 FETCH (UID 1))\r\n", error::malformed_response), 17u);
  EXPECT_EQ(error_offset("* 1 FETCH (UID 1\r\n", error::malformed_response), 16u);
  // Offsets count earlier lines (with CRLF) and literal bytes.
  EXPECT_EQ(error_offset("* 1 FETCH (X {3}\r\nabc Y \"oops)\r\n", error::malformed_response), 18u + 3 + 3);
  EXPECT_EQ(error_offset("a1 MAYBE fine\r\n", error::malformed_response), 3u);
  EXPECT_EQ(error_offset("a{1 OK x\r\n", error::malformed_response), 1u);
  EXPECT_EQ(error_offset("*\r\n", error::malformed_response), 1u);
  EXPECT_EQ(error_offset("*x\r\n", error::malformed_response), 1u);
  EXPECT_EQ(error_offset("* 1 FETCH (UID abc)\r\n", error::malformed_response), 19u);
  EXPECT_EQ(error_offset("* 1 FETCH UID\r\n", error::malformed_response), 13u);
  EXPECT_EQ(error_offset("* 1 FETCH (BODY[1 {3}\r\n", error::malformed_response), 11u);
  try {
    parse_response("* LIST () \"/\" \"unterminated\r\n");
  } catch (const parse_error& e) {
    EXPECT_THAT(e.excerpt(), HasSubstr("\"unterminated"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("at byte 14"));
  }
}

TEST(ImapParser, AfterAnErrorTheParserStaysUntrusted) {
  parser p;
  EXPECT_THROW(p.feed_line("* 1 FETCH (UID 1))"), parse_error);
  EXPECT_TRUE(p.failed());
  try {
    p.feed_line("a1 OK fine");
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::connection_untrusted));
  }
}

TEST(ImapParser, NestingDepthLimit) {
  std::string deep = "* X " + std::string(64, '(') + std::string(64, ')') + "\r\n";
  EXPECT_NO_THROW(parse_response(deep));
  std::string deeper = "* X " + std::string(65, '(') + std::string(65, ')') + "\r\n";
  EXPECT_EQ(error_offset(deeper, error::nesting_too_deep), 4u + 64);
  // Deep BODYSTRUCTURE nesting is bounded the same way.
  std::string body = "* 1 FETCH (BODYSTRUCTURE " + std::string(70, '(') + ")\r\n";
  EXPECT_THROW(parse_response(body), parse_error);
}

TEST(ImapParser, ResponseSizeAndItemLimits) {
  parser_limits lim;
  lim.max_items = 10;
  EXPECT_EQ(error_offset("* SEARCH 1 2 3 4 5 6 7 8 9 10 11\r\n", error::response_too_large, lim), 29u);
  parser_limits lim2;
  lim2.max_response_bytes = 20;
  parser p(lim2);
  EXPECT_EQ(p.feed_line("* X {10}"), parser::status::need_literal);
  p.feed_literal("0123456789");
  EXPECT_THROW(p.feed_line(" {10}"), parse_error);
}

TEST(ImapParser, LiteralBytesMustMatchTheAnnouncement) {
  parser p;
  ASSERT_EQ(p.feed_line("* X {2}"), parser::status::need_literal);
  EXPECT_THROW(p.feed_literal("abc"), parse_error);
  parser q;
  ASSERT_EQ(q.feed_line("* X {2}"), parser::status::need_literal);
  EXPECT_THROW(q.feed_line(")"), parse_error);
}

TEST(ImapParser, BlankLinesAreSkipped) {
  parser p;
  EXPECT_EQ(p.feed_line(""), parser::status::need_line);
  EXPECT_EQ(p.feed_line("* 1 EXISTS"), parser::status::response_ready);
}

}  // namespace
}  // namespace inet::imap
