// One connection type for every protocol: plain TCP or TLS, upgradable in place (STARTTLS),
// with connect/idle timeouts, an overall deadline, cancellation and proxies.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "transport/async.hpp"
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
/// operation with error::timeout / error::deadline_exceeded and closes the socket. Reads and
/// writes have a watchdog each, so one read and one write may be pending at the same time (full
/// duplex, as Beast's WebSocket stream does); when either watchdog fires, the other pending
/// operation fails with the same error.
///
/// The stream is an Asio AsyncReadStream and AsyncWriteStream (async_read_some /
/// async_write_some with any completion token), so asio::async_read, Beast's http::async_read /
/// async_write and (with transport/beast.hpp) beast::websocket::stream<transport::stream&> run
/// on it directly, with the same timeouts, TLS and DEFLATE as the coroutine forms.
class stream {
 public:
  using executor_type = boost::asio::any_io_executor;

  explicit stream(boost::asio::any_io_executor ex);
  ~stream();
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  executor_type get_executor() const;

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

  /// Waits until the socket has bytes (or EOF, or an error) to read, reading none: a zero-byte
  /// wait, so a reader need hold no buffer while a connection idles (line_reader::wait_idle).
  /// Plain TCP only: with TLS or DEFLATE bytes may already wait inside the stream, so it
  /// returns at once. Bounded by the idle timeout and the deadline, cancelled and failing as
  /// read_some() (error::operation_aborted after cancel(), error::timeout, ...).
  boost::asio::awaitable<void> wait_readable();

  /// Writes all of `buf`. Throws std::system_error on timeouts and socket/TLS errors.
  boost::asio::awaitable<void> write(boost::asio::const_buffer buf);

  /// AsyncReadStream: reads at least one byte into the first non-empty buffer of `buffers`
  /// (decrypted, inflated), exactly as read_some(). Completion `void(error_code, std::size_t
  /// bytes)`. Errors: asio::error::eof at a clean EOF (TLS without close_notify counts as EOF,
  /// as for read_some), transport::error::timeout / error::deadline_exceeded (the socket is then
  /// closed), error::not_connected, error::compression_failed, asio::error::operation_aborted
  /// when cancelled (cancel(), close(), or the handler's cancellation slot: terminal, partial
  /// and total cancellation are honoured — a cancelled read loses no data), socket/TLS errors.
  /// Empty buffers complete at once with 0 bytes. Never completes inside this call.
  template <typename MutableBufferSequence,
            typename ReadToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token = ReadToken()) {
    return boost::asio::async_initiate<ReadToken, void(boost::system::error_code, std::size_t)>(
        initiate_read_some{this}, token, first_buffer<boost::asio::mutable_buffer>(buffers));
  }

  /// AsyncWriteStream: writes a prefix of `buffers` completely (the first buffer, or up to
  /// 64 KiB of several small ones gathered into one write) and reports its size; with DEFLATE
  /// that prefix is compressed and flushed. Completion `void(error_code, std::size_t bytes)`.
  /// Errors as for async_read_some (no eof); cancellation: terminal only (a cancelled write
  /// leaves the stream unusable).
  template <typename ConstBufferSequence,
            typename WriteToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token = WriteToken()) {
    return boost::asio::async_initiate<WriteToken, void(boost::system::error_code, std::size_t)>(
        initiate_write_some{this}, token, gather(buffers));
  }

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
  std::string local_endpoint() const;   ///< our side, same form; empty if unknown
  /// The peer's / our address and port; a default endpoint (0.0.0.0:0) when not connected. For
  /// FTP: a listener binds local_ip_endpoint().address() and expects remote's address.
  boost::asio::ip::tcp::endpoint remote_ip_endpoint() const;
  boost::asio::ip::tcp::endpoint local_ip_endpoint() const;

  /// Takes over an already-connected TCP socket (e.g. from transport::listener): closes the
  /// current connection, forgets TLS and DEFLATE, keeps the timeouts. handshake() may follow.
  void attach(boost::asio::ip::tcp::socket&& sock);

  void set_timeouts(const timeouts& t) noexcept;
  const timeouts& get_timeouts() const noexcept;

 private:
  friend class scoped_idle_suspension;
  struct impl;
  std::unique_ptr<impl> impl_;

  static constexpr std::size_t gather_limit = 64 * 1024;

  struct initiate_read_some {
    stream* self;
    using executor_type = stream::executor_type;
    executor_type get_executor() const { return self->get_executor(); }
    template <typename Handler>
    void operator()(Handler&& h, boost::asio::mutable_buffer buf) const {
      self->start_read_some(buf, detail::size_handler(std::forward<Handler>(h)));
    }
  };
  struct initiate_write_some {
    stream* self;
    using executor_type = stream::executor_type;
    executor_type get_executor() const { return self->get_executor(); }
    template <typename Handler>
    void operator()(Handler&& h, boost::asio::const_buffer buf) const {
      self->start_write_some(buf, detail::size_handler(std::forward<Handler>(h)));
    }
  };

  template <typename Buffer, typename Sequence>
  static Buffer first_buffer(const Sequence& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      Buffer b(*it);
      if (b.size() > 0) return b;
    }
    return Buffer();
  }
  // The bytes one async_write_some writes: the first non-empty buffer when it is large or the
  // only one, else a copy of up to gather_limit bytes of the sequence in a per-stream buffer
  // (one write is pending at a time), so Beast's many small header pieces make one TLS record.
  template <typename Sequence>
  boost::asio::const_buffer gather(const Sequence& buffers) {
    const auto first = first_buffer<boost::asio::const_buffer>(buffers);
    const std::size_t total = boost::asio::buffer_size(buffers);
    if (first.size() == total || first.size() >= gather_limit / 4) return first;
    const auto space = gather_space(std::min(total, gather_limit));
    return boost::asio::buffer(space.data(), boost::asio::buffer_copy(space, buffers));
  }
  boost::asio::mutable_buffer gather_space(std::size_t n);
  void start_read_some(boost::asio::mutable_buffer buf, detail::size_handler h);
  void start_write_some(boost::asio::const_buffer buf, detail::size_handler h);
  void suspend_idle(bool on) noexcept;
};

/// Suspends a stream's idle timeout while it lives ("scoped deadline"): the stream's
/// operations — one pending now and any started meanwhile — are bounded by its overall deadline
/// only. Made for a connection that waits while another one works: an FTP control connection
/// awaiting "226 Transfer complete" (RFC 959 §4.2) during a data transfer that takes longer than
/// the control's idle timeout. The data connection keeps its own idle timeout, so a stalled
/// transfer still fails (error::timeout on the data stream); the control's deadline still
/// applies (error::deadline_exceeded). When the last guard ends, a pending operation gets a fresh
/// idle bound counted from that moment. Guards nest. Create and destroy it on the stream's
/// executor; the stream must outlive it.
///
///   {
///     transport::scoped_idle_suspension quiet(control);
///     co_await (read_226(control) && copy_data(data));   // data keeps its idle timeout
///   }
class scoped_idle_suspension {
 public:
  explicit scoped_idle_suspension(stream& s) noexcept : s_(s) { s_.suspend_idle(true); }
  ~scoped_idle_suspension() { s_.suspend_idle(false); }
  scoped_idle_suspension(const scoped_idle_suspension&) = delete;
  scoped_idle_suspension& operator=(const scoped_idle_suspension&) = delete;

 private:
  stream& s_;
};

}  // namespace inet::transport
