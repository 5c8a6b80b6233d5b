// The completion-token front of smtp::client (async_connect, async_send, async_noop ...) with
// every kind of token, errors as error_codes, per-operation cancellation, and the error_code&
// overloads of blocking_client — against the scripted mock server (exact bytes on the wire).
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

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

namespace asio = boost::asio;
using mock::mock_server;
using mock::script;
using transport::async_error_code;

// The facade exposes what the async client exposes (the operations themselves come from one
// table, INET_SMTP_OPERATIONS, so they cannot drift).
static_assert(requires(blocking_client& b, const transport::timeouts& t, async_error_code& ec,
                       byte_source& m) {
  { b.is_tls() } -> std::same_as<bool>;
  b.close();
  b.set_timeouts(t);
  { b.timeouts() } -> std::same_as<const transport::timeouts&>;
  { b.tls_details() } -> std::same_as<transport::tls_info>;
  { b.server_capabilities() } -> std::same_as<const capabilities&>;
  { b.greeting() } -> std::same_as<const smtp::reply&>;
  { b.authenticated_with() } -> std::same_as<const std::string&>;
  { b.last_failure() } -> std::same_as<const std::exception_ptr&>;
  b.connect(client_options{}, ec);
  { b.send(envelope{}, m, ec) } -> std::same_as<send_result>;
  { b.noop(ec) } -> std::same_as<smtp::reply>;
  { b.reset(ec) } -> std::same_as<smtp::reply>;
  b.quit(ec);
  { b.command("X", ec) } -> std::same_as<smtp::reply>;
});

script noop_session() {
  return greet_ehlo({"PIPELINING"})
      .expect("NOOP")
      .send("250 2.0.0 ok\r\n")
      .expect("QUIT")
      .send("221 bye\r\n")
      .expect_eof();
}

TEST(SmtpAsyncApi, PlainCallbacks) {
  mock_server srv(noop_session());
  asio::io_context io;
  client c(io.get_executor());
  std::vector<std::string> events;
  c.async_connect(options_for(srv), [&](async_error_code ec) {
    events.push_back("connect:" + ec.message());
    c.async_noop([&](async_error_code ec, smtp::reply r) {
      events.push_back("noop:" + std::to_string(r.code) + (ec ? ec.message() : ""));
      c.async_quit([&](async_error_code ec) { events.push_back("quit:" + ec.message()); });
    });
  });
  EXPECT_TRUE(events.empty());  // never invoked from inside the initiating function
  io.run();
  EXPECT_EQ(events, (std::vector<std::string>{"connect:Success", "noop:250", "quit:Success"}));
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nNOOP\r\nQUIT\r\n");
}

