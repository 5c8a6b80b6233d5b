// End-to-end tests of `inet mail` (run_mail) against the scripted mock SMTP server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mock/server.hpp"
#include "tools/mail/mail_command.hpp"
#include "tools/mail/queue.hpp"
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

struct harness {
  std::string message = "To: b@y.org\r\nBcc: hidden@z.org\r\nSubject: hi\r\n\r\nbody\r\n";
  std::ostringstream out, err;
  fs::path home = temp_dir("home");  // no configuration file in it
  std::vector<std::string> commands_run;

  int run(std::vector<std::string> args) {
    memory_source input(message);
    io_streams io;
    io.input = &input;
    io.out = &out;
    io.err = &err;
    io.env = [this](const std::string& n) -> std::optional<std::string> {
      if (n == "HOME") return home.string();
      return std::nullopt;
    };
    io.run_command = [this](const std::string& cmd) {
      commands_run.push_back(cmd);
      return std::string("pw-from-command");
    };
    return run_mail(args, io);
  }
};

std::vector<std::string> server_args(const mock_server& srv, std::vector<std::string> more) {
  std::vector<std::string> args = {"--host=" + srv.host(), "--port=" + std::to_string(srv.port()),
                                   "--tls=off", "--domain=client.example"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

script greet() {
  return std::move(script().send("220 mock ESMTP\r\n").expect("EHLO client.example").send(
      "250-mock\r\n250 8BITMIME\r\n"));
}

TEST(MailE2E, SendmailModeSendsStdinAndStripsBcc) {
  std::string data;
  mock_server srv(greet()
                      .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".", &data).send("250 queued as 1\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"-oi", "-f", "a@x.org", "-F", "Alice", "b@y.org"})), ex_ok)
      << h.err.str();
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(data, HasSubstr("Subject: hi\r\n"));
  EXPECT_THAT(data, HasSubstr("From: Alice <a@x.org>\r\n"));
  EXPECT_THAT(data, HasSubstr("Date: "));
  EXPECT_THAT(data, HasSubstr("Message-ID: "));
  EXPECT_THAT(data, HasSubstr("\r\n\r\nbody\r\n"));
  EXPECT_THAT(data, Not(HasSubstr("hidden@z.org")));
  EXPECT_EQ(h.err.str(), "");
}

TEST(MailE2E, DashTTakesRecipientsFromHeadersAndSenderFromFrom) {
  mock_server srv(greet()
                      .expect("MAIL FROM:<me@x.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<hidden@z.org>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".").send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  h.message = "From: Me <me@x.org>\r\n" + h.message;
  EXPECT_EQ(h.run(server_args(srv, {"-t"})), ex_ok) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
}

TEST(MailE2E, PartiallyRefusedRecipientsExitNoUser) {
  mock_server srv(greet()
                      .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<bad@y.org>").send("550 5.1.1 no such user\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".").send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"-f", "a@x.org", "b@y.org", "bad@y.org"})), ex_nouser);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(h.err.str(), HasSubstr("inet mail: recipient bad@y.org refused: 550 5.1.1 no such user"));
  EXPECT_THAT(h.err.str(), HasSubstr("sent to the other 1 recipient(s)"));
}

TEST(MailE2E, PermanentRefusalIsNotQueued) {
  const fs::path q = temp_dir("q-perm");
  mock_server srv(greet()
                      .expect("MAIL FROM:<a@x.org>").send("554 5.7.1 go away\r\n")
                      .expect("RSET").send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--queue=" + q.string(), "-f", "a@x.org", "b@y.org"})),
            ex_unavailable);
  EXPECT_THAT(h.err.str(), HasSubstr("554 5.7.1 go away"));
  EXPECT_THAT(h.err.str(), HasSubstr("not sent"));
  EXPECT_TRUE(list(q).empty());
  EXPECT_TRUE(fs::is_empty(q) || (fs::directory_iterator(q) == fs::directory_iterator()));
}

TEST(MailE2E, TransientFailureIsQueuedThenFlushed) {
  const fs::path q = temp_dir("q-temp");
  {
    mock_server srv(greet()
                        .expect("MAIL FROM:<a@x.org>").send("451 4.3.0 try later\r\n")
                        .expect("RSET").send("250 ok\r\n")
                        .expect("QUIT").send("221 bye\r\n").close());
    harness h;
    EXPECT_EQ(h.run(server_args(srv, {"--queue=" + q.string(), "-f", "a@x.org", "b@y.org"})),
              ex_ok);
    EXPECT_THAT(h.err.str(), HasSubstr("server unavailable"));
    EXPECT_THAT(h.err.str(), HasSubstr("451 4.3.0 try later"));
    EXPECT_THAT(h.err.str(), HasSubstr("message queued in " + q.string()));
  }
  auto entries = list(q);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].envelope.from, "a@x.org");

  std::string data;
  mock_server srv(greet()
                      .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".", &data).send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--flush", "--queue=" + q.string()})), ex_ok) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(data, HasSubstr("Subject: hi"));
  EXPECT_TRUE(list(q).empty());
}

