// The shared line engine against the mock server: command validation, three-digit replies
// (RFC 5321 §4.2, RFC 959 §4.2), POP3 status lines and dot bodies (RFC 1939 §3), pipelining,
// limits, and STARTTLS with the injection check (RFC 3207 §4.2, CVE-2021-22947 class).
#include "protocols/line/engine.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"
#include "transport/error.hpp"

namespace inet::testing {
namespace {

using line::code_reply;
using line::command;
using test::mock_server;
using test::script;
using transport::error;

// Connects to `srv`, builds an engine with `lim` and runs `body`; returns the error.
std::error_code with_engine(mock_server& srv,
                            const std::function<asio::awaitable<void>(line::engine&)>& body,
                            line::limits lim = {}) {
  asio::io_context io;
  transport::stream s(io.get_executor());
  return error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    line::engine e(s, "test", lim);
    co_await body(e);
  });
}

// Reads one code reply from a server that sends `wire` and closes.
std::error_code reply_of(const std::string& wire, code_reply& out, line::limits lim = {}) {
  mock_server srv(script().send(wire).close());
  return with_engine(
      srv, [&](line::engine& e) -> asio::awaitable<void> { out = co_await e.read_code_reply(); },
      lim);
}

// ------------------------------------------------------------------------------------ commands

TEST(Command, BuildsText) {
  command c("MAIL");
  c.arg("FROM:<a@example.org>").arg("SIZE=10");
  EXPECT_EQ(c.text(), "MAIL FROM:<a@example.org> SIZE=10");
  EXPECT_EQ(c.trace_text(), c.text());
  command r("RCPT");
  r.arg("TO:").append("<b@example.org>");
  EXPECT_EQ(r.text(), "RCPT TO:<b@example.org>");
}

TEST(Command, RedactAsChangesOnlyTheTraceText) {
  command c("PASS");
  c.arg("hunter2").redact_as("PASS ****");
  EXPECT_EQ(c.text(), "PASS hunter2");
  EXPECT_EQ(c.trace_text(), "PASS ****");
}

TEST(Command, IsSafeArgument) {
  EXPECT_TRUE(line::is_safe_argument("plain text <>:@"));
  EXPECT_TRUE(line::is_safe_argument(""));
  EXPECT_FALSE(line::is_safe_argument("a\rb"));
  EXPECT_FALSE(line::is_safe_argument("a\nb"));
  EXPECT_FALSE(line::is_safe_argument(std::string_view("a\0b", 3)));
}

std::error_code build_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

TEST(Command, CrLfNulAnywhereThrowsInvalidArgument) {
  for (const std::string& bad : {std::string("x\r"), std::string("x\ny"), std::string("\0", 1),
                                std::string("<a>\r\nRCPT TO:<evil>")}) {
    EXPECT_EQ(build_error([&] { command c(bad); }), error::invalid_argument);
    EXPECT_EQ(build_error([&] { command("MAIL").arg(bad); }), error::invalid_argument);
    EXPECT_EQ(build_error([&] { command("MAIL").append(bad); }), error::invalid_argument);
  }
}

TEST(Command, InjectionAttemptSendsNothing) {
  mock_server srv(script().expect_silence(300ms));
  std::error_code inner;
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    try {
      co_await e.send(command("MAIL").arg("FROM:<a@x>\r\nRCPT TO:<victim@y>"));
    } catch (const std::system_error& err) {
      inner = err.code();
    }
    e.stream().close();
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(inner, error::invalid_argument);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "");
}

TEST(Engine, SendAppendsCrlf) {
  mock_server srv(script().expect("NOOP").send("250 ok\r\n"));
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    co_await e.send(command("NOOP"));
    EXPECT_EQ((co_await e.read_code_reply()).code, 250);
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "NOOP\r\n");
}

TEST(Engine, SendBytesWritesVerbatim) {
  mock_server srv(script().expect_bytes(9));
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    co_await e.send_bytes(std::string_view("a\r\nb\0c\r\n.", 9), "[9 bytes]");
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), std::string("a\r\nb\0c\r\n.", 9));
}

