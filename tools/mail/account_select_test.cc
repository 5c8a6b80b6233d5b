// msmtp's account choice: by envelope sender (-f, --read-envelope-from; wildcard `from`
// patterns), the configuration file fallbacks ($XDG_CONFIG_HOME/msmtp/config, /etc/msmtprc),
// and the -v trace on the command's stderr stream. Against the scripted mock SMTP server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/mock/server.hpp"
#include "tools/mail/config.hpp"
#include "tools/mail/mail_command.hpp"
#include "tools/mail/sysexits.hpp"

namespace inet::mail {
namespace {

namespace fs = std::filesystem;
using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;
using ::testing::Not;

fs::path temp_dir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path dir = fs::path(tmp ? tmp : "/tmp") / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
  ::chmod(p.c_str(), 0600);
}

// A port nothing listens on: choosing the wrong account fails to connect.
std::uint16_t dead_port() {
  mock_server gone(script().close());
  return gone.port();
}

script delivery(const std::string& sender, std::string* data = nullptr) {
  return std::move(script()
                       .send("220 mock ESMTP\r\n")
                       .expect("EHLO client.example")
                       .send("250 mock\r\n")
                       .expect("MAIL FROM:<" + sender + ">")
                       .send("250 ok\r\n")
                       .expect("RCPT TO:<b@y.org>")
                       .send("250 ok\r\n")
                       .expect("DATA")
                       .send("354 go\r\n")
                       .expect_until(".", data)
                       .send("250 queued\r\n")
                       .expect("QUIT")
                       .send("221 bye\r\n")
                       .close());
}

// Accounts in file order: default (dead), personal (dead), work (*@work.example: the mock).
std::string accounts(std::uint16_t good, std::uint16_t dead) {
  const std::string common = "host 127.0.0.1\ntls off\ndomain client.example\n";
  return "defaults\n" + common + "account default\nport " + std::to_string(dead) +
         "\nfrom me@home.example\n" + "account personal\nport " + std::to_string(dead) +
         "\nfrom me@personal.example\n" + "account work\nport " + std::to_string(good) +
         "\nfrom *@Work.Example\n" + "account late\nport " + std::to_string(dead) +
         "\nfrom bob@work.example\n";
}

struct harness {
  std::string message = "From: Bob <bob@work.example>\r\nTo: b@y.org\r\nSubject: hi\r\n\r\nbody\r\n";
  std::ostringstream out, err;
  fs::path home = temp_dir("acct-home");
  std::map<std::string, std::string> vars = {{"HOME", home.string()}};
  fs::path system_config = home / "no-etc-msmtprc";

