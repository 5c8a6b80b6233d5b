// The completion-token front of imap::client (async_connect, async_select, async_fetch,
// async_idle ...) with every kind of token, errors as error_codes, cancellation of an IDLE
// through a bound cancellation slot, and blocking_client's error_code& overloads — against the
// scripted mock server (exact bytes on the wire).
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <thread>

#include "protocols/imap/client.hpp"
#include "tests/imap/mock_session.hpp"

namespace inet::imap::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using transport::async_error_code;

// The facade exposes what the async client exposes; the operations come from one table
// (INET_IMAP_OPERATIONS), so each async_ operation has its blocking twins.
static_assert(requires(blocking_client& b, const transport::timeouts& t, async_error_code& ec) {
  { b.is_tls() } -> std::same_as<bool>;
  { b.utf8_enabled() } -> std::same_as<bool>;
  { b.qresync_enabled() } -> std::same_as<bool>;
  { b.compression_active() } -> std::same_as<bool>;
  b.close();
  b.set_timeouts(t);
  { b.timeouts() } -> std::same_as<const transport::timeouts&>;
  { b.tls_details() } -> std::same_as<transport::tls_info>;
  { b.selected() } -> std::same_as<const std::optional<mailbox_info>&>;
  { b.has_capability("IDLE") } -> std::same_as<bool>;
  { b.last_failure() } -> std::same_as<const std::exception_ptr&>;
  { b.select("INBOX", ec) } -> std::same_as<mailbox_info>;
  { b.select("INBOX", true, ec) } -> std::same_as<mailbox_info>;
  { b.select("INBOX", select_options{}, ec) } -> std::same_as<mailbox_info>;
  { b.idle(1s, ec) } -> std::same_as<std::vector<response>>;
  { b.command("NOOP", ec) } -> std::same_as<command_result>;
  { b.fetch(sequence_set{}, fetch_items{}, fetch_options{}, ec) } -> std::same_as<std::vector<fetch_data>>;
  b.logout(ec);
});

