// Scripted in-process mock server for protocol and transport unit tests.
//
// A `script` is a list of steps (send / expect / TLS / close ...) that runs in
// order, on its own thread, against the connection(s) a client under test
// makes to `mock_server`. Every expectation is checked exactly; the first
// failing step ends the script, closes the connection (the client sees EOF)
// and is reported by failure() together with an escaped transcript.
//
//   inet::test::mock_server srv(inet::test::script()
//       .send("220 mock ESMTP\r\n").expect("EHLO client").send("250 ok\r\n")
//       .expect("QUIT").send("221 bye\r\n").close());
//   ... connect the client to srv.host():srv.port() ...
//   EXPECT_SCRIPT_OK(srv);
#pragma once

#include "tests/mock/pki.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace inet::test {

namespace detail {
class session;
}

/// Thrown inside the server thread when a step fails (a connection_ctl call
/// can throw it too); caught by the runner and reported via failure().
/// Custom steps may throw it (or any std::exception) to fail the script.
class script_failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Raw access to the current connection for custom steps (script::run).
/// Only valid on the server thread during the step. Reads/writes honour
/// server_options::step_timeout; any failure throws script_failure.
class connection_ctl {
 public:
  virtual ~connection_ctl() = default;
  /// Writes all of `bytes` (decrypted view: goes through TLS when active).
  virtual void write(std::string_view bytes) = 0;
  /// Reads one CRLF-terminated line (max 1 MiB) and returns it without CRLF.
  /// EOF, timeout or an overlong line throw script_failure.
  virtual std::string read_line() = 0;
  /// Reads exactly `n` bytes.
  virtual std::string read_bytes(std::size_t n) = 0;
  /// Returns whatever bytes are buffered or arrive next (at least 1), or ""
  /// when the client closed its side (EOF). Timeout throws script_failure.
  virtual std::string read_some() = 0;
  /// True once the connection runs TLS.
  virtual bool is_tls() const = 0;
  /// The SNI host name the client sent in its TLS ClientHello ("" if none).
  virtual std::string tls_sni() const = 0;
  /// The OpenSSL handle of the TLS session (nullptr before TLS).
  virtual SSL* ssl_handle() = 0;
  /// Fails the step with `why`.
  [[noreturn]] virtual void fail(const std::string& why) = 0;
};

/// How script::close() ends the connection.
enum class close_mode {
  graceful,  ///< TLS close_notify (if TLS is active), then TCP FIN
  fin_only,  ///< TCP FIN without TLS close_notify (a truncation for TLS clients)
  reset,     ///< TCP RST (SO_LINGER 0)
};

/// Builder for the steps a mock_server runs. Steps run in order on the
/// accepted connection; read steps time out after server_options::step_timeout.
/// Lines are CRLF-terminated and at most 1 MiB; a bare LF does not end a line.
/// Pointers passed for output are written on the server thread: read them
/// only after mock_server::wait_done() returned true.
class script {
 public:
  /// Writes `bytes` verbatim (include CRLF yourself).
  script& send(std::string bytes);
  /// Reads one line; it must equal `line` (given without CRLF) exactly.
  script& expect(std::string line);
  /// Reads one line; it must fully match the ECMAScript regex.
  script& expect_regex(std::string ecmascript_regex);
  /// Reads one line and accepts anything; stores it (without CRLF) in *out.
  script& expect_any_line(std::string* out = nullptr);
  /// Reads lines up to and including one equal to `terminator_line` (e.g. "."
  /// for SMTP DATA, RFC 5321 4.1.1.4). *captured gets the raw bytes before
  /// the terminator line (CRLFs kept, dot-stuffing not undone).
  script& expect_until(std::string terminator_line, std::string* captured = nullptr);
  /// Reads exactly `n` bytes (e.g. an IMAP literal or a POST body).
  script& expect_bytes(std::size_t n, std::string* captured = nullptr);
  /// The client must close its side (EOF, or a TCP reset) within the step
  /// timeout; any data instead fails. For TLS a missing close_notify is fine.
  script& expect_eof();
  /// The client must send no byte for `d` (EOF is accepted: no byte sent).
  script& expect_silence(std::chrono::milliseconds d);
  /// Server-side TLS handshake on the current connection with certificate
  /// `k` (RFC 3207 STARTTLS style, or implicit when placed first). With
  /// `require_client_cert`, the client must present a certificate issued by
  /// the test CA. Plaintext bytes the client sent after the last consumed
  /// line (already recorded in received()) are noted in the transcript and
  /// discarded. Steps before it (e.g. send) are fully written first.
  script& start_tls(cert_kind k = cert_kind::good, bool require_client_cert = false);
  /// Turns on raw DEFLATE (RFC 1951) in both directions, as after an IMAP "OK" to COMPRESS
  /// DEFLATE (RFC 4978 §4): later sends are compressed and flushed (Z_SYNC_FLUSH), received
  /// bytes are inflated (bytes the client sent before this step count as compressed too). The
  /// transcript and received() show uncompressed bytes. Stays on for the connection.
  script& start_deflate();
  /// Writes `bytes` to the wire as they are, bypassing DEFLATE (for corrupt compressed data).
  script& send_raw(std::string bytes);
  /// Does nothing for `d`.
  script& stall(std::chrono::milliseconds d);
  /// Writes `bytes` one byte at a time, pausing `per_byte` after each.
  script& trickle(std::string bytes, std::chrono::milliseconds per_byte);
  /// Writes `chunk` `times` times, streaming in batches of ~64 KiB (never one
  /// huge string). Stops quietly when the client goes away or stops reading
  /// for a step timeout.
  script& send_repeated(std::string chunk, std::size_t times);
  /// Closes the connection now (see close_mode). graceful/fin_only only shut
  /// down the sending side (the descriptor stays open until the server is
  /// destroyed, so late client bytes never cause a reset): reading steps such
  /// as expect_eof() still work afterwards (not after a graceful TLS close);
  /// writing steps fail.
  script& close(close_mode m = close_mode::graceful);
  /// Accepts another connection on the same listener (within the step
  /// timeout) and continues there; the previous connection stays as it is
  /// (open unless closed) until the server is destroyed. With
  /// server_options::implicit_tls the new connection starts with TLS too.
  script& accept_next();
  /// Continues on the `index`-th accepted connection (0 = the first), e.g. back on an FTP
  /// control connection after serving a data connection opened with accept_next(). Bytes
  /// already received on each connection stay with it. Not with start_deflate().
  script& use_connection(std::size_t index);
  /// Reads one line and writes what `fn(line)` returns (e.g. echo an IMAP tag).
  script& respond(std::function<std::string(const std::string& line)> fn);
  /// Escape hatch: a custom step with raw access on the server thread.
  script& run(std::function<void(connection_ctl&)> fn);

