// Command building (RFC 3501 §4, §9; RFC 7888; RFC 6855), modified UTF-7 (RFC 3501 §5.1.3),
// sequence sets and the typed SEARCH builder: nothing a caller passes can inject a command.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/imap/command.hpp"
#include "protocols/imap/mutf7.hpp"
#include "transport/error.hpp"

namespace inet::imap {
namespace {

using ::testing::ElementsAre;

std::string wire(const wire_command& w) {
  std::string out;
  for (std::size_t i = 0; i < w.lines.size(); ++i) {
    out += w.lines[i] + "\r\n";
    if (i < w.literals.size()) out += w.literals[i].data;
  }
  return out;
}

bool refused(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code() == transport::make_error_code(transport::error::invalid_argument);
  }
  return false;
}

TEST(ImapMutf7, RoundTripsRfcExamples) {
  EXPECT_EQ(mutf7_encode("~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  EXPECT_EQ(mutf7_decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
            "~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");
  EXPECT_EQ(mutf7_encode("Tom & Jerry"), "Tom &- Jerry");
  EXPECT_EQ(mutf7_decode("Tom &- Jerry"), "Tom & Jerry");
  EXPECT_EQ(mutf7_encode("Entw\xC3\xBC" "rfe"), "Entw&APw-rfe");
  // Outside the BMP: a surrogate pair (U+1F600).
  const std::string smile = "\xF0\x9F\x98\x80";
  auto enc = mutf7_encode(smile);
  ASSERT_TRUE(enc);
  EXPECT_EQ(mutf7_decode(*enc), smile);
}

TEST(ImapMutf7, RejectsInvalidInput) {
  EXPECT_FALSE(mutf7_encode("\xC3"));          // truncated UTF-8
  EXPECT_FALSE(mutf7_encode("\xC0\xAF"));      // overlong
  EXPECT_FALSE(mutf7_encode("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(mutf7_encode("a\r\nb"));
  EXPECT_FALSE(mutf7_decode("&APw"));          // unterminated
  EXPECT_FALSE(mutf7_decode("&AGE-"));         // encoded printable ASCII "a"
  EXPECT_FALSE(mutf7_decode("&APw-&APw-"));    // adjacent runs
  EXPECT_FALSE(mutf7_decode("&2D0-"));         // lone surrogate
  EXPECT_FALSE(mutf7_decode("\xC3\xBC"));      // 8-bit
  EXPECT_FALSE(mutf7_decode("&A/w-"));         // '/' is not in the modified alphabet
}

TEST(ImapSequenceSet, ParsesAndPrints) {
  EXPECT_EQ(sequence_set(5).to_string(), "5");
  EXPECT_EQ(sequence_set::all().to_string(), "1:*");
  EXPECT_EQ(sequence_set::span(2, 4).add(7).add(9, sequence_set::star).to_string(), "2:4,7,9:*");
  auto s = sequence_set::parse("1:3,5,*:10");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->contains(2));
  EXPECT_FALSE(s->contains(4));
  EXPECT_TRUE(s->contains(11));
  EXPECT_THAT(*sequence_set::parse("3:1,5")->expand(), ElementsAre(1u, 2u, 3u, 5u));
  EXPECT_FALSE(sequence_set::parse("1:4294967295")->expand(100));
  for (const char* bad : {"", "0", "1,", ",1", "1:", "a", "1 2", "4294967296", "1::2"})
    EXPECT_FALSE(sequence_set::parse(bad)) << bad;
  EXPECT_THROW(sequence_set().to_string(), std::invalid_argument);
}

TEST(ImapCommand, ChoosesAtomQuotedOrLiteral) {
  auto w = command_builder("a1", "LOGIN").astring("alice").astring("p a\"s\\s").build();
  EXPECT_EQ(wire(w), "a1 LOGIN alice \"p a\\\"s\\\\s\"\r\n");
  w = command_builder("a2", "LOGIN").astring("").astring("x\r\ny").build();
  ASSERT_EQ(w.lines.size(), 2u);
  EXPECT_EQ(w.lines[0], "a2 LOGIN \"\" {4}");
  EXPECT_TRUE(w.literals[0].synchronizing);
  EXPECT_EQ(wire(w), "a2 LOGIN \"\" {4}\r\nx\r\ny\r\n");
  // 8-bit text is a literal unless UTF8=ACCEPT is enabled.
  EXPECT_EQ(wire(command_builder("a3", "X").string("\xC3\xBC").build()), "a3 X {2}\r\n\xC3\xBC\r\n");
  EXPECT_EQ(wire(command_builder("a3", "X", {false, false, true}).string("\xC3\xBC").build()),
            "a3 X \"\xC3\xBC\"\r\n");
  // Atom specials force quoting.
  EXPECT_EQ(wire(command_builder("a4", "X").astring("a*b").astring("c]d").astring("(").build()),
            "a4 X \"a*b\" c]d \"(\"\r\n");
}

TEST(ImapCommand, NonSynchronizingLiterals) {
  auto w = command_builder("a1", "X", {true, false, false}).string("a\nb").build();
  EXPECT_EQ(w.lines[0], "a1 X {3+}");
  EXPECT_FALSE(w.literals[0].synchronizing);
  // LITERAL-: non-synchronising only up to 4096 bytes (RFC 7888 §4).
  w = command_builder("a2", "X", {false, true, false}).string(std::string(4096, '\n')).string(std::string(4097, '\n')).build();
  EXPECT_EQ(w.lines[0], "a2 X {4096+}");
  EXPECT_EQ(w.lines[1], " {4097}");
  EXPECT_FALSE(w.literals[0].synchronizing);
  EXPECT_TRUE(w.literals[1].synchronizing);
}

TEST(ImapCommand, MailboxNamesAreEncoded) {
  EXPECT_EQ(wire(command_builder("a1", "SELECT").mailbox("inbox").build()), "a1 SELECT INBOX\r\n");
  EXPECT_EQ(wire(command_builder("a1", "SELECT").mailbox("Entw\xC3\xBC" "rfe").build()),
            "a1 SELECT Entw&APw-rfe\r\n");
  EXPECT_EQ(wire(command_builder("a1", "SELECT", {false, false, true}).mailbox("Entw\xC3\xBC" "rfe").build()),
            "a1 SELECT \"Entw\xC3\xBC" "rfe\"\r\n");
  EXPECT_EQ(wire(command_builder("a1", "CREATE").mailbox("A & B").build()), "a1 CREATE \"A &- B\"\r\n");
  EXPECT_TRUE(refused([] { command_builder("a1", "CREATE").mailbox("x\r\na2 DELETE INBOX"); }));
  EXPECT_TRUE(refused([] { command_builder("a1", "CREATE").mailbox("\xFF"); }));
}

TEST(ImapCommand, RefusesInjection) {
  EXPECT_TRUE(refused([] { command_builder("a1", "X").atom("A\r\nB"); }));
  EXPECT_TRUE(refused([] { command_builder("a1", "X").atom("A B"); }));
  EXPECT_TRUE(refused([] { command_builder("a1", "X").atom(""); }));
  EXPECT_TRUE(refused([] { command_builder("a1", "X").raw("x\ny"); }));
  EXPECT_TRUE(refused([] { command_builder("a1", "X").string(std::string("a\0b", 3)); }));
  EXPECT_TRUE(refused([] { command_builder("a 1", "X"); }));
  EXPECT_TRUE(refused([] { command_builder("a1", "X Y"); }));
}

TEST(ImapCommand, RedactionAndExternalLiterals) {
  auto w = command_builder("a1", "LOGIN").astring("bob").redact("<password>").astring("secret").build();
  EXPECT_EQ(w.trace, "a1 LOGIN bob <password>");
  EXPECT_EQ(wire(w), "a1 LOGIN bob secret\r\n");
  w = command_builder("a2", "APPEND").mailbox("Sent").open().atom("\\Seen").close().external_literal(1234).build();
  EXPECT_EQ(w.lines[0], "a2 APPEND Sent (\\Seen) {1234}");
  EXPECT_TRUE(w.literals[0].external);
  EXPECT_EQ(w.lines[1], "");
  w = command_builder("a3", "APPEND", {true, false, false}).mailbox("Sent").external_literal(9, true).build();
  EXPECT_EQ(w.lines[0], "a3 APPEND Sent ~{9+}");
}

TEST(ImapSearch, TypedQueries) {
  auto q = search_key::unseen() && search_key::from("alice@example.com") && !search_key::deleted();
  EXPECT_EQ(q.to_string(), "UNSEEN FROM alice@example.com NOT DELETED");
  q = search_key::subject("hello world") || (search_key::seen() && search_key::flagged());
  EXPECT_EQ(q.to_string(), "OR SUBJECT \"hello world\" (SEEN FLAGGED)");
  q = !(search_key::since(date{2024, 2, 1}) && search_key::larger(1000));
  EXPECT_EQ(q.to_string(), "NOT (SINCE 1-Feb-2024 LARGER 1000)");
  q = search_key::uid(sequence_set::span(1, sequence_set::star)) && search_key::header("X-Spam", "yes");
  EXPECT_EQ(q.to_string(), "UID 1:* HEADER X-Spam yes");
  EXPECT_FALSE(q.needs_utf8());
  EXPECT_TRUE(search_key::text("Gr\xC3\xBC\xC3\x9F" "e").needs_utf8());
  EXPECT_THROW(date({2024, 13, 1}).to_string(), std::invalid_argument);
  EXPECT_TRUE(refused([] { search_key::keyword("a b"); }));
  // A CR/LF in a search string becomes a literal, never a second command.
  command_builder b("a1", "SEARCH");
  search_key::subject("x\r\na2 DELETE INBOX").append_to(b);
  auto w = b.build();
  EXPECT_EQ(w.lines[0], "a1 SEARCH SUBJECT {18}");
  EXPECT_EQ(w.literals[0].data, "x\r\na2 DELETE INBOX");
}

}  // namespace
}  // namespace inet::imap
