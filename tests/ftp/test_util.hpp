// Shared helpers for the FTP client tests against the scripted mock server (tests/mock).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "protocols/ftp/client.hpp"
#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"

namespace inet::ftp::testing {

namespace mock = inet::test;
using namespace std::chrono_literals;

/// The mock's port, known only once the mock_server exists: scripts built before it read it
/// from here when they answer EPSV/PASV (set it right after constructing the server).
struct port_box {
  std::shared_ptr<std::atomic<int>> p = std::make_shared<std::atomic<int>>(0);
  void set(const mock::mock_server& srv) const { *p = srv.port(); }
  /// A step answering the data-port question with the mock's own listener port.
  std::function<void(mock::connection_ctl&)> epsv() const {
    return [p = p](mock::connection_ctl& c) {
      c.write("229 Entering Extended Passive Mode (|||" + std::to_string(p->load()) + "|)\r\n");
    };
  }
  /// A 227 naming `ip` (comma form, "10,9,8,7") and the mock's port.
  std::function<void(mock::connection_ctl&)> pasv(std::string ip) const {
    return [p = p, ip](mock::connection_ctl& c) {
      const int port = p->load();
      c.write("227 Entering Passive Mode (" + ip + "," + std::to_string(port / 256) + "," +
              std::to_string(port % 256) + ").\r\n");
    };
  }
};

/// Greeting, FEAT (with `feat_lines`, each " NAME ..."), anonymous login.
inline mock::script anonymous_login(std::string feat_lines = " SIZE\r\n") {
  mock::script s;
  s.send("220 mock FTP ready\r\n")
      .expect("FEAT")
      .send("211-Features:\r\n" + feat_lines + "211 End\r\n")
      .expect("USER anonymous")
      .send("331 Please specify the password.\r\n")
      .expect("PASS ftp@example.com")
      .send("230 Login successful.\r\n");
  return s;
}

/// Reads everything the client sends on the current connection until it closes it.
inline std::function<void(mock::connection_ctl&)> read_all(std::string* out) {
  return [out](mock::connection_ctl& c) {
    for (std::string s = c.read_some(); !s.empty(); s = c.read_some()) *out += s;
  };
}

/// Options for `srv`: test CA, 5 s timeouts, TLS policy none, anonymous.
inline client_options options_for(const mock::mock_server& srv) {
  client_options o;
  o.host = srv.host();
  o.port = srv.port();
  o.policy = transport::tls_policy::none;
  o.tls.ca_file = mock::test_pki::instance().ca_file();
  o.connect.time.connect = 5s;
  o.connect.time.idle = 5s;
  return o;
}

}  // namespace inet::ftp::testing
