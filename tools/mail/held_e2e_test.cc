// End-to-end tests of `inet mail` for "nothing the user gave us is lost or sent twice": a
// delivery the server may or may not have accepted is held (never resent automatically),
// queue write failures are reported truthfully, and server text reaching stderr is escaped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/time.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mock/server.hpp"
#include "tools/mail/mail_command.hpp"
#include "tools/mail/queue.hpp"
#include "tools/mail/sysexits.hpp"

namespace inet::mail {
namespace {

namespace fs = std::filesystem;
using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

fs::path temp_dir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path dir = fs::path(tmp ? tmp : "/tmp") / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

struct harness {
  std::string message = "To: b@y.org\r\nSubject: hi\r\n\r\nbody\r\n";
  std::ostringstream out, err;
  fs::path home = temp_dir("home-held");

  int run(std::vector<std::string> args) {
    memory_source input(message);
    io_streams io;
    io.input = &input;
    io.out = &out;
    io.err = &err;
    io.env = [this](const std::string& n) -> std::optional<std::string> {
      if (n == "HOME") return home.string();
      return std::nullopt;
    };
    io.run_command = [](const std::string&) { return std::string("pw"); };
    return run_mail(args, io);
  }
};

std::vector<std::string> server_args(const mock_server& srv, std::vector<std::string> more) {
  std::vector<std::string> args = {"--host=" + srv.host(), "--port=" + std::to_string(srv.port()),
                                   "--tls=off", "--domain=client.example"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// A port nothing listens on: a flush that tried to connect would fail with "cannot connect".
std::vector<std::string> dead_server_args(std::vector<std::string> more) {
  std::uint16_t port;
  {
    mock_server gone(script().close());
    port = gone.port();
  }
  std::vector<std::string> args = {"--host=127.0.0.1", "--port=" + std::to_string(port),
                                   "--tls=off", "--domain=client.example"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

script greet() {
  return std::move(script().send("220 mock ESMTP\r\n").expect("EHLO client.example").send(
      "250-mock\r\n250 8BITMIME\r\n"));
}

// The server reads the whole message, then the connection dies before its reply.
script takes_message_then_dies(const std::string& from, const std::string& rcpt) {
  return std::move(greet()
                       .expect("MAIL FROM:<" + from + ">").send("250 ok\r\n")
                       .expect("RCPT TO:<" + rcpt + ">").send("250 ok\r\n")
                       .expect("DATA").send("354 go\r\n")
                       .expect_until(".").close());
}

script accepts(const std::string& from, const std::string& rcpt, std::string* data = nullptr) {
  return std::move(greet()
                       .expect("MAIL FROM:<" + from + ">").send("250 ok\r\n")
                       .expect("RCPT TO:<" + rcpt + ">").send("250 ok\r\n")
                       .expect("DATA").send("354 go\r\n")
                       .expect_until(".", data).send("250 ok\r\n")
                       .expect("QUIT").send("221 bye\r\n").close());
}

queue_entry queue_one(const fs::path& q, const std::string& held = {}) {
  memory_source msg("Subject: queued\r\n\r\nhello\r\n");
  return enqueue(q, {"a@x.org", {"b@y.org"}, held}, msg);
}

TEST(HeldE2E, UnconfirmedWithoutQueueSaysOutcomeUnknown) {
  mock_server srv(takes_message_then_dies("a@x.org", "b@y.org"));
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"-f", "a@x.org", "b@y.org"})), ex_tempfail);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(h.err.str(), HasSubstr("delivery to 127.0.0.1:" + std::to_string(srv.port()) +
                                     " unconfirmed: no reply after the end of the message"));
  EXPECT_THAT(h.err.str(), HasSubstr("the outcome is unknown: the server may have accepted"));
  EXPECT_THAT(h.err.str(), Not(HasSubstr("not sent")));
}

TEST(HeldE2E, UnconfirmedIsHeldNotFlushedUntilReleased) {
  const fs::path q = temp_dir("q-unconfirmed");
  {
    mock_server srv(takes_message_then_dies("a@x.org", "b@y.org"));
    harness h;
    EXPECT_EQ(h.run(server_args(srv, {"--queue=" + q.string(), "-f", "a@x.org", "b@y.org"})),
              ex_tempfail);
    EXPECT_SCRIPT_OK(srv);
    EXPECT_THAT(h.err.str(), HasSubstr("the server may have accepted the message; it is held in"));
    EXPECT_THAT(h.err.str(), HasSubstr("inet mail --flush --release "));
    EXPECT_THAT(h.err.str(), Not(HasSubstr("queued")));
  }
  auto entries = list(q);
  ASSERT_EQ(entries.size(), 1u);
  const std::string id = entries[0].id;
  EXPECT_THAT(entries[0].envelope.held, HasSubstr(" delivery unconfirmed: "));
  EXPECT_EQ(entries[0].envelope.recipients, std::vector<std::string>{"b@y.org"});

  // --flush does not send it (it does not even connect: the server is gone) but reports it.
  harness flush;
  EXPECT_EQ(flush.run(dead_server_args({"--flush", "--queue=" + q.string()})), ex_tempfail);
  EXPECT_THAT(flush.err.str(), HasSubstr(id + " is held ("));
  EXPECT_THAT(flush.err.str(), HasSubstr("it may already have been delivered"));
  EXPECT_THAT(flush.err.str(), HasSubstr("`inet mail --flush --release " + id + "`"));
  EXPECT_THAT(flush.err.str(), HasSubstr("0 message(s) sent, 0 kept, 1 held"));
  EXPECT_THAT(flush.err.str(), Not(HasSubstr("cannot connect")));
  ASSERT_EQ(list(q).size(), 1u);

  // Released by the user: sent once, removed.
  std::string data;
  mock_server srv(accepts("a@x.org", "b@y.org", &data));
  harness release;
  EXPECT_EQ(release.run(server_args(srv, {"--flush", "--queue=" + q.string(), "--release", id})),
            ex_ok)
      << release.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(release.err.str(), HasSubstr("released " + id));
  EXPECT_THAT(data, HasSubstr("Subject: hi"));
  EXPECT_TRUE(list(q).empty());
}

TEST(HeldE2E, ReleaseOfAnUnknownIdIsAnError) {
  const fs::path q = temp_dir("q-release-unknown");
  queue_one(q);
  harness h;
  EXPECT_EQ(h.run(dead_server_args({"--flush", "--queue=" + q.string(), "--release",
                                    "../../etc/passwd"})),
            ex_noinput);
  EXPECT_THAT(h.err.str(), HasSubstr("no message ../../etc/passwd in the queue"));
  EXPECT_EQ(list(q).size(), 1u);
}

TEST(HeldE2E, FlushHoldsAnUnconfirmedEntryAndGoesOn) {
  const fs::path q = temp_dir("q-flush-unconfirmed");
  queue_one(q);
  queue_one(q);
  const queue_entry first = list(q).at(0);  // flushed first (ids sort in queue order)
  mock_server srv(std::move(takes_message_then_dies("a@x.org", "b@y.org")
                                .accept_next()
                                .send("220 mock ESMTP\r\n").expect("EHLO client.example")
                                .send("250 mock\r\n")
                                .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                                .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                                .expect("DATA").send("354 go\r\n")
                                .expect_until(".").send("250 ok\r\n")
                                .expect("QUIT").send("221 bye\r\n").close()));
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--flush", "--queue=" + q.string()})), ex_tempfail);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(h.err.str(), HasSubstr(first.id + ": the server may have accepted it; held"));
  EXPECT_THAT(h.err.str(), HasSubstr("1 message(s) sent, 0 kept, 1 held"));
  const auto left = list(q);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, first.id);
  EXPECT_THAT(left[0].envelope.held, HasSubstr("delivery unconfirmed"));
  // The next flush leaves it alone.
  harness again;
  EXPECT_EQ(again.run(dead_server_args({"--flush", "--queue=" + q.string()})), ex_tempfail);
  EXPECT_THAT(again.err.str(), HasSubstr(first.id + " is held"));
  EXPECT_EQ(list(q).size(), 1u);
}

// With PIPELINING the flush keeps one group in flight (smtp::client::send_batch): entry 1's "."
// and entry 2's MAIL/RCPT/DATA share a write. The connection dies after entry 2's "." and entry
// 3's group: 1 is sent, 2 may have arrived (held, not resent), 3 never got its content (kept).
TEST(HeldE2E, PipelinedFlushHoldsOnlyTheUnconfirmedEntry) {
  const fs::path q = temp_dir("q-flush-pipelined");
  queue_one(q);
  queue_one(q);
  queue_one(q);
  const auto entries = list(q);  // flushed in this order
  const std::string group = "MAIL FROM:<a@x.org>\r\nRCPT TO:<b@y.org>\r\nDATA\r\n";
  std::string second_write;
  mock_server srv(std::move(script()
                                .send("220 mock ESMTP\r\n").expect("EHLO client.example")
                                .send("250-mock\r\n250 PIPELINING\r\n")
                                .expect("MAIL FROM:<a@x.org>").expect("RCPT TO:<b@y.org>")
                                .expect("DATA").send("250 ok\r\n250 ok\r\n354 go\r\n")
                                .run([&](inet::test::connection_ctl& c) {
                                  // entry 1's content and ".", then entry 2's group
                                  const std::string want =
                                      "Subject: queued\r\n\r\nhello\r\n.\r\n" + group;
                                  while (second_write.size() < want.size()) {
                                    const std::string more = c.read_some();
                                    if (more.empty()) c.fail("EOF");
                                    second_write += more;
                                  }
                                })
                                .send("250 queued\r\n250 ok\r\n250 ok\r\n354 go\r\n")
                                .expect_until(".")
                                .expect("MAIL FROM:<a@x.org>").expect("RCPT TO:<b@y.org>")
                                .expect("DATA").close()));
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--flush", "--queue=" + q.string()})), ex_tempfail);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(second_write, "Subject: queued\r\n\r\nhello\r\n.\r\n" + group);
  EXPECT_THAT(h.err.str(), HasSubstr(entries[1].id + ": the server may have accepted it; held"));
  EXPECT_THAT(h.err.str(), HasSubstr(entries[2].id + ": "));
  EXPECT_THAT(h.err.str(), HasSubstr("kept in the queue"));
  EXPECT_THAT(h.err.str(), HasSubstr("1 message(s) sent, 1 kept, 1 held"));
  const auto left = list(q);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].id, entries[1].id);
  EXPECT_THAT(left[0].envelope.held, HasSubstr("delivery unconfirmed"));
  EXPECT_EQ(left[1].id, entries[2].id);
  EXPECT_EQ(left[1].envelope.held, "");  // released: the next flush sends it
}

