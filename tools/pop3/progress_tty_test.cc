// `inet get -# pop3://` on a terminal (a pty from util-linux script(1)): POP3 gives no size
// before the body (curl sends no LIST first, nor does inet), so the bar is curl's bouncing
// "-=O=-" with '#' waves; on a pipe nothing appears.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mock/server.hpp"

namespace inet::pop3_cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::mock_server;
using test::script;
using ::testing::HasSubstr;

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

// A 2 MiB message in two halves 300 ms apart, so the bar has time to move.
script retr_session() {
  const std::string half = std::string(1022, 'p') + "\r\n";
  return std::move(script()
                       .send("+OK ready\r\n")
                       .expect("CAPA").send("+OK\r\nUSER\r\n.\r\n")
                       .expect("USER alice").send("+OK\r\n")
                       .expect("PASS secret").send("+OK\r\n")
                       .expect("RETR 1").send("+OK\r\n")
                       .send_repeated(half, 1024)
                       .stall(300ms)
                       .send_repeated(half, 1024)
                       .send(".\r\n")
                       .expect("QUIT").send("+OK\r\n"));
}

std::string inet_get(const mock_server& srv, const fs::path& out) {
  return "tools/inet/inet get --tls none --connect-timeout 5 -m 20 -# -o '" + out.string() +
         "' 'pop3://alice:secret@" + srv.host() + ":" + std::to_string(srv.port()) + "/1'";
}

TEST(Pop3ProgressTty, UnknownSizeFliesOnATerminal) {
  mock_server srv(retr_session());
  const fs::path out = temp("fly.out"), transcript = temp("fly.tty");
  const std::string line = "COLUMNS=60 script -qec \"" + inet_get(srv, out) + "\" /dev/null > '" +
                           transcript.string() + "' 2>&1 < /dev/null";
  ASSERT_EQ(std::system(line.c_str()), 0) << line;
  const std::string tty = slurp(transcript);
  // curl's first frame on 60 columns: the "-=O=-" marker at column 0 under three of the four
  // '#' waves, padded to 59 columns, then '\r'.
  EXPECT_THAT(tty, HasSubstr("##O#-" + std::string(54, ' ') + "\r")) << tty;
  EXPECT_EQ(tty.substr(tty.size() - 3), "\r\r\n");  // a frame ends with '\r', then the newline
  EXPECT_EQ(fs::file_size(out), 2u << 20);
  EXPECT_SCRIPT_OK(srv);
}

TEST(Pop3ProgressTty, NothingOnAPipe) {
  mock_server srv(retr_session());
  const fs::path out = temp("pipe.out"), err = temp("pipe.err");
  const std::string line = inet_get(srv, out) + " 2> '" + err.string() + "'";
  ASSERT_EQ(std::system(line.c_str()), 0) << line;
  EXPECT_EQ(slurp(err), "");
  EXPECT_EQ(fs::file_size(out), 2u << 20);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::pop3_cli
