// Internal: the server-thread side of mock_server (not for direct use in tests).
#pragma once

#include "tests/mock/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

namespace inet::test::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

/// Escapes bytes for diagnostics: \r \n \t \\ and non-printables as \xNN.
std::string escape(std::string_view bytes);
/// escape(), shortened to about `max` characters with an elision marker.
std::string escape_short(std::string_view bytes, std::size_t max = 120);

/// State shared between the server thread and the test thread (guarded by mu).
struct shared_state {
  mutable std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool ok = false;
  std::string failure;      // failing step and reason
  std::string received;     // every byte the client sent (decrypted)
  std::string transcript;   // finished transcript lines
  std::string client_partial;  // client bytes not yet ending in \n
  std::string current;      // step being run (for "still running" reports)
};

/// One accepted connection. Members are destroyed TLS stream first.
struct conn {
  explicit conn(asio::io_context& io) : sock(io) {}
  tcp::socket sock;
  std::unique_ptr<asio::ssl::context> ctx;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;
  bool write_closed = false;  // FIN sent (close() or a failure); reads still work
  bool tls_closed = false;    // close_notify sent; no further TLS reads
  bool reset = false;         // RST sent, descriptor closed
  std::size_t number = 0;     // accept order (use_connection)
  std::string saved_rbuf;     // unconsumed bytes while another connection is current
  bool saved_eof = false;
};

/// Runs steps on the server thread. Each I/O operation runs the private
/// io_context until it completes or the per-operation timer cancels it.
class session final : public connection_ctl {
 public:
  session(asio::io_context& io, tcp::acceptor& acceptor, const server_options& o,
          shared_state& st);
  ~session() override;

  // connection_ctl
  void write(std::string_view bytes) override;
  std::string read_line() override;
  std::string read_bytes(std::size_t n) override;
  std::string read_some() override;
  bool is_tls() const override;
  std::string tls_sni() const override;
  SSL* ssl_handle() override;
  [[noreturn]] void fail(const std::string& why) override;

  // step implementations (throw script_failure)
  void accept();
  void use_connection(std::size_t index);
  void expect_until(const std::string& terminator, std::string* captured);
  void expect_eof();
  void expect_silence(std::chrono::milliseconds d);
  void start_tls(cert_kind k, bool require_client_cert);
  void start_deflate();
  void send_raw(const std::string& bytes);
  void stall(std::chrono::milliseconds d);
  void trickle(const std::string& bytes, std::chrono::milliseconds per_byte);
  void send_repeated(const std::string& chunk, std::size_t times);
  void close(close_mode m);

  /// After a failure: FIN on the current connection, stop listening.
  void abort_connection();
  /// After the last step: stop listening.
  void finish();
  /// Closes everything, cancels the timer. Runs on the server thread (posted)
  /// or after it was joined.
  void shutdown_all();

  std::atomic<bool> stopping{false};

 private:
  enum class rd { data, eof, timeout };
  using handler = std::function<void(const error_code&, std::size_t)>;

  std::size_t run_io(std::chrono::milliseconds limit, const std::function<void(handler)>& start,
                     error_code& ec);
  void wait_for(std::chrono::milliseconds d);
  void cancel_io();
  enum class use { read, write, tls };
  conn& current(use u);
  rd read_more(std::chrono::milliseconds limit);
  error_code write_raw(std::string_view bytes);
  void note(std::string_view prefix, std::string_view text);
  void note_client(std::string_view bytes);
  void note_server(std::string_view bytes);

  asio::io_context& io_;
  tcp::acceptor& acceptor_;
  const server_options& opts_;
  shared_state& st_;
  asio::steady_timer timer_;
  std::vector<std::unique_ptr<conn>> conns_;
  std::string rbuf_;  // received, not yet consumed by a step (inflated when DEFLATE is on)
  struct deflate_state;
  std::shared_ptr<deflate_state> z_;  // COMPRESS=DEFLATE (RFC 4978) on the current connection
  bool bypass_z_ = false;             // send_raw: write bytes without compressing them
  std::string inflate_client(std::string_view compressed);
  bool peer_eof_ = false;
  std::array<char, 16384> chunk_{};
};

}  // namespace inet::test::detail
