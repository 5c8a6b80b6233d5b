// The completion-token front of pop3::client (async_connect, async_retr, async_stat ...) with
// every kind of token, errors as error_codes, per-operation cancellation of a stalled RETR, and
// the error_code& overloads of blocking_client — against the scripted mock server.
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

#include "tests/pop3/test_util.hpp"

namespace inet::pop3::testing {
namespace {

namespace asio = boost::asio;
using mock::mock_server;
using mock::script;
using transport::async_error_code;

// The facade exposes what the async client exposes; the operations come from one table
// (INET_POP3_OPERATIONS), so each async_ operation has its two blocking twins.
static_assert(requires(blocking_client& b, const transport::timeouts& t, async_error_code& ec,
                       byte_sink sink) {
  { b.is_tls() } -> std::same_as<bool>;
  b.close();
  b.set_timeouts(t);
  { b.timeouts() } -> std::same_as<const transport::timeouts&>;
  { b.tls_details() } -> std::same_as<transport::tls_info>;
  { b.pending_deletions() } -> std::same_as<const std::set<std::uint32_t>&>;
  { b.greeting() } -> std::same_as<const response&>;
  { b.last_failure() } -> std::same_as<const std::exception_ptr&>;
  { b.stat(ec) } -> std::same_as<maildrop_stat>;
  { b.list(ec) } -> std::same_as<std::vector<message_info>>;
  { b.list(1, ec) } -> std::same_as<message_info>;
  { b.retr(1, sink, ec) } -> std::same_as<std::uint64_t>;
  { b.retr(1, sink, 10, ec) } -> std::same_as<std::uint64_t>;
  { b.top(1, 0, sink, ec) } -> std::same_as<std::uint64_t>;
  { b.quit(ec) } -> std::same_as<quit_result>;
  { b.command_multiline("X", sink, ec) } -> std::same_as<response>;
});

TEST(Pop3AsyncApi, CallbacksAndUseAwaitableAndDeferredAndAsTuple) {
  mock_server srv(logged_in()
                      .expect("STAT")
                      .send("+OK 2 320\r\n")
                      .expect("RETR 1")
                      .send("+OK\r\nSubject: a\r\n\r\n..dot\r\n.\r\n")
                      .expect("UIDL 2")
                      .send("+OK 2 uid-two\r\n")
                      .expect("DELE 2")
                      .send("+OK marked\r\n")
                      .expect("QUIT")
                      .send("+OK bye\r\n"));
  asio::io_context io;
  client c(io.get_executor());
  std::string body;
  std::vector<std::string> seen;
  // A plain callback first, then the rest inside a coroutine.
  c.async_connect(login_options(srv), [&](async_error_code ec) {
    ASSERT_FALSE(ec) << ec.message();
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          maildrop_stat st = co_await c.async_stat(asio::use_awaitable);
          seen.push_back(std::to_string(st.count) + "/" + std::to_string(st.octets));
          auto n = co_await c.async_retr(1, string_sink(body), asio::use_awaitable);
          seen.push_back(std::to_string(n));
          auto later = c.async_uidl(2, asio::deferred);
          unique_id u = co_await std::move(later)(asio::use_awaitable);
          seen.push_back(u.uid);
          auto [ec] = co_await c.async_dele(2, asio::as_tuple(asio::use_awaitable));
          seen.push_back("dele:" + std::to_string(ec.value()));
          quit_result q = co_await c.async_quit(asio::use_awaitable);
          seen.push_back(q.committed ? "committed" : "not committed");
        },
        asio::detached);
  });
  io.run();
  EXPECT_EQ(seen, (std::vector<std::string>{"2/320", "20", "uid-two", "dele:0", "committed"}));
  EXPECT_EQ(body, "Subject: a\r\n\r\n.dot\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3AsyncApi, UseFutureWithIoContextOnAnotherThread) {
  mock_server srv(logged_in()
                      .expect("LIST")
                      .send("+OK\r\n1 120\r\n2 200\r\n.\r\n")
                      .expect("RETR 9")
                      .send("-ERR [SYS/PERM] no such message\r\n"));
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  client c(io.get_executor());
  c.async_connect(login_options(srv), asio::use_future).get();
  const auto listing = c.async_list(asio::use_future).get();
  ASSERT_EQ(listing.size(), 2u);
  EXPECT_EQ(listing[1].octets, 200u);
  std::string body;
  auto fut = c.async_retr(9, string_sink(body), asio::use_future);
  try {
    fut.get();
    ADD_FAILURE() << "-ERR did not fail";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), error::permanent_failure);
  }
  guard.reset();
  runner.join();
  try {
    std::rethrow_exception(c.last_failure());
  } catch (const pop3_exception& e) {
    EXPECT_EQ(e.server_response().code, "SYS/PERM");
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3AsyncApi, AuthFailureAndTlsRequiredArriveAsErrorCodes) {
  mock_server srv(greet_capa({"SASL PLAIN", "AUTH-RESP-CODE"})
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
                      .send("-ERR [AUTH] invalid credentials\r\n")
                      .accept_next()
                      .send("+OK ready\r\n")
                      .expect("CAPA")
                      .send(capa_reply({"USER"})));
  asio::io_context io;
  client c(io.get_executor());
  std::vector<async_error_code> got;
  c.async_connect(login_options(srv), [&](async_error_code ec) {
    got.push_back(ec);
    client_options o = login_options(srv);
    o.policy.reset();  // credentials: TLS required
    c.async_connect(o, [&](async_error_code ec) { got.push_back(ec); });
  });
  io.run();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], error::auth_failed);
  EXPECT_EQ(got[0], inet::condition::auth_failed);
  EXPECT_EQ(got[1], error::tls_required);  // credentials and no STLS: nothing was sent
  EXPECT_EQ(got[1], inet::condition::tls_required);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "CAPA\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nCAPA\r\n");
}

