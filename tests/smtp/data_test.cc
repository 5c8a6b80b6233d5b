// DATA content (RFC 5321 §4.1.1.4, §4.5.2): dot-stuffing, CRLF normalisation (no input may end
// DATA early: the "SMTP smuggling" class), and bounded streaming of large bodies.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;
using mock::script;

std::size_t count(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1))
    ++n;
  return n;
}

script& one_message(script& s, std::string* captured, std::string final_reply = "250 ok\r\n") {
  return s.expect("MAIL FROM:<alice@example.test>")
      .send("250 ok\r\n")
      .expect("RCPT TO:<bob@example.test>")
      .send("250 ok\r\n")
      .expect("DATA")
      .send("354 go\r\n")
      .expect_until(".", captured)
      .send(std::move(final_reply));
}

TEST(SmtpData, HelperUnstuffAndNormalize) {
  EXPECT_EQ(unstuff("..a\r\n.\r\nb..\r\n...\r\n"), ".a\r\n\r\nb..\r\n..\r\n");
  EXPECT_EQ(normalize_crlf("a\nb\rc\r\nd"), "a\r\nb\r\nc\r\nd\r\n");
  EXPECT_EQ(normalize_crlf(""), "");
  EXPECT_EQ(normalize_crlf("\r\r\n"), "\r\n\r\n");
}

TEST(SmtpData, HostileBodyArrivesIntactAndCannotEndData) {
  // Every way a body could try to produce "<CRLF>.<CRLF>" early, plus lone dots and no final
  // newline.
  const std::string body =
      ".\nSubject: t\n\n.\n..\n.x\r.\r\nbare\rcr\nlf\n\r\n.\r\n"
      "\n.\n\r.\r\r\n.\n.\r\nsmuggle\r\n.\r\nMAIL FROM:<evil@x>\r\n..\r\n...\n.end";
  std::string captured;
  script s = greet_ehlo({});
  one_message(s, &captured).expect("QUIT").send("221 bye\r\n");
  mock_server srv(s);
  blocking_client c;
  c.connect(options_for(srv));
  memory_source src(body);
  const send_result r = c.send(simple_envelope(), src);
  c.quit();
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(unstuff(captured), normalize_crlf(body));
  EXPECT_EQ(r.message_bytes, captured.size() + 0u);
  // Exactly one end-of-data sequence on the whole wire: the client's own terminator.
  EXPECT_EQ(count(srv.received(), "\r\n.\r\n"), 1u);
  // No bare CR or LF reached the server.
  const std::string wire = srv.received();
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (wire[i] == '\r') {
      EXPECT_EQ(wire[i + 1], '\n') << "bare CR at " << i;
    }
    if (wire[i] == '\n') {
      EXPECT_EQ(wire[i - 1], '\r') << "bare LF at " << i;
    }
  }
}

TEST(SmtpData, EmptyBodyIsJustTheTerminator) {
  std::string captured = "unset";
  script s = greet_ehlo({});
  one_message(s, &captured);
  mock_server srv(s);
  blocking_client c;
  c.connect(options_for(srv));
  memory_source src("");
  EXPECT_EQ(c.send(simple_envelope(), src).message_bytes, 0u);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(captured, "");
  EXPECT_TRUE(srv.received().ends_with("DATA\r\n.\r\n"));
}

// Random bodies over the dangerous alphabet, fed one to seven bytes per read so CR, LF and
// dots fall on every possible read boundary; 40 messages over one connection.
TEST(SmtpData, RandomBodiesWithTinyReadsSurviveAnySplit) {
  constexpr int messages = 40;
  std::mt19937 rng(20240601);
  std::vector<std::string> bodies(messages), captured(messages);
  script s = greet_ehlo({});
  for (int i = 0; i < messages; ++i) {
    std::uniform_int_distribution<int> len(0, 300), pick(0, 5);
    const char alphabet[] = {'.', '.', '\r', '\n', 'a', ' '};
    for (int n = len(rng); n > 0; --n) bodies[i].push_back(alphabet[pick(rng)]);
    one_message(s, &captured[i]);
  }
  mock_server srv(s);
  blocking_client c;
  c.connect(options_for(srv));
  for (int i = 0; i < messages; ++i) {
    chunky_source src(bodies[i], 1 + i % 7);
    ASSERT_EQ(c.send(simple_envelope(), src).final_reply.code, 250) << "message " << i;
  }
  ASSERT_SCRIPT_OK(srv);
  for (int i = 0; i < messages; ++i)
    EXPECT_EQ(unstuff(captured[i]), normalize_crlf(bodies[i])) << "message " << i;
  EXPECT_EQ(count(srv.received(), "\r\n.\r\n"), static_cast<std::size_t>(messages));
}

