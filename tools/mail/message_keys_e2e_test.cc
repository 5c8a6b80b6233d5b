// End-to-end tests of the msmtp logging, aliases and header keys of `inet mail` against the
// scripted mock SMTP server: logfile/syslog lines, aliases, undisclosed_recipients,
// remove_bcc_headers, set_{from,date,msgid}_header, from_full_name, allow_from_override.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <syslog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"
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

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct harness {
  std::string message = "To: b@y.org\r\nBcc: hidden@z.org\r\nSubject: hi\r\n\r\nbody\r\n";
  std::ostringstream out, err;
  fs::path home = temp_dir("home");
  std::vector<std::tuple<int, int, std::string>> syslogged;

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
    io.run_command = [](const std::string&) { return std::string("s3cret-pw"); };
    io.syslog = [this](int f, int p, const std::string& l) { syslogged.emplace_back(f, p, l); };
    return run_mail(args, io);
  }

  std::string file(const std::string& name, const std::string& text) {
    const fs::path p = home / name;
    std::ofstream(p) << text;
    return p.string();
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

// MAIL FROM:<from>, RCPT TO each of `rcpts`, DATA captured into *data.
script deliver(script s, const std::string& from, const std::vector<std::string>& rcpts,
               std::string* data) {
  s.expect("MAIL FROM:<" + from + ">").send("250 ok\r\n");
  for (const auto& r : rcpts) s.expect("RCPT TO:<" + r + ">").send("250 ok\r\n");
  s.expect("DATA").send("354 go\r\n").expect_until(".", data).send("250 queued as 1\r\n");
  s.expect("QUIT").send("221 bye\r\n").close();
  return s;
}

// The header section of captured DATA.
std::string headers_of(const std::string& data) { return data.substr(0, data.find("\r\n\r\n") + 2); }

TEST(MessageKeys, LogfileLineForADeliveryOverTlsWithAuth) {
  std::string data;
  mock_server srv(deliver(std::move(script()
                                        .send("220 mock ESMTP\r\n").expect("EHLO client.example")
                                        .send("250-mock\r\n250 STARTTLS\r\n")
                                        .expect("STARTTLS").send("220 go\r\n")
                                        .start_tls()
                                        .expect("EHLO client.example")
                                        .send("250-mock\r\n250 AUTH PLAIN\r\n")
                                        .expect_regex("AUTH PLAIN .*").send("235 ok\r\n")),
                          "a@x.org", {"b@y.org", "c@z.org"}, &data));
  harness h;
  const fs::path log = h.home / "mail.log";
  const std::string rc_file = h.file("mailrc", "account default\nhost " + srv.host() + "\nport " +
                                                   std::to_string(srv.port()) +
                                                   "\ntls on\ndomain client.example\nuser alice\n"
                                                   "passwordeval pass mail\nfrom a@x.org\n"
                                                   "tls_trust_file " +
                                                   inet::test::test_pki::instance().ca_file() +
                                                   "\nlogfile ~/mail.log\nlogfile_time_format [%Y]\n");
  EXPECT_EQ(h.run({"--config=" + rc_file, "b@y.org", "c@z.org"}), ex_ok) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  const std::string line = slurp(log);
  EXPECT_THAT(line, testing::MatchesRegex(
                        "\\[[0-9]{4}\\] host=127\\.0\\.0\\.1 tls=on auth=on user=alice "
                        "from=a@x\\.org recipients=b@y\\.org,c@z\\.org mailsize=[0-9]+ "
                        "smtpstatus=250 smtpmsg='250 queued as 1' exitcode=EX_OK\n"));
  EXPECT_THAT(line, Not(HasSubstr("s3cret")));
  EXPECT_THAT(line, Not(HasSubstr("czNjcmV0")));  // nor its base64 ("s3cret" encoded)
}

TEST(MessageKeys, RefusalIsLoggedToStdoutAndSyslog) {
  mock_server srv(greet()
                      .expect("MAIL FROM:<a@x.org>").send("554 5.7.1 go away\r\n")
                      .expect("RSET").send("250 ok\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--logfile=-", "--syslog=LOG_MAIL", "-f", "a@x.org",
                                    "b@y.org"})),
            ex_unavailable);
  EXPECT_SCRIPT_OK(srv);
  const std::string out = h.out.str();
  EXPECT_THAT(out, HasSubstr(" host=127.0.0.1 tls=off auth=off from=a@x.org recipients=b@y.org "
                             "smtpstatus=554 smtpmsg='554 5.7.1 go away' errormsg='"));
  EXPECT_THAT(out, HasSubstr("go away' exitcode=EX_UNAVAILABLE\n"));
  EXPECT_THAT(out, Not(HasSubstr("mailsize=")));
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
  ASSERT_EQ(h.syslogged.size(), 1u);
  EXPECT_EQ(std::get<0>(h.syslogged[0]), LOG_MAIL);
  EXPECT_EQ(std::get<1>(h.syslogged[0]), LOG_ERR);
  EXPECT_THAT(std::get<2>(h.syslogged[0]), HasSubstr("exitcode=EX_UNAVAILABLE"));
}

