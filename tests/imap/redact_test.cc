// IMAP's trace redactor (protocols/imap/redact.cc): the same output as the transport's former
// built-in redaction gave for IMAP's commands, including the client's own pre-redacted LOGIN.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <sstream>
#include <string>

#include "protocols/imap/internal.hpp"
#include "tests/imap/mock_session.hpp"
#include "transport/trace.hpp"

namespace inet::imap {
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

TEST(ImapRedact, AuthenticateKeepsTagAndMechanism) {
  EXPECT_EQ(redact_trace("a7 AUTHENTICATE PLAIN dGVzdA=="), "a7 AUTHENTICATE PLAIN <redacted>");
  EXPECT_EQ(redact_trace("a1 AUTHENTICATE XOAUTH2"), std::nullopt);
}

TEST(ImapRedact, LoginKeepsTagAndUser) {
  EXPECT_EQ(redact_trace("a1 LOGIN user pass"), "a1 LOGIN user <redacted>");
  EXPECT_EQ(redact_trace("a1 login user \"pass word\""), "a1 login user <redacted>");
  EXPECT_EQ(redact_trace("LOGIN user pass"), "LOGIN user <redacted>");
  // The client's LOGIN is already shown as "<password redacted>"; the trace keeps its old form.
  EXPECT_EQ(redact_trace("A1 LOGIN bob <password redacted>"), "A1 LOGIN bob <redacted>");
}

TEST(ImapRedact, OrdinaryCommandsAreUnchanged) {
  for (const char* s : {"a2 SELECT INBOX", "a3 FETCH 1 (FLAGS)", "", "a4 LOGOUT", "a5 LOGIN",
                        "a6 LOGIN user", "a7 PASS secret"})
    EXPECT_EQ(redact_trace(s), std::nullopt) << s;
}

TEST(ImapRedact, SecretNeverSurvives) {
  for (const char* s : {"x LOGIN u c2VjcmV0", "x AUTHENTICATE PLAIN c2VjcmV0"}) {
    const auto r = redact_trace(s);
    ASSERT_TRUE(r.has_value()) << s;
    EXPECT_EQ(r->find("c2VjcmV0"), std::string::npos) << s;
  }
}

// The client registers its redactor with the engine: a raw LOGIN is hidden in the trace (and
// the server still gets the real bytes).
TEST(ImapRedact, ClientTraceHidesARawLogin) {
  test::mock_server srv(
      test::mock().send(test::greeting).expect("A1 LOGIN bob c2VjcmV0").send("A1 NO nope\r\n"));
  trace_capture trace;
  blocking_client c;
  c.connect(test::options_for(srv));
  EXPECT_EQ(c.command("LOGIN bob c2VjcmV0").status.status, status_response::kind::no);
  EXPECT_SCRIPT_OK(srv);
  const std::string t = trace.text();
  EXPECT_THAT(t, HasSubstr("> A1 LOGIN bob <redacted>"));
  EXPECT_THAT(t, Not(HasSubstr("c2VjcmV0")));
}

}  // namespace
}  // namespace inet::imap
