// send_batch(): several messages on one connection with one pipelined group in flight
// (RFC 2920 §3.1): the last of a message's content and its "." lead the next message's MAIL,
// RCPT… and DATA in one write, and each message gets the outcome send() would give it.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;

// A batch of one-recipient messages ("alice" -> each `to`, content `bodies[i]`) recording every
// outcome and how often next() was called.
class recorded_batch final : public message_batch {
 public:
  recorded_batch(std::vector<std::string> to, std::vector<std::string> bodies)
      : results(to.size()), failures(to.size()), to_(std::move(to)), bodies_(std::move(bodies)) {}

  bool next(batch_message& out) override {
    ++next_calls;
    if (pos_ == to_.size()) return false;
    out.env = simple_envelope("alice@example.test", to_[pos_]);
    sources_.push_back(std::make_unique<memory_source>(bodies_[pos_]));
    out.message = sources_.back().get();
    ++pos_;
    return true;
  }
  void done(std::size_t i, send_result* r, std::exception_ptr f) override {
    ASSERT_LT(i, results.size());
    EXPECT_FALSE(results[i] || failures[i]) << "message " << i << " reported twice";
    if (r) results[i] = *r;
    failures[i] = f;
    order.push_back(i);
  }
  // The error code of message i's failure (an empty code if it has none).
  std::error_code code(std::size_t i) const {
    if (!failures[i]) return {};
    try {
      std::rethrow_exception(failures[i]);
    } catch (const std::system_error& e) {
      return e.code();
    } catch (...) {
      return make_error_code(std::errc::invalid_argument);
    }
  }
  int reply_code(std::size_t i) const {
    try {
      std::rethrow_exception(failures[i]);
    } catch (const smtp_exception& e) {
      return e.server_reply().code;
    } catch (...) {
      return 0;
    }
  }

  std::vector<std::optional<send_result>> results;
  std::vector<std::exception_ptr> failures;
  std::vector<std::size_t> order;
  int next_calls = 0;

 private:
  std::vector<std::string> to_, bodies_;
  std::vector<std::unique_ptr<memory_source>> sources_;
  std::size_t pos_ = 0;
};

std::string group(const std::string& to) {
  return "MAIL FROM:<alice@example.test>\r\nRCPT TO:<" + to + ">\r\nDATA\r\n";
}

// Reads exactly `want` and records the first segment (one write of the client's on loopback).
mock::script& read_segment(mock::script& s, const std::string& want, std::string* first) {
  return s.run([want, first](mock::connection_ctl& c) {
    *first = c.read_some();
    std::string all = *first;
    while (all.size() < want.size()) {
      const std::string more = c.read_some();
      if (more.empty()) c.fail("EOF inside the group");
      all += more;
    }
    if (all != want) c.fail("unexpected bytes: " + all);
  });
}

TEST(SmtpBatch, DotAndTheNextGroupGoInOneWrite) {
  std::string seg2, seg3;
  mock::script s = greet_ehlo({"PIPELINING"});
  s.expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<bob@example.test>").expect("DATA")
      .send("250 ok\r\n250 ok\r\n354 go\r\n");
  read_segment(s, "one\r\n.\r\n" + group("carol@example.test"), &seg2)
      .send("250 2.0.0 Ok: queued as AAA\r\n250 ok\r\n250 ok\r\n354 go\r\n");
  read_segment(s, "two\r\n.\r\n" + group("dave@example.test"), &seg3)
      .send("250 2.0.0 Ok: queued as BBB\r\n250 ok\r\n250 ok\r\n354 go\r\n")
      .expect("three").expect(".").send("250 2.0.0 Ok: queued as CCC\r\n")
      .expect("QUIT").send("221 bye\r\n");
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(options_for(srv));
  recorded_batch b({"bob@example.test", "carol@example.test", "dave@example.test"},
                   {"one\r\n", "two\r\n", "three\r\n"});
  c.send_batch(b);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(seg2, "one\r\n.\r\n" + group("carol@example.test"));
  EXPECT_EQ(seg3, "two\r\n.\r\n" + group("dave@example.test"));
  ASSERT_TRUE(b.results[0] && b.results[1] && b.results[2]);
  EXPECT_EQ(b.results[0]->final_reply.text(), "2.0.0 Ok: queued as AAA");
  EXPECT_EQ(b.results[1]->final_reply.text(), "2.0.0 Ok: queued as BBB");
  EXPECT_EQ(b.results[2]->final_reply.text(), "2.0.0 Ok: queued as CCC");
  EXPECT_EQ(b.results[1]->recipients.at(0).address, "carol@example.test");
  EXPECT_TRUE(b.results[1]->recipients.at(0).accepted);
  EXPECT_EQ(b.results[2]->message_bytes, 7u);
  EXPECT_EQ(b.order, (std::vector<std::size_t>{0, 1, 2}));
}