TEST(Engine, PipelinedCommandsGoInOneWriteAndRepliesComeInOrder) {
  const std::string wire = "MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n";
  std::string first_read;
  mock_server srv(script()
                      .run([&](test::connection_ctl& c) {
                        first_read = c.read_some();  // one write arrives as one segment
                        std::string all = first_read;
                        while (all.size() < wire.size()) {
                          const std::string more = c.read_some();
                          if (more.empty()) c.fail("EOF");
                          all += more;
                        }
                      })
                      .send("250 sender ok\r\n550 no such user\r\n354 go ahead\r\n"));
  std::vector<int> codes;
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    const std::vector<command> cmds = {command("MAIL").arg("FROM:<a@x>"),
                                       command("RCPT").arg("TO:<b@y>"), command("DATA")};
    co_await e.send_pipelined(cmds);
    for (int i = 0; i < 3; ++i) codes.push_back((co_await e.read_code_reply()).code);
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(first_read, wire);
  EXPECT_EQ(srv.received(), wire);
  EXPECT_EQ(codes, (std::vector<int>{250, 550, 354}));
}

// ------------------------------------------------------------------------------- code replies

TEST(CodeReply, SingleLine) {
  code_reply r;
  ASSERT_FALSE(reply_of("250 OK queued\r\n", r));
  EXPECT_EQ(r.code, 250);
  EXPECT_EQ(r.kind(), 2);
  EXPECT_EQ(r.lines, (std::vector<std::string>{"OK queued"}));
  EXPECT_EQ(r.text(), "OK queued");
}

TEST(CodeReply, CodeWithoutText) {
  code_reply r;
  ASSERT_FALSE(reply_of("250\r\n", r));
  EXPECT_EQ(r.code, 250);
  EXPECT_EQ(r.lines, (std::vector<std::string>{""}));
}

TEST(CodeReply, MultiLineEhlo) {
  code_reply r;
  ASSERT_FALSE(reply_of("250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 HELP\r\n", r));
  EXPECT_EQ(r.code, 250);
  EXPECT_EQ(r.lines,
            (std::vector<std::string>{"mx.example.org", "PIPELINING", "SIZE 1000", "HELP"}));
  EXPECT_EQ(r.text(), "mx.example.org\nPIPELINING\nSIZE 1000\nHELP");
}

TEST(CodeReply, BareLfAndHyphenOnlyLines) {
  code_reply r;
  ASSERT_FALSE(reply_of("250-\n250 done\n", r));
  EXPECT_EQ(r.lines, (std::vector<std::string>{"", "done"}));
}

TEST(CodeReply, FtpContinuationLinesWithoutCodes) {
  code_reply r;
  ASSERT_FALSE(reply_of("211-Features:\r\n MDTM\r\n SIZE\r\n UTF8\r\n211 End\r\n", r));
  EXPECT_EQ(r.code, 211);
  EXPECT_EQ(r.lines, (std::vector<std::string>{"Features:", " MDTM", " SIZE", " UTF8", "End"}));
}

TEST(CodeReply, FtpContinuationMayLookLikeText) {
  // RFC 959 §4.2: a middle line starting with digits but not "ddd-"/"ddd " is text.
  code_reply r;
  ASSERT_FALSE(reply_of("123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n123 The last line\r\n", r));
  EXPECT_EQ(r.code, 123);
  EXPECT_EQ(r.lines.size(), 4u);
  EXPECT_EQ(r.lines[2], "  234 A line beginning with numbers");
}

TEST(CodeReply, TwoRepliesInOneSegmentAreSeparate) {
  mock_server srv(script().send("220 hi\r\n250-a\r\n250 b\r\n").close());
  std::vector<code_reply> rs;
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    rs.push_back(co_await e.read_code_reply());
    rs.push_back(co_await e.read_code_reply());
  });
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].code, 220);
  EXPECT_EQ(rs[1].code, 250);
  EXPECT_EQ(rs[1].lines.size(), 2u);
}

TEST(CodeReply, MismatchedCodesAreMalformed) {
  code_reply r;
  EXPECT_EQ(reply_of("250-a\r\n251 b\r\n", r), line::error::malformed_reply);
  EXPECT_EQ(reply_of("250-a\r\n251-b\r\n250 c\r\n", r), line::error::malformed_reply);
}

TEST(CodeReply, GarbageFirstLinesAreMalformed) {
  for (const char* wire : {"hello\r\n", "25 short\r\n", "2500 four digits\r\n", "250x\r\n",
                           "600 out of range\r\n", "099 low\r\n", "\r\n", " 250 indented\r\n",
                           "+OK pop3\r\n"}) {
    code_reply r;
    const auto ec = reply_of(wire, r);
    EXPECT_EQ(ec, line::error::malformed_reply) << transport::escape_control(wire);
    EXPECT_TRUE(ec == condition::protocol_violation);
  }
}

TEST(CodeReply, EofInsideMultiLineReply) {
  code_reply r;
  EXPECT_EQ(reply_of("250-a\r\n250-b\r\n", r), error::unexpected_eof);
  EXPECT_EQ(reply_of("250-a\r\n250 no newline", r), error::unexpected_eof);
}

