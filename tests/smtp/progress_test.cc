// client_options::progress on send(): bytes read from the message source, total = size_hint,
// one final call after the end-of-data reply.
#include <gtest/gtest.h>

#include <vector>

#include "tests/smtp/test_util.hpp"
#include "transport/progress.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;

TEST(SmtpProgress, UploadReportsSourceBytesEndingWithTheFinalCall) {
  // 2 MiB in 512-octet lines (RFC 5321 §4.5.3.1.6 caps a line at 998 octets);
  // dot-stuffing adds bytes on the wire but not to the count.
  std::string body;
  for (int i = 0; i < 4096; ++i) body += "." + std::string(509, 'u') + "\r\n";
  std::string captured;
  mock_server srv(greet_ehlo({"SIZE 100000000"})
                      .expect("MAIL FROM:<alice@example.test> SIZE=2097152").send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".", &captured)
                      .send("250 queued\r\n"));
  std::vector<transport::progress> calls;
  client_options o = options_for(srv);
  o.progress = [&](const transport::progress& p) { calls.push_back(p); };
  blocking_client c;
  c.connect(o);
  envelope env = simple_envelope();
  env.size_hint = body.size();
  memory_source src(body);
  const send_result r = c.send(env, src);
  EXPECT_EQ(r.final_reply.code, 250);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(captured.size(), body.size() + 4096);  // every line was stuffed
  ASSERT_FALSE(calls.empty());
  for (std::size_t i = 1; i < calls.size(); ++i) EXPECT_GE(calls[i].done, calls[i - 1].done);
  for (std::size_t i = 0; i + 1 < calls.size(); ++i) EXPECT_FALSE(calls[i].finished);
  EXPECT_TRUE(calls.back().finished);
  EXPECT_EQ(calls.back().done, body.size());
  for (const auto& p : calls) EXPECT_EQ(p.total, std::optional<std::uint64_t>(body.size()));
}

TEST(SmtpProgress, NoCallbackNoCalls) {
  // The default (no progress) path still sends the message unchanged.
  std::string captured;
  mock_server srv(greet_ehlo({})
                      .expect("MAIL FROM:<alice@example.test>").send("250 ok\r\n")
                      .expect("RCPT TO:<bob@example.test>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".", &captured)
                      .send("250 queued\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  memory_source src("Subject: x\r\n\r\nhi\r\n");
  c.send(simple_envelope(), src);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(captured, "Subject: x\r\n\r\nhi\r\n");
}

}  // namespace
}  // namespace inet::smtp::testing
