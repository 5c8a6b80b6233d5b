// An expect-style script through the library API (what telnetlib users wrote): log in to a
// real telnetd, run a command, check its output, log out. Arguments: host port user password.
// Exit status 0 when every step matched; otherwise one line on stderr says which step failed.
#include <charconv>
#include <chrono>
#include <iostream>
#include <string>

#include "protocols/telnet/client.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: login_script host port user password\n";
    return 2;
  }
  const std::string user = argv[3], password = argv[4];
  inet::telnet::client_options o;
  o.host = argv[1];
  std::from_chars(argv[2], argv[2] + std::char_traits<char>::length(argv[2]), o.port);
  o.connect.time.idle = 20s;
  o.telnet.terminal_type = "DUMB";
  const char* step = "connect";
  try {
    inet::telnet::blocking_client t;
    t.connect(o);
    step = "login prompt";
    t.read_until("login: ", 15s);
    t.write(user + "\n");
    step = "password prompt";
    t.read_until("assword:", 15s);
    t.write(password + "\n");
    step = "shell prompt";
    const auto r = t.expect({"$ ", "Login incorrect"}, 15s);
    if (r.index != 0) throw std::runtime_error("login refused: " + r.text);
    step = "command output";
    t.write("echo telnet-$((6*7))\n");
    const std::string out = t.read_until("telnet-42\r\n", 15s);
    step = "logout";
    t.write("exit\n");
    t.read_all();
    std::cout << "OK: logged in, command output seen; server echo "
              << (t.protocol().remote_enabled(inet::telnet::opt::echo) ? "on" : "off")
              << ", SGA " << (t.protocol().remote_enabled(inet::telnet::opt::sga) ? "on" : "off")
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "FAIL at " << step << ": " << e.what() << "\n";
    return 1;
  }
}
