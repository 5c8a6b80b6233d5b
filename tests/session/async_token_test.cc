// A token provider that takes seconds (an HTTPS POST, a password command) must not block the
// executor: two SMTP clients share ONE single-threaded io_context; client A waits inside a
// provider's token() until client B has finished a whole transaction. If token() ran on the
// executor's thread, B could never run and the provider's guard would give up: the test checks
// the order in which things complete, not wall-clock time.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "protocols/sasl/oauth2.hpp"
#include "protocols/smtp/client.hpp"
#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

namespace asio = boost::asio;
using mock::mock_server;

// token() announces that it was entered (on_enter), then blocks until released (or a 10 s
// guard against a deadlocked test ends the wait).
class gated_provider : public sasl::token_provider {
 public:
  std::function<void()> on_enter;

  std::string token(bool) override {
    {
      std::lock_guard lk(m_);
      entered_thread_ = std::this_thread::get_id();
    }
    on_enter();
    released_in_time_ = released_.get_future().wait_for(std::chrono::seconds(10)) ==
                        std::future_status::ready;
    return "tok";
  }
  void release() { released_.set_value(); }
  bool released_in_time() const { return released_in_time_; }
  std::thread::id entered_thread() {
    std::lock_guard lk(m_);
    return entered_thread_;
  }

 private:
  std::promise<void> released_;
  std::mutex m_;
  std::thread::id entered_thread_;
  bool released_in_time_ = false;
};

TEST(AsyncTokenProvider, SlowProviderDoesNotBlockOtherConnections) {
  // A authenticates with XOAUTH2 (token from the slow provider); B sends a message meanwhile.
  mock_server srv_a(greet_ehlo({"AUTH XOAUTH2"})
                        .expect("AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2sBAQ==")
                        .send("235 2.7.0 Accepted\r\n")
                        .expect("QUIT")
                        .send("221 bye\r\n"));
  mock_server srv_b(greet_ehlo({})
                        .expect("MAIL FROM:<alice@example.test>")
                        .send("250 ok\r\n")
                        .expect("RCPT TO:<bob@example.test>")
                        .send("250 ok\r\n")
                        .expect("DATA")
                        .send("354 go ahead\r\n")
                        .expect_until(".")
                        .send("250 queued\r\n")
                        .expect("QUIT")
                        .send("221 bye\r\n"));
  auto provider = std::make_shared<gated_provider>();
  client_options oa = options_for(srv_a);
  oa.credentials.username = "alice";
  oa.token_provider = provider;
  client_options ob = options_for(srv_b);

  asio::io_context io(1);
  client a(io.get_executor()), b(io.get_executor());
  std::vector<std::string> finished;  // only touched on the io_context's thread
  std::exception_ptr fail_a, fail_b;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await a.connect(oa);
        finished.push_back("A authenticated");
        co_await a.quit();
      },
      [&](std::exception_ptr e) { fail_a = e; });
  // B starts only once A is inside token(): if token() held the executor's only thread, B
  // could not run until the guard expired.
  provider->on_enter = [&] {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await b.connect(ob);
          memory_source body("Subject: hi\r\n\r\nhello\r\n");
          const send_result r = co_await b.send(simple_envelope(), body);
          co_await b.quit();
          finished.push_back("B sent " + std::to_string(r.final_reply.code));
          provider->release();  // only now may A's token arrive
        },
        [&](std::exception_ptr e) {
          fail_b = e;
          if (e) provider->release();
        });
  };
  io.run();  // this thread is the only one running the io_context

  if (fail_a) std::rethrow_exception(fail_a);
  if (fail_b) std::rethrow_exception(fail_b);
  EXPECT_TRUE(provider->released_in_time()) << "token() waited in vain: the executor was blocked";
  EXPECT_EQ(finished, (std::vector<std::string>{"B sent 250", "A authenticated"}));
  EXPECT_NE(provider->entered_thread(), std::this_thread::get_id());
  EXPECT_EQ(a.authenticated_with(), "XOAUTH2");
  EXPECT_SCRIPT_OK(srv_a);
  EXPECT_SCRIPT_OK(srv_b);
}

// The asynchronous form reports the provider's failure to the awaiting coroutine.
TEST(AsyncTokenProvider, FailureReachesTheCaller) {
  class failing : public sasl::token_provider {
   public:
    std::string token(bool) override {
      throw std::system_error(make_error_code(sasl::error::token_refresh_failed), "no");
    }
  } p;
  asio::io_context io(1);
  auto fut = asio::co_spawn(io, p.async_token(true), asio::use_future);
  io.run();
  try {
    fut.get();
    ADD_FAILURE() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), sasl::error::token_refresh_failed);
  }
}

}  // namespace
}  // namespace inet::smtp::testing
