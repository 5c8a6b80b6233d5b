// Logs in to a Telnet server, runs one command and prints its output: the expect-style script
// Python's telnetlib was used for (docs/telnet.md).
//
//   bazel run //protocols/telnet/examples:telnet_run -- HOST PORT USER 'uname -a'
//   (the password is read from the TELNET_PASSWORD environment variable)
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "protocols/telnet/client.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  const char* password = std::getenv("TELNET_PASSWORD");
  if (argc != 5 || !password) {
    std::cerr << "usage: TELNET_PASSWORD=... telnet_run host port user command\n";
    return 2;
  }
  inet::telnet::client_options o;
  o.host = argv[1];
  std::from_chars(argv[2], argv[2] + std::strlen(argv[2]), o.port);
  o.connect.time.idle = 30s;          // every socket read/write
  o.telnet.terminal_type = "DUMB";    // answered when the server asks (RFC 1091)
  const std::string marker = "--end-of-output--";
  try {
    inet::telnet::blocking_client t;
    t.connect(o);
    t.read_until("login: ", 10s);
    t.write(std::string(argv[3]) + "\n");  // "\n" goes out as CR LF (RFC 854)
    t.read_until("assword:", 10s);
    t.write(std::string(password) + "\n");
    if (t.expect({"$ ", "# ", "Login incorrect"}, 10s).index == 2) {
      std::cerr << "login refused\n";
      return 1;
    }
    // The marker is split in the command line, so only the command's output contains it whole.
    t.write(std::string(argv[4]) + "; echo '--end-of-''output--'\n");
    t.read_until("\n", 10s);  // the echoed command line
    std::string out = t.read_until(marker, 60s);
    out.resize(out.size() - marker.size());
    std::cout << out;
    t.write("exit\n");
    t.read_all();
    return 0;
  } catch (const std::system_error& e) {  // telnet::error::timeout, transport errors ...
    std::cerr << "telnet: " << e.what() << " (" << e.code() << ")\n";
    return 1;
  }
}