TEST(CodeReply, LineCountLimit) {
  line::limits lim;
  lim.max_reply_lines = 3;
  code_reply r;
  EXPECT_FALSE(reply_of("250-1\r\n250-2\r\n250 3\r\n", r, lim));
  EXPECT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(reply_of("250-1\r\n250-2\r\n250-3\r\n250 4\r\n", r, lim), error::reply_too_large);
}

TEST(CodeReply, ByteLimit) {
  line::limits lim;
  lim.max_reply_bytes = 1000;
  std::string wire;
  for (int i = 0; i < 20; ++i) wire += "250-" + std::string(100, 'b') + "\r\n";
  wire += "250 end\r\n";
  code_reply r;
  EXPECT_EQ(reply_of(wire, r, lim), error::reply_too_large);
}

TEST(CodeReply, EndlessMultiLineReplyIsBounded) {
  mock_server srv(script().send_repeated("250-x\r\n", 100'000));
  const auto start = std::chrono::steady_clock::now();
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    co_await e.read_code_reply();
  });
  EXPECT_EQ(ec, error::reply_too_large) << ec.message();
  EXPECT_LT(since(start), 4000ms);  // fails at the line limit, not at the end of the flood
}

TEST(CodeReply, OverlongReplyLine) {
  line::limits lim;
  lim.max_line_bytes = 512;
  code_reply r;
  EXPECT_EQ(reply_of("250 " + std::string(600, 'l') + "\r\n", r, lim), error::line_too_long);
  EXPECT_FALSE(reply_of("250 " + std::string(508, 'l') + "\r\n", r, lim));  // exactly 512
}

// ------------------------------------------------------------------------------ POP3 status

std::error_code status_of(const std::string& wire, line::status_reply& out) {
  mock_server srv(script().send(wire).close());
  return with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    out = co_await e.read_status_reply();
  });
}

TEST(StatusReply, OkAndErr) {
  line::status_reply r;
  ASSERT_FALSE(status_of("+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n", r));
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.text, "POP3 ready <1896.697170952@dbc.mtview.ca.us>");
  ASSERT_FALSE(status_of("-ERR no such message\r\n", r));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.text, "no such message");
  ASSERT_FALSE(status_of("+OK\r\n", r));
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.text, "");
  ASSERT_FALSE(status_of("-ERR\r\n", r));
  EXPECT_FALSE(r.ok);
}

TEST(StatusReply, GarbageIsMalformed) {
  for (const char* wire : {"OK\r\n", "+OKAY\r\n", "-ERROR x\r\n", "250 ok\r\n", "\r\n",
                           "+ok lower\r\n", " +OK\r\n"}) {
    line::status_reply r;
    EXPECT_EQ(status_of(wire, r), line::error::malformed_reply) << transport::escape_control(wire);
  }
}

// ------------------------------------------------------------------------------- dot bodies

std::error_code body_of(const std::string& wire, std::string& body, std::uint64_t* n = nullptr,
                        std::uint64_t max = UINT64_MAX, std::string* after = nullptr) {
  mock_server srv(script().send(wire).close());
  return with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    const auto got = co_await e.read_dot_body([&](std::string_view b) { body += b; }, max);
    if (n) *n = got;
    if (after) *after = std::string(co_await e.read_line());
  });
}

TEST(DotBody, UnstuffsAndStopsAtTheDotLine) {
  std::string body, after;
  std::uint64_t n = 0;
  ASSERT_FALSE(body_of("Subject: x\r\n\r\n..x\r\n..\r\n...\r\nend\r\n.\r\n+OK next\r\n", body, &n,
                       UINT64_MAX, &after));
  EXPECT_EQ(body, "Subject: x\r\n\r\n.x\r\n.\r\n..\r\nend\r\n");
  EXPECT_EQ(n, body.size());
  EXPECT_EQ(after, "+OK next");  // nothing after the "." line was consumed
}

TEST(DotBody, EmptyBody) {
  std::string body;
  std::uint64_t n = 99;
  ASSERT_FALSE(body_of(".\r\n", body, &n));
  EXPECT_EQ(body, "");
  EXPECT_EQ(n, 0u);
}

TEST(DotBody, BareLfIsDataAndNeverEndsTheBody) {
  std::string body;
  EXPECT_EQ(body_of("x\r\na\nb\n.\n", body), error::unexpected_eof);  // no CRLF "." CRLF came
  EXPECT_EQ(body, "x\r\n");  // complete lines only: "a\nb\n.\n" is one unfinished line
}