// `timeout` bounds each message of a flush, not the whole flush: two messages whose
// end-of-data replies take 700 ms each both arrive within --timeout=1 over one connection,
// and each MAIL carries the queued file's size (RFC 1870) when the server offers SIZE.
TEST(MailE2E, FlushArmsTheTimeoutPerMessageAndDeclaresSize) {
  const fs::path q = temp_dir("q-per-message");
  for (int i = 0; i < 2; ++i) {
    mock_server srv(greet()
                        .expect("MAIL FROM:<a@x.org>").send("451 4.3.0 try later\r\n")
                        .expect("RSET").send("250 ok\r\n")
                        .expect("QUIT").send("221 bye\r\n").close());
    harness h;
    ASSERT_EQ(h.run(server_args(srv, {"--queue=" + q.string(), "-f", "a@x.org", "b@y.org"})),
              ex_ok) << h.err.str();
  }
  const auto entries = list(q);
  ASSERT_EQ(entries.size(), 2u);
  const std::string size = std::to_string(fs::file_size(entries[0].message_path));
  script s = std::move(script().send("220 mock ESMTP\r\n").expect("EHLO client.example").send(
      "250-mock\r\n250-SIZE 1000000\r\n250 8BITMIME\r\n"));
  for (int i = 0; i < 2; ++i) {
    s.expect_regex("MAIL FROM:<a@x\\.org> SIZE=[0-9]+").send("250 ok\r\n")
        .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
        .expect("DATA").send("354 go\r\n")
        .expect_until(".", nullptr).stall(std::chrono::milliseconds(700)).send("250 ok\r\n");
  }
  mock_server srv(std::move(s.expect("QUIT").send("221 bye\r\n").close()));
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--flush", "--timeout=1", "--queue=" + q.string()})), ex_ok)
      << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_TRUE(list(q).empty()) << h.err.str();
  EXPECT_THAT(srv.received(), HasSubstr("SIZE=" + size));
}

TEST(MailE2E, UnreachableServerQueuesOrFails) {
  std::uint16_t dead_port;
  {
    mock_server gone(script().close());
    dead_port = gone.port();
  }
  const std::vector<std::string> base = {"--host=127.0.0.1", "--port=" + std::to_string(dead_port),
                                         "--tls=off", "-f", "a@x.org", "b@y.org"};
  harness without;
  EXPECT_EQ(without.run(base), ex_tempfail);
  EXPECT_THAT(without.err.str(), HasSubstr("cannot connect to 127.0.0.1:" +
                                           std::to_string(dead_port)));
  EXPECT_THAT(without.err.str(), HasSubstr("not sent"));

  const fs::path q = temp_dir("q-dead");
  std::vector<std::string> queued = base;
  queued.push_back("--queue=" + q.string());
  harness with;
  EXPECT_EQ(with.run(queued), ex_ok);
  EXPECT_THAT(with.err.str(), HasSubstr("queued"));
  ASSERT_EQ(list(q).size(), 1u);
  EXPECT_EQ(list(q)[0].envelope.recipients, std::vector<std::string>{"b@y.org"});

  harness flush;
  std::vector<std::string> flush_args = {"--host=127.0.0.1", "--port=" + std::to_string(dead_port),
                                         "--tls=off", "--flush", "--queue=" + q.string()};
  EXPECT_EQ(flush.run(flush_args), ex_tempfail);
  EXPECT_EQ(list(q).size(), 1u);  // kept
}

