// client_options::progress: RETR bodies report monotonic, rate-limited progress that ends with
// one final call at the exact size; total is the size LIST reported.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "tests/pop3/test_util.hpp"
#include "transport/progress.hpp"

namespace inet::pop3::testing {
namespace {

using mock::mock_server;

struct recorded {
  std::vector<transport::progress> calls;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  transport::progress_fn fn() {
    return [this](const transport::progress& p) { calls.push_back(p); };
  }
  /// Monotonic; one final call, the last; no more calls than 10 a second allows.
  void check(std::uint64_t final_done, std::optional<std::uint64_t> total) const {
    ASSERT_FALSE(calls.empty());
    for (std::size_t i = 1; i < calls.size(); ++i) EXPECT_GE(calls[i].done, calls[i - 1].done);
    for (std::size_t i = 0; i + 1 < calls.size(); ++i) EXPECT_FALSE(calls[i].finished);
    EXPECT_TRUE(calls.back().finished);
    EXPECT_EQ(calls.back().done, final_done);
    for (const auto& c : calls) EXPECT_EQ(c.total, total);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LE(calls.size(), static_cast<std::size_t>(elapsed / std::chrono::milliseconds(100)) + 2);
  }
};

// 1 KiB lines (1022 characters and CRLF), 4 MiB in all.
const std::string kib_line = std::string(1022, 'm') + "\r\n";
constexpr std::size_t lines = 4096;
constexpr std::uint64_t message_size = 4u << 20;

TEST(Pop3Progress, MultiMebibyteRetrEndsAtTheExactSizeWithTheListedTotal) {
  mock_server srv(logged_in()
                      .expect("LIST 1").send("+OK 1 4194304\r\n")
                      .expect("RETR 1").send("+OK message follows\r\n")
                      .send_repeated(kib_line, lines)
                      .send(".\r\n")
                      .expect("RETR 1").send("+OK\r\nshort\r\n.\r\n"));
  recorded rec;
  client_options o = login_options(srv);
  o.progress = rec.fn();
  blocking_client c;
  c.connect(o);
  EXPECT_EQ(c.list(1).octets, message_size);
  std::uint64_t delivered = 0;
  const std::uint64_t n = c.retr(1, [&](std::string_view chunk) { delivered += chunk.size(); });
  EXPECT_EQ(n, message_size);
  EXPECT_EQ(delivered, message_size);
  rec.check(message_size, message_size);

  // A second RETR is a transfer of its own: a fresh count, its own final call.
  rec.calls.clear();
  std::string body;
  c.retr(1, string_sink(body));
  ASSERT_FALSE(rec.calls.empty());
  EXPECT_LE(rec.calls.front().done, 7u);  // counting restarted ("short\r\n")
  EXPECT_TRUE(rec.calls.back().finished);
  EXPECT_EQ(rec.calls.back().done, 7u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Progress, WithoutListTheTotalIsUnknown) {
  mock_server srv(logged_in()
                      .expect("RETR 2").send("+OK\r\n")
                      .send_repeated(kib_line, 100)
                      .send(".\r\n"));
  recorded rec;
  client_options o = login_options(srv);
  o.progress = rec.fn();
  blocking_client c;
  c.connect(o);
  c.retr(2, [](std::string_view) {});
  rec.check(100 * 1024, std::nullopt);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Progress, RetrManyReportsEachMessageAndListingsReportNothing) {
  mock_server srv(logged_in()
                      .expect("LIST").send("+OK\r\n1 5\r\n2 9\r\n.\r\n")
                      .expect("RETR 1").send("+OK\r\nabc\r\n.\r\n")
                      .expect("RETR 2").send("+OK\r\nabcdefg\r\n.\r\n"));
  recorded rec;
  client_options o = login_options(srv);
  o.progress = rec.fn();
  blocking_client c;
  c.connect(o);
  ASSERT_EQ(c.list().size(), 2u);
  EXPECT_TRUE(rec.calls.empty());  // LIST is not a message transfer
  c.retr_many({1, 2}, [](std::uint32_t, std::string_view) {});
  std::vector<transport::progress> finals;
  for (const auto& p : rec.calls)
    if (p.finished) finals.push_back(p);
  ASSERT_EQ(finals.size(), 2u);
  EXPECT_EQ(finals[0].done, 5u);
  EXPECT_EQ(finals[0].total, std::optional<std::uint64_t>(5));
  EXPECT_EQ(finals[1].done, 9u);
  EXPECT_EQ(finals[1].total, std::optional<std::uint64_t>(9));
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3Progress, ACutOffRetrHasNoFinalCall) {
  mock_server srv(logged_in().expect("RETR 1").send("+OK\r\nline one\r\n").close());
  recorded rec;
  client_options o = login_options(srv);
  o.progress = rec.fn();
  blocking_client c;
  c.connect(o);
  EXPECT_THROW(c.retr(1, [](std::string_view) {}), std::system_error);
  for (const auto& p : rec.calls) EXPECT_FALSE(p.finished);
}

}  // namespace
}  // namespace inet::pop3::testing
