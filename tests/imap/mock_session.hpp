// Helpers shared by the IMAP client tests against the scripted mock server (tests/mock).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <system_error>

#include "protocols/imap/client.hpp"
#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"

namespace inet::imap::test {

using mock = inet::test::script;
using inet::test::mock_server;

inline const std::string greeting =
    "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE MOVE UIDPLUS ESEARCH "
    "SPECIAL-USE UNSELECT AUTH=PLAIN] ready\r\n";

/// Options for `srv`: TLS policy `p`, 5 s connect/idle timeouts, UTF8=ACCEPT not enabled.
inline client_options options_for(const mock_server& srv,
                                  transport::tls_policy p = transport::tls_policy::none) {
  client_options o;
  o.host = srv.host();
  o.port = srv.port();
  o.policy = p;
  o.tls.ca_file = inet::test::test_pki::instance().ca_file();
  o.connect.time.connect = std::chrono::seconds(5);
  o.connect.time.idle = std::chrono::seconds(5);
  o.enable_utf8 = false;
  return o;
}

/// The error code `f` throws (as std::system_error), or {} if it returns.
inline std::error_code code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

/// A session that is logged in and has INBOX selected (tags A1..A2).
inline mock selected_session() {
  return mock()
      .send(greeting)
      .expect("A1 SELECT INBOX")
      .send("* 3 EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen \\Deleted)\r\n* OK [PERMANENTFLAGS (\\Seen \\*)] ok\r\n"
            "* OK [UIDVALIDITY 77] ok\r\n* OK [UIDNEXT 10] ok\r\nA1 OK [READ-WRITE] selected\r\n");
}

}  // namespace inet::imap::test