TEST(MailE2E, AuthFailureExitsNoPerm) {
  mock_server srv(script()
                      .send("220 mock ESMTP\r\n").expect("EHLO client.example")
                      .send("250-mock\r\n250 AUTH PLAIN\r\n")
                      .expect_regex("AUTH PLAIN .*")
                      .send("535 5.7.8 Error: authentication failed\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  const int rc = h.run(server_args(srv, {"--user=alice", "--passwordeval=pass show mail",
                                         "-f", "a@x.org", "b@y.org"}));
  EXPECT_EQ(rc, ex_noperm);
  EXPECT_THAT(h.err.str(), HasSubstr("warning: sending credentials"));
  EXPECT_THAT(h.err.str(),
              HasSubstr("inet mail: authentication failed: 535 5.7.8 Error: authentication failed"));
  EXPECT_EQ(h.commands_run, std::vector<std::string>{"pass show mail"});
  srv.wait_done();
}

TEST(MailE2E, ConfigTlsOffWithCredentialsIsRefusedBeforeConnecting) {
  harness h;
  const fs::path rc = h.home / ".msmtprc";
  std::ofstream(rc) << "account default\nhost 127.0.0.1\nport 1\ntls off\nuser alice\n"
                       "passwordeval echo pw\nfrom a@x.org\n";
  EXPECT_EQ(h.run({"b@y.org"}), ex_config);
  EXPECT_THAT(h.err.str(), HasSubstr("refusing to send the credentials"));
  EXPECT_TRUE(h.commands_run.empty());
}

TEST(MailE2E, ConfigErrorsAreReportedWithLineNumbers) {
  harness h;
  const fs::path rc = h.home / "bad.rc";
  std::ofstream(rc) << "account default\nhots smtp.example.org\n";
  EXPECT_EQ(h.run({"--config=" + rc.string(), "b@y.org"}), ex_config);
  EXPECT_THAT(h.err.str(), HasSubstr("bad.rc:2: unknown key 'hots'"));
}

TEST(MailE2E, PasswordInGroupReadableConfigIsRefused) {
  harness h;
  const fs::path rc = h.home / "open.rc";
  std::ofstream(rc) << "host h\npassword secret\n";
  ::chmod(rc.c_str(), 0640);
  EXPECT_EQ(h.run({"--config=" + rc.string(), "b@y.org"}), ex_config);
  EXPECT_THAT(h.err.str(), HasSubstr("must not have more than user permissions"));
}

TEST(MailE2E, InjectionRefusedBeforeConnecting) {
  harness h;
  EXPECT_EQ(h.run({"--host=127.0.0.1", "--port=1", "-f", "a@x.org", "b@y.org\r\nRSET"}),
            ex_dataerr);
  EXPECT_THAT(h.err.str(), HasSubstr("invalid recipient address"));
  harness h2;
  EXPECT_EQ(h2.run({"--host=127.0.0.1", "--port=1", "-f", "a@x.org>\nRSET", "b@y.org"}),
            ex_dataerr);
  harness h3;
  EXPECT_EQ(h3.run({"--host=127.0.0.1", "--port=1", "--domain=a\r\nb", "-f", "a@x.org", "b@y.org"}),
            ex_dataerr);
}

TEST(MailE2E, UsageErrors) {
  harness h;
  EXPECT_EQ(h.run({}), ex_usage);
  EXPECT_THAT(h.err.str(), HasSubstr("no recipients"));
  harness h2;
  EXPECT_EQ(h2.run({"b@y.org"}), ex_config);  // no host anywhere
  EXPECT_THAT(h2.err.str(), HasSubstr("no SMTP server"));
  harness h3;
  EXPECT_EQ(h3.run({"--help"}), ex_ok);
  EXPECT_THAT(h3.out.str(), HasSubstr("Usage: inet mail"));
}

TEST(MailE2E, ComposeModeBuildsMessage) {
  std::string data;
  mock_server srv(greet()
                      .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<c@y.org>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".", &data).send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"-f", "a@x.org", "--to", "Bob <b@y.org>", "--bcc", "c@y.org",
                                    "--subject", "Hello", "--body", "Hi Bob"})),
            ex_ok)
      << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(data, HasSubstr("Subject: Hello\r\n"));
  EXPECT_THAT(data, HasSubstr("To: Bob <b@y.org>\r\n"));
  EXPECT_THAT(data, HasSubstr("Hi Bob"));
  EXPECT_THAT(data, Not(HasSubstr("c@y.org")));
}