TEST(DotBody, EofBeforeTheDotLineIsAPartialTransfer) {
  std::string body;
  EXPECT_EQ(body_of("line1\r\nline2\r\n", body), error::unexpected_eof);
  EXPECT_EQ(body, "line1\r\nline2\r\n");  // what arrived was delivered
  body.clear();
  EXPECT_EQ(body_of("line1\r\n.", body), error::unexpected_eof);  // no CRLF after the dot
}

TEST(DotBody, OverTheMaximumIsBodyTooLarge) {
  std::string wire;
  for (int i = 0; i < 100; ++i) wire += std::string(98, 'm') + "\r\n";
  wire += ".\r\n";
  std::string body;
  EXPECT_EQ(body_of(wire, body, nullptr, 1000), error::body_too_large);
  EXPECT_LE(body.size(), 1000u);
  body.clear();
  EXPECT_FALSE(body_of(wire, body, nullptr, 10'000));  // exactly the maximum
  EXPECT_EQ(body.size(), 10'000u);
}

TEST(DotBody, EndlessBodyWithLimit) {
  mock_server srv(script().send_repeated("0123456789012345678901234567890123456789\r\n", 100'000));
  std::uint64_t delivered = 0;
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    co_await e.read_dot_body([&](std::string_view b) { delivered += b.size(); }, 64 * 1024);
  });
  EXPECT_EQ(ec, error::body_too_large) << ec.message();
  EXPECT_LE(delivered, 64u * 1024);
}

// ---------------------------------------------------------------------------------- STARTTLS

TEST(StartTls, UpgradesAndLaterCommandsTravelEncrypted) {
  bool server_saw_tls = false;
  mock_server srv(script()
                      .send("220 mx ESMTP\r\n")
                      .expect("STARTTLS")
                      .send("220 go ahead\r\n")
                      .start_tls()
                      .expect("EHLO client.example")
                      .run([&](test::connection_ctl& c) { server_saw_tls = c.is_tls(); })
                      .send("250-mx\r\n250 AUTH PLAIN\r\n"));
  code_reply after;
  bool client_tls = false;
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    EXPECT_EQ((co_await e.read_code_reply()).code, 220);
    co_await e.send(command("STARTTLS"));
    EXPECT_EQ((co_await e.read_code_reply()).code, 220);
    co_await e.start_tls(test_ca(), "localhost");
    client_tls = e.stream().is_tls();
    co_await e.send(command("EHLO").arg("client.example"));
    after = co_await e.read_code_reply();
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_TRUE(client_tls);
  EXPECT_TRUE(server_saw_tls);
  EXPECT_EQ(after.code, 250);
  EXPECT_EQ(after.lines.back(), "AUTH PLAIN");
  EXPECT_EQ(srv.received(), "STARTTLS\r\nEHLO client.example\r\n");
}

TEST(StartTls, InjectedBytesAfterGoAheadAreRefused) {
  mock_server srv(script()
                      .send("220 mx ESMTP\r\n")
                      .expect("STARTTLS")
                      .send("220 go ahead\r\n250 injected\r\n")  // one write, one segment
                      .start_tls());
  std::error_code start_ec, read_ec;
  std::string leaked;
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    co_await e.read_code_reply();
    co_await e.send(command("STARTTLS"));
    EXPECT_EQ((co_await e.read_code_reply()).code, 220);
    try {
      co_await e.start_tls(test_ca(), "localhost");
    } catch (const std::system_error& err) {
      start_ec = err.code();
    }
    try {
      leaked = std::string(co_await e.read_line());
    } catch (const std::system_error& err) {
      read_ec = err.code();
    }
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(start_ec, error::starttls_injection) << start_ec.message();
  EXPECT_TRUE(start_ec == condition::protocol_violation);
  EXPECT_EQ(leaked, "");  // the injected line never reaches the caller
  EXPECT_TRUE(read_ec);
  EXPECT_EQ(srv.received(), "STARTTLS\r\n");  // no ClientHello, nothing after
}

TEST(StartTls, BadCertificateFailsTheUpgrade) {
  mock_server srv(script().send("220 go ahead\r\n").start_tls(test::cert_kind::self_signed));
  const auto ec = with_engine(srv, [&](line::engine& e) -> asio::awaitable<void> {
    co_await e.read_code_reply();
    co_await e.start_tls(test_ca(), "localhost");
  });
  EXPECT_EQ(ec, error::certificate_verify_failed) << ec.message();
}

}  // namespace
}  // namespace inet::testing
