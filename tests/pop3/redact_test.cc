// POP3's trace redactor (protocols/pop3/redact.cc): the same output as the transport's former
// built-in redaction gave for POP3's commands.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <sstream>
#include <string>

#include "protocols/pop3/internal.hpp"
#include "tests/pop3/test_util.hpp"
#include "transport/trace.hpp"

namespace inet::pop3 {
namespace {

using detail::redact_trace;
using ::testing::HasSubstr;
using ::testing::Not;

// Captures what reaches the "inet.wire" trace logger while it lives.
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

TEST(Pop3Redact, Pass) {
  EXPECT_EQ(redact_trace("PASS secret"), "PASS <redacted>");
  EXPECT_EQ(redact_trace("pass secret"), "pass <redacted>");
  EXPECT_EQ(redact_trace("PASS my secret phrase"), "PASS <redacted>");
}

TEST(Pop3Redact, ApopKeepsTheUser) {
  EXPECT_EQ(redact_trace("APOP mrose c4c9334bac560ecc979e58001b3e22fb"), "APOP mrose <redacted>");
}

TEST(Pop3Redact, AuthKeepsTheMechanism) {
  EXPECT_EQ(redact_trace("AUTH PLAIN dGVzdA=="), "AUTH PLAIN <redacted>");
  EXPECT_EQ(redact_trace("AUTH LOGIN"), std::nullopt);
}

TEST(Pop3Redact, OrdinaryCommandsAreUnchanged) {
  for (const char* s : {"USER bob", "RETR 1", "PASS", "STAT", "", "UIDL", "TOP 1 0"})
    EXPECT_EQ(redact_trace(s), std::nullopt) << s;
}

TEST(Pop3Redact, SecretNeverSurvives) {
  for (const char* s : {"AUTH PLAIN c2VjcmV0", "PASS c2VjcmV0", "APOP u c2VjcmV0",
                        "AUTH  PLAIN   c2VjcmV0"}) {
    const auto r = redact_trace(s);
    ASSERT_TRUE(r.has_value()) << s;
    EXPECT_EQ(r->find("c2VjcmV0"), std::string::npos) << s;
  }
}

// The client registers its redactor with the engine: a raw PASS is hidden in the trace (and
// the server still gets the real bytes).
TEST(Pop3Redact, ClientTraceHidesARawPass) {
  inet::test::mock_server srv(testing::logged_in().expect("PASS hunter2").send("-ERR already\r\n"));
  trace_capture trace;
  blocking_client c;
  c.connect(testing::login_options(srv));
  EXPECT_FALSE(c.command("PASS hunter2").ok);
  EXPECT_SCRIPT_OK(srv);
  const std::string t = trace.text();
  EXPECT_THAT(t, HasSubstr("> PASS <redacted>"));
  EXPECT_THAT(t, HasSubstr("> USER alice"));
  EXPECT_THAT(t, Not(HasSubstr("hunter2")));
  EXPECT_THAT(t, Not(HasSubstr("secret")));
}

}  // namespace
}  // namespace inet::pop3