TEST(SmtpAsyncApi, UseAwaitableAsTupleAndDeferred) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("NOOP")
                      .send("250 first\r\n")
                      .expect("RSET")
                      .send("250 second\r\n")
                      .expect("HELP")
                      .send("214 third\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  asio::io_context io;
  client c(io.get_executor());
  std::vector<std::string> seen;
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await c.async_connect(options_for(srv), asio::use_awaitable);
        smtp::reply r = co_await c.async_noop(asio::use_awaitable);
        seen.push_back(r.text());
        auto [ec, r2] = co_await c.async_reset(asio::as_tuple(asio::use_awaitable));
        EXPECT_FALSE(ec);
        seen.push_back(r2.text());
        auto op = c.async_command("HELP", asio::deferred);  // nothing sent until awaited
        seen.push_back((co_await std::move(op)(asio::use_awaitable)).text());
        co_await c.async_quit(asio::use_awaitable);
        done = true;
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(done);
  EXPECT_EQ(seen, (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nNOOP\r\nRSET\r\nHELP\r\nQUIT\r\n");
}

TEST(SmtpAsyncApi, UseFutureWithIoContextOnAnotherThread) {
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("250 queued as 42\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  client c(io.get_executor());
  c.async_connect(options_for(srv), asio::use_future).get();
  memory_source body("Subject: hi\r\n\r\nhello\r\n");
  const send_result res = c.async_send(simple_envelope(), body, asio::use_future).get();
  EXPECT_EQ(res.final_reply.text(), "queued as 42");
  c.async_quit(asio::use_future).get();
  guard.reset();
  runner.join();
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAsyncApi, UseFutureRethrowsTheErrorCode) {
  mock_server srv(greet_ehlo({"PIPELINING"}).expect("NOOP").close());
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  client c(io.get_executor());
  c.async_connect(options_for(srv), asio::use_future).get();
  auto fut = c.async_noop(asio::use_future);
  try {
    fut.get();
    ADD_FAILURE() << "421 did not fail";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::unexpected_eof);
  }
  guard.reset();
  runner.join();
}

TEST(SmtpAsyncApi, AuthFailureArrivesAsErrorCodeWithTheReplyKept) {
  mock_server srv(greet_ehlo({"ENHANCEDSTATUSCODES", "AUTH PLAIN"})
                      .expect("AUTH PLAIN AGFsaWNlAHNlY3JldA==")
                      .send("535 5.7.8 Authentication credentials invalid\r\n"));
  asio::io_context io;
  client c(io.get_executor());
  client_options o = options_for(srv);
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  async_error_code got;
  c.async_connect(o, [&](async_error_code ec) { got = ec; });
  io.run();
  EXPECT_EQ(got, error::auth_failed);
  EXPECT_EQ(got, inet::condition::auth_failed);
  ASSERT_TRUE(c.last_failure());
  try {
    std::rethrow_exception(c.last_failure());
  } catch (const smtp_exception& e) {
    EXPECT_EQ(e.server_reply().code, 535);
    EXPECT_EQ(e.server_reply().text(), "Authentication credentials invalid");
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAsyncApi, TlsRequiredArrivesAsErrorCode) {
  mock_server srv(greet_ehlo({"PIPELINING"}).expect_eof());
  asio::io_context io;
  client c(io.get_executor());
  client_options o = options_for(srv);
  o.policy = transport::tls_policy::required;
  async_error_code ec;
  c.async_connect(o, [&](async_error_code e) { ec = e; });
  io.run();
  EXPECT_EQ(ec, error::tls_required);
  EXPECT_EQ(ec, inet::condition::tls_required);
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpAsyncApi, CancelledNoopCompletesAbortedAndLeavesTheClientClosed) {
  std::promise<void> noop_arrived;
  mock_server srv(greet_ehlo({"PIPELINING"})
                      .expect("NOOP")
                      .run([&](mock::connection_ctl&) { noop_arrived.set_value(); })
                      .expect_eof());  // no reply: the client must give up and hang up
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  client c(io.get_executor());
  c.async_connect(options_for(srv), asio::use_future).get();
  asio::cancellation_signal cancel;
  std::promise<async_error_code> result;
  asio::post(io, [&] {
    c.async_noop(asio::bind_cancellation_slot(
        cancel.slot(), [&](async_error_code ec, smtp::reply) { result.set_value(ec); }));
  });
  noop_arrived.get_future().get();
  asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
  const async_error_code ec = result.get_future().get();
  EXPECT_EQ(ec, asio::error::operation_aborted);
  // Closed, never half-read: the next operation fails cleanly.
  std::promise<std::pair<async_error_code, smtp::reply>> next;
  c.async_noop([&](async_error_code e, smtp::reply r) { next.set_value({e, r}); });
  auto [next_ec, r] = next.get_future().get();
  EXPECT_TRUE(next_ec);
  EXPECT_EQ(r.code, 0);
  guard.reset();
  runner.join();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "EHLO client.test\r\nNOOP\r\n");
}

TEST(SmtpAsyncApi, PartialCancellationIsIgnored) {
  mock_server srv(noop_session());
  asio::io_context io;
  client c(io.get_executor());
  asio::cancellation_signal cancel;
  smtp::reply got;
  c.async_connect(options_for(srv), [&](async_error_code ec) {
    ASSERT_FALSE(ec);
    c.async_noop(asio::bind_cancellation_slot(cancel.slot(), [&](async_error_code ec, smtp::reply r) {
      EXPECT_FALSE(ec);
      got = r;
      c.async_quit([](async_error_code) {});
    }));
    cancel.emit(asio::cancellation_type::partial);
  });
  io.run();
  EXPECT_EQ(got.code, 250);
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpBlockingErrorCode, OverloadsSetErrorCodeInsteadOfThrowing) {
  mock_server srv(greet_ehlo({"ENHANCEDSTATUSCODES"})
                      .expect("NOOP")
                      .send("250 2.0.0 ok\r\n")
                      .expect("VRFY bob")
                      .send("252 2.1.5 maybe\r\n")
                      .expect("MAIL FROM:<alice@example.test>")
                      .send("550 5.7.1 not you\r\n")
                      .expect("RSET")
                      .send("250 ok\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  blocking_client c;
  async_error_code ec = make_error_code(error::not_connected);
  c.connect(options_for(srv), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_FALSE(c.is_tls());
  EXPECT_EQ(c.noop(ec).code, 250);
  EXPECT_FALSE(ec);
  EXPECT_EQ(c.command("VRFY bob", ec).code, 252);
  EXPECT_FALSE(c.last_failure());
  memory_source body("x\r\n");
  const send_result res = c.send(simple_envelope(), body, ec);
  EXPECT_EQ(ec, error::permanent_failure);
  EXPECT_TRUE(res.recipients.empty());
  try {
    std::rethrow_exception(c.last_failure());
  } catch (const smtp_exception& e) {
    EXPECT_EQ(e.server_reply().summary(), "550 5.7.1 not you");
  }
  c.quit(ec);
  EXPECT_FALSE(ec);
  EXPECT_FALSE(c.last_failure());
  EXPECT_SCRIPT_OK(srv);
}

TEST(SmtpBlockingErrorCode, BothOverloadsOfAFailingConnect) {
  mock_server srv(script()
                      .send("554 5.3.0 no service here\r\n")
                      .expect_eof()
                      .accept_next()
                      .send("554 5.3.0 no service here\r\n")
                      .expect_eof());
  blocking_client c;
  try {
    c.connect(options_for(srv));
    FAIL() << "554 greeting did not throw";
  } catch (const smtp_exception& e) {
    EXPECT_EQ(e.code(), error::service_unavailable);
    EXPECT_EQ(e.server_reply().code, 554);
  }
  EXPECT_FALSE(c.last_failure());  // the throwing form reports through the exception only
  async_error_code ec;
  c.connect(options_for(srv), ec);
  EXPECT_EQ(ec, error::service_unavailable);
  ASSERT_TRUE(c.last_failure());
  c.close();
  c.noop(ec);
  EXPECT_TRUE(ec);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::smtp::testing
