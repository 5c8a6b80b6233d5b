// The progress meter of the real `inet` binary: nothing on stderr when it is a pipe (even with
// -#), curl's bar and meter when stderr is a terminal (a pty from util-linux script(1)), and
// nothing on the terminal with -s. IMAP against the scripted mock server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mock/server.hpp"

namespace inet::imap_cli {
namespace {

namespace fs = std::filesystem;
using test::mock_server;
using test::script;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::size_t chunk = 64 * 1024, chunks = 32;  // a 2 MiB message
const std::uint64_t message_size = chunk * chunks;

script fetch_session() {
  return std::move(script()
                       .send("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n")
                       .expect("A1 LOGIN alice secret")
                       .send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+] done\r\n")
                       .expect("A2 SELECT INBOX")
                       .send("* 1 EXISTS\r\n* OK [UIDVALIDITY 42] v\r\nA2 OK [READ-WRITE] s\r\n")
                       .expect("A3 UID FETCH 1 (BODY[])")
                       .send("* 1 FETCH (UID 1 BODY[] {" + std::to_string(message_size) + "}\r\n")
                       .send_repeated(std::string(chunk, 'x'), chunks)
                       .send(")\r\nA3 OK\r\n")
                       .expect("A4 LOGOUT")
                       .send("* BYE bye\r\nA4 OK\r\n"));
}

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

/// `inet get [options] -o OUT URL` for message UID 1 of `srv`, as a shell command line.
std::string inet_get(const mock_server& srv, const std::string& options, const fs::path& out) {
  const std::string url = "imap://alice:secret@" + srv.host() + ":" + std::to_string(srv.port()) +
                          "/INBOX;UID=1";
  return "tools/inet/inet get --tls none --connect-timeout 5 -m 20 " + options + " -o '" +
         out.string() + "' '" + url + "'";
}

/// Runs `command` under script(1), which gives it a pseudo-terminal as stdin/stdout/stderr;
/// returns everything written to that terminal.
std::string on_a_terminal(const std::string& command, const std::string& name) {
  const fs::path transcript = temp(name + ".tty");
  const std::string line = "COLUMNS=60 script -qec \"" + command + "\" /dev/null > '" +
                           transcript.string() + "' 2>&1 < /dev/null";
  EXPECT_EQ(std::system(line.c_str()), 0) << line;
  return slurp(transcript);
}

TEST(ProgressTty, NothingOnStderrWhenItIsAPipe) {
  for (const char* options : {"", "-#"}) {
    mock_server srv(fetch_session());
    const fs::path out = temp("pipe.out"), err = temp("pipe.err");
    const std::string line = inet_get(srv, options, out) + " 2> '" + err.string() + "' | cat";
    EXPECT_EQ(std::system(line.c_str()), 0) << line;
    EXPECT_EQ(slurp(err), "") << options;
    EXPECT_TRUE(slurp(out) == std::string(message_size, 'x'));
    EXPECT_SCRIPT_OK(srv);
  }
}

TEST(ProgressTty, BarOnATerminal) {
  mock_server srv(fetch_session());
  const fs::path out = temp("bar.out");
  const std::string tty = on_a_terminal(inet_get(srv, "-#", out), "bar");
  // COLUMNS=60: a 53-column bar, then " 100.0%", then the newline (a pty turns it into CRLF).
  EXPECT_THAT(tty, HasSubstr("\r" + std::string(53, '#') + " 100.0%\r\n"));
  EXPECT_THAT(tty, Not(HasSubstr("% Total")));
  EXPECT_TRUE(slurp(out) == std::string(message_size, 'x'));
  EXPECT_SCRIPT_OK(srv);
}

TEST(ProgressTty, MeterOnATerminal) {
  mock_server srv(fetch_session());
  const fs::path out = temp("meter.out");
  const std::string tty = on_a_terminal(inet_get(srv, "", out), "meter");
  EXPECT_THAT(tty, HasSubstr("  % Total    % Received % Xferd  Average Speed   Time    Time     "
                             "Time  Current\r\n"));
  EXPECT_THAT(tty, HasSubstr("\r100 2048k  100 2048k    0     0 "));  // the final line
  EXPECT_SCRIPT_OK(srv);
}

TEST(ProgressTty, UploadBarOnATerminal) {
  // inet put -T FILE: stdout is the terminal too, but an upload writes no data there.
  const fs::path file = temp("upload.eml");
  std::ofstream(file, std::ios::binary) << std::string(message_size, 'u');
  std::string got;
  mock_server srv(script()
                      .send("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n")
                      .expect("A1 LOGIN alice secret")
                      .send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+] done\r\n")
                      .expect("A2 APPEND INBOX (\\Seen) {" + std::to_string(message_size) + "+}")
                      .expect_bytes(message_size, &got)
                      .expect("")
                      .send("A2 OK done\r\n")
                      .expect("A3 LOGOUT")
                      .send("* BYE bye\r\nA3 OK\r\n"));
  const std::string url = "imap://alice:secret@" + srv.host() + ":" + std::to_string(srv.port()) +
                          "/INBOX";
  const std::string tty = on_a_terminal("tools/inet/inet put --tls none -# -T '" +
                                            file.string() + "' '" + url + "'",
                                        "upload");
  EXPECT_THAT(tty, HasSubstr("\r" + std::string(53, '#') + " 100.0%\r\n"));
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(got.size(), message_size);
}

TEST(ProgressTty, DataToTheTerminalMeansNoMeter) {
  // Without -o the message goes to stdout, the terminal: curl then draws no meter.
  mock_server srv(fetch_session());
  const std::string url = "imap://alice:secret@" + srv.host() + ":" + std::to_string(srv.port()) +
                          "/INBOX;UID=1";
  const std::string tty = on_a_terminal("tools/inet/inet get --tls none -# '" + url + "'", "stdout");
  EXPECT_THAT(tty, Not(HasSubstr("100.0%")));
  EXPECT_EQ(tty.size(), message_size);  // the message, and nothing else
  EXPECT_SCRIPT_OK(srv);
}

TEST(ProgressTty, SilentMeansNothingOnTheTerminal) {
  mock_server srv(fetch_session());
  const fs::path out = temp("silent.out");
  const std::string tty = on_a_terminal(inet_get(srv, "-s -#", out), "silent");
  EXPECT_EQ(tty, "");
  EXPECT_TRUE(slurp(out) == std::string(message_size, 'x'));
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::imap_cli
