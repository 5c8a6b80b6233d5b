// The wire trace: credential redaction, control-character escaping, and what actually reaches
// the "inet.wire" logger (including through the line engine).
#include "transport/trace.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/line/engine.hpp"
#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"

namespace inet::testing {
namespace {

using transport::escape_control;
using transport::redact_after_verb;
using transport::redaction_rule;

// A protocol-style table, as the protocols register theirs (protocols/*/redact.cc).
constexpr redaction_rule test_rules[] = {{"AUTH", 1}, {"PASS", 0}};

std::optional<std::string> test_redactor(std::string_view line) {
  return redact_after_verb(line, test_rules);
}

TEST(RedactAfterVerb, KeepsTheVerbAndKeptWordsThenRedacts) {
  EXPECT_EQ(redact_after_verb("AUTH PLAIN dGVzdA==", test_rules), "AUTH PLAIN <redacted>");
  EXPECT_EQ(redact_after_verb("auth plain dGVzdA==", test_rules), "auth plain <redacted>");
  EXPECT_EQ(redact_after_verb("AUTH  PLAIN   c2VjcmV0", test_rules), "AUTH  PLAIN   <redacted>");
  EXPECT_EQ(redact_after_verb("PASS my secret phrase", test_rules), "PASS <redacted>");
}

TEST(RedactAfterVerb, NothingAfterTheKeptWordsIsNoMatch) {
  EXPECT_EQ(redact_after_verb("AUTH LOGIN", test_rules), std::nullopt);
  EXPECT_EQ(redact_after_verb("PASS", test_rules), std::nullopt);
  EXPECT_EQ(redact_after_verb("", test_rules), std::nullopt);
}

TEST(RedactAfterVerb, OtherVerbsAreNoMatch) {
  for (const char* s : {"MAIL FROM:<a@example.org>", "USER bob", "PASSWORD x", "a1 PASS x"})
    EXPECT_EQ(redact_after_verb(s, test_rules), std::nullopt) << s;
}

TEST(RedactAfterVerb, VerbAfterATag) {
  EXPECT_EQ(redact_after_verb("a7 AUTH PLAIN dGVzdA==", test_rules, 1),
            "a7 AUTH PLAIN <redacted>");
  EXPECT_EQ(redact_after_verb("AUTH PLAIN dGVzdA==", test_rules, 1), std::nullopt);
  EXPECT_EQ(redact_after_verb("a7", test_rules, 1), std::nullopt);
}

TEST(Trace, ShownUsesTheRedactorElseTheLine) {
  const transport::trace with("smtp", test_redactor);
  EXPECT_EQ(with.shown("PASS hunter2"), "PASS <redacted>");
  EXPECT_EQ(with.shown("NOOP"), "NOOP");
  // The transport knows no protocol: without a redactor every line is shown as sent.
  const transport::trace without("smtp");
  EXPECT_EQ(without.shown("PASS hunter2"), "PASS hunter2");
  EXPECT_EQ(without.shown("a1 LOGIN user pass"), "a1 LOGIN user pass");
}

TEST(Escape, TerminalEscapeAndLineEnds) {
  EXPECT_EQ(escape_control("\x1b[2J\r\n"), "\\x1b[2J\\r\\n");
}

TEST(Escape, ControlBytesTabNulDelAndBackslash) {
  EXPECT_EQ(escape_control(std::string("a\tb\0c\x7f", 6)), "a\\tb\\x00c\\x7f");
  EXPECT_EQ(escape_control("* FLAGS (\\Seen)"), "* FLAGS (\\Seen)");  // readable like curl -v
}

TEST(Escape, PrintableAndUtf8AreKept) {
  EXPECT_EQ(escape_control("250 OK hello"), "250 OK hello");
  EXPECT_EQ(escape_control("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
}

// BUG (transport/trace.cc, escape_control): the header promises that non-UTF-8 bytes are
// escaped as \xNN, but every byte >= 0x80 is copied through. A lone 0x9b is the 8-bit C1 CSI,
// which terminals in 8-bit mode treat like "ESC [": a hostile server can still drive the
// user's terminal through -v. Fix: validate UTF-8 sequences (and escape C1 U+0080..U+009F).
TEST(Escape, InvalidUtf8AndC1ControlsAreEscaped) {
  EXPECT_EQ(escape_control("\x9b" "2J"), "\\x9b2J");
  EXPECT_EQ(escape_control("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(escape_control("\xc3"), "\\xc3");  // truncated sequence
}

// Captures what reaches the "inet.wire" logger during one test.
class TraceCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::drop(transport::trace_logger_name);
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%v");
    logger_ = std::make_shared<spdlog::logger>(transport::trace_logger_name, sink);
    logger_->set_level(spdlog::level::debug);
    spdlog::register_logger(logger_);
  }
  void TearDown() override { spdlog::drop(transport::trace_logger_name); }
  std::string text() {
    logger_->flush();
    return out_.str();
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_;
};

TEST_F(TraceCapture, SentReceivedAndInfoLines) {
  transport::trace t("smtp", test_redactor);
  ASSERT_TRUE(t.enabled());
  t.sent("PASS hunter2");
  t.sent("AUTH PLAIN abc", "AUTH PLAIN [shown]");
  t.received("250 \x1b[31mred\r");
  t.info("Connected");
  const std::string s = text();
  EXPECT_EQ(s.find("hunter2"), std::string::npos) << s;
  EXPECT_NE(s.find("> PASS <redacted>"), std::string::npos) << s;
  EXPECT_NE(s.find("> AUTH PLAIN [shown]"), std::string::npos) << s;
  EXPECT_EQ(s.find("abc"), std::string::npos) << s;
  EXPECT_NE(s.find("< 250 \\x1b[31mred\\r"), std::string::npos) << s;
  EXPECT_EQ(s.find('\x1b'), std::string::npos) << s;
  EXPECT_NE(s.find("* Connected"), std::string::npos) << s;
}

TEST_F(TraceCapture, DisabledLoggerTracesNothing) {
  logger_->set_level(spdlog::level::off);
  transport::trace t("smtp");
  EXPECT_FALSE(t.enabled());
  t.sent("PASS x");
  EXPECT_EQ(text(), "");
}

TEST(Trace, MissingLoggerIsDisabled) {
  spdlog::drop(transport::trace_logger_name);
  transport::trace t("smtp");
  EXPECT_FALSE(t.enabled());
  t.sent("PASS x");  // must not crash
  t.received("x");
  t.info("x");
}

TEST_F(TraceCapture, EngineRedactsCommandsAndEscapesReplies) {
  test::mock_server srv(test::script()
                            .expect("AUTH PLAIN AGJvYgBzZWNyZXQ=")
                            .send("235 \x1b]0;owned\x07 ok\r\n")
                            .expect("XSECRET topsecret")
                            .send("250 ok\r\n"));
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    line::engine e(s, "smtp", test_redactor);
    co_await e.send(line::command("AUTH").arg("PLAIN").arg("AGJvYgBzZWNyZXQ="));
    EXPECT_EQ((co_await e.read_code_reply()).code, 235);
    co_await e.send(line::command("XSECRET").arg("topsecret").redact_as("XSECRET ****"));
    EXPECT_EQ((co_await e.read_code_reply()).code, 250);
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  const std::string t = text();
  EXPECT_EQ(t.find("AGJvYgBzZWNyZXQ="), std::string::npos) << t;
  EXPECT_EQ(t.find("topsecret"), std::string::npos) << t;
  EXPECT_NE(t.find("> XSECRET ****"), std::string::npos) << t;
  EXPECT_EQ(t.find('\x1b'), std::string::npos) << t;
  EXPECT_EQ(t.find('\x07'), std::string::npos) << t;
}

TEST_F(TraceCapture, SkippedVerificationIsTracedLoudly) {
  test::server_options o;
  o.implicit_tls = true;
  o.cert = test::cert_kind::self_signed;
  test::mock_server srv(test::script().send("220 hi\r\n").close(), o);
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    transport::tls_options tls;
    tls.dangerous_skip_verification = true;
    co_await s.handshake(tls, "localhost");
  });
  EXPECT_FALSE(ec) << ec.message();
  const std::string t = text();
  EXPECT_NE(t.find("verification DISABLED"), std::string::npos) << t;
  EXPECT_NE(t.find("Connected to 127.0.0.1"), std::string::npos) << t;
}

// set_trace_sink: the caller receives each redacted, escaped line; an empty sink turns it off.
TEST(TraceSink, CallerReceivesRedactedEscapedLinesUntilRemoved) {
  std::vector<std::string> lines;
  transport::set_trace_sink([&](std::string_view l) { lines.emplace_back(l); });
  transport::trace t("pop3", test_redactor);
  ASSERT_TRUE(t.enabled());
  t.sent("PASS hunter2");
  t.received("+OK \x1b");
  t.info("Connected");
  transport::set_trace_sink({});
  EXPECT_FALSE(t.enabled());
  t.sent("USER after");
  EXPECT_EQ(lines, (std::vector<std::string>{"> PASS <redacted>", "< +OK \\x1b",
                                             "* Connected"}));
}

}  // namespace
}  // namespace inet::testing