TEST(MessageKeys, ErrorsBeforeConnectingAreLoggedToo) {
  harness h;
  EXPECT_EQ(h.run({"--host=127.0.0.1", "--port=1", "--logfile=-", "-f", "a@x.org",
                   "b@y.org\r\nRSET"}),
            ex_dataerr);
  EXPECT_THAT(h.out.str(), HasSubstr("errormsg='invalid recipient address"));
  EXPECT_THAT(h.out.str(), HasSubstr("exitcode=EX_DATAERR\n"));
}

TEST(MessageKeys, AliasesExpandLocalRecipientsFromArgumentsAndHeaders) {
  std::string data;
  mock_server srv(deliver(greet(), "a@x.org",
                          {"admin@x.org", "ops@x.org", "b@y.org", "me@x.org", "hidden@z.org"},
                          &data));
  harness h;
  const std::string aliases =
      h.file("aliases", "# test\nroot: admin@x.org, ops@x.org\ndefault: me@x.org\n");
  h.message = "To: b@y.org, bob\r\nBcc: hidden@z.org\r\nSubject: hi\r\n\r\nbody\r\n";
  EXPECT_EQ(h.run(server_args(srv, {"--aliases=" + aliases, "-t", "-f", "a@x.org", "root"})),
            ex_ok)
      << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(data, HasSubstr("To: b@y.org, bob\r\n"));  // headers are not rewritten
}

TEST(MessageKeys, MissingAliasesFileIsAConfigError) {
  harness h;
  const std::string rc = h.file("mailrc", "host 127.0.0.1\nport 1\naliases ~/nope\n");
  EXPECT_EQ(h.run({"--config=" + rc, "-f", "a@x.org", "root"}), ex_config);
  EXPECT_THAT(h.err.str(), HasSubstr("nope: cannot read aliases"));
}

TEST(MessageKeys, UndisclosedRecipientsReplacesToCcBcc) {
  std::string data;
  mock_server srv(deliver(greet(), "a@x.org", {"b@y.org", "c@z.org", "hidden@z.org"}, &data));
  harness h;
  h.message = "To: b@y.org\r\nCc: c@z.org\r\nBcc: hidden@z.org\r\nSubject: hi\r\n\r\nbody\r\n";
  EXPECT_EQ(h.run(server_args(srv, {"--undisclosed-recipients", "-t", "-f", "a@x.org"})), ex_ok)
      << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  const std::string head = headers_of(data);
  EXPECT_THAT(head, HasSubstr("To: undisclosed-recipients:;\r\n"));
  EXPECT_THAT(head, Not(HasSubstr("y.org")));
  EXPECT_THAT(head, Not(HasSubstr("z.org")));
  EXPECT_THAT(head, HasSubstr("Subject: hi\r\n"));
}

TEST(MessageKeys, UndisclosedRecipientsWhenComposing) {
  std::string data;
  mock_server srv(deliver(greet(), "a@x.org", {"b@y.org", "c@z.org"}, &data));
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--undisclosed-recipients=on", "-f", "a@x.org", "--to",
                                    "b@y.org", "--cc", "c@z.org", "--subject", "s", "--body",
                                    "x"})),
            ex_ok)
      << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  const std::string head = headers_of(data);
  EXPECT_THAT(head, HasSubstr("To: undisclosed-recipients:;\r\n"));
  EXPECT_THAT(head, Not(HasSubstr("b@y.org")));
  EXPECT_THAT(head, Not(HasSubstr("c@z.org")));
  EXPECT_THAT(head, HasSubstr("From: a@x.org\r\n"));
}

TEST(MessageKeys, RemoveBccHeadersOffKeepsBcc) {
  std::string data;
  mock_server srv(deliver(greet(), "a@x.org", {"b@y.org"}, &data));
  harness h;
  EXPECT_EQ(h.run(server_args(srv, {"--remove-bcc-headers=off", "-f", "a@x.org", "b@y.org"})),
            ex_ok);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(headers_of(data), HasSubstr("Bcc: hidden@z.org\r\n"));
}

