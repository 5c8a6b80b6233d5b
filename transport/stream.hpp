// One connection type for every protocol: plain TCP or TLS, upgradable in place (STARTTLS),
// with connect/idle timeouts, an overall deadline, cancellation and proxies.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "transport/options.hpp"

namespace inet::transport {

/// What a TLS connection negotiated, for `--serverinfo`-style reports and logs.
struct tls_info {
  std::string protocol;          ///< "TLSv1.3"
  std::string cipher;            ///< "TLS_AES_256_GCM_SHA384"
  std::string alpn;              ///< selected ALPN protocol, empty if none
  std::string peer_subject;      ///< certificate subject, one-line RFC 2253 form
  std::string peer_issuer;
  std::string peer_not_before;   ///< "Nov 22 04:57:37 2026 GMT"
  std::string peer_not_after;
  std::string peer_sha256_fingerprint;  ///< hex with colons
  bool session_reused = false;
  bool verified = false;         ///< chain and host name were verified
};

/// An opaque TLS session (for resumption: FTPS data connections reuse the control session).
class tls_session {
 public:
  tls_session() = default;
  explicit operator bool() const noexcept { return static_cast<bool>(handle_); }
  std::shared_ptr<void> handle_;  ///< SSL_SESSION*, freed with SSL_SESSION_free
};

/// A TCP or TLS byte stream. Not thread-safe: use from one strand/coroutine at a time.
///
/// Every read/write is bounded by `timeouts.idle` and by `timeouts.deadline`; expiry fails the
/// operation with error::timeout / error::deadline_exceeded and closes the socket.
class stream {
 public:
  explicit stream(boost::asio::any_io_executor ex);
  ~stream();
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  boost::asio::any_io_executor get_executor() const;

  /// Resolves `host` (A and AAAA) and connects, trying every address with Happy Eyeballs
  /// (RFC 8305: IPv6 first, then alternating families, a new attempt every `attempt_delay` while
  /// earlier ones are pending), directly or through `opts.proxy`. Throws std::system_error:
  /// error::resolve_failed, error::connect_timeout, asio's connection_refused, proxy errors.
  /// The timeouts in `opts.time` become this stream's timeouts for all later operations.
  boost::asio::awaitable<void> connect(std::string host, std::uint16_t port,
                                       connect_options opts);

  /// Performs a TLS client handshake over the current TCP connection (implicit TLS right after
  /// connect, or a STARTTLS upgrade). Verifies chain and host name (`host`, or
  /// `tls.server_name`) unless `tls.dangerous_skip_verification`; TLS 1.2 minimum; SNI; ALPN.
  /// `resume` offers a previous session (RFC 5077/8446 resumption). Writes nothing but the
  /// handshake. Throws std::system_error: error::certificate_verify_failed (with OpenSSL's
  /// verify reason in what()), error::tls_handshake_failed, timeouts.
  boost::asio::awaitable<void> handshake(const tls_options& tls, std::string_view host,
                                         tls_session resume = {});

  /// Reads at least one byte into `buf` (decrypted when TLS). Returns 0 only at a clean EOF.
  /// Throws std::system_error on timeouts and socket/TLS errors.
  boost::asio::awaitable<std::size_t> read_some(boost::asio::mutable_buffer buf);

  /// Writes all of `buf`. Throws std::system_error on timeouts and socket/TLS errors.
  boost::asio::awaitable<void> write(boost::asio::const_buffer buf);

  /// Starts raw DEFLATE compression in both directions (IMAP COMPRESS=DEFLATE, RFC 4978 §4):
  /// from now on write() compresses and flushes each buffer and read_some() returns inflated
  /// bytes. `already_read` holds bytes the caller had read past the server's go-ahead; they are
  /// compressed and are inflated first. Stays on until the next connect(). Later reads throw
  /// std::system_error(error::compression_failed) for corrupt data.
  void start_compression(std::string_view already_read = {});
  bool is_compressed() const noexcept;

  /// Sends TLS close_notify when TLS and waits at most 500 ms for the peer's, then closes the
  /// socket. The TLS state (is_tls(), tls_details(), session()) stays until the next connect().
  boost::asio::awaitable<void> graceful_close();

  /// Closes the socket now; pending operations fail with error::operation_aborted.
  void close() noexcept;
  /// Cancels pending operations (they fail with error::operation_aborted); the socket stays.
  void cancel() noexcept;

  bool is_open() const noexcept;
  bool is_tls() const noexcept;
  tls_info tls_details() const;
  /// The current TLS session for resumption by another connection; empty if not TLS.
  tls_session session() const;
  std::string remote_endpoint() const;  ///< "127.0.0.1:25" / "[::1]:25", empty if unknown

  void set_timeouts(const timeouts& t) noexcept;
  const timeouts& get_timeouts() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace inet::transport
