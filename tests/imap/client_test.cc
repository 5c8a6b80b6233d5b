// The IMAP client against the scripted mock server: exact wire bytes of every command,
// literals both ways, STARTTLS policy and injection, PREAUTH refusal, streamed 50 MiB fetch,
// hostile literals, unsolicited responses, BYE, unknown tags, raw commands and IDLE.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/imap/client.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "tests/imap/mock_session.hpp"

namespace inet::imap {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test::code_of;
using test::greeting;
using test::mock;
using test::mock_server;
using test::options_for;
using test::selected_session;

TEST(ImapClient, LoginListSelectFetchLogoutWireBytes) {
  mock_server srv(mock()
                      .send("* OK ready\r\n")
                      .expect("A1 CAPABILITY")
                      .send("* CAPABILITY IMAP4rev1 SPECIAL-USE\r\nA1 OK done\r\n")
                      .expect("A2 LOGIN bob \"s3cr t\"")
                      .send("A2 OK [CAPABILITY IMAP4rev1 SPECIAL-USE NAMESPACE] logged in\r\n")
                      .expect("A3 LIST \"\" * RETURN (SPECIAL-USE)")
                      .send("* LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\Sent) \"/\" \"Gesendete &AOQ-\"\r\n"
                            "A3 OK done\r\n")
                      .expect("A4 SELECT \"Gesendete &AOQ-\"")
                      .send("* 2 EXISTS\r\n* OK [UIDVALIDITY 9] x\r\nA4 OK [READ-ONLY] done\r\n")
                      .expect("A5 FETCH 1:2 (UID FLAGS ENVELOPE BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.100>)")
                      .send("* 1 FETCH (UID 4 FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)]<0> {10}\r\nSubject:\r\n)\r\n"
                            "* 2 FETCH (UID 5 FLAGS ())\r\nA5 OK done\r\n")
                      .expect("A6 LOGOUT")
                      .send("* BYE bye\r\nA6 OK done\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.credentials.username = "bob";
  o.credentials.password = "s3cr t";
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "LOGIN");
  EXPECT_TRUE(c.has_capability("namespace"));
  auto boxes = c.list("", "*");
  ASSERT_EQ(boxes.size(), 2u);
  EXPECT_EQ(boxes[1].mailbox, "Gesendete \xC3\xA4");
  EXPECT_TRUE(boxes[1].has_attribute("\\Sent"));
  auto info = c.select(boxes[1].mailbox);
  EXPECT_EQ(info.exists, 2u);
  EXPECT_EQ(info.uidvalidity, 9u);
  EXPECT_TRUE(info.read_only);
  fetch_items items;
  items.flags = items.envelope = true;
  items.sections.push_back({"HEADER.FIELDS (SUBJECT)", true, false, std::make_pair(0ull, 100ull)});
  auto msgs = c.fetch(sequence_set::span(1, 2), items);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].uid, 4u);
  ASSERT_EQ(msgs[0].sections.size(), 1u);
  EXPECT_EQ(msgs[0].sections[0].data, "Subject:\r\n");
  EXPECT_TRUE(msgs[1].flags->empty());
  c.logout();
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, StartTlsThenSaslIrPlainForgetsPlaintextCapabilities) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED AUTH=EVIL] hi\r\n")
                      .expect("A1 STARTTLS")
                      .send("A1 OK begin TLS\r\n")
                      .start_tls()
                      .expect("A2 CAPABILITY")
                      .send("* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\nA2 OK done\r\n")
                      .expect("A3 AUTHENTICATE PLAIN AGJvYgBwdw==")
                      .send("A3 OK [CAPABILITY IMAP4rev1 IDLE] welcome\r\n"));
  blocking_client c;
  auto o = options_for(srv, transport::tls_policy::required);
  o.credentials.username = "bob";
  o.credentials.password = "pw";
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "PLAIN");
  EXPECT_THAT(c.capabilities(), ElementsAre("IMAP4rev1", "IDLE"));
  EXPECT_TRUE(c.async().is_tls());
  EXPECT_SCRIPT_OK(srv);
}

