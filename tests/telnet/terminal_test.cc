// The terminal mode guard of `inet telnet` on a pseudo-terminal: raw while asked, the saved
// mode back on destruction; a non-terminal is left alone.
#include "tools/telnet/terminal.hpp"

#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>

namespace inet::telnet_cli {
namespace {

struct pty {
  int master = -1, slave = -1;
  pty() {
    winsize w{};
    w.ws_col = 132;
    w.ws_row = 43;
    if (::openpty(&master, &slave, nullptr, nullptr, &w) != 0) master = slave = -1;
  }
  ~pty() {
    if (master >= 0) ::close(master);
    if (slave >= 0) ::close(slave);
  }
};

bool same(const termios& a, const termios& b) {
  return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_cflag == b.c_cflag &&
         a.c_lflag == b.c_lflag && std::memcmp(a.c_cc, b.c_cc, sizeof a.c_cc) == 0;
}

TEST(TelnetTerminal, RawThenRestoredByTheDestructor) {
  pty p;
  ASSERT_GE(p.slave, 0);
  termios before{};
  ASSERT_EQ(::tcgetattr(p.slave, &before), 0);
  ASSERT_TRUE(before.c_lflag & ECHO);
  {
    terminal_mode m(p.slave);
    EXPECT_TRUE(m.is_terminal());
    m.set_raw(true);
    termios raw{};
    ::tcgetattr(p.slave, &raw);
    EXPECT_FALSE(raw.c_lflag & (ECHO | ICANON | ISIG));
    m.set_raw(false);
    termios back{};
    ::tcgetattr(p.slave, &back);
    EXPECT_TRUE(same(before, back));
    m.set_raw(true);
  }
  termios after{};
  ::tcgetattr(p.slave, &after);
  EXPECT_TRUE(same(before, after));
  EXPECT_EQ(window_size(p.slave), (std::pair<std::uint16_t, std::uint16_t>{132, 43}));
}

TEST(TelnetTerminal, NotATerminal) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    terminal_mode m(fds[0]);
    EXPECT_FALSE(m.is_terminal());
    m.set_raw(true);
    EXPECT_FALSE(m.is_raw());
  }
  EXPECT_EQ(window_size(fds[0]), (std::pair<std::uint16_t, std::uint16_t>{80, 24}));
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace inet::telnet_cli