TEST(Pop3AsyncApi, CancelledRetrOfAStalledServerAbortsAndClosesTheSession) {
  std::promise<void> half_sent;
  mock_server srv(logged_in()
                      .expect("RETR 1")
                      .send("+OK\r\nSubject: half\r\n")
                      .run([&](mock::connection_ctl&) { half_sent.set_value(); })
                      .expect_eof());  // the rest never comes; the client must hang up
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  client c(io.get_executor());
  c.async_connect(login_options(srv), asio::use_future).get();
  asio::cancellation_signal cancel;
  std::promise<async_error_code> result;
  std::string body;
  asio::post(io, [&] {
    c.async_retr(1, string_sink(body),
                 asio::bind_cancellation_slot(cancel.slot(), [&](async_error_code ec, std::uint64_t) {
                   result.set_value(ec);
                 }));
  });
  half_sent.get_future().get();
  asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
  EXPECT_EQ(result.get_future().get(), asio::error::operation_aborted);
  std::promise<async_error_code> next;
  c.async_stat([&](async_error_code ec, maildrop_stat) { next.set_value(ec); });
  EXPECT_EQ(next.get_future().get(), error::not_connected);
  guard.reset();
  runner.join();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "CAPA\r\nUSER alice\r\nPASS secret\r\nRETR 1\r\n");
}

TEST(Pop3AsyncApi, ASinkThatThrowsIsUnexpectedExceptionAndKeepsTheException) {
  mock_server srv(logged_in().expect("RETR 1").send("+OK\r\nSubject: x\r\n.\r\n").expect_eof());
  asio::io_context io;
  client c(io.get_executor());
  async_error_code got;
  c.async_connect(login_options(srv), [&](async_error_code ec) {
    ASSERT_FALSE(ec);
    c.async_retr(
        1, [](std::string_view) { throw std::runtime_error("disk full"); },
        [&](async_error_code ec, std::uint64_t) { got = ec; });
  });
  io.run();
  EXPECT_EQ(got, transport::async_errc::unexpected_exception);
  try {
    std::rethrow_exception(c.last_failure());
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "disk full");
  }
  EXPECT_SCRIPT_OK(srv);  // the half-read session was closed
}

TEST(Pop3AsyncApi, IdleTimeoutStillAppliesUnderACancellationSlot) {
  mock_server srv(logged_in().expect("STAT").expect_eof());  // no answer
  asio::io_context io;
  client c(io.get_executor());
  asio::cancellation_signal never_emitted;
  async_error_code got;
  c.async_connect(login_options(srv), [&](async_error_code ec) {
    ASSERT_FALSE(ec);
    transport::timeouts t = c.timeouts();
    t.idle = 100ms;
    c.set_timeouts(t);
    c.async_stat(asio::bind_cancellation_slot(never_emitted.slot(),
                                              [&](async_error_code ec, maildrop_stat) { got = ec; }));
  });
  io.run();
  EXPECT_EQ(got, transport::error::timeout);
  EXPECT_EQ(got, inet::condition::timeout);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3BlockingErrorCode, OverloadsSetErrorCodeThrowingOnesKeepTheTypedException) {
  mock_server srv(logged_in()
                      .expect("DELE 3")
                      .send("-ERR message 3 already deleted\r\n")
                      .expect("DELE 4")
                      .send("-ERR [IN-USE] busy\r\n")
                      .expect("TOP 1 0")
                      .send("+OK\r\nSubject: x\r\n\r\n.\r\n")
                      .expect("QUIT")
                      .send("+OK bye\r\n"));
  blocking_client c;
  async_error_code ec;
  c.connect(login_options(srv), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_FALSE(c.is_tls());
  c.dele(3, ec);
  EXPECT_EQ(ec, error::negative_response);
  ASSERT_TRUE(c.last_failure());
  try {
    c.dele(4);
    FAIL() << "-ERR did not throw";
  } catch (const pop3_exception& e) {
    EXPECT_EQ(e.code(), error::mailbox_in_use);
    EXPECT_EQ(e.server_response().text, "busy");
  }
  std::string head;
  EXPECT_EQ(c.top(1, 0, string_sink(head), ec), 14u);
  EXPECT_FALSE(ec);
  EXPECT_FALSE(c.last_failure());
  EXPECT_TRUE(c.quit(ec).committed);
  c.stat(ec);
  EXPECT_EQ(ec, error::not_connected);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::pop3::testing
