// TRANSACTION-state commands (RFC 1939 §5, §7), the UPDATE state on QUIT (§6), PIPELINING
// (RFC 2449 §6.6) and the response codes (RFC 2449 §8, RFC 3206) against the mock server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/pop3/test_util.hpp"

namespace inet::pop3::testing {
namespace {

using mock::mock_server;
using mock::script;
using ::testing::HasSubstr;

TEST(Pop3Session, StatListUidlNoopQuit) {
  mock_server srv(logged_in()
                      .expect("STAT").send("+OK 2 320\r\n")
                      .expect("LIST").send("+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n")
                      .expect("LIST 2").send("+OK 2 200\r\n")
                      .expect("UIDL").send("+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n")
                      .expect("UIDL 1").send("+OK 1 whqtswO00WBw418f9t5JxYwZ\r\n")
                      .expect("NOOP").send("+OK\r\n")
                      .expect("QUIT").send("+OK dewey POP3 server signing off\r\n")
                      .expect_eof());
  blocking_client c;
  c.connect(login_options(srv));
  EXPECT_EQ(c.authenticated_with(), "USER");
  EXPECT_TRUE(c.server_capabilities().known);
  EXPECT_TRUE(c.server_capabilities().uidl);
  const maildrop_stat st = c.stat();
  EXPECT_EQ(st.count, 2u);
  EXPECT_EQ(st.octets, 320u);
  const auto l = c.list();
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].number, 1u);
  EXPECT_EQ(l[0].octets, 120u);
  EXPECT_EQ(l[1].number, 2u);
  EXPECT_EQ(l[1].octets, 200u);
  EXPECT_EQ(c.list(2).octets, 200u);
  const auto u = c.uidl();
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[1].uid, "QhdPYR:00WBw1Ph7x7");
  EXPECT_EQ(c.uidl(1).uid, "whqtswO00WBw418f9t5JxYwZ");
  EXPECT_TRUE(c.noop().ok);
  const quit_result q = c.quit();
  EXPECT_TRUE(q.committed);
  EXPECT_EQ(q.deletions, 0u);
  EXPECT_EQ(q.reply.text, "dewey POP3 server signing off");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, EmptyMaildropListsNothing) {
  mock_server srv(logged_in().expect("LIST").send("+OK 0 messages\r\n.\r\n")
                      .expect("UIDL").send("+OK\r\n.\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  EXPECT_TRUE(c.list().empty());
  EXPECT_TRUE(c.uidl().empty());
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, DeletionsArePendingUntilQuit) {
  mock_server srv(logged_in()
                      .expect("DELE 1").send("+OK message 1 deleted\r\n")
                      .expect("DELE 3").send("+OK message 3 deleted\r\n")
                      .expect("RSET").send("+OK maildrop has 3 messages\r\n")
                      .expect("DELE 2").send("+OK message 2 deleted\r\n")
                      .expect("QUIT").send("+OK bye (2 messages left)\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  c.dele(1);
  c.dele(3);
  EXPECT_EQ(c.pending_deletions(), (std::set<std::uint32_t>{1, 3}));
  EXPECT_TRUE(c.rset().ok);
  EXPECT_TRUE(c.pending_deletions().empty());
  c.dele(2);
  const quit_result q = c.quit();
  EXPECT_TRUE(q.committed);
  EXPECT_EQ(q.deletions, 1u);
  EXPECT_TRUE(c.pending_deletions().empty());
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, QuitErrorMeansDeletionsNotCommitted) {
  mock_server srv(logged_in()
                      .expect("DELE 1").send("+OK\r\n")
                      .expect("QUIT").send("-ERR [SYS/TEMP] some deleted messages not removed\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  c.dele(1);
  const quit_result q = c.quit();
  EXPECT_FALSE(q.committed);
  EXPECT_EQ(q.deletions, 1u);
  EXPECT_EQ(q.reply.code, "SYS/TEMP");
  EXPECT_EQ(q.reply.text, "some deleted messages not removed");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, QuitOnDroppedConnectionIsNotCommitted) {
  mock_server srv(logged_in().expect("DELE 1").send("+OK\r\n").expect("QUIT").close());
  blocking_client c;
  c.connect(login_options(srv));
  c.dele(1);
  const quit_result q = c.quit();  // never throws
  EXPECT_FALSE(q.committed);
  EXPECT_EQ(q.deletions, 1u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, ErrCarriesTextAndSessionStaysUsable) {
  mock_server srv(logged_in()
                      .expect("RETR 9").send("-ERR no such message\r\n")
                      .expect("DELE 9").send("-ERR [SYS/PERM] read-only maildrop\r\n")
                      .expect("NOOP").send("+OK\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  std::string body;
  try {
    c.retr(9, string_sink(body));
    FAIL() << "RETR of a missing message succeeded";
  } catch (const pop3_exception& e) {
    EXPECT_EQ(e.code(), error::negative_response);
    EXPECT_EQ(e.server_response().text, "no such message");
    EXPECT_EQ(e.reply_text(), "-ERR no such message");
    EXPECT_EQ(std::string(e.code().category().name()), "inet.pop3");
  }
  try {
    c.dele(9);
    FAIL() << "DELE refused but no exception";
  } catch (const pop3_exception& e) {
    EXPECT_EQ(e.code(), error::permanent_failure);
    EXPECT_EQ(e.server_response().code, "SYS/PERM");
  }
  EXPECT_TRUE(c.pending_deletions().empty());
  EXPECT_TRUE(body.empty());
  EXPECT_TRUE(c.noop().ok);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, MalformedListingsAreErrors) {
  for (const char* bad : {"+OK\r\n1 abc\r\n.\r\n", "+OK\r\n0 12\r\n.\r\n", "+OK\r\nx\r\n.\r\n"}) {
    mock_server srv(logged_in().expect("LIST").send(bad));
    blocking_client c;
    c.connect(login_options(srv));
    try {
      c.list();
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::malformed_response) << bad;
      EXPECT_EQ(e.code(), condition::protocol_violation);
    }
    EXPECT_SCRIPT_OK(srv);
  }
  mock_server srv(logged_in().expect("STAT").send("+OK lots\r\n").expect("UIDL 1")
                      .send("+OK 1 has\x01control\r\n").expect("LIST 1").send("NOPE\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  EXPECT_THROW(c.stat(), std::system_error);
  EXPECT_THROW(c.uidl(1), std::system_error);
  try {
    c.list(1);
    ADD_FAILURE() << "accepted a status line that is neither +OK nor -ERR";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::malformed_response);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, PipeliningSendsRetrBatchBeforeAnyReply) {
  // The script reads all three commands before it answers: only a client that wrote them in
  // one batch gets past the third expect.
  mock_server srv(logged_in({"USER", "PIPELINING"})
                      .expect("RETR 1").expect("RETR 2").expect("RETR 3")
                      .send("+OK\r\nSubject: 1\r\n\r\none\r\n.\r\n"
                            "-ERR [SYS/TEMP] busy\r\n"
                            "+OK\r\nSubject: 3\r\n\r\n..three\r\n.\r\n")
                      .expect("DELE 1").expect("DELE 3").expect("DELE 7")
                      .send("+OK\r\n+OK\r\n-ERR no message 7\r\n")
                      .expect("NOOP").send("+OK\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  EXPECT_TRUE(c.server_capabilities().pipelining);
  std::map<std::uint32_t, std::string> got;
  try {
    c.retr_many({1, 2, 3}, [&](std::uint32_t n, std::string_view chunk) { got[n] += chunk; });
    FAIL() << "RETR 2 was refused but retr_many did not throw";
  } catch (const pop3_exception& e) {
    EXPECT_EQ(e.code(), error::temporary_failure);
  }
  EXPECT_EQ(got[1], "Subject: 1\r\n\r\none\r\n");
  EXPECT_EQ(got.count(2), 0u);
  EXPECT_EQ(got[3], "Subject: 3\r\n\r\n.three\r\n");
  EXPECT_THROW(c.dele_many({1, 3, 7}), pop3_exception);
  EXPECT_EQ(c.pending_deletions(), (std::set<std::uint32_t>{1, 3}));
  EXPECT_TRUE(c.noop().ok);  // every reply of the batch was consumed
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, PipelineDepthSplitsBatches) {
  mock_server srv(logged_in({"PIPELINING"})
                      .expect("DELE 1").expect("DELE 2").send("+OK\r\n+OK\r\n")
                      .expect("DELE 3").send("+OK\r\n"));
  blocking_client c;
  client_options o = login_options(srv);
  o.pipeline_depth = 2;
  c.connect(o);
  c.dele_many({1, 2, 3});
  EXPECT_EQ(c.pending_deletions().size(), 3u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, WithoutPipeliningOneCommandAtATime) {
  mock_server srv(logged_in({"USER"})
                      .expect("RETR 1").send("+OK\r\na\r\n.\r\n")
                      .expect("RETR 2").send("+OK\r\nb\r\n.\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  std::map<std::uint32_t, std::string> got;
  const auto sizes = c.retr_many({1, 2}, [&](std::uint32_t n, std::string_view chunk) {
    got[n] += chunk;
  });
  EXPECT_EQ(sizes, (std::vector<std::uint64_t>{3, 3}));
  EXPECT_EQ(got, (std::map<std::uint32_t, std::string>{{1, "a\r\n"}, {2, "b\r\n"}}));
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, RetrAheadIsReadByTheRetrsThatFollowAndDrainedBeforeOtherCommands) {
  // The script reads the four RETRs before it answers: they went out in one write. RETR 2's
  // -ERR fails only retr(2); RETR 3 is never asked for: STAT first reads and discards it.
  mock_server srv(logged_in({"USER", "PIPELINING"})
                      .expect("RETR 1").expect("RETR 2").expect("RETR 3").expect("RETR 4")
                      .send("+OK\r\none\r\n.\r\n"
                            "-ERR no such message\r\n"
                            "+OK\r\nthree\r\n.\r\n"
                            "+OK\r\nfour\r\n..\r\n.\r\n")
                      .expect("STAT").send("+OK 0 0\r\n")
                      .expect("RETR 5").send("+OK\r\nfive\r\n.\r\n"));
  blocking_client c;
  client_options o = login_options(srv);
  o.pipeline_depth = 4;
  c.connect(o);
  EXPECT_EQ(c.retr_ahead({1, 2, 3, 4, 5}), 4u);  // the depth bounds what is outstanding
  EXPECT_EQ(c.retr_ahead({6}), 0u);
  EXPECT_EQ(c.retrs_ahead(), (std::deque<std::uint32_t>{1, 2, 3, 4}));
  std::string one, two, four, five;
  EXPECT_EQ(c.retr(1, string_sink(one)), 5u);
  EXPECT_EQ(one, "one\r\n");
  try {
    c.retr(2, string_sink(two));
    FAIL() << "RETR 2 was refused but retr did not throw";
  } catch (const pop3_exception& e) {
    EXPECT_EQ(e.code(), error::negative_response);
    EXPECT_THAT(e.what(), HasSubstr("RETR 2"));
  }
  // retr(4) skips 3: its reply is read and discarded, the session stays in step.
  const response r4 = c.command_multiline("RETR 4", string_sink(four));
  EXPECT_TRUE(r4.ok);
  EXPECT_EQ(four, "four\r\n.\r\n");
  EXPECT_TRUE(c.retrs_ahead().empty());
  EXPECT_EQ(c.stat().count, 0u);
  c.retr(5, string_sink(five));  // nothing outstanding: sent as usual
  EXPECT_EQ(five, "five\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, RetrAheadSendsNothingWithoutPipeliningAndQuitDrains) {
  mock_server srv(logged_in({"USER"})
                      .expect("RETR 1").send("+OK\r\na\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n")
                      .accept_next()
                      .send("+OK ready\r\n").expect("CAPA").send("+OK\r\nPIPELINING\r\n.\r\n")
                      .expect("USER alice").send("+OK\r\n").expect("PASS secret").send("+OK\r\n")
                      .expect("RETR 7").expect("RETR 8")
                      .send("+OK\r\nseven\r\n.\r\n+OK\r\neight\r\n.\r\n")
                      .expect("QUIT").send("+OK bye\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  EXPECT_EQ(c.retr_ahead({1, 2}), 0u);  // not offered: nothing written
  EXPECT_TRUE(c.retrs_ahead().empty());
  std::string a;
  c.retr(1, string_sink(a));
  EXPECT_EQ(a, "a\r\n");
  EXPECT_TRUE(c.quit().committed);
  // A server with PIPELINING: QUIT reads the outstanding replies first.
  c.connect(login_options(srv));
  EXPECT_EQ(c.retr_ahead({7, 8}), 2u);
  const quit_result q = c.quit();
  EXPECT_TRUE(q.committed);
  EXPECT_EQ(q.reply.text, "bye");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Session, CommandEscapeHatchesValidateAndStream) {
  mock_server srv(logged_in()
                      .expect("XTND XMIT").send("-ERR not supported\r\n")
                      .expect("TOP 1 0").send("+OK\r\nSubject: x\r\n\r\n.\r\n"));
  blocking_client c;
  c.connect(login_options(srv));
  try {
    c.command("NOOP\r\nDELE 1");
    FAIL() << "CR LF in a command was sent";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::invalid_argument);
  }
  const response r = c.command("XTND XMIT");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.text, "not supported");
  std::string top;
  EXPECT_TRUE(c.command_multiline("TOP 1 0", string_sink(top)).ok);
  EXPECT_EQ(top, "Subject: x\r\n\r\n");
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), ::testing::Not(HasSubstr("DELE")));
}

TEST(Pop3Session, CommandsNeedASession) {
  blocking_client c;
  try {
    c.stat();
    FAIL() << "STAT without a connection";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::not_connected);
  }
  EXPECT_FALSE(c.quit().committed);
}

TEST(Pop3Session, CoroutineFormRunsTheSameOperations) {
  mock_server srv(logged_in()
                      .expect("LIST").send("+OK\r\n1 5\r\n.\r\n")
                      .expect("RETR 1").send("+OK\r\nhi\r\n.\r\n")
                      .expect("QUIT").send("+OK\r\n"));
  coro_runner r;
  r.run(r.get().connect(login_options(srv)));
  EXPECT_EQ(r.run(r.get().list()).size(), 1u);
  std::string body;
  EXPECT_EQ(r.run(r.get().retr(1, string_sink(body))), 4u);
  EXPECT_EQ(body, "hi\r\n");
  EXPECT_TRUE(r.run(r.get().quit()).committed);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::pop3::testing
