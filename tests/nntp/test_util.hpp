// Shared helpers for the NNTP client tests against the scripted mock server (tests/mock).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "protocols/nntp/client.hpp"
#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"

namespace inet::nntp::testing {

namespace mock = inet::test;
using namespace std::chrono_literals;

/// "101 ...\r\n" + each capability + CRLF + ".\r\n".
inline std::string caps_reply(const std::vector<std::string>& caps) {
  std::string out = "101 Capability list:\r\n";
  for (const auto& c : caps) out += c + "\r\n";
  return out + ".\r\n";
}

/// Greets 200 and answers CAPABILITIES with `caps` (a reader: no MODE READER follows).
inline mock::script greet(const std::vector<std::string>& caps = {"VERSION 2", "READER", "POST",
                                                                   "OVER", "HDR",
                                                                   "LIST ACTIVE NEWSGROUPS OVERVIEW.FMT HEADERS"}) {
  mock::script s;
  s.send("200 mock news server ready, posting allowed\r\n")
      .expect("CAPABILITIES")
      .send(caps_reply(caps));
  return s;
}

/// Options for `srv`: test CA, 5 s timeouts, TLS policy none, no credentials.
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

}  // namespace inet::nntp::testing
