// Test PKI: a throw-away certificate authority and server/client certificates,
// generated in-process with the OpenSSL 3 C API the first time they are needed.
//
// All keys are EC P-256, all signatures SHA-256, all certificates X.509 v3
// (RFC 5280). Files are PEM, written to a fresh directory made with mkdtemp()
// under $TEST_TMPDIR (or $TMPDIR, or /tmp) and removed at process exit.
#pragma once

#include <string>

namespace inet::test {

/// Which server certificate a mock server presents.
enum class cert_kind {
  good,           ///< CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1; CA-signed; valid now-1d..now+30d
  wrong_host,     ///< CA-signed, valid now, but SAN DNS:wrong.example only (CN=wrong.example)
  expired,        ///< good names, CA-signed, valid now-30d..now-1d
  self_signed,    ///< good names, valid now, but self-signed (not issued by the test CA)
  not_yet_valid,  ///< good names, CA-signed, valid now+1d..now+30d
};

/// Paths of a PEM certificate (leaf only, no chain) and its PEM private key (PKCS#8).
struct cert_files {
  std::string cert_file;
  std::string key_file;
};

/// The per-process test PKI. Thread-safe: built once on first use.
class test_pki {
 public:
  /// The process-wide instance. Generates every key and certificate on the
  /// first call (a few milliseconds). Throws std::runtime_error if OpenSSL or
  /// the file system fails (the test cannot run then).
  static const test_pki& instance();

  /// PEM file of the test CA (basicConstraints critical CA:TRUE); clients put
  /// it in their ca_file setting.
  const std::string& ca_file() const { return ca_file_; }
  /// The CA certificate as PEM text (same bytes as ca_file()).
  const std::string& ca_pem() const { return ca_pem_; }
  /// A directory usable as OpenSSL ca_path: holds "<subject hash>.0", a copy
  /// of the CA (hash from X509_NAME_hash_ex, as c_rehash does).
  const std::string& ca_dir() const { return ca_dir_; }

  /// The server certificate + key of kind `k` (see cert_kind).
  cert_files server(cert_kind k) const;
  /// A client certificate signed by the CA (CN=inetpp-test-client,
  /// extendedKeyUsage clientAuth) for mutual-TLS tests.
  cert_files client() const { return client_; }

  test_pki(const test_pki&) = delete;
  test_pki& operator=(const test_pki&) = delete;
  ~test_pki();

 private:
  test_pki();
  std::string dir_;
  std::string ca_file_, ca_pem_, ca_dir_;
  cert_files good_, wrong_host_, expired_, self_signed_, not_yet_valid_, client_;
};

}  // namespace inet::test