// XOAUTH2 with a token provider (as Gmail): the rejected token's error challenge is answered
// with an empty line, the tagged NO follows, and AUTHENTICATE is retried once with a token
// refreshed by the provider (force_refresh = true).
TEST(ImapClient, Xoauth2RefreshesARejectedTokenOnce) {
  struct provider final : sasl::token_provider {
    std::vector<bool> calls;
    std::string token(bool force_refresh) override {
      calls.push_back(force_refresh);
      return force_refresh ? "new-token" : "old-token";
    }
  };
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=PLAIN] hi\r\n")
                      .expect("A1 AUTHENTICATE XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBvbGQtdG9rZW4BAQ==")
                      .send("+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=\r\n")
                      .expect("")
                      .send("A1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n")
                      .expect("A2 AUTHENTICATE XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBuZXctdG9rZW4BAQ==")
                      .send("A2 OK [CAPABILITY IMAP4rev1 IDLE] alice authenticated\r\n"));
  auto p = std::make_shared<provider>();
  blocking_client c;
  auto o = options_for(srv);
  o.credentials.username = "alice";
  o.token_provider = p;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "XOAUTH2");
  EXPECT_EQ(p->calls, (std::vector<bool>{false, true}));
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, SaslWithoutIrAnswersTheEmptyChallenge) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n")
                      .expect("A1 AUTHENTICATE PLAIN")
                      .send("+ \r\n")
                      .expect("AGJvYgBwdw==")
                      .send("A1 NO [AUTHENTICATIONFAILED] nope\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.credentials.username = "bob";
  o.credentials.password = "pw";
  try {
    c.connect(o);
    ADD_FAILURE();
  } catch (const imap_exception& e) {
    EXPECT_EQ(e.code(), make_error_code(error::auth_failed));
    EXPECT_EQ(e.code(), inet::condition::auth_failed);
    EXPECT_TRUE(e.response().has_code("AUTHENTICATIONFAILED"));
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, TlsRequiredButNoStartTlsSendsNoCredentials) {
  mock_server srv(mock().send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n").expect_eof());
  blocking_client c;
  auto o = options_for(srv);
  o.policy.reset();  // default: required because a password is given
  o.credentials.username = "bob";
  o.credentials.password = "pw";
  EXPECT_EQ(code_of([&] { c.connect(o); }), make_error_code(error::tls_required));
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "");
}

TEST(ImapClient, OpportunisticWithoutTlsRefusesPasswordMechanisms) {
  mock_server srv(mock().send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n"));
  blocking_client c;
  auto o = options_for(srv, transport::tls_policy::opportunistic);
  o.credentials.username = "bob";
  o.credentials.password = "pw";
  EXPECT_EQ(code_of([&] { c.connect(o); }), make_error_code(error::tls_required));
  EXPECT_EQ(srv.received(), "");
}

TEST(ImapClient, StartTlsInjectionIsFatal) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n")
                      .expect("A1 STARTTLS")
                      .send("A1 OK begin\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"));
  blocking_client c;
  auto o = options_for(srv, transport::tls_policy::required);
  EXPECT_EQ(code_of([&] { c.connect(o); }), transport::make_error_code(transport::error::starttls_injection));
  EXPECT_EQ(code_of([&] { c.noop(); }), make_error_code(error::connection_untrusted));
}

TEST(ImapClient, PreauthInClearIsRefusedWhenTlsRequired) {
  mock_server srv(mock().send("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in\r\n").expect_eof());
  blocking_client c;
  auto o = options_for(srv);
  o.policy.reset();
  o.credentials.username = "bob";
  o.credentials.password = "pw";
  EXPECT_EQ(code_of([&] { c.connect(o); }), make_error_code(error::preauth_in_clear));
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "");
}

TEST(ImapClient, ByeGreetingAndLoginDisabled) {
  {
    mock_server srv(mock().send("* BYE too busy\r\n"));
    blocking_client c;
    try {
      c.connect(options_for(srv));
      ADD_FAILURE();
    } catch (const imap_exception& e) {
      EXPECT_EQ(e.code(), make_error_code(error::server_bye));
      EXPECT_EQ(e.response().text, "too busy");
    }
  }
  mock_server srv(mock().send("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] hi\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.credentials.username = "bob";
  o.credentials.password = "pw";
  EXPECT_EQ(code_of([&] { c.connect(o); }), make_error_code(error::auth_unavailable));
  EXPECT_EQ(srv.received(), "");
}

TEST(ImapClient, SynchronizingLiteralWaitsForContinuation) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1] hi\r\n")
                      .expect("A1 LOGIN bob {4}")
                      .send("+ go ahead\r\n")
                      .expect_bytes(4)
                      .expect("")
                      .send("A1 OK in\r\n")
                      .expect("A2 CAPABILITY")
                      .send("* CAPABILITY IMAP4rev1\r\nA2 OK\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.credentials.username = "bob";
  o.credentials.password = "a\r\nb";
  c.connect(o);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "A1 LOGIN bob {4}\r\na\r\nb\r\nA2 CAPABILITY\r\n");
}