TEST(MailE2E, ServerinfoOverStarttls) {
  mock_server srv(script()
                      .send("220 mock ESMTP ready\r\n").expect("EHLO client.example")
                      .send("250-mock\r\n250 STARTTLS\r\n")
                      .expect("STARTTLS").send("220 go ahead\r\n")
                      .start_tls()
                      .expect("EHLO client.example")
                      .send("250-mock\r\n250-SIZE 10485760\r\n250 AUTH PLAIN LOGIN\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  const int rc = h.run({"--serverinfo", "--host=127.0.0.1", "--port=" + std::to_string(srv.port()),
                        "--tls=on", "--domain=client.example", "--user=alice",
                        "--tls-trust-file=" + inet::test::test_pki::instance().ca_file()});
  EXPECT_EQ(rc, ex_ok) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  const std::string out = h.out.str();
  EXPECT_THAT(out, HasSubstr("SMTP server at 127.0.0.1:" + std::to_string(srv.port())));
  EXPECT_THAT(out, HasSubstr("mock ESMTP ready"));
  EXPECT_THAT(out, HasSubstr("Protocol: TLSv1."));
  EXPECT_THAT(out, HasSubstr("SHA256: "));
  EXPECT_THAT(out, HasSubstr("Verified: yes"));
  EXPECT_THAT(out, HasSubstr("    AUTH PLAIN LOGIN\n"));
  EXPECT_THAT(out, HasSubstr("Maximum message size: 10485760 bytes"));
  EXPECT_TRUE(h.commands_run.empty());  // serverinfo never asks for the password
}

TEST(MailE2E, UntrustedCertificateFailsWithNoPerm) {
  mock_server srv(script()
                      .send("220 mock\r\n").expect("EHLO client.example")
                      .send("250-mock\r\n250 STARTTLS\r\n")
                      .expect("STARTTLS").send("220 go ahead\r\n")
                      .start_tls(inet::test::cert_kind::self_signed));
  harness h;
  const int rc = h.run({"--host=127.0.0.1", "--port=" + std::to_string(srv.port()), "--tls=on",
                        "--domain=client.example", "--queue=" + temp_dir("q-tls").string(),
                        "--tls-trust-file=" + inet::test::test_pki::instance().ca_file(),
                        "-f", "a@x.org", "b@y.org"});
  EXPECT_EQ(rc, ex_noperm) << h.err.str();
  EXPECT_THAT(h.err.str(), HasSubstr("not sent"));  // TLS failures are never queued
  EXPECT_TRUE(list(temp_dir("q-tls")).empty());
  srv.wait_done();
}

TEST(MailE2E, ReadsTheMessageFromStdinWhenNoInputIsInjected) {
  std::string data;
  mock_server srv(greet()
                      .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".", &data).send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  const fs::path msg = temp_dir("stdin") / "msg";
  // LF line ends and a lone "." line: -i semantics, the input is read to its end.
  std::ofstream(msg) << "Subject: via stdin\n\nline 1\n.\nline 3\n";
  const int file = ::open(msg.c_str(), O_RDONLY);
  ASSERT_GE(file, 0);
  const int saved = ::dup(0);
  ASSERT_EQ(::dup2(file, 0), 0);
  std::ostringstream out, err;
  io_streams io;
  io.out = &out;
  io.err = &err;
  io.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const int rc = run_mail(server_args(srv, {"-f", "a@x.org", "b@y.org"}), io);
  ::dup2(saved, 0);
  ::close(saved);
  ::close(file);
  EXPECT_EQ(rc, ex_ok) << err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(data, HasSubstr("Subject: via stdin\r\n"));
  EXPECT_THAT(data, HasSubstr("line 1\r\n..\r\nline 3\r\n"));  // dot-stuffed, not the end
}

TEST(MailE2E, TemporarilyRefusedRecipientsAreQueued) {
  const fs::path q = temp_dir("q-partial");
  mock_server srv(greet()
                      .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                      .expect("RCPT TO:<later@y.org>").send("450 4.2.1 mailbox busy\r\n")
                      .expect("DATA").send("354 go\r\n")
                      .expect_until(".").send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--queue=" + q.string(), "-f", "a@x.org", "b@y.org",
                                    "later@y.org"})),
            ex_ok)
      << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(h.err.str(), HasSubstr("recipient later@y.org refused: 450 4.2.1 mailbox busy"));
  const auto entries = list(q);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].envelope.recipients, std::vector<std::string>{"later@y.org"});
}

}  // namespace
}  // namespace inet::mail
