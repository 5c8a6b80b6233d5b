// The NNTP client's completion-token front (use_future on another thread), the error_code&
// blocking overloads, and the wire trace with AUTHINFO PASS / SASL hidden.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <sstream>
#include <thread>

#include "tests/nntp/test_util.hpp"
#include "transport/trace.hpp"

namespace inet::nntp::testing {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using ::testing::Not;

class trace_capture {
 public:
  trace_capture() {
    spdlog::drop(transport::trace_logger_name);
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%v");
    logger_ = std::make_shared<spdlog::logger>(transport::trace_logger_name, sink);
    logger_->set_level(spdlog::level::debug);
    spdlog::register_logger(logger_);
  }
  ~trace_capture() { spdlog::drop(transport::trace_logger_name); }
  std::string text() {
    logger_->flush();
    return out_.str();
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_;
};

TEST(NntpAsyncApi, UseFutureOnAnotherThread) {
  mock::mock_server srv(greet()
                            .expect("GROUP misc.test")
                            .send("211 3 1 3 misc.test\r\n")
                            .expect("GROUP gone")
                            .send("411 no such group\r\n")
                            .close());
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  client c(io.get_executor());
  c.async_connect(options_for(srv), asio::use_future).get();
  EXPECT_EQ(c.async_group("misc.test", asio::use_future).get().high, 3u);
  try {
    c.async_group("gone", asio::use_future).get();
    ADD_FAILURE() << "411 did not fail";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), error::no_such_group);
  }
  guard.reset();
  runner.join();
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpAsyncApi, BlockingErrorCodeOverloadKeepsTheReply) {
  mock::mock_server srv(greet().expect("STAT 9").send("423 no article with that number\r\n").close());
  blocking_client c;
  c.connect(options_for(srv));
  transport::async_error_code ec;
  const article_ref a = c.stat("9", ec);
  EXPECT_EQ(ec, error::no_such_article);
  EXPECT_EQ(a.number, 0u);
  ASSERT_TRUE(c.last_failure());
  try {
    std::rethrow_exception(c.last_failure());
  } catch (const nntp_exception& e) {
    EXPECT_EQ(e.server_reply().code, 423);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(NntpRedact, ClientTraceHidesPasswordAndSaslResponses) {
  mock::mock_server srv(greet({"VERSION 2", "READER", "AUTHINFO USER"})
                            .expect("AUTHINFO USER alice")
                            .send("381 more\r\n")
                            .expect("AUTHINFO PASS hunter2")
                            .send("281 ok\r\n")
                            .expect("CAPABILITIES")
                            .send(caps_reply({"READER"}))
                            .expect("AUTHINFO SASL PLAIN AGFsaWNlAGh1bnRlcjI=")
                            .send("502 already authenticated\r\n")
                            .close());
  trace_capture trace;
  blocking_client c;
  client_options o = options_for(srv);
  o.credentials.username = "alice";
  o.credentials.password = "hunter2";
  c.connect(o);
  EXPECT_EQ(c.command("AUTHINFO SASL PLAIN AGFsaWNlAGh1bnRlcjI=").code, 502);
  EXPECT_SCRIPT_OK(srv);
  const std::string t = trace.text();
  EXPECT_THAT(t, HasSubstr("AUTHINFO PASS <redacted>"));
  EXPECT_THAT(t, HasSubstr("AUTHINFO SASL PLAIN <redacted>"));
  EXPECT_THAT(t, HasSubstr("AUTHINFO USER alice"));
  EXPECT_THAT(t, Not(HasSubstr("hunter2")));
  EXPECT_THAT(t, Not(HasSubstr("AGFsaWNl")));
}

}  // namespace
}  // namespace inet::nntp::testing