TEST(HeldE2E, EntryInterruptedWhileSendingIsHeldNotResent) {
  const fs::path q = temp_dir("q-interrupted");
  // What a killed `inet mail` leaves: a committed entry marked as being sent, no lock.
  const queue_entry e = queue_one(q, held_marker("sending (inet mail pid 99999)"));
  harness h;
  EXPECT_EQ(h.run(dead_server_args({"--flush", "--queue=" + q.string()})), ex_tempfail);
  EXPECT_THAT(h.err.str(), HasSubstr(e.id + " was being sent when inet mail stopped"));
  EXPECT_THAT(h.err.str(), HasSubstr("--release " + e.id));
  EXPECT_EQ(list(q).size(), 1u);
}

TEST(HeldE2E, EntryBeingSentByAnotherProcessIsLeftAlone) {
  const fs::path q = temp_dir("q-in-use");
  spool_file spool(q);  // a live `inet mail` holds the lock of its entry while sending
  spool.append("Subject: in flight\r\n\r\nx\r\n");
  const queue_entry e =
      spool.commit({"a@x.org", {"b@y.org"}, held_marker("sending (inet mail pid 1)")});
  harness h;
  EXPECT_EQ(h.run(dead_server_args({"--flush", "--queue=" + q.string()})), ex_ok);
  EXPECT_THAT(h.err.str(), Not(HasSubstr(e.id)));
  harness release;
  EXPECT_EQ(release.run(dead_server_args({"--flush", "--queue=" + q.string(), "--release", e.id})),
            ex_tempfail);
  EXPECT_THAT(release.err.str(), HasSubstr(e.id + " is being sent right now; not released"));
  EXPECT_FALSE(list(q).at(0).envelope.held.empty());
}