  int run(std::vector<std::string> args) {
    memory_source input(message);
    io_streams io;
    io.input = &input;
    io.out = &out;
    io.err = &err;
    io.system_config = system_config;
    io.env = [this](const std::string& n) -> std::optional<std::string> {
      const auto it = vars.find(n);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    io.run_command = [](const std::string&) { return std::string("secret-pw"); };
    return run_mail(args, io);
  }
};

TEST(AccountBySender, FirstAccountInFileOrderWhoseFromPatternMatches) {
  const config cfg = parse_config(accounts(1, 2), "rc", "");
  EXPECT_EQ(cfg.account_order, (std::vector<std::string>{"default", "personal", "work", "late"}));
  EXPECT_EQ(account_for_sender(cfg, "me@personal.example"), "personal");
  EXPECT_EQ(account_for_sender(cfg, "ME@Personal.Example"), "personal");  // case-insensitive
  EXPECT_EQ(account_for_sender(cfg, "bob@work.example"), "work");  // before "late"
  EXPECT_EQ(account_for_sender(cfg, "anyone@work.example"), "work");
  EXPECT_EQ(account_for_sender(cfg, "me@elsewhere.example"), std::nullopt);
  EXPECT_EQ(account_for_sender(cfg, "x@work.example.evil"), std::nullopt);
  EXPECT_TRUE(from_matches("?@[ab].org", "x@b.org"));
  EXPECT_FALSE(from_matches("?@[ab].org", "xy@b.org"));
  EXPECT_FALSE(from_matches("", "x@b.org"));
}

TEST(AccountBySender, DashFChoosesTheMatchingAccount) {
  std::string data;
  mock_server srv(delivery("carol@work.example", &data));
  harness h;
  write(h.home / ".msmtprc", accounts(srv.port(), dead_port()));
  EXPECT_EQ(h.run({"-f", "carol@work.example", "b@y.org"}), ex_ok) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(data, HasSubstr("Subject: hi"));
}

TEST(AccountBySender, DashAWinsOverTheSender) {
  harness h;
  write(h.home / ".msmtprc", accounts(dead_port(), dead_port()));
  // -a personal (dead port) although the sender matches work: the connection fails.
  EXPECT_EQ(h.run({"-a", "personal", "-f", "carol@work.example", "b@y.org"}), ex_tempfail);
  EXPECT_THAT(h.err.str(), HasSubstr("cannot connect"));
}

TEST(AccountBySender, NoMatchUsesTheDefaultAccount) {
  harness h;
  const std::uint16_t dead = dead_port();
  write(h.home / ".msmtprc", accounts(dead_port(), dead));
  EXPECT_EQ(h.run({"-f", "x@nowhere.example", "b@y.org"}), ex_tempfail);
  EXPECT_THAT(h.err.str(), HasSubstr("127.0.0.1:" + std::to_string(dead)));
}

TEST(AccountBySender, ReadEnvelopeFromTakesTheFromHeader) {
  std::string data;
  mock_server srv(delivery("bob@work.example", &data));
  harness h;
  write(h.home / ".msmtprc", accounts(srv.port(), dead_port()));
  EXPECT_EQ(h.run({"--read-envelope-from", "b@y.org"}), ex_ok) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  // The header section read ahead is sent unchanged, followed by the body.
  EXPECT_THAT(data, HasSubstr("From: Bob <bob@work.example>\r\nTo: b@y.org\r\nSubject: hi\r\n"));
  EXPECT_THAT(data, HasSubstr("\r\n\r\nbody"));
}

TEST(AccountBySender, ReadEnvelopeFromWithoutFromHeaderKeepsTheDefault) {
  std::string data;
  mock_server srv(delivery("me@home.example", &data));
  harness h;
  h.message = "To: b@y.org\r\nSubject: no from\r\n\r\nbody\r\n";
  // The default account is the live one this time.
  write(h.home / ".msmtprc", accounts(dead_port(), srv.port()));
  EXPECT_EQ(h.run({"--read-envelope-from", "b@y.org"}), ex_ok) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(data, HasSubstr("Subject: no from\r\n"));
}

TEST(AccountBySender, ReadEnvelopeFromIsRefusedWhenComposing) {
  harness h;
  EXPECT_EQ(h.run({"--read-envelope-from", "--to", "b@y.org", "--body", "x"}), ex_usage);
  EXPECT_THAT(h.err.str(), HasSubstr("--read-envelope-from"));
}

TEST(ConfigFallback, XdgMsmtpConfigWhenNoMsmtprc) {
  harness h;
  const env_fn env = [&](const std::string& n) -> std::optional<std::string> {
    const auto it = h.vars.find(n);
    if (it == h.vars.end()) return std::nullopt;
    return it->second;
  };
  const fs::path etc = h.home / "etc-msmtprc";
  EXPECT_EQ(find_config_file(env, etc), std::nullopt);
  write(etc, "host h\n");
  EXPECT_EQ(find_config_file(env, etc), etc);
  write(h.home / ".config" / "msmtp" / "config", "host h\n");
  EXPECT_EQ(find_config_file(env, etc), h.home / ".config" / "msmtp" / "config");
  h.vars["XDG_CONFIG_HOME"] = (h.home / "xdg").string();
  EXPECT_EQ(find_config_file(env, etc), etc);  // ~/.config is not $XDG_CONFIG_HOME now
  write(h.home / "xdg" / "msmtp" / "config", "host h\n");
  EXPECT_EQ(find_config_file(env, etc), h.home / "xdg" / "msmtp" / "config");
  write(h.home / ".msmtprc", "host h\n");
  EXPECT_EQ(find_config_file(env, etc), h.home / ".msmtprc");  // msmtp: ~/.msmtprc first
}

TEST(ConfigFallback, SystemFileIsUsedAndMayBeWorldReadable) {
  mock_server srv(delivery("a@x.org"));
  harness h;
  h.system_config = h.home / "etc" / "msmtprc";
  write(h.system_config, "account default\nhost 127.0.0.1\nport " + std::to_string(srv.port()) +
                             "\ntls off\ndomain client.example\nfrom a@x.org\n"
                             "user u\npassword p\nauth off\n");
  ::chmod(h.system_config.c_str(), 0644);  // root's /etc/msmtprc is 0644; no ownership check
  EXPECT_EQ(h.run({"b@y.org"}), ex_ok) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
}

TEST(Verbose, TraceGoesToTheCommandsStderrWithoutThePassword) {
  mock_server srv(script()
                      .send("220 mock ESMTP\r\n")
                      .expect("EHLO client.example")
                      .send("250-mock\r\n250 AUTH PLAIN\r\n")
                      .expect_regex("AUTH PLAIN .*")
                      .send("235 ok\r\n")
                      .expect("MAIL FROM:<a@x.org>")
                      .send("250 ok\r\n")
                      .expect("RCPT TO:<b@y.org>")
                      .send("250 ok\r\n")
                      .expect("DATA")
                      .send("354 go\r\n")
                      .expect_until(".")
                      .send("250 queued\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n")
                      .close());
  harness h;
  EXPECT_EQ(h.run({"-v", "--host=127.0.0.1", "--port=" + std::to_string(srv.port()), "--tls=off",
                   "--domain=client.example", "--auth=plain", "--user=alice",
                   "--passwordeval=x", "-f", "a@x.org", "b@y.org"}),
            ex_ok)
      << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  const std::string err = h.err.str();
  EXPECT_THAT(err, HasSubstr("> EHLO client.example"));
  EXPECT_THAT(err, HasSubstr("> AUTH PLAIN"));
  EXPECT_THAT(err, HasSubstr("< 235 ok"));
  EXPECT_THAT(err, HasSubstr("> MAIL FROM:<a@x.org>"));
  EXPECT_THAT(err, Not(HasSubstr("AGFsaWNl")));  // base64 of "\0alice..." : the credentials
}

}  // namespace
}  // namespace inet::mail