TEST(MessageKeys, SetFromHeaderOnReplacesFromWithFullName) {
  std::string data;
  mock_server srv(deliver(greet(), "a@x.org", {"b@y.org"}, &data));
  harness h;
  h.message = "From: Other <o@x.org>\r\nTo: b@y.org\r\n\r\nbody\r\n";
  const std::string rc = h.file("mailrc", "set_from_header on\nfrom_full_name \"Alice A\"\n");
  EXPECT_EQ(h.run(server_args(srv, {"--config=" + rc, "-f", "a@x.org", "b@y.org"})), ex_ok)
      << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(headers_of(data), HasSubstr("From: Alice A <a@x.org>\r\n"));
  // The generated Message-ID is <random@x.org>: match the address only where it stands alone.
  EXPECT_THAT(data, Not(testing::ContainsRegex("[<: ]o@x\\.org")));
}

TEST(MessageKeys, AutoKeepsAnExistingFromAndDashFWinsOverFromFullName) {
  std::string data;
  mock_server srv(deliver(greet(), "a@x.org", {"b@y.org"}, &data));
  harness h;
  h.message = "From: Other <o@x.org>\r\nTo: b@y.org\r\n\r\nbody\r\n";
  EXPECT_EQ(h.run(server_args(srv, {"--from-full-name=Alice", "-F", "Bob", "-f", "a@x.org",
                                    "b@y.org"})),
            ex_ok);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(headers_of(data), HasSubstr("From: Other <o@x.org>\r\n"));
  // The generated Message-ID is <random@x.org>: match the address only where it stands alone.
  EXPECT_THAT(headers_of(data), Not(testing::ContainsRegex("[<: ]a@x\\.org")));
}

TEST(MessageKeys, HeadersOffAddsNoFromDateOrMessageId) {
  std::string data;
  mock_server srv(deliver(greet(), "a@x.org", {"b@y.org"}, &data));
  harness h;
  h.message = "To: b@y.org\r\n\r\nbody\r\n";
  const std::string rc = h.file("mailrc", "add_missing_from_header off\nadd_missing_date_header off\n"
                                          "set_msgid_header off\n");
  EXPECT_EQ(h.run(server_args(srv, {"--config=" + rc, "-f", "a@x.org", "b@y.org"})), ex_ok)
      << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(headers_of(data), "To: b@y.org\r\n");
}

TEST(MessageKeys, AutoAddsFromDateAndMessageId) {
  std::string data;
  mock_server srv(deliver(greet(), "a@x.org", {"b@y.org"}, &data));
  harness h;
  h.message = "To: b@y.org\r\n\r\nbody\r\n";
  EXPECT_EQ(h.run(server_args(srv, {"--set-date-header=auto", "--from-full-name=Alice", "-f",
                                    "a@x.org", "b@y.org"})),
            ex_ok);
  EXPECT_SCRIPT_OK(srv);
  const std::string head = headers_of(data);
  EXPECT_THAT(head, HasSubstr("From: Alice <a@x.org>\r\n"));
  EXPECT_THAT(head, HasSubstr("\r\nDate: "));
  EXPECT_THAT(head, testing::ContainsRegex("Message-ID: <[^>]+@x\\.org>"));
}

TEST(MessageKeys, AllowFromOverrideOffKeepsTheAccountSender) {
  std::string data;
  mock_server srv(deliver(greet(), "a@x.org", {"b@y.org"}, &data));
  harness h;
  const std::string rc = h.file("mailrc", "from a@x.org\nallow_from_override off\n");
  EXPECT_EQ(h.run(server_args(srv, {"--config=" + rc, "-f", "evil@x.org", "b@y.org"})), ex_ok)
      << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(headers_of(data), HasSubstr("From: a@x.org\r\n"));
}

TEST(MessageKeys, AllowFromOverrideOnLetsDashFWin) {
  std::string data;
  mock_server srv(deliver(greet(), "other@x.org", {"b@y.org"}, &data));
  harness h;
  const std::string rc = h.file("mailrc", "from a@x.org\nallow_from_override on\n");
  EXPECT_EQ(h.run(server_args(srv, {"--config=" + rc, "-f", "other@x.org", "b@y.org"})), ex_ok);
  EXPECT_SCRIPT_OK(srv);
}

TEST(MessageKeys, BadOptionValuesAreUsageErrors) {
  harness h;
  EXPECT_EQ(h.run({"--set-date-header=on", "b@y.org"}), ex_usage);
  EXPECT_THAT(h.err.str(), HasSubstr("expected auto or off"));
  harness h2;
  EXPECT_EQ(h2.run({"--syslog=LOG_KERN", "b@y.org"}), ex_usage);
}

}  // namespace
}  // namespace inet::mail
