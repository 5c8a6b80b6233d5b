// `inet telnet host [port]`: an interactive Telnet client (RFC 854) on the library's client.
//
// The terminal is in raw mode while the server echoes (WILL ECHO, as telnetd does after the
// negotiation), else in its normal line mode; it is restored on every exit path (RAII; SIGTERM,
// SIGHUP, SIGINT and SIGQUIT end the session through the event loop, so the destructor runs).
// SIGWINCH sends the new window size (NAWS, RFC 1073). Ctrl-] opens the "telnet>" prompt:
// quit (or close) ends the session, an empty line resumes it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "protocols/telnet/client.hpp"
#include "tools/inet/commands.hpp"
#include "tools/telnet/terminal.hpp"

namespace inet::telnet_cli {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

constexpr char escape_char = 0x1d;  // Ctrl-]

void out(std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string terminal_type() {
  const char* t = std::getenv("TERM");
  std::string name = t ? t : "";
  for (char& c : name) {
    if (c <= ' ' || c > '~') return "";
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name.size() <= 40 ? name : "";
}

struct session {
  session(asio::io_context& io, int in_fd)
      : client(io.get_executor()),
        keyboard(io, in_fd),
        signals(io, SIGWINCH, SIGTERM, SIGHUP),
        term(STDIN_FILENO) {
    signals.add(SIGINT);
    signals.add(SIGQUIT);
  }
  telnet::client client;
  asio::posix::stream_descriptor keyboard;
  asio::signal_set signals;
  terminal_mode term;
  bool stopped = false;
  bool closed_by_server = false;
  int signal_number = 0;  // the signal that ended the session
  std::string error;

  void stop() {
    if (stopped) return;
    stopped = true;
    boost::system::error_code ignored;
    keyboard.cancel(ignored);
    signals.cancel(ignored);
    client.close();
  }
  void follow_echo() { term.set_raw(client.protocol().remote_enabled(telnet::opt::echo)); }

  awaitable<void> receive() {
    for (;;) {
      const std::string data = co_await client.read_some();
      if (data.empty()) break;
      out(data);
      follow_echo();
    }
    closed_by_server = true;
  }

  // Reads the rest of a "telnet>" command line (cooked mode); `typed` holds what came with ^].
  awaitable<std::string> command_line(std::string typed) {
    std::string buf(256, '\0');
    while (typed.find_first_of("\r\n") == std::string::npos && typed.size() < 1024) {
      const std::size_t n = co_await keyboard.async_read_some(asio::buffer(buf), asio::use_awaitable);
      typed.append(buf, 0, n);
    }
    typed.resize(std::min(typed.find_first_of("\r\n"), typed.size()));
    while (!typed.empty() && std::isspace(static_cast<unsigned char>(typed.back()))) typed.pop_back();
    const std::size_t start = typed.find_first_not_of(" \t");
    co_return start == std::string::npos ? std::string() : typed.substr(start);
  }

  // The escape prompt. Returns false when the session is to end.
  awaitable<bool> escape(std::string typed) {
    term.set_raw(false);
    for (;;) {
      if (typed.empty()) out("\r\ntelnet> ");
      const std::string cmd = co_await command_line(std::move(typed));
      typed.clear();
      if (cmd == "quit" || cmd == "q" || cmd == "close" || cmd == "c") co_return false;
      if (cmd.empty()) break;
      if (cmd == "help" || cmd == "?") {
        out("close, quit\tend the session\r\n<empty line>\tback to the session\r\n");
      } else {
        out("?Invalid command\r\n");
      }
    }
    follow_echo();
    co_return true;
  }

  awaitable<void> keys() {
    std::string buf(4096, '\0');
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = co_await keyboard.async_read_some(
          asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // EOF on stdin, or stopped: the server's output still comes
      const std::string chunk = buf.substr(0, n);
      const std::size_t esc = chunk.find(escape_char);
      if (esc != 0) co_await client.write(chunk.substr(0, esc));
      if (esc == std::string::npos) continue;
      if (!co_await escape(chunk.substr(esc + 1))) {
        out("Connection closed.\r\n");
        stop();
        co_return;
      }
    }
  }

  awaitable<void> on_signals() {
    for (;;) {
      boost::system::error_code ec;
      const int sig = co_await signals.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      if (sig != SIGWINCH) {
        signal_number = sig;
        out("\r\nConnection closed.\r\n");
        stop();
        co_return;
      }
      const auto [cols, rows] = window_size(STDIN_FILENO);
      co_await client.set_window_size(cols, rows);
    }
  }
};

template <typename F>
void spawn(asio::io_context& io, session& s, F&& f) {
  asio::co_spawn(io, std::forward<F>(f), [&s](std::exception_ptr e) {
    if (e && !s.stopped) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        s.error = ex.what();
      }
    }
    s.stop();
  });
}

constexpr const char* usage_text =
    "usage: inet telnet host [port]\n"
    "  interactive Telnet client (RFC 854); Ctrl-] then 'quit' ends the session\n";

int usage() {
  std::cerr << usage_text;
  return 2;
}

int run(const std::string& host, std::uint16_t port) {
  asio::io_context io;
  const int in_fd = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
  const int in_flags = ::fcntl(STDIN_FILENO, F_GETFL);
  int status = 0;
  {
    session s(io, in_fd);
    telnet::client_options o;
    o.host = host;
    o.port = port;
    o.offer = true;
    o.telnet.terminal_type = terminal_type();
    o.telnet.naws = s.term.is_terminal();
    std::tie(o.telnet.columns, o.telnet.rows) = window_size(STDIN_FILENO);
    out("Trying " + host + "...\r\n");
    spawn(io, s, [&]() -> awaitable<void> {
      co_await s.client.connect(o);
      out("Connected to " + host + ".\r\nEscape character is '^]'.\r\n");
      spawn(io, s, s.keys());
      spawn(io, s, s.on_signals());
      co_await s.receive();
    });
    io.run();
    if (s.closed_by_server) out("Connection closed by foreign host.\r\n");
    // s.term restores the terminal here, before the error line is printed.
    status = !s.error.empty() ? 1 : s.signal_number ? 128 + s.signal_number : 0;
    if (!s.error.empty()) {
      s.term.set_raw(false);
      std::cerr << "inet telnet: " << s.error << "\n";
    }
  }
  if (in_flags >= 0) ::fcntl(STDIN_FILENO, F_SETFL, in_flags);  // asio set O_NONBLOCK on it
  return status;
}

int telnet_main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << usage_text;  // asked for: stdout and success, as every other command
    return 0;
  }
  if (argc < 2 || argc > 3 || std::string_view(argv[1]).starts_with("-")) return usage();
  unsigned port = 23;
  if (argc == 3) {
    const std::string_view p(argv[2]);
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc() || end != p.data() + p.size() || port == 0 || port > 65535) {
      std::cerr << "inet telnet: bad port '" << p << "'\n";
      return 2;
    }
  }
  try {
    return run(argv[1], static_cast<std::uint16_t>(port));
  } catch (const std::exception& e) {
    std::cerr << "inet telnet: " << e.what() << "\n";
    return 1;
  }
}

const cli::command_registrar telnet_registrar{
    "telnet", "interactive Telnet client (RFC 854; Ctrl-] for the telnet> prompt)", &telnet_main};

}  // namespace
}  // namespace inet::telnet_cli
