// HTTP Digest access authentication (RFC 7616): the Authorization header value for a
// "WWW-Authenticate: Digest ..." challenge, SHA-256 or MD5 (and their -sess forms), qop "auth"
// or none. Used by http::agent (auth::scheme::digest); exposed for tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace inet::http {

struct digest_challenge {
  std::string realm, nonce, opaque, algorithm = "MD5";
  bool qop_auth = false;  ///< the server offers qop "auth" (auth-int is not used)
  bool stale = false;
};

/// Parses the value of a WWW-Authenticate field holding a Digest challenge (RFC 7616 §3.3);
/// nullopt when there is none, or its algorithm is neither MD5, MD5-sess, SHA-256 nor
/// SHA-256-sess, or it lacks realm/nonce.
std::optional<digest_challenge> parse_digest_challenge(std::string_view www_authenticate);

/// The Authorization value "Digest username=..., response=..." (RFC 7616 §3.4) for one request.
/// `cnonce` is the client nonce (random in use; fixed in tests), `nc` the nonce count.
std::string digest_authorization(const digest_challenge& c, const std::string& user,
                                 const std::string& password, const std::string& method,
                                 const std::string& uri, const std::string& cnonce,
                                 unsigned nc = 1);

}  // namespace inet::http
