// transfer::session: one call for imap://, pop3:// and smtp:// URLs against the mock servers
// (exact bytes on the wire), the connection cache (one connection for N URLs, a new one when
// the TLS policy changes, a dead cached one reopened), per-host limits, curl exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <optional>

#include "protocols/imap/error.hpp"
#include "protocols/pop3/client.hpp"
#include "protocols/smtp/client.hpp"
#include "protocols/transfer/session.hpp"
#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"
#include "transport/error.hpp"
#include "transport/trace.hpp"

namespace inet::transfer {
namespace {

using test::mock_server;
using test::script;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string base(const mock_server& srv, const char* scheme, const char* user = "alice:secret@") {
  return std::string(scheme) + "://" + user + srv.host() + ":" + std::to_string(srv.port()) + "/";
}

options plain() {
  options o;
  o.tls = tls_mode::none;
  o.connect_timeout = std::chrono::seconds(5);
  o.idle_timeout = std::chrono::seconds(5);
  return o;
}

script pop3_login(script s = script()) {
  return s.send("+OK ready\r\n")
      .expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
      .expect("USER alice").send("+OK\r\n")
      .expect("PASS secret").send("+OK\r\n");
}

script imap_login() {
  return script()
      .send("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n")
      .expect("A1 LOGIN alice secret")
      .send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] done\r\n");
}

script smtp_greet() {
  return script()
      .send("220 mock.test ESMTP\r\n")
      .expect("EHLO client.test")
      .send("250-mock.test\r\n250 AUTH PLAIN\r\n")
      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
      .send("235 ok\r\n");
}

// --- pop3 ------------------------------------------------------------------------------------

TEST(TransferPop3, GetRetrievesTheMessageAndQuitsAtClose) {
  mock_server srv(pop3_login()
                      .expect("RETR 2").send("+OK\r\nSubject: x\r\n\r\n..dot\r\n.\r\n")
                      .expect("QUIT").send("+OK bye\r\n"));
  blocking_session s;
  std::string body;
  const result r = s.get(base(srv, "pop3") + "2", plain(), string_sink(body));
  EXPECT_EQ(body, "Subject: x\r\n\r\n.dot\r\n");
  EXPECT_EQ(r.bytes, body.size());
  EXPECT_FALSE(r.reused_connection);
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferPop3, ManyUrlsToOneHostUseOneConnection) {
  script sc = pop3_login();
  for (int i = 1; i <= 5; ++i)
    sc.expect("RETR " + std::to_string(i)).send("+OK\r\nmessage " + std::to_string(i) + "\r\n.\r\n");
  sc.expect("QUIT").send("+OK\r\n");
  mock_server srv(std::move(sc));  // one accept: a second connection would be refused
  blocking_session s;
  std::string all;
  for (int i = 1; i <= 5; ++i) {
    const result r = s.get(base(srv, "pop3") + std::to_string(i), plain(), string_sink(all));
    EXPECT_EQ(r.reused_connection, i > 1);
  }
  EXPECT_EQ(all, "message 1\r\nmessage 2\r\nmessage 3\r\nmessage 4\r\nmessage 5\r\n");
  EXPECT_EQ(s.connections_opened(), 1u);
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferPop3, TlsPolicyChangeBetweenUrlsOpensANewConnection) {
  // No credentials: the opportunistic session without STLS offered stays in clear text.
  mock_server srv(script()
                      .send("+OK ready\r\n").expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                      .expect("RETR 1").send("+OK\r\none\r\n.\r\n")
                      .accept_next()
                      .send("+OK ready\r\n").expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                      .expect("RETR 2").send("+OK\r\ntwo\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  session_options so;
  so.goodbye_timeout = std::chrono::milliseconds(200);  // the first connection's QUIT: unread
  blocking_session s(so);
  std::string out;
  s.get(base(srv, "pop3", "") + "1", plain(), string_sink(out));
  options opportunistic = plain();
  opportunistic.tls = tls_mode::opportunistic;
  const result r = s.get(base(srv, "pop3", "") + "2", opportunistic, string_sink(out));
  EXPECT_FALSE(r.reused_connection);
  EXPECT_EQ(out, "one\r\ntwo\r\n");
  EXPECT_EQ(s.connections_opened(), 2u);
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferPop3, VerificationSettingsChangeOpensANewConnection) {
  // pop3s: the second URL skips certificate verification (-k): never on the verified connection.
  test::server_options tls_server{.implicit_tls = true};
  mock_server srv(pop3_login()
                      .expect("RETR 1").send("+OK\r\none\r\n.\r\n")
                      .accept_next()
                      .send("+OK ready\r\n").expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                      .expect("USER alice").send("+OK\r\n").expect("PASS secret").send("+OK\r\n")
                      .expect("RETR 2").send("+OK\r\ntwo\r\n.\r\n"),
                  tls_server);
  session_options so;
  so.goodbye_timeout = std::chrono::milliseconds(200);
  blocking_session s(so);
  options verified = plain();
  verified.cacert = test::test_pki::instance().ca_file();
  std::string out;
  s.get(base(srv, "pop3s") + "1", verified, string_sink(out));
  options insecure = plain();
  insecure.insecure = true;
  const result r = s.get(base(srv, "pop3s") + "2", insecure, string_sink(out));
  EXPECT_FALSE(r.reused_connection);
  EXPECT_EQ(out, "one\r\ntwo\r\n");
  EXPECT_EQ(s.connections_opened(), 2u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferPop3, ExpiredIdleConnectionIsClosedNotReused) {
  mock_server srv(pop3_login()
                      .expect("RETR 1").send("+OK\r\none\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n")
                      .accept_next()
                      .send("+OK ready\r\n").expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                      .expect("USER alice").send("+OK\r\n").expect("PASS secret").send("+OK\r\n")
                      .expect("RETR 2").send("+OK\r\ntwo\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  session_options so;
  so.idle_expiry = std::chrono::milliseconds(0);  // every idle connection has expired
  blocking_session s(so);
  std::string out;
  s.get(base(srv, "pop3") + "1", plain(), string_sink(out));
  EXPECT_FALSE(s.get(base(srv, "pop3") + "2", plain(), string_sink(out)).reused_connection);
  EXPECT_EQ(s.connections_opened(), 2u);
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferPop3, DeadCachedConnectionIsReopenedTransparently) {
  mock_server srv(pop3_login()
                      .expect("RETR 1").send("+OK\r\none\r\n.\r\n")
                      .close()
                      .accept_next()
                      .send("+OK ready\r\n").expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                      .expect("USER alice").send("+OK\r\n").expect("PASS secret").send("+OK\r\n")
                      .expect("RETR 2").send("+OK\r\ntwo\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  blocking_session s;
  std::string out;
  s.get(base(srv, "pop3") + "1", plain(), string_sink(out));
  std::error_code ec;
  const result r = s.get(base(srv, "pop3") + "2", plain(), string_sink(out), ec);
  EXPECT_FALSE(ec) << ec.message() << " " << r.message;
  EXPECT_EQ(out, "one\r\ntwo\r\n");
  EXPECT_EQ(s.connections_opened(), 2u);
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferPop3, CutOffTransferIsPartialFile18) {
  mock_server srv(pop3_login().expect("RETR 1").send("+OK\r\nline one\r\n").close());
  blocking_session s;
  std::string out;
  std::error_code ec;
  const result r = s.get(base(srv, "pop3") + "1", plain(), string_sink(out), ec);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::partial_file);
  EXPECT_EQ(r.failed_in, stage::transfer);
  EXPECT_THAT(r.message, HasSubstr("Transfer closed before the end of the response"));
  EXPECT_EQ(out, "line one\r\n");
  EXPECT_THROW(s.get(base(srv, "pop3") + "1", plain(), string_sink(out)), transfer_exception);
}

TEST(TransferPop3, AsyncTransfersAreBoundedPerHostAndShareTheConnection) {
  script sc = pop3_login();
  for (int i = 1; i <= 3; ++i)
    sc.expect("RETR " + std::to_string(i)).send("+OK\r\nm" + std::to_string(i) + "\r\n.\r\n");
  sc.expect("QUIT").send("+OK\r\n");
  mock_server srv(std::move(sc));
  boost::asio::io_context io;
  session_options so;
  so.max_per_host = 1;  // the three run one after the other, in order, on one connection
  session s(io.get_executor(), so);
  std::string out[3];
  int done = 0;
  for (int i = 0; i < 3; ++i)
    s.async_get(base(srv, "pop3") + std::to_string(i + 1), plain(), string_sink(out[i]),
                [&done](std::error_code ec, result) {
                  EXPECT_FALSE(ec) << ec.message();
                  ++done;
                });
  io.run();
  EXPECT_EQ(done, 3);
  EXPECT_EQ(out[0] + out[1] + out[2], "m1\r\nm2\r\nm3\r\n");
  EXPECT_EQ(s.connections_opened(), 1u);
  s.async_close([](std::error_code, int n) { EXPECT_EQ(n, 1); });
  io.restart();
  io.run();
  EXPECT_SCRIPT_OK(srv);
}

// --- pop3: planned gets (session::plan_gets), RETRs sent ahead with PIPELINING ---------------

script pop3_login_pipelining(script s = script()) {
  return s.send("+OK ready\r\n")
      .expect("CAPA").send("+OK\r\nUSER\r\nPIPELINING\r\n.\r\n")
      .expect("USER alice").send("+OK\r\n")
      .expect("PASS secret").send("+OK\r\n");
}

std::vector<planned_get> plan_of(const mock_server& srv, int first, int last,
                                 const options& o = plain()) {
  std::vector<planned_get> out;
  for (int i = first; i <= last; ++i)
    out.push_back({url::parse(base(srv, "pop3") + std::to_string(i)), o});
  return out;
}

TEST(TransferPop3Plan, PlannedRetrsAreWrittenBeforeAnyReplyIsRead) {
  // The script reads all three RETRs before it answers: only pipelined gets pass.
  mock_server srv(pop3_login_pipelining()
                      .expect("RETR 1").expect("RETR 2").expect("RETR 3")
                      .send("+OK 5 octets\r\none\r\n.\r\n+OK\r\ntwo\r\n..\r\n.\r\n"
                            "+OK last\r\nthree\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  blocking_session s;
  s.plan_gets(plan_of(srv, 1, 3));
  std::string out[3];
  std::vector<std::uint64_t> progress_final[3];
  for (int i = 0; i < 3; ++i) {
    options o = plain();
    o.progress = [&p = progress_final[i]](const transport::progress& pr) {
      if (pr.finished) p.push_back(pr.done);
    };
    const result r = s.get(base(srv, "pop3") + std::to_string(i + 1), o, string_sink(out[i]));
    EXPECT_EQ(r.bytes, out[i].size());
    EXPECT_EQ(r.reused_connection, i > 0);
    EXPECT_EQ(r.reply_code, 1);
    EXPECT_EQ(progress_final[i], std::vector<std::uint64_t>{out[i].size()});
  }
  EXPECT_EQ(out[0], "one\r\n");
  EXPECT_EQ(out[1], "two\r\n.\r\n");
  EXPECT_EQ(out[2], "three\r\n");
  EXPECT_EQ(s.connections_opened(), 1u);
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

// Runs gets of messages 1..3 (with or without a plan) and returns their results.
std::vector<std::pair<std::error_code, result>> three_gets(const mock_server& srv, bool planned,
                                                           std::string& out) {
  blocking_session s;
  if (planned) s.plan_gets(plan_of(srv, 1, 3));
  std::vector<std::pair<std::error_code, result>> rs;
  for (int i = 1; i <= 3; ++i) {
    std::error_code ec;
    result r = s.get(base(srv, "pop3") + std::to_string(i), plain(), string_sink(out), ec);
    rs.emplace_back(ec, std::move(r));
  }
  s.close();
  return rs;
}

TEST(TransferPop3Plan, AnErrFailsOnlyItsUrlWithTheResultOfAnUnplannedRun) {
  // Today's behaviour: -ERR drops the connection and the next URL opens a new one.
  mock_server unplanned(pop3_login(pop3_login()
                                       .expect("RETR 1").send("+OK\r\none\r\n.\r\n")
                                       .expect("RETR 2").send("-ERR no such message\r\n")
                                       .accept_next())
                            .expect("RETR 3").send("+OK\r\nthree\r\n.\r\n")
                            .expect("QUIT").send("+OK\r\n"));
  mock_server planned(pop3_login_pipelining(
                          pop3_login_pipelining()
                              .expect("RETR 1").expect("RETR 2").expect("RETR 3")
                              .send("+OK\r\none\r\n.\r\n-ERR no such message\r\n"
                                    "+OK\r\nthree\r\n.\r\n")
                              .accept_next())
                          .expect("RETR 3").send("+OK\r\nthree\r\n.\r\n")
                          .expect("QUIT").send("+OK\r\n"));
  std::string out_u, out_p;
  const auto u = three_gets(unplanned, false, out_u);
  const auto p = three_gets(planned, true, out_p);
  EXPECT_EQ(out_p, "one\r\nthree\r\n");
  EXPECT_EQ(out_p, out_u);
  ASSERT_EQ(p.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(p[i].first, u[i].first) << i;
    EXPECT_EQ(p[i].second.message, u[i].second.message) << i;
    EXPECT_EQ(p[i].second.failed_in, u[i].second.failed_in) << i;
    EXPECT_EQ(p[i].second.bytes, u[i].second.bytes) << i;
    EXPECT_EQ(p[i].second.reused_connection, u[i].second.reused_connection) << i;
  }
  EXPECT_EQ(p[1].first, pop3::make_error_code(pop3::error::negative_response));
  EXPECT_THAT(p[1].second.message, HasSubstr("RETR 2"));
  EXPECT_FALSE(p[0].first);
  EXPECT_FALSE(p[2].first);
  EXPECT_SCRIPT_OK(unplanned);
  EXPECT_SCRIPT_OK(planned);
}

TEST(TransferPop3Plan, WithoutPipeliningPlannedGetsGoOneByOne) {
  mock_server srv(pop3_login()
                      .expect("RETR 1").send("+OK\r\none\r\n.\r\n")
                      .expect("RETR 2").send("+OK\r\ntwo\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  blocking_session s;
  s.plan_gets(plan_of(srv, 1, 2));
  std::string out;
  s.get(base(srv, "pop3") + "1", plain(), string_sink(out));
  s.get(base(srv, "pop3") + "2", plain(), string_sink(out));
  EXPECT_EQ(out, "one\r\ntwo\r\n");
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferPop3Plan, OnlyPlainRetrsAreSentAhead) {
  // URL 2 is a custom command (-X UIDL): RETR 1 goes alone, UIDL 2 after its reply.
  options uidl = plain();
  uidl.custom_request = "UIDL";
  mock_server srv(pop3_login_pipelining()
                      .expect("RETR 1").send("+OK\r\none\r\n.\r\n")
                      .expect("UIDL 2").send("+OK 2 abc\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  blocking_session s;
  auto plan = plan_of(srv, 1, 1);
  plan.push_back({url::parse(base(srv, "pop3") + "2"), uidl});
  s.plan_gets(std::move(plan));
  std::string out;
  s.get(base(srv, "pop3") + "1", plain(), string_sink(out));
  uidl.no_body = true;  // (-I: single-line) — differs from the plan: still runs as asked
  s.get(base(srv, "pop3") + "2", uidl, string_sink(out));
  EXPECT_EQ(out, "one\r\n");
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferPop3Plan, AtMost64RetrsAreOutstandingAndTheWindowIsToppedUpAtHalf) {
  script sc = pop3_login_pipelining();
  auto retrs = [&sc](int a, int b) {
    for (int i = a; i <= b; ++i) sc.expect("RETR " + std::to_string(i));
  };
  auto replies = [&sc](int a, int b) {
    std::string r;
    for (int i = a; i <= b; ++i) r += "+OK\r\nm" + std::to_string(i) + "\r\n.\r\n";
    sc.send(r);
  };
  retrs(1, 64);
  replies(1, 32);
  retrs(65, 70);  // written by the get of message 33, before it reads its reply
  replies(33, 70);
  sc.expect("QUIT").send("+OK\r\n");
  mock_server srv(std::move(sc));
  blocking_session s;
  s.plan_gets(plan_of(srv, 1, 70));
  std::string out, want;
  for (int i = 1; i <= 70; ++i) {
    s.get(base(srv, "pop3") + std::to_string(i), plain(), string_sink(out));
    want += "m" + std::to_string(i) + "\r\n";
  }
  EXPECT_EQ(out, want);
  EXPECT_EQ(s.connections_opened(), 1u);
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferPop3, MaxTimeBoundsATransferOnAReusedConnection) {
  mock_server srv(pop3_login()
                      .expect("RETR 1").send("+OK\r\none\r\n.\r\n")
                      .expect("RETR 2").send("+OK\r\nstart\r\n")
                      .stall(std::chrono::seconds(4)));
  blocking_session s;
  options o = plain();
  o.max_time = std::chrono::milliseconds(300);
  std::string out;
  s.get(base(srv, "pop3") + "1", o, string_sink(out));
  std::error_code ec;
  const result r = s.get(base(srv, "pop3") + "2", o, string_sink(out), ec);
  EXPECT_TRUE(r.reused_connection);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::operation_timedout) << r.message;
  EXPECT_EQ(out, "one\r\nstart\r\n");
  EXPECT_EQ(s.async().idle_connections(), 0u);  // the cut-off connection is not kept
}

TEST(TransferImap, MaxTimeDoesNotHideAFailure) {
  mock_server srv(imap_login()
                      .expect("A2 SELECT INBOX").send("A2 NO [NONEXISTENT] no\r\n")
                      .expect("A3 LOGOUT").send("* BYE\r\nA3 OK\r\n"));
  blocking_session s;
  options o = plain();
  o.max_time = std::chrono::seconds(30);
  std::string out;
  std::error_code ec;
  const result r = s.get(base(srv, "imap") + "INBOX;UID=1", o, string_sink(out), ec);
  EXPECT_EQ(r.failed_in, stage::select);  // at once, not after 30 s as a timeout
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::login_denied);
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferPop3, CancellationSlotOfTheTokenCancelsTheTransfer) {
  mock_server srv(pop3_login()
                      .expect("RETR 1").send("+OK\r\nstart\r\n")
                      .stall(std::chrono::seconds(4)));
  boost::asio::io_context io;
  session s(io.get_executor());
  boost::asio::cancellation_signal cancel;
  std::optional<std::error_code> got;
  std::string out;
  options o = plain();
  o.idle_timeout = std::chrono::seconds(30);  // only the cancellation can end it early
  s.async_get(base(srv, "pop3") + "1", o,
              [&](std::string_view chunk) {
                out.append(chunk);
                // Once the first line is in, cancel (after the sink returns).
                boost::asio::post(io, [&] { cancel.emit(boost::asio::cancellation_type::terminal); });
              },
              boost::asio::bind_cancellation_slot(
                  cancel.slot(), [&](std::error_code ec, result) { got = ec; }));
  io.run();
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(*got);
  EXPECT_EQ(out, "start\r\n");
  EXPECT_EQ(s.idle_connections(), 0u);
}

// --- imap ------------------------------------------------------------------------------------

TEST(TransferImap, AsyncListReportsTheUntaggedLinesAndTheTaggedStatus) {
  mock_server srv(imap_login()
                      .expect("A2 LIST \"\" *")
                      .send("* LIST () \".\" INBOX\r\n* 4 EXISTS\r\nA2 OK listed\r\n")
                      .expect("A3 LOGOUT").send("* BYE\r\nA3 OK\r\n"));
  boost::asio::io_context io;
  session s(io.get_executor());
  std::string out;
  std::error_code got_ec = make_error_code(error::failed_init);
  result got;
  s.async_get(base(srv, "imap"), plain(), string_sink(out), [&](std::error_code ec, result r) {
    got_ec = ec;
    got = std::move(r);
  });
  io.run();
  EXPECT_FALSE(got_ec) << got_ec.message() << " " << got.message;
  EXPECT_EQ(out, "* LIST () \".\" INBOX\r\n");  // the unsolicited EXISTS is not written
  EXPECT_THAT(got.untagged, ElementsAre("* LIST () \".\" INBOX"));
  EXPECT_THAT(got.reply_text, HasSubstr("listed"));
  s.async_close([](std::error_code, int) {});
  io.restart();
  io.run();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferImap, FetchesThenAppendsOnOneConnection) {
  mock_server srv(imap_login()
                      .expect("A2 SELECT INBOX")
                      .send("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\nA2 OK [READ-WRITE] sel\r\n")
                      .expect("A3 UID FETCH 1 (BODY[])")
                      .send("* 1 FETCH (UID 1 BODY[] {5}\r\nhello)\r\nA3 OK\r\n")
                      .expect("A4 APPEND INBOX (\\Seen) {4+}")
                      .expect("abcd")
                      .send("A4 OK [APPENDUID 7 9] done\r\n")
                      .expect("A5 LOGOUT").send("* BYE\r\nA5 OK\r\n"));
  blocking_session s;
  std::string out;
  options progress = plain();
  std::vector<inet::transport::progress> seen;
  progress.progress = [&seen](const inet::transport::progress& p) { seen.push_back(p); };
  EXPECT_EQ(s.get(base(srv, "imap") + "INBOX;UID=1", progress, string_sink(out)).bytes, 5u);
  ASSERT_EQ(seen.size(), 2u);  // the first byte at once, then the one final call
  EXPECT_FALSE(seen.front().finished);
  EXPECT_TRUE(seen.back().finished);
  EXPECT_EQ(seen.back().done, 5u);
  EXPECT_EQ(seen.back().total, std::optional<std::uint64_t>(5));  // the literal's size
  EXPECT_EQ(out, "hello");
  memory_source src("abcd");  // size unknown: spooled first
  const result r = s.put(base(srv, "imap") + "INBOX", plain(), src);
  EXPECT_TRUE(r.reused_connection);
  EXPECT_EQ(r.bytes, 4u);
  EXPECT_EQ(s.connections_opened(), 1u);
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferImap, NoSuchMessageIs78AndSelectRefusedIs67) {
  mock_server srv(imap_login()
                      .expect("A2 SELECT INBOX").send("A2 OK [READ-WRITE] sel\r\n")
                      .expect("A3 UID FETCH 9 (BODY[])").send("A3 OK nothing\r\n")
                      .expect("A4 SELECT Nope").send("A4 NO no such mailbox\r\n")
                      .expect("A5 LOGOUT").send("* BYE\r\nA5 OK\r\n"));
  blocking_session s;
  std::string out;
  std::error_code ec;
  result r = s.get(base(srv, "imap") + "INBOX;UID=9", plain(), string_sink(out), ec);
  EXPECT_EQ(ec, error::remote_file_not_found);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::remote_file_not_found);
  r = s.get(base(srv, "imap") + "Nope;UID=1", plain(), string_sink(out), ec);
  EXPECT_EQ(r.failed_in, stage::select);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::login_denied);  // curl's choice
  s.close();
  EXPECT_SCRIPT_OK(srv);
}

// --- smtp ------------------------------------------------------------------------------------

TEST(TransferSmtp, PutSendsTwoMessagesOverOneConnection) {
  std::string first, second;
  mock_server srv(smtp_greet()
                      .expect("MAIL FROM:<alice@example.test>").send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".", &first).send("250 2.0.0 queued as A\r\n")
                      .expect("MAIL FROM:<alice@example.test>").send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".", &second).send("250 2.0.0 queued as B\r\n")
                      .expect("QUIT").send("221 bye\r\n"));
  blocking_session s;
  options o = plain();
  o.mail_from = "<alice@example.test>";
  o.mail_rcpt = {"bob@example.test"};
  memory_source m1("Subject: one\r\n\r\n.hi\r\n");
  const result r1 = s.put(base(srv, "smtp") + "client.test", o, m1);
  EXPECT_EQ(r1.reply_code, 250);
  EXPECT_THAT(r1.reply_text, HasSubstr("queued as A"));
  EXPECT_EQ(r1.bytes, 21u);
  memory_source m2("Subject: two\r\n\r\nbye\r\n");
  EXPECT_TRUE(s.put(base(srv, "smtp") + "client.test", o, m2).reused_connection);
  EXPECT_EQ(s.connections_opened(), 1u);
  s.close();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(first, HasSubstr("..hi"));  // dot-stuffed on the wire
  EXPECT_THAT(second, HasSubstr("Subject: two"));
}

TEST(TransferSmtp, RefusedRecipientIsSendError55AndAuthRefusedIs67) {
  mock_server srv(script()
                      .send("220 mock.test ESMTP\r\n")
                      .expect("EHLO client.test").send("250-mock.test\r\n250 AUTH PLAIN\r\n")
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==").send("535 5.7.8 no\r\n"));
  blocking_session s;
  options o = plain();
  o.mail_rcpt = {"bob@example.test"};
  memory_source m("x\r\n");
  std::error_code ec;
  result r = s.put(base(srv, "smtp") + "client.test", o, m, ec);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::login_denied);

  mock_server srv2(smtp_greet()
                       .expect("MAIL FROM:<>").send("250 ok\r\n")
                       .expect("RCPT TO:<bob@example.test>").send("550 5.1.1 unknown\r\n")
                       .expect("RSET").send("250 ok\r\n")
                       .expect("QUIT").send("221 bye\r\n"));
  r = s.put(base(srv2, "smtp") + "client.test", o, m, ec);
  EXPECT_EQ(r.failed_in, stage::send);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::send_error);
  s.close();
  EXPECT_SCRIPT_OK(srv2);
}

// --- dispatch and mapping --------------------------------------------------------------------

TEST(TransferSession, UnsupportedSchemeAndDirectionAreExit1) {
  blocking_session s;
  std::error_code ec;
  memory_source m("x");
  result r = s.put("pop3://127.0.0.1:1/1", plain(), m, ec);
  EXPECT_EQ(ec, error::unsupported_protocol);
  EXPECT_EQ(r.message, "Protocol \"pop3\" not supported or disabled for uploads");
  r = s.get("ldap://h/", plain(), {}, ec);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::unsupported_protocol);
  r = s.get("imap://h/INBOX;UID=abc", plain(), {}, ec);
  EXPECT_EQ(curl_exit_code(ec, r.failed_in), exit_code::remote_file_not_found);
  EXPECT_EQ(s.connections_opened(), 0u);
}

TEST(TransferSession, CurlExitCodesDependOnTheStage) {
  EXPECT_EQ(curl_exit_code(transport::error::unexpected_eof, stage::transfer),
            exit_code::partial_file);
  EXPECT_EQ(curl_exit_code(transport::error::unexpected_eof, stage::connect),
            exit_code::recv_error);
  EXPECT_EQ(curl_exit_code(imap::error::command_failed, stage::fetch),
            exit_code::remote_file_not_found);
  EXPECT_EQ(curl_exit_code(imap::error::command_failed, stage::listing), exit_code::quote_error);
  EXPECT_EQ(curl_exit_code(imap::error::command_failed, stage::append), exit_code::upload_failed);
  EXPECT_EQ(curl_exit_code(pop3::error::mailbox_in_use, stage::connect), exit_code::login_denied);
  EXPECT_EQ(curl_exit_code(smtp::error::permanent_failure, stage::send), exit_code::send_error);
  EXPECT_EQ(curl_exit_code(smtp::error::tls_required, stage::connect), exit_code::use_ssl_failed);
  EXPECT_EQ(curl_exit_code({}, stage::connect), exit_code::ok);
}

// options::trace_sink: the caller gets the wire trace, the password redacted.
TEST(TransferTrace, TraceSinkReceivesTheRedactedWireTrace) {
  mock_server srv(pop3_login().expect("RETR 1").send("+OK\r\nm1\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  std::vector<std::string> lines;
  options o = plain();
  o.trace_sink = [&](std::string_view l) { lines.emplace_back(l); };
  {
    blocking_session s;
    std::string out;
    s.get(base(srv, "pop3") + "1", o, string_sink(out));
    EXPECT_EQ(out, "m1\r\n");
  }
  transport::set_trace_sink({});
  EXPECT_THAT(lines, ::testing::IsSupersetOf({std::string("> USER alice"),
                                              std::string("> PASS <redacted>"),
                                              std::string("> RETR 1"), std::string("< +OK ready")}));
  for (const auto& l : lines) EXPECT_EQ(l.find("secret"), std::string::npos) << l;
  EXPECT_SCRIPT_OK(srv);
}

// options::limit_rate: the transfer is paced on a timer (at most 4000 bytes/s, so 2000 body
// bytes take at least half a second) while the io_context stays free for other work.
TEST(TransferRate, LimitRatePacesTheTransferWithoutBlockingTheExecutor) {
  const std::string body(2000, 'x');
  mock_server srv(pop3_login().expect("RETR 1").send("+OK\r\n" + body + "\r\n.\r\n"));
  boost::asio::io_context io;
  session s(io.get_executor());
  options o = plain();
  o.limit_rate = 4000;
  std::string out;
  bool done = false, other_work_ran_meanwhile = false;
  const auto start = std::chrono::steady_clock::now();
  s.async_get(base(srv, "pop3") + "1", o, string_sink(out), [&](std::error_code ec, result r) {
    EXPECT_FALSE(ec) << ec.message() << " " << r.message;
    done = true;
  });
  boost::asio::steady_timer other(io, std::chrono::milliseconds(50));
  other.async_wait([&](boost::system::error_code) { other_work_ran_meanwhile = !done; });
  io.run();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(done);
  EXPECT_EQ(out, body + "\r\n");
  EXPECT_TRUE(other_work_ran_meanwhile);
  EXPECT_GE(elapsed, std::chrono::milliseconds(500));  // a lower bound only: never flaky
}

}  // namespace
}  // namespace inet::transfer
