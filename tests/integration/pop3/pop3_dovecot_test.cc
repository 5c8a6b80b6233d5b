// The POP3 client against a real dovecot (tests/integration/servers): STLS on the POP3 port and
// implicit TLS on the POP3S port, LIST/UIDL/RETR (pipelined) of 1000 messages written straight
// into the user's Maildir and compared byte for byte with those files, and the UPDATE state:
// DELE+RSET+QUIT keeps every message, DELE+QUIT removes exactly the marked ones.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "protocols/pop3/client.hpp"
#include "tests/integration/servers/env.hpp"

namespace inet::pop3 {
namespace {

namespace fs = std::filesystem;

constexpr int message_count = 1000;

std::map<std::string, std::string> g_env;
std::string g_state;
std::string g_servers;
std::map<int, std::string> g_messages;  // X-Test-Id -> exact file bytes (alice)

using test::load_env;
using test::read_file;

// Message `id`: headers, then a body whose size and shape vary with id — lines that are just
// ".", lines starting with "..", empty lines, long lines; message 500 is 1 MiB.
std::string make_message(int id) {
  std::string m = "From: sender@example.test\r\nTo: alice@example.test\r\nSubject: message " +
                  std::to_string(id) + "\r\nX-Test-Id: " + std::to_string(id) + "\r\n\r\n";
  const int lines = 3 + id % 40;
  for (int i = 0; i < lines; ++i) {
    switch ((id + i) % 6) {
      case 0: m += ".\r\n"; break;
      case 1: m += "..starts with two dots\r\n"; break;
      case 2: m += "\r\n"; break;
      case 3: m += std::string(60 + id % 900, 'a' + id % 26) + "\r\n"; break;
      default: m += "line " + std::to_string(i) + " of message " + std::to_string(id) + "\r\n";
    }
  }
  if (id == 500)
    for (int i = 0; i < 16 * 1024; ++i) m += std::string(62, 'x') + "\r\n";
  return m;
}

fs::path maildir(const std::string& user) {
  return fs::path(g_env["MAILDIR_ROOT"]) / g_env["TEST_DOMAIN"] / user;
}

void write_maildir(const std::string& user, const std::map<int, std::string>& messages) {
  const fs::path root = maildir(user);
  const uid_t uid = static_cast<uid_t>(std::stoul(g_env["VMAIL_UID"]));
  const gid_t gid = static_cast<gid_t>(std::stoul(g_env["VMAIL_GID"]));
  for (const char* sub : {"", "new", "cur", "tmp"}) {
    fs::create_directories(root / sub);
    ASSERT_EQ(::chown((root / sub).c_str(), uid, gid), 0);
    ::chmod((root / sub).c_str(), 0700);
  }
  ASSERT_EQ(::chown(root.parent_path().c_str(), uid, gid), 0);
  for (const auto& [id, bytes] : messages) {
    const fs::path p = root / "new" / ("1700000000.M" + std::to_string(id) + "P1.inetpp-test");
    std::ofstream(p, std::ios::binary) << bytes;
    ASSERT_EQ(::chown(p.c_str(), uid, gid), 0);
  }
}

std::size_t files_in(const std::string& user) {
  std::size_t n = 0;
  for (const char* sub : {"new", "cur"})
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(maildir(user) / sub)) ++n;
  return n;
}

int test_id(const std::string& message) {
  const auto at = message.find("X-Test-Id: ");
  if (at == std::string::npos) return -1;
  return std::atoi(message.c_str() + at + 11);
}

class Pop3Dovecot : public ::testing::Test {
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
    for (int id = 1; id <= message_count; ++id) g_messages[id] = make_message(id);
    write_maildir("alice", g_messages);
    std::map<int, std::string> few;
    for (int id = 1; id <= 5; ++id) few[id] = make_message(id);
    write_maildir("bob", few);
  }
  static void TearDownTestSuite() {
    if (!g_state.empty()) std::system((g_servers + "/stop " + g_state + " >/dev/null").c_str());
  }

  static client_options options(const std::string& port_var, bool second_user = false) {
    client_options o;
    o.host = "127.0.0.1";
    o.port = static_cast<std::uint16_t>(std::stoi(g_env[port_var]));
    o.tls.ca_file = g_env["CA_FILE"];
    o.credentials.username = g_env[second_user ? "TEST_USER2" : "TEST_USER"];
    o.credentials.password = g_env[second_user ? "TEST_PASS2" : "TEST_PASS"];
    o.connect.time.idle = std::chrono::seconds(30);
    return o;
  }
};