TEST(SmtpData, TenMebibytesStreamInBoundedReads) {
  // 10 MiB of lines with LF endings and leading dots; the source serves as much as asked.
  std::string body;
  body.reserve(10u << 20);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> ch('!', '~');
  while (body.size() < (10u << 20)) {
    const bool dot = rng() % 10 == 0;
    if (dot) body.push_back('.');
    for (int i = 0; i < 75; ++i) body.push_back(static_cast<char>(ch(rng)));
    body.push_back('\n');
  }
  std::string captured;
  script s = greet_ehlo({"SIZE 52428800"});
  s.expect_regex("MAIL FROM:<alice@example.test> SIZE=[0-9]+")
      .send("250 ok\r\n")
      .expect("RCPT TO:<bob@example.test>")
      .send("250 ok\r\n")
      .expect("DATA")
      .send("354 go\r\n")
      .expect_until(".", &captured)
      .send("250 ok\r\n");
  mock::server_options so;
  so.step_timeout = std::chrono::seconds(30);
  mock_server srv(s, so);
  blocking_client c;
  c.connect(options_for(srv));
  chunky_source src(body, SIZE_MAX);
  envelope e = simple_envelope();
  e.size_hint = body.size();
  const send_result r = c.send(e, src);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_LE(src.peak_request(), 64u * 1024u) << "the client asked for more than 64 KiB at once";
  EXPECT_GE(src.reads(), body.size() / (64u * 1024u));
  EXPECT_EQ(r.message_bytes, captured.size());
  const std::string expected = normalize_crlf(body);
  ASSERT_EQ(captured.size(), expected.size() + count(expected, "\r\n.") + (expected[0] == '.'));
  EXPECT_TRUE(unstuff(captured) == expected) << "10 MiB body differs after un-stuffing";
}

// Streaming, not buffering: a 32 MiB source that will not hand out a byte more than 8 MiB
// ahead of what the server has received. A client that collected the message (or a large part
// of it) before writing would make the source wait in vain and fail; one that writes each
// 64 KiB chunk as it goes keeps the two counts close.
class flow_controlled_source final : public byte_source {
 public:
  flow_controlled_source(std::size_t total, const std::atomic<std::size_t>& received)
      : total_(total), received_(received) {}
  std::size_t read(std::span<char> buf) override {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (served_ > received_.load() + window) {
      if (std::chrono::steady_clock::now() > give_up)
        throw std::runtime_error("the client kept " + std::to_string(served_ - received_.load()) +
                                 " bytes unsent: it buffers instead of streaming");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const std::size_t n = std::min(buf.size(), total_ - served_);
    for (std::size_t i = 0; i < n; ++i) buf[i] = (served_ + i) % 64 == 63 ? '\n' : 'x';
    served_ += n;
    return n;
  }
  static constexpr std::size_t window = 8u << 20;

 private:
  std::size_t total_, served_ = 0;
  const std::atomic<std::size_t>& received_;
};

TEST(SmtpData, BodyStreamsAsItIsRead) {
  constexpr std::size_t total = 32u << 20;
  std::atomic<std::size_t> received{0};
  std::string tail;
  mock_server srv(greet_ehlo({})
                      .expect("MAIL FROM:<alice@example.test>")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>")
                      .send("250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .run([&](mock::connection_ctl& c) {
                        for (;;) {
                          const std::string got = c.read_some();
                          if (got.empty()) c.fail("EOF inside DATA");
                          received += got.size();
                          tail = (tail + got).substr((tail.size() + got.size()) > 5
                                                         ? tail.size() + got.size() - 5 : 0);
                          if (tail == "\r\n.\r\n") break;
                        }
                      })
                      .send("250 ok\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  flow_controlled_source src(total, received);
  const send_result r = c.send(simple_envelope(), src);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(r.final_reply.code, 250);
  // Each 63-byte line gains a CR; then the terminating ".\r\n".
  EXPECT_EQ(received.load(), total + total / 64 + 3);
}

}  // namespace
}  // namespace inet::smtp::testing