TEST(ImapClient, AppendWithLiteralPlusAndAppendUid) {
  std::string msg = "Subject: hi\r\n\r\nbody\r\n";
  std::string got;
  mock_server srv(selected_session()
                      .expect("A2 APPEND Sent (\\Seen) \"01-Jan-2024 10:00:00 +0000\" {21+}")
                      .expect_bytes(21, &got)
                      .expect("")
                      .send("A2 OK [APPENDUID 77 12] done\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  memory_source src(msg);
  auto r = c.append("Sent", src, msg.size(), {{"\\Seen"}, "01-Jan-2024 10:00:00 +0000"});
  EXPECT_EQ(r.uidvalidity, 77u);
  EXPECT_EQ(r.uids->to_string(), "12");
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(got, msg);
}

TEST(ImapClient, AppendRefusedBeforeTheLiteralAndShortSource) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1] hi\r\n")
                      .expect("A1 APPEND Nope {5}")
                      .send("A1 NO [TRYCREATE] no such mailbox\r\n")
                      .expect("A2 APPEND Box {10}")
                      .send("+ ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source src("hello");
  try {
    c.append("Nope", src, 5);
    ADD_FAILURE();
  } catch (const imap_exception& e) {
    EXPECT_EQ(e.code(), make_error_code(error::command_failed));
    EXPECT_TRUE(e.response().has_code("TRYCREATE"));
  }
  memory_source shorter("hello");
  EXPECT_EQ(code_of([&] { c.append("Box", shorter, 10); }),
            transport::make_error_code(transport::error::invalid_argument));
  EXPECT_EQ(code_of([&] { c.noop(); }), make_error_code(error::connection_untrusted));
}

TEST(ImapClient, StreamsA50MiBLiteralInSmallChunks) {
  constexpr std::size_t chunk = 64 * 1024, count = 800;  // 50 MiB
  mock_server srv(selected_session()
                      .expect("A2 UID FETCH 7 (UID BODY.PEEK[])")
                      .send("* 1 FETCH (UID 7 BODY[] {" + std::to_string(chunk * count) + "}\r\n")
                      .send_repeated(std::string(chunk, 'x'), count)
                      .send(")\r\nA2 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  std::uint64_t total = 0;
  std::size_t peak = 0, calls = 0;
  fetch_items items;
  items.sections.push_back({});
  fetch_options fo;
  fo.by_uid = true;
  fo.sink = [&](const section_ref& where, std::string_view data) {
    EXPECT_EQ(where.item, "BODY[]");
    EXPECT_EQ(where.size, chunk * count);
    total += data.size();
    peak = std::max(peak, data.size());
    ++calls;
  };
  auto r = c.fetch(7, items, fo);
  EXPECT_EQ(total, chunk * count);
  // Chunks are bounded by the line reader's buffer (max line 64 KiB + CRLF + 16 KiB read-ahead),
  // never the whole body.
  EXPECT_LE(peak, 64u * 1024 + 2 + 16 * 1024);
  EXPECT_GE(calls, 640u);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].sections.at(0).streamed);
  EXPECT_EQ(r[0].sections.at(0).size, chunk * count);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, HostileLiteralSizesFailAtOnce) {
  for (const char* size : {"18446744073709551615", "-1", "", "1099511627776"}) {
    mock_server srv(selected_session()
                        .expect("A2 FETCH 1 (UID BODY.PEEK[])")
                        .send(std::string("* 1 FETCH (BODY[] {") + size + "}\r\n")
                        .send_repeated(std::string(1024, 'x'), 1000));
    blocking_client c;
    c.connect(options_for(srv));
    c.select("INBOX");
    fetch_items items;
    items.sections.push_back({});
    fetch_options fo;
    fo.sink = [](const section_ref&, std::string_view) { ADD_FAILURE() << "no byte may reach the sink"; };
    const auto ec = code_of([&] { c.fetch(1, items, fo); });
    EXPECT_EQ(ec, inet::condition::protocol_violation) << size << ": " << ec.message();
    EXPECT_EQ(code_of([&] { c.noop(); }), make_error_code(error::connection_untrusted));
  }
}

TEST(ImapClient, KeptSectionOverTheLimitIsRefused) {
  mock_server srv(selected_session()
                      .expect("A2 FETCH 1 (UID BODY.PEEK[])")
                      .send("* 1 FETCH (BODY[] {101}\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  fetch_items items;
  items.sections.push_back({});
  fetch_options fo;
  fo.max_section_bytes = 100;
  EXPECT_EQ(code_of([&] { c.fetch(1, items, fo); }), make_error_code(error::literal_too_large));
}

TEST(ImapClient, UnsolicitedResponsesDuringFetchGoToTheHandler) {
  mock_server srv(selected_session()
                      .expect("A2 FETCH 2 (UID FLAGS)")
                      .send("* 4 EXISTS\r\n* 2 FETCH (UID 8 FLAGS (\\Seen))\r\n* 3 FETCH (FLAGS (\\Deleted))\r\n"
                            "* 1 EXPUNGE\r\n* OK [ALERT] maintenance at noon\r\nA2 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  std::vector<response> unsolicited;
  c.set_unsolicited_handler([&](const response& r) { unsolicited.push_back(r); });
  fetch_items items;
  items.flags = true;
  auto r = c.fetch(2, items);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].uid, 8u);
  ASSERT_EQ(unsolicited.size(), 4u);
  EXPECT_EQ(std::get<count_data>(unsolicited[0]).count, 4u);
  EXPECT_EQ(std::get<fetch_data>(unsolicited[1]).seq, 3u);
  EXPECT_EQ(std::get<expunge_data>(unsolicited[2]).seq, 1u);
  EXPECT_TRUE(std::get<status_response>(unsolicited[3]).has_code("ALERT"));
  EXPECT_EQ(c.selected()->exists, 3u);  // 4 EXISTS, then one EXPUNGE
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, ByeMidCommandShowsItsText) {
  mock_server srv(selected_session()
                      .expect("A2 EXPUNGE")
                      .send("* BYE server shutting down for maintenance\r\n")
                      .close());
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  try {
    c.expunge();
    ADD_FAILURE();
  } catch (const imap_exception& e) {
    EXPECT_EQ(e.code(), make_error_code(error::server_bye));
    EXPECT_THAT(e.what(), HasSubstr("shutting down for maintenance"));
  }
}

TEST(ImapClient, UnknownOrDuplicateTagIsAProtocolViolation) {
  mock_server srv(selected_session().expect("A2 NOOP").send("A1 OK again?\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  EXPECT_EQ(code_of([&] { c.noop(); }), make_error_code(error::unexpected_tag));
  EXPECT_EQ(code_of([&] { c.noop(); }), make_error_code(error::connection_untrusted));
}

TEST(ImapClient, MalformedResponseClosesTheConnection) {
  mock_server srv(selected_session().expect("A2 NOOP").send("* 1 FETCH (UID 1))\r\nA2 OK\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  try {
    c.noop();
    ADD_FAILURE();
  } catch (const parse_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::malformed_response));
    EXPECT_EQ(e.offset(), 17u);
  }
  EXPECT_EQ(code_of([&] { c.noop(); }), make_error_code(error::connection_untrusted));
}

TEST(ImapClient, SearchStoreCopyMoveExpungeWireBytes) {
  mock_server srv(selected_session()
                      .expect("A2 UID SEARCH RETURN (MIN MAX COUNT ALL) CHARSET UTF-8 UNSEEN SUBJECT {7+}")
                      .expect_bytes(7)
                      .expect("")
                      .send("* ESEARCH (TAG \"A2\") UID MIN 3 MAX 9 COUNT 3 ALL 3,8:9\r\nA2 OK done\r\n")
                      .expect("A3 UID STORE 3,8:9 (UNCHANGEDSINCE 5) +FLAGS.SILENT (\\Seen $Done)")
                      .send("A3 OK [MODIFIED 9] partly\r\n")
                      .expect("A4 UID COPY 3 Archive")
                      .send("A4 OK [COPYUID 88 3 101] copied\r\n")
                      .expect("A5 MOVE 1:* Trash")
                      .send("* OK [COPYUID 88 3,8:9 102:104] moving\r\n* 1 EXPUNGE\r\n* 1 EXPUNGE\r\n* 1 EXPUNGE\r\n"
                            "A5 OK moved\r\n")
                      .expect("A6 UID EXPUNGE 3")
                      .send("* 1 EXPUNGE\r\nA6 OK\r\n")
                      .expect("A7 COPY 1 Missing")
                      .send("A7 NO [TRYCREATE] no such mailbox\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  auto found = c.search(search_key::unseen() && search_key::subject("Gr\xC3\xBC\xC3\x9F" "e"), true);
  EXPECT_THAT(found.ids, ElementsAre(3u, 8u, 9u));
  EXPECT_EQ(found.count, 3u);
  auto st = c.store(*sequence_set::parse("3,8:9"), {store_action::op::add, {"\\Seen", "$Done"}, true, 5}, true);
  EXPECT_EQ(st.modified->to_string(), "9");
  auto cp = c.copy(3, "Archive", true);
  EXPECT_EQ(cp.uidvalidity, 88u);
  EXPECT_EQ(cp.dest_uids->to_string(), "101");
  auto mv = c.move(sequence_set::all(), "Trash");
  EXPECT_EQ(mv.source_uids->to_string(), "3,8:9");
  EXPECT_THAT(mv.expunged, ElementsAre(1u, 1u, 1u));
  EXPECT_THAT(c.uid_expunge(3), ElementsAre(1u));
  try {
    c.copy(1, "Missing");
    ADD_FAILURE();
  } catch (const imap_exception& e) {
    EXPECT_TRUE(e.response().has_code("TRYCREATE"));
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, RawCommandStreamsEveryLiteral) {
  mock_server srv(mock()
                      .send(greeting)
                      .expect("A1 XLISTSTUFF \"a\"")
                      .send("* XSTUFF {3}\r\nabc {2}\r\nde\r\n* XSTUFF NIL\r\nA1 NO [ALERT] partial\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  std::string out;
  auto r = c.command("XLISTSTUFF \"a\"", string_sink(out));
  EXPECT_EQ(out, "* XSTUFF {3}\r\nabc {2}\r\nde\r\n* XSTUFF NIL\r\n");
  EXPECT_EQ(r.status.status, status_response::kind::no);
  ASSERT_EQ(r.untagged.size(), 2u);
  EXPECT_EQ(std::get<unknown_data>(r.untagged[0]).args.size(), 2u);
  EXPECT_EQ(code_of([&] { c.command("NOOP\r\nA9 DELETE INBOX"); }),
            transport::make_error_code(transport::error::invalid_argument));
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, RawCommandKeepsOnlyTheResponsesKeepAccepts) {
  mock_server srv(selected_session()
                      .expect("A2 FETCH 1:2 BODY[]")
                      .send("* 1 FETCH (BODY[] {3}\r\nabc)\r\n* 4 EXISTS\r\n"
                            "* 2 FETCH (BODY[] {2}\r\nde)\r\nA2 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  std::string out;
  std::vector<std::uint32_t> asked;
  auto r = c.command("FETCH 1:2 BODY[]", string_sink(out), {}, [&](const response& x) {
    const auto* f = std::get_if<fetch_data>(&x);
    asked.push_back(f ? f->seq : 0);
    return f == nullptr;  // the bodies went to `out`: FETCH responses are not kept
  });
  EXPECT_EQ(out, "* 1 FETCH (BODY[] {3}\r\nabc)\r\n* 4 EXISTS\r\n* 2 FETCH (BODY[] {2}\r\nde)\r\n");
  EXPECT_THAT(asked, ElementsAre(1u, 0u, 2u));
  EXPECT_EQ(r.status.status, status_response::kind::ok);
  ASSERT_EQ(r.untagged.size(), 1u);
  EXPECT_FALSE(std::holds_alternative<fetch_data>(r.untagged[0]));
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, FetchHandsEachMessageToOnMessageInsteadOfReturningIt) {
  mock_server srv(selected_session()
                      .expect("A2 FETCH 1:2 (UID BODY.PEEK[])")
                      .send("* 1 FETCH (UID 5 BODY[] {3}\r\nabc)\r\n* 3 FETCH (FLAGS (\\Seen))\r\n"
                            "* 2 FETCH (UID 6 BODY[] {2}\r\nde)\r\nA2 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  std::vector<response> unsolicited;
  c.set_unsolicited_handler([&](const response& x) { unsolicited.push_back(x); });
  fetch_items items;
  items.sections.push_back({});
  fetch_options fo;
  std::string body;
  fo.sink = [&](const section_ref&, std::string_view chunk) { body.append(chunk); };
  std::vector<std::pair<std::uint32_t, std::uint32_t>> seen;  // seq, UID
  fo.on_message = [&](fetch_data& m) { seen.emplace_back(m.seq, m.uid.value_or(0)); };
  auto r = c.fetch(sequence_set::span(1, 2), items, fo);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(body, "abcde");
  EXPECT_THAT(seen, ElementsAre(std::make_pair(1u, 5u), std::make_pair(2u, 6u)));
  EXPECT_EQ(unsolicited.size(), 1u);  // message 3 is not in the set: the handler gets it
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, IdleReturnsOnTheFirstEventWithCleanDone) {
  mock_server srv(selected_session()
                      .expect("A2 IDLE")
                      .send("+ idling\r\n")
                      .send("* 4 EXISTS\r\n")
                      .expect("DONE")
                      .send("* 1 RECENT\r\nA2 OK IDLE terminated\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  auto seen = c.idle(std::chrono::seconds(30));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(std::get<count_data>(seen[0]).count, 4u);
  EXPECT_EQ(c.selected()->exists, 4u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, IdleTimeoutSendsDone) {
  mock_server srv(selected_session()
                      .expect("A2 IDLE")
                      .send("+ idling\r\n")
                      .expect("DONE")
                      .send("A2 OK IDLE terminated\r\n")
                      .expect("A3 NOOP")
                      .send("A3 OK\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  EXPECT_TRUE(c.idle(std::chrono::milliseconds(50)).empty());
  c.noop();  // the connection is still in step
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, IdEnableNamespaceStatusUtf8Accept) {
  mock_server srv(mock()
                      .send("* PREAUTH [CAPABILITY IMAP4rev1 ID ENABLE UTF8=ACCEPT NAMESPACE] hi\r\n")
                      .expect("A1 ID (\"name\" \"inet\")")
                      .send("* ID (\"name\" \"Dovecot\")\r\nA1 OK\r\n")
                      .expect("A2 ENABLE UTF8=ACCEPT")
                      .send("* ENABLED UTF8=ACCEPT\r\nA2 OK\r\n")
                      .expect("A3 NAMESPACE")
                      .send("* NAMESPACE ((\"\" \".\")) NIL NIL\r\nA3 OK\r\n")
                      .expect("A4 STATUS \"Entw\xC3\xBC" "rfe\" (MESSAGES UIDNEXT)")
                      .send("* STATUS \"Entw\xC3\xBC" "rfe\" (MESSAGES 2 UIDNEXT 5)\r\nA4 OK\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.enable_utf8 = true;
  o.client_id = {{"name", "inet"}};
  c.connect(o);
  EXPECT_TRUE(c.async().utf8_enabled());
  EXPECT_EQ(c.get_namespace().personal.at(0).delimiter, '.');
  auto st = c.status("Entw\xC3\xBC" "rfe", {"MESSAGES", "UIDNEXT"});
  EXPECT_EQ(st.mailbox, "Entw\xC3\xBC" "rfe");
  EXPECT_EQ(st.get("UIDNEXT"), 5u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, ImplicitTlsVerifiesTheServer) {
  inet::test::server_options so;
  so.implicit_tls = true;
  mock_server srv(mock().send(greeting).expect("A1 LOGOUT").send("* BYE\r\nA1 OK\r\n"), so);
  blocking_client c;
  auto o = options_for(srv);
  o.security = security::implicit_tls;
  o.tls.server_name = "localhost";
  c.connect(o);
  EXPECT_TRUE(c.tls_details().verified);
  c.logout();
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapClient, CommandsNeedingASelectedMailbox) {
  mock_server srv(mock().send(greeting));
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(code_of([&] { c.fetch(1, {}); }), make_error_code(error::no_mailbox_selected));
  EXPECT_EQ(code_of([&] { c.expunge(); }), make_error_code(error::no_mailbox_selected));
}

}  // namespace
}  // namespace inet::imap
