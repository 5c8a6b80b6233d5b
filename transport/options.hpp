// Connection options shared by every protocol: TLS verification, proxies and timeouts.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inet::transport {

/// TLS client settings. Verification of the certificate chain and of the host name
/// (RFC 9525 / RFC 6125) is ON unless `dangerous_skip_verification` is set.
struct tls_options {
  /// PEM file of trusted CA certificates; empty = the system store (OpenSSL default paths).
  std::string ca_file;
  /// Directory of hashed CA certificates (c_rehash layout); used in addition to ca_file.
  std::string ca_path;
  /// Client certificate chain (PEM) and private key (PEM) for mutual TLS; both or neither.
  std::string client_cert_file;
  std::string client_key_file;
  /// ALPN protocol names offered in the ClientHello (RFC 7301), e.g. {"http/1.1"}; IANA ids:
  /// "imap", "pop3", "ftp", "nntp"/"nnsp", "http/1.1" (none for SMTP/LMTP). When non-empty, a
  /// server that selects a protocol not in this list fails the handshake with
  /// error::alpn_mismatch (ALPACA); one that selects none is accepted.
  std::vector<std::string> alpn;
  /// Host name sent in SNI and checked against the certificate; empty = the connect host.
  std::string server_name;
  /// Skip chain AND host-name verification (curl -k). Never the default; traced loudly.
  bool dangerous_skip_verification = false;
  /// Accept exactly one server certificate, named by the SHA-256 (64 hex digits) or SHA-1 (40,
  /// deprecated) fingerprint of its DER form, colons optional (msmtp's tls_fingerprint,
  /// `openssl x509 -noout -fingerprint -sha256`). When set it replaces chain and host-name
  /// verification: any other certificate fails with error::certificate_verify_failed before
  /// anything is written. A malformed value (or an MD5-sized one) is error::invalid_argument.
  std::string pinned_fingerprint;
};

/// How a protocol client treats TLS: `required` (fail before any credential or message if TLS
/// cannot be had), `opportunistic` (STARTTLS when offered, else plaintext, said in the trace),
/// `none` (never TLS). Implicit TLS (smtps/imaps/pop3s) is chosen by the URL/port, not here.
enum class tls_policy { required, opportunistic, none };

/// An outgoing proxy, used by every protocol (curl's -x).
struct proxy_options {
  enum class kind {
    none,
    socks5,         ///< RFC 1928, name resolved locally, address sent to the proxy
    socks5_remote,  ///< RFC 1928 with the host NAME sent to the proxy (curl's socks5h)
    http_connect,   ///< HTTP/1.1 CONNECT tunnel (RFC 9110 §9.3.6), Basic auth if user set
  };
  kind type = kind::none;
  std::string host;
  std::uint16_t port = 0;
  std::string username;  ///< SOCKS5 user/pass (RFC 1929) or HTTP Basic; empty = none
  std::string password;
};

/// Time bounds. Every operation has one: the idle timeout bounds each read/write (no progress
/// for that long fails with transport::error::timeout); the deadline bounds everything from
/// connect to the end (error::deadline_exceeded) so a server trickling one byte a second still
/// ends on time.
struct timeouts {
  std::chrono::milliseconds connect{30'000};  ///< resolve + TCP connect (+ proxy handshake)
  std::chrono::milliseconds idle{60'000};     ///< per read/write progress
  std::optional<std::chrono::steady_clock::time_point> deadline;  ///< overall; none = unbounded
  /// Pacing (curl's --limit-rate): at most this many bytes per second on the wire in each
  /// direction, enforced by pausing on a timer after a read or write (transport/rate_limit.hpp);
  /// 0 = unlimited. A pause never outlasts the deadline.
  std::uint64_t rate_limit = 0;
};

struct connect_options {
  timeouts time;
  proxy_options proxy;
  /// Happy Eyeballs (RFC 8305 §5) delay before trying the next address while one is pending.
  std::chrono::milliseconds attempt_delay{250};
};

}  // namespace inet::transport
