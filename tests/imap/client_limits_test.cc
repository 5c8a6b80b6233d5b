// The IMAP client's bounds across a whole command (client_options::per_command), the IDLE
// timer racing a response, and state that must not survive a reconnect. Found in review.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <mutex>
#include <thread>

#include "protocols/imap/client.hpp"
#include "tests/imap/mock_session.hpp"
#include "transport/blocking.hpp"
#include "transport/trace.hpp"

namespace inet::imap {
namespace {

using ::testing::ElementsAre;
using test::code_of;
using test::greeting;
using test::mock;
using test::mock_server;
using test::options_for;
using test::selected_session;

const std::error_code too_large = make_error_code(error::response_too_large);
const std::error_code untrusted = make_error_code(error::connection_untrusted);

std::string fetch_with_body(std::size_t bytes) {
  return "* 1 FETCH (BODY[] {" + std::to_string(bytes) + "}\r\n" + std::string(bytes, 'x') + ")\r\n";
}

// Mailbox management (RFC 3501 §6.3.3-6.3.9, RFC 3691): the exact commands, names as atoms or
// quoted strings (modified UTF-7 without UTF8=ACCEPT), LSUB results, CLOSE/UNSELECT leaving the
// selected state, UNSELECT and BINARY refused locally without their capability.
TEST(ImapMailboxes, ManagementCommandsOnTheWire) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 UNSELECT] ready\r\n")
                      .expect("A1 CREATE Entw&APw-rfe")
                      .send("A1 OK\r\n")
                      .expect("A2 RENAME Entw&APw-rfe \"a b\"")
                      .send("A2 OK\r\n")
                      .expect("A3 SUBSCRIBE \"a b\"")
                      .send("A3 OK\r\n")
                      .expect("A4 LSUB \"\" *")
                      .send("* LSUB () \"/\" \"a b\"\r\n* LIST () \"/\" other\r\nA4 OK\r\n")
                      .expect("A5 UNSUBSCRIBE \"a b\"")
                      .send("A5 OK\r\n")
                      .expect("A6 DELETE \"a b\"")
                      .send("A6 NO [NONEXISTENT] no such mailbox\r\n")
                      .expect("A7 SELECT INBOX")
                      .send("* 1 EXISTS\r\nA7 OK [READ-WRITE] selected\r\n")
                      .expect("A8 CLOSE")
                      .send("A8 OK\r\n")
                      .expect("A9 SELECT INBOX")
                      .send("* 1 EXISTS\r\nA9 OK [READ-WRITE] selected\r\n")
                      .expect("A10 UNSELECT")
                      .send("A10 OK\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.create("Entwürfe");
  c.rename("Entwürfe", "a b");
  c.subscribe("a b");
  const auto subscribed = c.lsub("", "*");
  ASSERT_EQ(subscribed.size(), 1u);
  EXPECT_EQ(subscribed[0].mailbox, "a b");
  c.unsubscribe("a b");
  try {
    c.delete_mailbox("a b");
    ADD_FAILURE() << "DELETE refused by the server must throw";
  } catch (const imap_exception& e) {
    EXPECT_TRUE(e.response().has_code("NONEXISTENT"));
  }
  c.select("INBOX");
  c.close_mailbox();
  EXPECT_FALSE(c.selected());
  EXPECT_EQ(code_of([&] { c.close_mailbox(); }), make_error_code(error::no_mailbox_selected));
  c.select("INBOX");
  fetch_items binary;
  section_spec part;
  part.binary = true;
  part.section = "1";
  binary.sections.push_back(part);
  EXPECT_EQ(code_of([&] { c.fetch(1, binary); }), make_error_code(error::capability_missing));
  c.unselect();
  EXPECT_FALSE(c.selected());
  EXPECT_SCRIPT_OK(srv);
}

// An endless response line (no LF ever: 8 MiB of 'x' after "* OK ") is refused once it passes
// limits.max_line_bytes, with transport::error::line_too_long, never buffered whole; the
// connection is not trusted afterwards.
TEST(ImapCommandLimits, EndlessLineIsLineTooLong) {
  mock_server srv(selected_session()
                      .expect("A2 NOOP")
                      .send("* OK ")
                      .send_repeated(std::string(64 * 1024, 'x'), 128)
                      .send("\r\nA2 OK done\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.limits.max_line_bytes = 16 * 1024;
  c.connect(o);
  c.select("INBOX");
  EXPECT_EQ(code_of([&] { c.noop(); }), make_error_code(transport::error::line_too_long));
  EXPECT_EQ(code_of([&] { c.noop(); }), untrusted);
}

// Every section is "ours" (message 1 was asked for) and under max_section_bytes: only the
// per-command budget can stop the client keeping them all.
TEST(ImapCommandLimits, EndlessKeptFetchSectionsAreBounded) {
  mock_server srv(selected_session()
                      .expect("A2 FETCH 1 (UID BODY.PEEK[])")
                      .send_repeated(fetch_with_body(1024), 200)
                      .send("A2 OK done\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.per_command.max_bytes = 64 * 1024;
  c.connect(o);
  c.select("INBOX");
  fetch_items items;
  items.sections.push_back({});
  EXPECT_EQ(code_of([&] { c.fetch(1, items); }), too_large);
  EXPECT_EQ(code_of([&] { c.noop(); }), untrusted);
}

TEST(ImapCommandLimits, EndlessStreamedSectionsAreBoundedByBytesDelivered) {
  mock_server srv(selected_session()
                      .expect("A2 FETCH 1 (UID BODY.PEEK[])")
                      .send_repeated(fetch_with_body(1024), 100)
                      .send("A2 OK done\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.per_command.max_streamed_bytes = 16 * 1024;
  c.connect(o);
  c.select("INBOX");
  fetch_items items;
  items.sections.push_back({});
  fetch_options fo;
  std::uint64_t delivered = 0;
  fo.sink = [&](const section_ref&, std::string_view chunk) { delivered += chunk.size(); };
  EXPECT_EQ(code_of([&] { c.fetch(1, items, fo); }), too_large);
  EXPECT_EQ(delivered, 16u * 1024);  // sections up to the budget, none beyond
  EXPECT_EQ(code_of([&] { c.noop(); }), untrusted);
}

TEST(ImapCommandLimits, EndlessSearchExpungeAndListResponsesAreBounded) {
  struct hostile {
    const char* command;
    std::string line;
    std::function<void(blocking_client&)> call;
  };
  const std::vector<hostile> cases = {
      {"A2 SEARCH ALL", "* SEARCH 1 2 3 4 5 6 7 8\r\n", [](blocking_client& c) { c.search(search_key::all()); }},
      {"A2 EXPUNGE", "* 1 EXPUNGE\r\n", [](blocking_client& c) { c.expunge(); }},
      {"A2 LIST \"\" *", "* LIST () \"/\" INBOX\r\n", [](blocking_client& c) { c.list("", "*"); }},
      {"A2 NOOP", "* 1 RECENT\r\n", [](blocking_client& c) { c.noop(); }},
  };
  for (const auto& h : cases) {
    mock_server srv(mock()
                        .send("* OK [CAPABILITY IMAP4rev1] hi\r\n")
                        .expect("A1 SELECT INBOX")
                        .send("* 3 EXISTS\r\nA1 OK selected\r\n")
                        .expect(h.command)
                        .send_repeated(h.line, 500)
                        .send("A2 OK done\r\n"));
    blocking_client c;
    auto o = options_for(srv);
    o.per_command.max_responses = 100;
    c.connect(o);
    c.select("INBOX");
    EXPECT_EQ(code_of([&] { h.call(c); }), too_large) << h.command;
    EXPECT_EQ(code_of([&] { c.noop(); }), untrusted) << h.command;
  }
}

TEST(ImapCommandLimits, TheBudgetIsPerCommand) {
  mock_server srv(selected_session()
                      .expect("A2 NOOP")
                      .send("* 1 RECENT\r\n* 2 RECENT\r\n* 3 RECENT\r\nA2 OK\r\n")
                      .expect("A3 NOOP")
                      .send("* 4 RECENT\r\n* 5 RECENT\r\n* 6 RECENT\r\nA3 OK\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.per_command.max_responses = 7;  // SELECT reads 7 responses (its tagged OK too); each NOOP 4
  c.connect(o);
  c.select("INBOX");
  EXPECT_EQ(c.noop().size(), 3u);
  EXPECT_EQ(c.noop().size(), 3u);
  EXPECT_SCRIPT_OK(srv);
}

// A trace sink that runs `on_line` for each received line containing `needle`.
class hook_sink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  hook_sink(std::string needle, std::function<void()> on_line)
      : needle_(std::move(needle)), on_line_(std::move(on_line)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (std::string_view(msg.payload.data(), msg.payload.size()).find(needle_) != std::string_view::npos)
      on_line_();
  }
  void flush_() override {}

 private:
  std::string needle_;
  std::function<void()> on_line_;
};

// The race from the review: the IDLE timer fires after a read completed but before the loop
// started the next read, so its cancel hits nothing. Reproduced deterministically: the trace
// hook runs right after "* 4 EXISTS" was read and lets the (already expired) timer's handler
// run then. The client must still end IDLE at once (no 30 s watchdog, no closed connection).
TEST(ImapIdle, TimerFiringBetweenReadsStillEndsIdleCleanly) {
  mock_server srv(selected_session()
                      .expect("A2 IDLE")
                      .send("+ idling\r\n* 4 EXISTS\r\n")
                      .expect("DONE")
                      .send("A2 OK IDLE terminated\r\n")
                      .expect("A3 NOOP")
                      .send("A3 OK\r\n"));
  boost::asio::io_context io;
  client c(io.get_executor());
  transport::run_blocking(io, c.connect(options_for(srv)));
  transport::run_blocking(io, c.select("INBOX"));

  bool hooked = false;
  auto sink = std::make_shared<hook_sink>("4 EXISTS", [&] {
    if (hooked) return;
    hooked = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the 0 ms timer is due
    io.poll();  // runs its handler now: the read it would cancel has already completed
  });
  auto logger = std::make_shared<spdlog::logger>(transport::trace_logger_name, sink);
  logger->set_level(spdlog::level::debug);
  spdlog::register_logger(logger);
  struct unregister {
    ~unregister() { spdlog::drop(transport::trace_logger_name); }
  } guard;

  auto seen = transport::run_blocking(io, c.idle(std::chrono::milliseconds(0), false));
  EXPECT_TRUE(hooked);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(std::get<count_data>(seen[0]).count, 4u);
  transport::run_blocking(io, c.noop());  // still in step
  EXPECT_EQ(c.selected()->exists, 4u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapReconnect, NothingSurvivesFromThePreviousConnection) {
  mock_server first(mock()
                        .send("* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT] hi\r\n")
                        .expect("A1 ENABLE UTF8=ACCEPT")
                        .send("* ENABLED UTF8=ACCEPT\r\nA1 OK\r\n")
                        .expect("A2 SELECT INBOX")
                        .send("* 2 EXISTS\r\nA2 OK [READ-WRITE] selected\r\n")
                        .expect("A3 NOOP")
                        .send("* BYE going away\r\nA3 OK\r\n"));
  mock_server second(mock()
                         .send("* OK [CAPABILITY IMAP4rev1] hi\r\n")
                         .expect("A1 CREATE Entw&APw-rfe")
                         .send("A1 OK created\r\n")
                         .expect("A2 NOOP")
                         .close());
  blocking_client c;
  auto o = options_for(first);
  o.enable_utf8 = true;
  c.connect(o);
  ASSERT_TRUE(c.async().utf8_enabled());
  c.select("INBOX");
  c.noop();
  ASSERT_TRUE(c.selected());

  c.connect(options_for(second));
  EXPECT_FALSE(c.async().utf8_enabled());
  EXPECT_FALSE(c.selected());
  EXPECT_THAT(c.capabilities(), ElementsAre("IMAP4rev1"));
  EXPECT_EQ(c.authenticated_with(), "");
  c.create("Entw\xC3\xBCrfe");  // modified UTF-7 (RFC 3501 §5.1.3), tag A1 again
  // The first server's BYE is forgotten: this EOF is not reported as server_bye.
  EXPECT_EQ(code_of([&] { c.noop(); }), transport::make_error_code(transport::error::unexpected_eof));
  EXPECT_SCRIPT_OK(first);
  EXPECT_SCRIPT_OK(second);
}

TEST(ImapReconnect, AViolationDoesNotPoisonTheNextConnection) {
  mock_server first(selected_session().expect("A2 NOOP").send("A9 OK what?\r\n"));
  mock_server second(mock().send(greeting).expect("A1 NOOP").send("A1 OK\r\n"));
  blocking_client c;
  c.connect(options_for(first));
  c.select("INBOX");
  EXPECT_EQ(code_of([&] { c.noop(); }), make_error_code(error::unexpected_tag));
  EXPECT_EQ(code_of([&] { c.noop(); }), untrusted);
  c.connect(options_for(second));
  c.noop();
  EXPECT_SCRIPT_OK(second);
}

}  // namespace
}  // namespace inet::imap