  struct step {
    std::string what;  // human-readable description for failure()
    std::function<void(detail::session&)> fn;
  };
  const std::vector<step>& steps() const { return steps_; }

 private:
  script& add(std::string what, std::function<void(detail::session&)> fn);
  std::vector<step> steps_;
};

struct server_options {
  bool implicit_tls = false;  ///< TLS handshake right after every accept (smtps/imaps/pop3s)
  cert_kind cert = cert_kind::good;  ///< certificate for implicit TLS
  bool ipv6 = false;          ///< listen on [::1] instead of 127.0.0.1
  std::chrono::milliseconds step_timeout{5000};  ///< limit of each read/write/accept step
  /// Optional hook to adjust each server TLS context (versions, ciphers, ALPN).
  std::function<void(SSL_CTX*)> configure_tls{};
};

/// The scripted server. Binds an ephemeral port on loopback in the
/// constructor (throws std::system_error if that fails, e.g. no IPv6), then
/// runs the script on its own thread and io_context. After the last step the
/// listener is closed; the connection stays open until destruction unless the
/// script closed it. Not copyable or movable.
class mock_server {
 public:
  explicit mock_server(script s, server_options o = {});
  /// Stops the thread: cancels every timer and closes every socket. Never hangs.
  ~mock_server();
  mock_server(const mock_server&) = delete;
  mock_server& operator=(const mock_server&) = delete;

  std::uint16_t port() const;
  /// "127.0.0.1" or "::1" (no brackets).
  std::string host() const;
  /// Waits until the script ended (all steps ran or one failed). False on timeout.
  bool wait_done(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// True when the script finished and every expectation was met.
  bool ok() const;
  /// "" when ok(); otherwise the failing step (number and description), what
  /// came instead, and the transcript so far with \r, \n and non-printable
  /// bytes escaped as \xNN. While still running, says so (with transcript).
  std::string failure() const;
  /// Every byte the client sent so far (plaintext, TLS decrypted). Thread-safe.
  std::string received() const;
  /// received() split at CRLF (a trailing incomplete line is the last element).
  std::vector<std::string> received_lines() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace inet::test

/// gtest helper: waits for the script and checks it passed, printing failure().
#define EXPECT_SCRIPT_OK(srv)                                                         \
  do {                                                                                \
    EXPECT_TRUE((srv).wait_done()) << "mock script did not finish\n" << (srv).failure(); \
    EXPECT_TRUE((srv).ok()) << (srv).failure();                                      \
  } while (0)

/// Like EXPECT_SCRIPT_OK but stops the test on failure.
#define ASSERT_SCRIPT_OK(srv)                                                         \
  do {                                                                                \
    ASSERT_TRUE((srv).wait_done()) << "mock script did not finish\n" << (srv).failure(); \
    ASSERT_TRUE((srv).ok()) << (srv).failure();                                      \
  } while (0)