TEST(ImapAsyncApi, CallbackUseAwaitableDeferredAndAsTuple) {
  mock_server srv(selected_session()
                      .expect("A2 NOOP")
                      .send("* 4 EXISTS\r\nA2 OK done\r\n")
                      .expect("A3 CREATE Archive")
                      .send("A3 OK created\r\n")
                      .expect("A4 UID FETCH 7 (UID FLAGS)")
                      .send("* 2 FETCH (UID 7 FLAGS (\\Seen))\r\nA4 OK fetched\r\n")
                      .expect("A5 LOGOUT")
                      .send("* BYE\r\nA5 OK bye\r\n"));
  asio::io_context io;
  client c(io.get_executor());
  std::vector<std::string> seen;
  c.async_connect(options_for(srv), [&](async_error_code ec) {
    ASSERT_FALSE(ec) << ec.message();
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          mailbox_info m = co_await c.async_select("INBOX", asio::use_awaitable);
          seen.push_back("exists " + std::to_string(m.exists));
          auto untagged = co_await c.async_noop(asio::use_awaitable);
          seen.push_back("noop " + std::to_string(untagged.size()));
          auto create = c.async_create("Archive", asio::deferred);  // nothing sent yet
          co_await std::move(create)(asio::use_awaitable);
          fetch_items items;
          items.flags = true;
          auto [ec, got] = co_await c.async_fetch(sequence_set(7), items,
                                                  fetch_options{.by_uid = true},
                                                  asio::as_tuple(asio::use_awaitable));
          seen.push_back("fetch " + std::to_string(got.size()) + " " + ec.message());
          co_await c.async_logout(asio::use_awaitable);
        },
        asio::detached);
  });
  io.run();
  EXPECT_EQ(seen, (std::vector<std::string>{"exists 3", "noop 1", "fetch 1 Success"}));
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapAsyncApi, UseFutureWithIoContextOnAnotherThreadAndTaggedNo) {
  mock_server srv(selected_session()
                      .expect("A2 SELECT Nope")
                      .send("A2 NO [NONEXISTENT] no such mailbox\r\n")
                      .expect("A3 LOGOUT")
                      .send("* BYE\r\nA3 OK bye\r\n"));
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  client c(io.get_executor());
  c.async_connect(options_for(srv), asio::use_future).get();
  EXPECT_EQ(c.async_select("INBOX", asio::use_future).get().uidvalidity, 77u);
  try {
    c.async_select("Nope", asio::use_future).get();
    ADD_FAILURE() << "NO did not fail";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), error::command_failed);
  }
  try {
    std::rethrow_exception(c.last_failure());
  } catch (const imap_exception& e) {
    EXPECT_TRUE(e.response().has_code("NONEXISTENT"));
  }
  c.async_logout(asio::use_future).get();
  guard.reset();
  runner.join();
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapAsyncApi, AuthFailureAndTlsRequiredArriveAsErrorCodes) {
  mock_server srv(mock()
                      .send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] hi\r\n")
                      .expect("A1 AUTHENTICATE PLAIN AGJvYgBwdw==")
                      .send("A1 NO [AUTHENTICATIONFAILED] nope\r\n")
                      .accept_next()
                      .send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n")
                      .expect_eof());
  asio::io_context io;
  client c(io.get_executor());
  auto o = options_for(srv);
  o.credentials.username = "bob";
  o.credentials.password = "pw";
  std::vector<async_error_code> got;
  c.async_connect(o, [&](async_error_code ec) {
    got.push_back(ec);
    auto strict = o;
    strict.policy.reset();  // a password: TLS required, and the server has no STARTTLS
    c.async_connect(strict, [&](async_error_code ec) {
      got.push_back(ec);
      c.close();
    });
  });
  io.run();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], error::auth_failed);
  EXPECT_EQ(got[0], inet::condition::auth_failed);
  EXPECT_EQ(got[1], inet::condition::tls_required);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapAsyncApi, CancelledIdleCompletesAbortedAndLeavesTheClientClosed) {
  std::promise<void> idling;
  mock_server srv(selected_session()
                      .expect("A2 IDLE")
                      .send("+ idling\r\n")
                      .run([&](inet::test::connection_ctl&) { idling.set_value(); })
                      .expect_eof());  // no DONE: the session is given up, not half-read
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  client c(io.get_executor());
  c.async_connect(options_for(srv), asio::use_future).get();
  c.async_select("INBOX", asio::use_future).get();
  asio::cancellation_signal cancel;
  std::promise<async_error_code> result;
  asio::post(io, [&] {
    c.async_idle(10min, asio::bind_cancellation_slot(
                            cancel.slot(), [&](async_error_code ec, std::vector<response>) {
                              result.set_value(ec);
                            }));
  });
  idling.get_future().get();
  asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
  EXPECT_EQ(result.get_future().get(), asio::error::operation_aborted);
  std::promise<async_error_code> next;
  c.async_noop([&](async_error_code ec, std::vector<response>) { next.set_value(ec); });
  EXPECT_EQ(next.get_future().get(), error::not_connected);
  guard.reset();
  runner.join();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "A1 SELECT INBOX\r\nA2 IDLE\r\n");
}

TEST(ImapBlockingErrorCode, OverloadsSetErrorCodeThrowingOnesKeepTheTypedException) {
  mock_server srv(selected_session()
                      .expect("A2 MOVE 1 Trash")
                      .send("A2 NO [TRYCREATE] no Trash\r\n")
                      .expect("A3 DELETE Old")
                      .send("A3 NO [NONEXISTENT] gone\r\n")
                      .expect("A4 UID EXPUNGE 5")
                      .send("* 1 EXPUNGE\r\nA4 OK expunged\r\n")
                      .expect("A5 LOGOUT")
                      .send("* BYE\r\nA5 OK bye\r\n"));
  blocking_client c;
  async_error_code ec;
  c.connect(options_for(srv), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(c.select("INBOX", ec).exists, 3u);
  EXPECT_FALSE(ec);
  EXPECT_FALSE(c.is_tls());
  EXPECT_FALSE(c.utf8_enabled());
  const copy_result moved = c.move(sequence_set(1), "Trash", ec);
  EXPECT_EQ(ec, error::command_failed);
  EXPECT_FALSE(moved.dest_uids.has_value());
  try {
    std::rethrow_exception(c.last_failure());
  } catch (const imap_exception& e) {
    EXPECT_TRUE(e.response().has_code("TRYCREATE"));
  }
  try {
    c.delete_mailbox("Old");
    FAIL() << "NO did not throw";
  } catch (const imap_exception& e) {
    EXPECT_EQ(e.code(), error::command_failed);
    EXPECT_TRUE(e.response().has_code("NONEXISTENT"));
  }
  EXPECT_EQ(c.uid_expunge(sequence_set(5), ec), (std::vector<std::uint32_t>{1}));
  EXPECT_FALSE(ec);
  EXPECT_FALSE(c.last_failure());
  c.logout(ec);
  EXPECT_FALSE(ec);
  c.noop(ec);
  EXPECT_EQ(ec, error::not_connected);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::imap::test