TEST(HeldE2E, SendModeSpoolIsCommittedAndHeldBeforeConnecting) {
  const fs::path q = temp_dir("q-durable");
  std::vector<queue_entry> seen;
  mock_server srv(std::move(greet()
                                .run([&](inet::test::connection_ctl&) { seen = list(q); })
                                .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                                .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                                .expect("DATA").send("354 go\r\n")
                                .expect_until(".").send("250 ok\r\n")
                                .expect("QUIT").send("221 bye\r\n").close()));
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--queue=" + q.string(), "-f", "a@x.org", "b@y.org"})), ex_ok)
      << h.err.str();
  ASSERT_TRUE(srv.wait_done());
  EXPECT_SCRIPT_OK(srv);
  // While the session ran, the message was a complete, held queue entry (a crash then leaves
  // it for --flush to report, never a lost .tmp file nor a blind resend).
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_THAT(seen[0].envelope.held, HasSubstr(" sending (inet mail pid "));
  EXPECT_EQ(seen[0].envelope.recipients, std::vector<std::string>{"b@y.org"});
  EXPECT_TRUE(list(q).empty());  // removed after the 250
  EXPECT_EQ(h.err.str(), "");
}

TEST(HeldE2E, FlushRemoveFailureAfterSendIsReportedAndNotResent) {
  const fs::path q = temp_dir("q-remove-fails");
  const queue_entry e = queue_one(q);
  // After the message went out, its .eml becomes a directory: unlink() then fails (EISDIR).
  mock_server srv(std::move(greet()
                                .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                                .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                                .expect("DATA").send("354 go\r\n")
                                .expect_until(".")
                                .run([&](inet::test::connection_ctl&) {
                                  fs::remove(e.message_path);
                                  fs::create_directory(e.message_path);
                                })
                                .send("250 ok\r\n")
                                .expect("QUIT").send("221 bye\r\n").close()));
  harness h;
  EXPECT_NE(h.run(server_args(srv, {"--flush", "--queue=" + q.string()})), ex_ok);
  EXPECT_SCRIPT_OK(srv);  // includes the QUIT: a clean stop
  EXPECT_THAT(h.err.str(), HasSubstr(e.id + ": sent, but removing it from the queue failed; "
                                            "it stays held and will not be sent again"));
  EXPECT_THAT(h.err.str(), HasSubstr("stopping the flush"));
  // Not resent by the next flush.
  harness again;
  EXPECT_EQ(again.run(dead_server_args({"--flush", "--queue=" + q.string()})), ex_tempfail);
  EXPECT_THAT(again.err.str(), HasSubstr(e.id + " was being sent when inet mail stopped"));
  EXPECT_THAT(again.err.str(), Not(HasSubstr("cannot connect")));
}

