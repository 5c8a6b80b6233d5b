// client_options::progress against a real dovecot: RETR of a 100 MiB message reports
// monotonic progress, at most ten calls a second (plus the final one), total = the LIST size,
// and a final call whose count is exactly the message size.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "protocols/pop3/client.hpp"
#include "tests/integration/servers/env.hpp"
#include "transport/progress.hpp"

namespace inet::pop3 {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t line_bytes = 1024;                  // 1022 characters + CRLF
constexpr std::uint64_t body_lines = 100u * 1024;            // 100 MiB of body
const std::string headers =
    "From: sender@example.test\r\nTo: alice@example.test\r\nSubject: big\r\n\r\n";
const std::uint64_t message_size = headers.size() + line_bytes * body_lines;

std::map<std::string, std::string> g_env;
std::string g_state, g_servers;

using test::load_env;
using test::read_file;

// The one message of alice's Maildir, written straight into it (CRLF lines: served as stored).
void write_big_message() {
  const fs::path root = fs::path(g_env["MAILDIR_ROOT"]) / g_env["TEST_DOMAIN"] / "alice";
  const uid_t uid = static_cast<uid_t>(std::stoul(g_env["VMAIL_UID"]));
  const gid_t gid = static_cast<gid_t>(std::stoul(g_env["VMAIL_GID"]));
  for (const char* sub : {"", "new", "cur", "tmp"}) {
    fs::create_directories(root / sub);
    ASSERT_EQ(::chown((root / sub).c_str(), uid, gid), 0);
    ::chmod((root / sub).c_str(), 0700);
  }
  ASSERT_EQ(::chown(root.parent_path().c_str(), uid, gid), 0);
  const fs::path p = root / "new" / "1700000000.M1P1.inetpp-progress";
  {
    std::ofstream f(p, std::ios::binary);
    f << headers;
    const std::string line = std::string(line_bytes - 2, 'p') + "\r\n";
    for (std::uint64_t i = 0; i < body_lines; ++i) f << line;
  }
  ASSERT_EQ(fs::file_size(p), message_size);
  ASSERT_EQ(::chown(p.c_str(), uid, gid), 0);
}

class Pop3ProgressDovecot : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_TRUE(srcdir && tmp) << "run under bazel test";
    g_servers = std::string(srcdir) + "/inetpp/tests/integration/servers";
    g_state = std::string(tmp) + "/servers";
    const std::string start = g_servers + "/start " + g_state + " 2>" + tmp + "/start.log";
    ASSERT_EQ(std::system(start.c_str()), 0) << read_file(std::string(tmp) + "/start.log");
    g_env = load_env(g_state + "/env");
    write_big_message();
  }
  static void TearDownTestSuite() {
    if (!g_state.empty()) std::system((g_servers + "/stop " + g_state + " >/dev/null").c_str());
  }
};

TEST_F(Pop3ProgressDovecot, HundredMebibyteRetrReportsBoundedProgressEndingAtTheExactSize) {
  std::vector<transport::progress> calls;
  client_options o;
  o.host = "127.0.0.1";
  o.port = static_cast<std::uint16_t>(std::stoi(g_env["POP3_PORT"]));
  o.tls.ca_file = g_env["CA_FILE"];
  o.credentials.username = g_env["TEST_USER"];
  o.credentials.password = g_env["TEST_PASS"];
  o.connect.time.idle = std::chrono::seconds(60);
  o.progress = [&](const transport::progress& p) { calls.push_back(p); };
  blocking_client c;
  c.connect(o);
  const auto listing = c.list();
  ASSERT_EQ(listing.size(), 1u);
  EXPECT_EQ(listing[0].octets, message_size);

  const auto start = std::chrono::steady_clock::now();
  std::uint64_t delivered = 0;
  const std::uint64_t n =
      c.retr(listing[0].number, [&](std::string_view chunk) { delivered += chunk.size(); });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  c.quit();

  EXPECT_EQ(n, message_size);
  EXPECT_EQ(delivered, message_size);
  ASSERT_FALSE(calls.empty());
  EXPECT_TRUE(calls.back().finished);
  EXPECT_EQ(calls.back().done, message_size);  // the final call: the exact size
  for (std::size_t i = 0; i + 1 < calls.size(); ++i) EXPECT_FALSE(calls[i].finished);
  for (std::size_t i = 1; i < calls.size(); ++i) EXPECT_GE(calls[i].done, calls[i - 1].done);
  for (const auto& p : calls) EXPECT_EQ(p.total, std::optional<std::uint64_t>(message_size));
  // At most one call per 100 ms, plus the first and the final one.
  const auto bound = static_cast<std::size_t>(elapsed / std::chrono::milliseconds(100)) + 2;
  EXPECT_LE(calls.size(), bound) << "in " << std::chrono::duration<double>(elapsed).count()
                                 << " s";
}

}  // namespace
}  // namespace inet::pop3