// Message 2's only RCPT refused and its DATA answered 554 (RFC 2920 §3.1): it fails with
// no_recipients_accepted, none of its content is sent, and RSET leads message 3's group.
TEST(SmtpBatch, RcptRefusedForTheSecondOfThree) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<bob@example.test>")
                      .expect("DATA").send("250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("one").expect(".")
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<nobody@example.test>")
                      .expect("DATA")
                      .send("250 queued as A\r\n250 ok\r\n550 5.1.1 no such user\r\n"
                            "554 5.5.1 no valid recipients\r\n")
                      .expect("RSET")
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<dave@example.test>")
                      .expect("DATA").send("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("three").expect(".").send("250 queued as C\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  recorded_batch b({"bob@example.test", "nobody@example.test", "dave@example.test"},
                   {"one\r\n", "two\r\n", "three\r\n"});
  c.send_batch(b);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\n" + group("bob@example.test") + "one\r\n.\r\n" +
                                group("nobody@example.test") + "RSET\r\n" +
                                group("dave@example.test") + "three\r\n.\r\n");
  ASSERT_TRUE(b.results[0] && b.results[2]);
  EXPECT_FALSE(b.results[1]);
  EXPECT_EQ(b.code(1), error::no_recipients_accepted);
  EXPECT_EQ(b.reply_code(1), 550);
  EXPECT_EQ(b.results[2]->final_reply.text(), "queued as C");
}

// A server that still answers message 2's DATA with 354 gets a lone "." (never the content),
// which leads message 3's group.
TEST(SmtpBatch, RcptRefusedButData354EndsWithALoneDot) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<nobody@example.test>")
                      .expect("DATA").send("250 ok\r\n550 no\r\n354 go\r\n")
                      .expect(".")
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<dave@example.test>")
                      .expect("DATA")
                      .send("554 5.5.1 no valid recipients\r\n250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("three").expect(".").send("250 queued\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  recorded_batch b({"nobody@example.test", "dave@example.test"}, {"secret\r\n", "three\r\n"});
  c.send_batch(b);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received().find("secret"), std::string::npos);
  EXPECT_EQ(b.code(0), error::no_recipients_accepted);
  ASSERT_TRUE(b.results[1]);
}