TEST(HeldE2E, QueueFailureAfterPartialSendIsNotReportedAsNotSent) {
  const fs::path q = temp_dir("q-commit-fails");
  // After the message went out, the entry's .env becomes a directory: recording the
  // temporarily refused recipient fails (rename onto a directory).
  mock_server srv(std::move(greet()
                                .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                                .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                                .expect("RCPT TO:<later@y.org>").send("450 4.2.1 busy\r\n")
                                .expect("DATA").send("354 go\r\n")
                                .expect_until(".")
                                .run([&](inet::test::connection_ctl&) {
                                  for (const auto& e : list(q)) {
                                    fs::remove(e.envelope_path);
                                    fs::create_directory(e.envelope_path);
                                  }
                                })
                                .send("250 ok\r\n")
                                .expect("QUIT").send("221 bye\r\n").close()));
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--queue=" + q.string(), "-f", "a@x.org", "b@y.org",
                                    "later@y.org"})),
            ex_tempfail);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(h.err.str(), HasSubstr("sent to the other 1 recipient(s)"));
  EXPECT_THAT(h.err.str(), HasSubstr("queueing the message for the 1 temporarily refused "
                                     "recipient(s) failed"));
  EXPECT_THAT(h.err.str(), HasSubstr("do not release it"));
  EXPECT_THAT(h.err.str(), Not(HasSubstr("not sent")));
}

TEST(HeldE2E, StaleSpoolFilesAreReportedAndKept) {
  const fs::path q = temp_dir("q-stale");
  const fs::path stale = q / ".tmp-0123456789abcdef";
  std::ofstream(stale) << "Subject: lost?\r\n\r\nx\r\n";
  const struct timeval old[2] = {{std::time(nullptr) - 7200, 0}, {std::time(nullptr) - 7200, 0}};
  ASSERT_EQ(::utimes(stale.c_str(), old), 0);
  harness h;
  EXPECT_EQ(h.run(dead_server_args({"--flush", "--queue=" + q.string()})), ex_ok);
  EXPECT_THAT(h.err.str(), HasSubstr("orphaned spool file " + stale.string() + " (120 min old; "
                                     "from a crash?)"));
  EXPECT_TRUE(fs::exists(stale));
}

TEST(HeldE2E, ServerTextInErrorsIsEscapedAndBounded) {
  const std::string evil = "550 5.7.1 \x1b]52;c;aGk=\x07 \x1b[2J denied " + std::string(3000, 'x') +
                           "\xc2\x9b" "31m\r\n";
  mock_server srv(greet().expect("MAIL FROM:<a@x.org>").send(evil)
                      .expect("RSET").send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"-f", "a@x.org", "b@y.org"})), ex_unavailable);
  EXPECT_SCRIPT_OK(srv);
  const std::string err = h.err.str();
  EXPECT_EQ(err.find('\x1b'), std::string::npos) << err;
  EXPECT_EQ(err.find('\x07'), std::string::npos);
  EXPECT_THAT(err, HasSubstr("\\x1b]52;c;aGk=\\x07"));
  EXPECT_LT(err.size(), 700u);
  EXPECT_THAT(err, HasSubstr("...; the message was not sent"));
}

}  // namespace
}  // namespace inet::mail
