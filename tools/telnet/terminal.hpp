// The terminal of `inet telnet`: raw mode while the server echoes, restored on every exit path.
#pragma once

#include <termios.h>

#include <cstdint>
#include <utility>

namespace inet::telnet_cli {

/// Saves the terminal mode of `fd` and restores it in the destructor (normal return, an
/// exception, or a handled SIGTERM/SIGHUP/SIGINT/SIGQUIT that ends the session). A no-op when
/// `fd` is not a terminal.
class terminal_mode {
 public:
  explicit terminal_mode(int fd);
  ~terminal_mode();
  terminal_mode(const terminal_mode&) = delete;
  terminal_mode& operator=(const terminal_mode&) = delete;

  /// Character-at-a-time, no local echo, no signals from keys (cfmakeraw), or back to the
  /// saved mode.
  void set_raw(bool raw);
  bool is_raw() const noexcept { return raw_; }
  bool is_terminal() const noexcept { return tty_; }

 private:
  int fd_;
  bool tty_ = false;
  bool raw_ = false;
  termios saved_{};
};

/// The window size of terminal `fd` (columns, rows), or {80, 24} when unknown.
std::pair<std::uint16_t, std::uint16_t> window_size(int fd);

}  // namespace inet::telnet_cli
