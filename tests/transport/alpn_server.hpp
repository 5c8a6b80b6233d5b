// Mock-server options for ALPN tests (RFC 7301): an implicit-TLS server whose ALPN callback
// records what the client offered and selects a fixed protocol — even one the client did not
// offer, as a cross-protocol (ALPACA) attacker's server would — or none.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "tests/mock/server.hpp"

namespace inet::testing {

struct alpn_choice {
  std::string select;   ///< the protocol the server selects; empty: none (no ALPN extension)
  std::string offered;  ///< the client's offer in wire form (written on the server thread)
};

/// Implicit-TLS server options whose ALPN callback acts per `*choice` (kept alive by the test).
inline test::server_options alpn_server(alpn_choice* choice) {
  test::server_options o;
  o.implicit_tls = true;
  o.configure_tls = [choice](SSL_CTX* ctx) {
    SSL_CTX_set_alpn_select_cb(
        ctx,
        [](SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
           unsigned inlen, void* arg) -> int {
          auto* c = static_cast<alpn_choice*>(arg);
          c->offered.assign(reinterpret_cast<const char*>(in), inlen);
          if (c->select.empty()) return SSL_TLSEXT_ERR_NOACK;
          *out = reinterpret_cast<const unsigned char*>(c->select.data());
          *outlen = static_cast<unsigned char>(c->select.size());
          return SSL_TLSEXT_ERR_OK;
        },
        choice);
  };
  return o;
}

}  // namespace inet::testing
