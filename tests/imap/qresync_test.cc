// QRESYNC (RFC 7162 §3.2) against the scripted mock server: ENABLE, SELECT with the remembered
// state (the RFC's own §3.2.5.1 example), VANISHED (EARLIER) and changed FETCH responses
// gathered into mailbox_info, UID FETCH (CHANGEDSINCE n VANISHED), VANISHED instead of EXPUNGE
// keeping EXISTS current, and refusals before anything is sent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/imap/client.hpp"
#include "tests/imap/mock_session.hpp"

namespace inet::imap {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using test::code_of;
using test::mock;
using test::mock_server;
using test::options_for;

const std::string qresync_greeting =
    "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC UIDPLUS MOVE] ready\r\n";

mock enabled_session() {
  return mock().send(qresync_greeting).expect("A1 ENABLE QRESYNC").send("* ENABLED QRESYNC\r\nA1 OK enabled\r\n");
}

client_options qresync_options(const mock_server& srv) {
  auto o = options_for(srv);
  o.enable_qresync = true;
  return o;
}

TEST(ImapQresync, SelectWithRememberedStateGathersVanishedAndChanges) {
  // RFC 7162 §3.2.5.1, example 1 (mailbox name and numbers as in the RFC).
  mock_server srv(enabled_session()
                      .expect("A2 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))")
                      .send("* OK [CLOSED] closed\r\n"
                            "* 314 EXISTS\r\n* 15 RECENT\r\n"
                            "* OK [UIDVALIDITY 67890007] UIDVALIDITY\r\n"
                            "* OK [UIDNEXT 567] Predicted next UID\r\n"
                            "* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen)\r\n"
                            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen \\*)] ok\r\n"
                            "* OK [HIGHESTMODSEQ 20010715194045319] Highest\r\n"
                            "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n"
                            "* 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ (90060115194045001))\r\n"
                            "* 50 FETCH (UID 119 FLAGS (\\Draft $MDNSent) MODSEQ (90060115194045308))\r\n"
                            "* 51 FETCH (UID 541 FLAGS (\\Seen $Forwarded) MODSEQ (90060115194045001))\r\n"
                            "A2 OK [READ-WRITE] mailbox selected\r\n"));
  std::vector<response> unsolicited;
  blocking_client c;
  c.set_unsolicited_handler([&](const response& r) { unsolicited.push_back(r); });
  c.connect(qresync_options(srv));
  EXPECT_TRUE(c.qresync_enabled());
  select_options so;
  so.qresync = qresync_params{67890007, 20050715194045000ull, *sequence_set::parse("41,43:211,214:541"), {}};
  mailbox_info info = c.select("INBOX", so);
  EXPECT_EQ(info.uidvalidity, 67890007u);
  EXPECT_EQ(info.exists, 314u);
  EXPECT_EQ(info.highest_modseq, 20010715194045319ull);
  ASSERT_TRUE(info.vanished);
  EXPECT_EQ(info.vanished->to_string(), "41,43:116,118,120:211,214:540");
  ASSERT_EQ(info.changed.size(), 3u);
  EXPECT_EQ(info.changed[0].uid, 117u);
  EXPECT_EQ(info.changed[1].modseq, 90060115194045308ull);
  EXPECT_EQ(info.changed[2].seq, 51u);
  // The VANISHED and FETCH responses belong to the SELECT, not to the unsolicited handler.
  for (const auto& r : unsolicited) {
    EXPECT_FALSE(std::holds_alternative<vanished_data>(r));
    EXPECT_FALSE(std::holds_alternative<fetch_data>(r));
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapQresync, SequenceMatchDataNeedsKnownUidsFirst) {
  mock_server srv(enabled_session()
                      .expect("A2 EXAMINE INBOX (QRESYNC (5 9 1:* (1:3 10,20,30)))")
                      .send("* 3 EXISTS\r\n* OK [UIDVALIDITY 5] ok\r\nA2 OK [READ-ONLY] examined\r\n"));
  blocking_client c;
  c.connect(qresync_options(srv));
  select_options so;
  so.qresync = qresync_params{5, 9, std::nullopt,
                              std::pair{sequence_set::span(1, 3), *sequence_set::parse("10,20,30")}};
  auto info = c.examine("INBOX", so);
  EXPECT_TRUE(info.read_only);
  EXPECT_FALSE(info.vanished);  // none sent
  EXPECT_TRUE(info.changed.empty());
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapQresync, UidFetchChangedSinceWithVanished) {
  mock_server srv(enabled_session()
                      .expect("A2 SELECT INBOX")
                      .send("* 10 EXISTS\r\n* OK [UIDVALIDITY 5] ok\r\nA2 OK [READ-WRITE] ok\r\n")
                      .expect("A3 UID FETCH 300:500 (UID FLAGS) (CHANGEDSINCE 12345 VANISHED)")
                      .send("* VANISHED (EARLIER) 300:310,405,411\r\n"
                            "* 1 FETCH (UID 404 MODSEQ (65402) FLAGS (\\Seen))\r\n"
                            "* 2 FETCH (UID 406 MODSEQ (75403) FLAGS (\\Deleted))\r\n"
                            "A3 OK done\r\n"));
  blocking_client c;
  c.connect(qresync_options(srv));
  c.select("INBOX");
  fetch_items items;
  items.flags = true;
  fetch_options fo;
  fo.by_uid = true;
  fo.changed_since = 12345;
  fo.vanished = true;
  std::vector<std::string> vanished;
  fo.on_vanished = [&](const sequence_set& uids) { vanished.push_back(uids.to_string()); };
  auto got = c.fetch(sequence_set::span(300, 500), items, fo);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].uid, 404u);
  EXPECT_EQ(got[1].modseq, 75403u);
  EXPECT_THAT(vanished, ElementsAre("300:310,405,411"));
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapQresync, VanishedReplacesExpungeAndKeepsExistsCurrent) {
  mock_server srv(enabled_session()
                      .expect("A2 SELECT INBOX")
                      .send("* 10 EXISTS\r\n* OK [UIDVALIDITY 5] ok\r\nA2 OK [READ-WRITE] ok\r\n")
                      .expect("A3 EXPUNGE")
                      .send("* VANISHED 405,407:409\r\nA3 OK expunged\r\n")
                      .expect("A4 UID MOVE 20:21 Trash")
                      .send("* OK [COPYUID 9 20:21 1:2] moving\r\n* VANISHED 20:21\r\nA4 OK moved\r\n")
                      .expect("A5 NOOP")
                      .send("* VANISHED 30\r\n* VANISHED (EARLIER) 1:3\r\nA5 OK\r\n"));
  std::vector<response> unsolicited;
  blocking_client c;
  c.set_unsolicited_handler([&](const response& r) { unsolicited.push_back(r); });
  c.connect(qresync_options(srv));
  c.select("INBOX");
  EXPECT_EQ(c.expunge_uids().to_string(), "405,407:409");
  EXPECT_EQ(c.selected()->exists, 6u);
  auto mv = c.move(sequence_set::span(20, 21), "Trash", true);
  ASSERT_TRUE(mv.vanished);
  EXPECT_EQ(mv.vanished->to_string(), "20:21");
  EXPECT_EQ(mv.dest_uids->to_string(), "1:2");
  EXPECT_EQ(c.selected()->exists, 4u);
  c.noop();
  EXPECT_EQ(c.selected()->exists, 3u);  // VANISHED (EARLIER) does not count (§3.2.10)
  ASSERT_EQ(unsolicited.size(), 2u);
  EXPECT_EQ(std::get<vanished_data>(unsolicited[0]).uids.to_string(), "30");
  EXPECT_TRUE(std::get<vanished_data>(unsolicited[1]).earlier);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapQresync, RefusedBeforeSendingWhenNotEnabled) {
  // The server offers QRESYNC but the caller did not ask to enable it: a QRESYNC SELECT, a
  // FETCH (VANISHED) and expunge_uids() fail without a byte on the wire.
  mock_server srv(mock()
                      .send(qresync_greeting)
                      .expect("A1 SELECT INBOX")
                      .send("* 1 EXISTS\r\n* OK [UIDVALIDITY 5] ok\r\nA1 OK [READ-WRITE] ok\r\n")
                      .expect_eof());
  {
    blocking_client c;
    c.connect(options_for(srv));
    EXPECT_FALSE(c.qresync_enabled());
    select_options so;
    so.qresync = qresync_params{5, 9, {}, {}};
    EXPECT_EQ(code_of([&] { c.select("INBOX", so); }), make_error_code(error::capability_missing));
    c.select("INBOX");
    fetch_options fo;
    fo.by_uid = true;
    fo.changed_since = 1;
    fo.vanished = true;
    EXPECT_EQ(code_of([&] { c.fetch(1, fetch_items{}, fo); }), make_error_code(error::capability_missing));
    fo.by_uid = false;
    EXPECT_EQ(code_of([&] { c.fetch(1, fetch_items{}, fo); }),
              transport::make_error_code(transport::error::invalid_argument));
    EXPECT_EQ(code_of([&] { c.expunge_uids(); }), make_error_code(error::capability_missing));
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), Not(HasSubstr("QRESYNC")));
  EXPECT_THAT(srv.received(), Not(HasSubstr("FETCH")));
}

TEST(ImapQresync, EnableFallsBackToCondstoreWithoutQresync) {
  mock_server srv(mock()
                      .send("* PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE] ready\r\n")
                      .expect("A1 ENABLE CONDSTORE")
                      .send("* ENABLED CONDSTORE\r\nA1 OK\r\n"));
  blocking_client c;
  c.connect(qresync_options(srv));
  EXPECT_FALSE(c.qresync_enabled());
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::imap