// 554 on message 1's "." fails only message 1; message 2, already in flight, is delivered.
TEST(SmtpBatch, Dot554FailsOnlyThatMessage) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<bob@example.test>")
                      .expect("DATA").send("250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("one").expect(".")
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<carol@example.test>")
                      .expect("DATA")
                      .send("554 5.7.1 rejected: spam\r\n250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("two").expect(".").send("250 queued as B\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  recorded_batch b({"bob@example.test", "carol@example.test"}, {"one\r\n", "two\r\n"});
  c.send_batch(b);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_FALSE(b.results[0]);
  EXPECT_EQ(b.code(0), error::permanent_failure);
  EXPECT_EQ(b.reply_code(0), 554);
  ASSERT_TRUE(b.results[1]);
  EXPECT_EQ(b.results[1]->final_reply.text(), "queued as B");
}

// 451 on message 1's "." is transient for message 1 only.
TEST(SmtpBatch, Dot451IsTransientForThatMessage) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<bob@example.test>")
                      .expect("DATA").send("250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("one").expect(".")
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<carol@example.test>")
                      .expect("DATA")
                      .send("451 4.3.0 try later\r\n250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("two").expect(".").send("250 queued\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  recorded_batch b({"bob@example.test", "carol@example.test"}, {"one\r\n", "two\r\n"});
  c.send_batch(b);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(b.code(0), error::transient_failure);
  EXPECT_TRUE(b.results[1]);
}

// The connection drops after message 1's "." and message 2's group: message 1 may have been
// accepted (delivery_unconfirmed), messages 2 (no content went) and 3 (taken ahead, nothing
// written) were not, message 4 is never taken, and the batch fails.
TEST(SmtpBatch, ConnectionDroppedMidBatch) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<bob@example.test>")
                      .expect("DATA").send("250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("one").expect(".")
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<carol@example.test>")
                      .expect("DATA")
                      .close());
  blocking_client c;
  c.connect(options_for(srv));
  recorded_batch b({"bob@example.test", "carol@example.test", "dave@example.test", "eve@example.test"},
                   {"one\r\n", "two\r\n", "three\r\n", "four\r\n"});
  transport::async_error_code ec;
  c.send_batch(b, ec);
  EXPECT_TRUE(ec);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(b.code(0), error::delivery_unconfirmed);
  ASSERT_TRUE(b.failures[1] && b.failures[2]);
  EXPECT_NE(b.code(1), error::delivery_unconfirmed);
  EXPECT_EQ(b.code(2), error::not_connected);
  EXPECT_FALSE(b.results[3] || b.failures[3]);
  EXPECT_EQ(b.next_calls, 3);
  EXPECT_EQ(srv.received().find("dave"), std::string::npos);
  memory_source more("x\r\n");
  EXPECT_THROW(c.send(simple_envelope(), more), std::system_error);  // not connected
}

// Without PIPELINING each message goes through send(): one command per write, in step.
TEST(SmtpBatch, ServerWithoutPipeliningGetsOneByOne) {
  mock_server srv(greet_ehlo({"8BITMIME"})
                      .expect("MAIL FROM:<alice@example.test>").send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect("one").expect(".").send("250 queued as A\r\n")
                      .expect("MAIL FROM:<alice@example.test>").send("250 ok\r\n")
                      .expect("RCPT TO:<nobody@example.test>").send("550 no\r\n")
                      .expect("RSET").send("250 ok\r\n")
                      .expect("MAIL FROM:<alice@example.test>").send("250 ok\r\n")
                      .expect("RCPT TO:<carol@example.test>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect("three").expect(".").send("250 queued as C\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  recorded_batch b({"bob@example.test", "nobody@example.test", "carol@example.test"},
                   {"one\r\n", "two\r\n", "three\r\n"});
  c.send_batch(b);
  EXPECT_SCRIPT_OK(srv);
  ASSERT_TRUE(b.results[0] && b.results[2]);
  EXPECT_EQ(b.results[0]->final_reply.text(), "queued as A");
  EXPECT_EQ(b.code(1), error::no_recipients_accepted);
  EXPECT_EQ(b.results[2]->final_reply.text(), "queued as C");
}

// A message refused before anything is written (a NUL in its first read) is reported at once
// and the batch carries on; the previous "." then leads the next valid group.
TEST(SmtpBatch, InvalidMessageIsSkippedWithNothingSent) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<bob@example.test>")
                      .expect("DATA").send("250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("one").expect(".")
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<dave@example.test>")
                      .expect("DATA")
                      .send("250 queued as A\r\n250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("three").expect(".").send("250 queued as C\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  recorded_batch b({"bob@example.test", "carol@example.test", "dave@example.test"},
                   {"one\r\n", std::string("t\0o\r\n", 5), "three\r\n"});
  c.send_batch(b);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(b.code(1), error::invalid_message);
  EXPECT_TRUE(b.results[0] && b.results[2]);
  EXPECT_EQ(srv.received().find("carol"), std::string::npos);
}

// 421 on message 1's "." closes the connection: messages 1 and 2 (in flight) fail with
// service_unavailable, message 3 (taken ahead, nothing written) with not_connected.
TEST(SmtpBatch, Dot421FailsTheMessagesInFlight) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<bob@example.test>")
                      .expect("DATA").send("250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("one").expect(".")
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<carol@example.test>")
                      .expect("DATA")
                      .send("421 4.3.2 shutting down\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  recorded_batch b({"bob@example.test", "carol@example.test", "dave@example.test"},
                   {"one\r\n", "two\r\n", "three\r\n"});
  transport::async_error_code ec;
  c.send_batch(b, ec);
  EXPECT_EQ(ec, error::service_unavailable);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(b.code(0), error::service_unavailable);
  EXPECT_EQ(b.code(1), error::service_unavailable);
  EXPECT_EQ(b.code(2), error::not_connected);  // taken ahead, never written
  EXPECT_EQ(b.next_calls, 3);
}

// The completion-token form: async_send_batch(batch, callback) on the caller's io_context.
TEST(SmtpBatch, AsyncSendBatchCompletesWithEveryOutcome) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<bob@example.test>")
                      .expect("DATA").send("250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("one").expect(".")
                      .expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<carol@example.test>")
                      .expect("DATA").send("250 queued as A\r\n250 ok\r\n250 ok\r\n354 go\r\n")
                      .expect("two").expect(".").send("250 queued as B\r\n"));
  boost::asio::io_context io;
  client c(io.get_executor());
  recorded_batch b({"bob@example.test", "carol@example.test"}, {"one\r\n", "two\r\n"});
  std::vector<std::string> events;
  c.async_connect(options_for(srv), [&](transport::async_error_code ec) {
    events.push_back("connect:" + ec.message());
    c.async_send_batch(b, [&](transport::async_error_code ec) {
      events.push_back("batch:" + ec.message() + ":" + std::to_string(b.order.size()));
    });
  });
  io.run();
  EXPECT_EQ(events, (std::vector<std::string>{"connect:Success", "batch:Success:2"}));
  EXPECT_SCRIPT_OK(srv);
  ASSERT_TRUE(b.results[0] && b.results[1]);
  EXPECT_EQ(b.results[1]->final_reply.text(), "queued as B");
}

}  // namespace
}  // namespace inet::smtp::testing
