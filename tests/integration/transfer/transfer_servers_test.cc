// transfer::session against a real postfix + dovecot (tests/integration/servers): smtp put
// through submission (STARTTLS required, AUTH), the delivered message read back with imap get,
// and pop3 get of messages written into the Maildir — several URLs over one connection.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "protocols/transfer/session.hpp"
#include "tests/integration/servers/env.hpp"

namespace inet::transfer {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> g_env;
std::string g_state;
std::string g_servers;

using test::load_env;
using test::read_file;

std::string message(int id) {
  return "From: sender@example.test\r\nTo: alice@example.test\r\nSubject: transfer " +
         std::to_string(id) + "\r\n\r\n.\r\n..two dots\r\nbody of message " + std::to_string(id) +
         "\r\n";
}

fs::path maildir(const std::string& user) {
  return fs::path(g_env["MAILDIR_ROOT"]) / g_env["TEST_DOMAIN"] / user;
}

void write_maildir(const std::string& user, int count) {
  const fs::path root = maildir(user);
  const uid_t uid = static_cast<uid_t>(std::stoul(g_env["VMAIL_UID"]));
  const gid_t gid = static_cast<gid_t>(std::stoul(g_env["VMAIL_GID"]));
  for (const char* sub : {"", "new", "cur", "tmp"}) {
    fs::create_directories(root / sub);
    ASSERT_EQ(::chown((root / sub).c_str(), uid, gid), 0);
    ::chmod((root / sub).c_str(), 0700);
  }
  ASSERT_EQ(::chown(root.parent_path().c_str(), uid, gid), 0);
  for (int id = 1; id <= count; ++id) {
    // Maildir names sort by their time stamp: POP3 numbers follow the ids.
    const fs::path p = root / "new" / ("17000000" + std::to_string(10 + id) + ".M1P1.inetpp-test");
    std::ofstream(p, std::ios::binary) << message(id);
    ASSERT_EQ(::chown(p.c_str(), uid, gid), 0);
  }
}

class TransferServers : public ::testing::Test {
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
    write_maildir("alice", 3);
  }
  static void TearDownTestSuite() {
    if (!g_state.empty()) std::system((g_servers + "/stop " + g_state + " >/dev/null").c_str());
  }

  static options login(bool second_user = false) {
    options o;
    o.user = g_env[second_user ? "TEST_USER2" : "TEST_USER"];
    o.password = g_env[second_user ? "TEST_PASS2" : "TEST_PASS"];
    o.cacert = g_env["CA_FILE"];
    o.connect_timeout = std::chrono::seconds(10);
    o.idle_timeout = std::chrono::seconds(30);
    return o;
  }
  static std::string url(const char* scheme, const char* port_var, const std::string& path) {
    return std::string(scheme) + "://127.0.0.1:" + g_env[port_var] + "/" + path;
  }
};

TEST_F(TransferServers, Pop3GetsOverOneStlsConnection) {
  blocking_session s;
  for (int id = 1; id <= 3; ++id) {
    std::string got;
    const result r = s.get(url("pop3", "POP3_PORT", std::to_string(id)), login(), string_sink(got));
    EXPECT_EQ(got, message(id)) << "message " << id;
    EXPECT_EQ(r.reused_connection, id > 1);
  }
  std::string listing;
  s.get(url("pop3", "POP3_PORT", ""), login(), string_sink(listing));
  EXPECT_EQ(listing.find("1 "), 0u) << listing;
  EXPECT_EQ(s.connections_opened(), 1u);
}

TEST_F(TransferServers, SmtpPutThroughSubmissionThenImapGetReadsItBack) {
  blocking_session s;
  options o = login();
  o.mail_from = g_env["TEST_USER"];
  o.mail_rcpt = {g_env["TEST_USER2"]};
  const std::string body =
      "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: via transfer put\r\n\r\n"
      "hello over submission\r\n";
  memory_source src(body);
  const result sent = s.put(url("smtp", "SUBMISSION_PORT", "client.test"), o, src);
  EXPECT_EQ(sent.reply_code, 250) << sent.reply_text;

  const std::string wait = g_servers + "/wait_for_mail " + g_state + " " + g_env["TEST_USER2"] +
                           " 1 20 >/dev/null";
  ASSERT_EQ(std::system(wait.c_str()), 0) << "the message did not arrive";

  std::string got;
  const result r = s.get(url("imap", "IMAP_PORT", "INBOX;MAILINDEX=1"), login(true),
                         string_sink(got));
  EXPECT_NE(got.find("Subject: via transfer put"), std::string::npos) << got;
  EXPECT_NE(got.find("hello over submission"), std::string::npos) << got;
  EXPECT_EQ(r.bytes, got.size());

  std::error_code ec;
  std::string none;
  const result missing =
      s.get(url("imap", "IMAP_PORT", "INBOX;UID=999999"), login(true), string_sink(none), ec);
  EXPECT_EQ(curl_exit_code(ec, missing.failed_in), exit_code::remote_file_not_found);
  EXPECT_TRUE(missing.reused_connection);
}

}  // namespace
}  // namespace inet::transfer
