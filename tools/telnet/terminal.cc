#include "tools/telnet/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace inet::telnet_cli {

terminal_mode::terminal_mode(int fd) : fd_(fd) { tty_ = ::isatty(fd) && ::tcgetattr(fd, &saved_) == 0; }

terminal_mode::~terminal_mode() { set_raw(false); }

void terminal_mode::set_raw(bool raw) {
  if (!tty_ || raw == raw_) return;
  if (raw) {
    termios t = saved_;
    ::cfmakeraw(&t);
    ::tcsetattr(fd_, TCSADRAIN, &t);
  } else {
    ::tcsetattr(fd_, TCSADRAIN, &saved_);
  }
  raw_ = raw;
}

std::pair<std::uint16_t, std::uint16_t> window_size(int fd) {
  winsize w{};
  if (::ioctl(fd, TIOCGWINSZ, &w) == 0 && w.ws_col > 0 && w.ws_row > 0) return {w.ws_col, w.ws_row};
  return {80, 24};
}

}  // namespace inet::telnet_cli