TEST_F(Pop3Dovecot, StlsListUidlRetrOfAThousandMessagesAreByteIdentical) {
  blocking_client c;
  c.connect(options("POP3_PORT"));  // credentials: STLS required by default
  ASSERT_TRUE(c.is_tls());
  EXPECT_TRUE(c.tls_details().verified);
  EXPECT_TRUE(c.server_capabilities().pipelining);
  EXPECT_FALSE(c.server_capabilities().stls);  // asked again after TLS
  EXPECT_FALSE(c.authenticated_with().empty());

  const maildrop_stat st = c.stat();
  ASSERT_EQ(st.count, static_cast<std::uint64_t>(message_count));
  std::uint64_t total = 0;
  for (const auto& [id, bytes] : g_messages) total += bytes.size();
  EXPECT_EQ(st.octets, total);

  const auto listing = c.list();
  ASSERT_EQ(listing.size(), static_cast<std::size_t>(message_count));
  const auto uids = c.uidl();
  ASSERT_EQ(uids.size(), listing.size());
  std::set<std::string> distinct;
  for (const auto& u : uids) distinct.insert(u.uid);
  EXPECT_EQ(distinct.size(), uids.size());

  std::vector<std::uint32_t> numbers;
  for (const auto& m : listing) numbers.push_back(m.number);
  std::map<std::uint32_t, std::string> got;
  const auto sizes = c.retr_many(numbers, [&](std::uint32_t n, std::string_view chunk) {
    got[n].append(chunk);
  });
  ASSERT_EQ(sizes.size(), numbers.size());
  std::set<int> seen;
  for (const auto& m : listing) {
    const std::string& body = got[m.number];
    const int id = test_id(body);
    ASSERT_TRUE(g_messages.count(id)) << "message " << m.number << " has no known X-Test-Id";
    EXPECT_TRUE(seen.insert(id).second) << "X-Test-Id " << id << " twice";
    EXPECT_EQ(body, g_messages[id]) << "message " << m.number << " (X-Test-Id " << id << ")";
    EXPECT_EQ(m.octets, body.size()) << "LIST size of message " << m.number;
  }
  EXPECT_EQ(seen.size(), g_messages.size());
  EXPECT_TRUE(c.quit().committed);
}

TEST_F(Pop3Dovecot, ImplicitTlsRetrAndTop) {
  blocking_client c;
  client_options o = options("POP3S_PORT");
  o.security = security::implicit_tls;
  c.connect(o);
  ASSERT_TRUE(c.is_tls());
  const message_info first = c.list(1);
  std::string msg, head;
  EXPECT_EQ(c.retr(1, string_sink(msg)), first.octets);
  ASSERT_TRUE(g_messages.count(test_id(msg)));
  EXPECT_EQ(msg, g_messages[test_id(msg)]);
  c.top(1, 0, string_sink(head));
  EXPECT_EQ(head, msg.substr(0, msg.find("\r\n\r\n") + 4));
  try {
    std::string none;
    c.retr(message_count + 1, string_sink(none));
    ADD_FAILURE() << "RETR of a message that does not exist";
  } catch (const pop3_exception& e) {
    EXPECT_FALSE(e.server_response().text.empty());
  }
  EXPECT_TRUE(c.noop().ok);
  EXPECT_TRUE(c.quit().committed);
}

TEST_F(Pop3Dovecot, ApopLoginWithTheGreetingTimestamp) {
  // dovecot puts an RFC 1939 §7 <timestamp> in its greeting when APOP is enabled; the digest
  // of timestamp + password must be accepted (over TLS: APOP is refused in clear text).
  blocking_client c;
  client_options o = options("POP3S_PORT");
  o.security = security::implicit_tls;
  o.auth_mechanism = "+APOP";
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "APOP");
  EXPECT_FALSE(apop_timestamp(c.greeting().text).empty()) << c.greeting().text;
  EXPECT_GT(c.stat().count, 0u);
  EXPECT_TRUE(c.quit().committed);
  blocking_client wrong;
  o.credentials.password = "wrong";
  try {
    wrong.connect(o);
    FAIL() << "APOP with a wrong password was accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), condition::auth_failed) << e.what();
  }
}

TEST_F(Pop3Dovecot, WrongPasswordIsAuthFailed) {
  blocking_client c;
  client_options o = options("POP3S_PORT");
  o.security = security::implicit_tls;
  o.credentials.password = "wrong";
  try {
    c.connect(o);
    FAIL() << "logged in with a wrong password";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), condition::auth_failed) << e.what();
  }
}

TEST_F(Pop3Dovecot, DeleRsetKeepsAndDeleQuitRemoves) {
  {
    blocking_client c;
    c.connect(options("POP3_PORT", true));
    ASSERT_EQ(c.stat().count, 5u);
    c.dele_many({1, 2, 3});
    EXPECT_EQ(c.pending_deletions().size(), 3u);
    EXPECT_EQ(c.stat().count, 2u);  // marked messages are hidden until QUIT
    c.rset();
    EXPECT_TRUE(c.pending_deletions().empty());
    EXPECT_TRUE(c.quit().committed);
  }
  EXPECT_EQ(files_in("bob"), 5u);
  std::string removed_uid;
  {
    blocking_client c;
    c.connect(options("POP3_PORT", true));
    ASSERT_EQ(c.stat().count, 5u);
    removed_uid = c.uidl(2).uid;
    c.dele(2);
    c.dele(4);
    const quit_result q = c.quit();
    EXPECT_TRUE(q.committed);
    EXPECT_EQ(q.deletions, 2u);
  }
  EXPECT_EQ(files_in("bob"), 3u);
  {
    blocking_client c;
    c.connect(options("POP3_PORT", true));
    EXPECT_EQ(c.stat().count, 3u);
    for (const auto& u : c.uidl()) EXPECT_NE(u.uid, removed_uid);
    // Closing without QUIT commits nothing.
    c.dele(1);
  }
  blocking_client c;
  c.connect(options("POP3_PORT", true));
  EXPECT_EQ(c.stat().count, 3u);
  c.quit();
}

}  // namespace
}  // namespace inet::pop3
