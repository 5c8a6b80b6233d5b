// `inet mail` shows curl's meter for a large message when stderr is a terminal (a pty from
// util-linux script(1)), and nothing for a small one, on a pipe, or with -v.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mock/server.hpp"

namespace inet::mail {
namespace {

namespace fs = std::filesystem;
using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;
using ::testing::Not;

fs::path temp(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return fs::path(dir ? dir : "/tmp") / name;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A message of about `lines` KiB in a file.
fs::path message_file(const std::string& name, std::size_t lines) {
  const fs::path p = temp(name);
  std::ofstream f(p, std::ios::binary);
  f << "From: a@x.org\r\nTo: b@y.org\r\nSubject: big\r\n\r\n";
  for (std::size_t i = 0; i < lines; ++i) f << std::string(510, 'm') << "\r\n" << std::string(510, 'n') << "\r\n";
  return p;
}

script smtp_session(std::string* data) {
  return std::move(script()
                       .send("220 mock ESMTP\r\n")
                       .expect("EHLO client.example")
                       .send("250-mock\r\n250 8BITMIME\r\n")
                       .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                       .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                       .expect("DATA").send("354 go\r\n")
                       .expect_until(".", data).send("250 queued\r\n")
                       .expect("QUIT").send("221 bye\r\n").close());
}

/// `inet mail` sending `message` to `srv` (the message on stdin), as a shell command line.
std::string inet_mail(const mock_server& srv, const fs::path& message, const std::string& more) {
  return "HOME='" + temp("home").string() + "' tools/inet/inet mail --host=" + srv.host() +
         " --port=" + std::to_string(srv.port()) + " --tls=off --domain=client.example " + more +
         " -f a@x.org b@y.org < '" + message.string() + "'";
}

std::string on_a_terminal(const std::string& command, const std::string& name) {
  const fs::path transcript = temp(name + ".tty");
  const std::string line = "script -qec \"" + command + "\" /dev/null > '" + transcript.string() +
                           "' 2>&1 < /dev/null";
  EXPECT_EQ(std::system(line.c_str()), 0) << line;
  return slurp(transcript);
}

class MailProgress : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(temp("home")); }
};

TEST_F(MailProgress, LargeMessageOnATerminalShowsTheMeter) {
  std::string data;
  mock_server srv(smtp_session(&data));
  const fs::path msg = message_file("large.eml", 2048);  // 2 MiB
  const std::string tty = on_a_terminal(inet_mail(srv, msg, ""), "large");
  EXPECT_THAT(tty, HasSubstr("  % Total    % Received % Xferd  Average Speed"));
  EXPECT_SCRIPT_OK(srv);
  // The final line: the whole message (with the Date and Message-ID headers inet mail adds)
  // uploaded; its size is not known beforehand without a queue, so the upload % stays 0 (curl).
  const std::string size = std::to_string(data.size() / 1024) + "k";
  EXPECT_THAT(tty, HasSubstr("\r100 " + size + "    0     0    0 " + size)) << tty;
  EXPECT_GT(data.size(), fs::file_size(msg));
}

TEST_F(MailProgress, SmallMessageVerboseOrPipeShowNoMeter) {
  {
    std::string data;
    mock_server srv(smtp_session(&data));
    const std::string tty = on_a_terminal(inet_mail(srv, message_file("small.eml", 4), ""), "s");
    EXPECT_THAT(tty, Not(HasSubstr("% Total"))) << tty;
    EXPECT_SCRIPT_OK(srv);
  }
  {
    std::string data;
    mock_server srv(smtp_session(&data));
    const std::string tty =
        on_a_terminal(inet_mail(srv, message_file("large.eml", 2048), "-v"), "verbose");
    EXPECT_THAT(tty, Not(HasSubstr("% Total")));
    EXPECT_THAT(tty, HasSubstr("MAIL FROM:<a@x.org>"));  // the trace is there instead
    EXPECT_SCRIPT_OK(srv);
  }
  {
    std::string data;
    mock_server srv(smtp_session(&data));
    const fs::path err = temp("pipe.err");
    const std::string line =
        inet_mail(srv, message_file("large.eml", 2048), "") + " 2> '" + err.string() + "'";
    EXPECT_EQ(std::system(line.c_str()), 0) << line;
    EXPECT_EQ(slurp(err), "");
    EXPECT_SCRIPT_OK(srv);
  }
}

}  // namespace
}  // namespace inet::mail
