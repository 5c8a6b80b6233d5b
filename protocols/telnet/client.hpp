// Telnet client (RFC 854, 855; options RFC 856 BINARY, 857 ECHO, 858 SGA, 1073 NAWS, 1091
// TTYPE; negotiation by RFC 1143's Q method, see engine.hpp) with a byte-stream API, what
// Python's telnetlib offered:
//
//   inet::telnet::blocking_client t;
//   t.connect({.host = "127.0.0.1", .port = 2323});
//   t.read_until("login: ", 5s);
//   t.write("alice\n");
//   t.read_until("Password:", 5s);
//   ...
//   auto r = t.expect({"$ ", "# "}, 5s);   // r.index: which prompt; r.text: everything up to it
//
// - read_some(): decoded application data (IAC removed, negotiation answered on the way),
//   at least one byte, "" at a clean EOF.
// - write(): data escaped (IAC doubled; in NVT mode CR -> CR NUL, bare LF -> CR LF).
// - read_until()/expect(): wait for a substring with a timeout (telnet::error::timeout, the
//   connection stays usable and the bytes read stay buffered), bounded by
//   client_options::max_buffer (telnet::error::buffer_full); EOF before the pattern is
//   transport::error::unexpected_eof (the bytes stay buffered for read_some()).
// - set_window_size(): NAWS update (RFC 1073), sent when the server enabled NAWS.
// Errors: telnet::error, transport errors (timeouts: client_options::connect.time.idle bounds
// every socket read/write; the default here is 1 hour, for sessions waiting on a human).
//
// Concurrency: one read-side operation (read_some, read_until, expect, read_all) and one
// write-side operation (write, set_window_size, send_command) may be pending at the same time,
// as for the stream (an interactive client reads the server while it writes the keyboard).
// Answers to negotiation that arrive meanwhile are queued behind the pending write.
//
// Operations are coroutines; async_xxx(..., token) and blocking_client come from
// INET_TELNET_OPERATIONS (transport/async.hpp).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocols/telnet/engine.hpp"
#include "transport/async.hpp"
#include "transport/client_frame.hpp"
#include "transport/error.hpp"
#include "transport/options.hpp"

namespace inet::telnet {

struct client_options {
  std::string host;
  std::uint16_t port = 23;
  transport::connect_options connect = default_connect();
  engine_options telnet;  ///< what the client agrees to (terminal type, NAWS, BINARY ...)
  /// Ask for SGA, ECHO, NAWS and TTYPE after connecting (engine::offer()), as interactive
  /// clients do; false = only answer the server (telnetlib's behaviour).
  bool offer = false;
  std::size_t max_buffer = 1 << 20;  ///< bytes read_until()/expect()/read_all() may hold
  std::size_t read_chunk = 16 * 1024;

  static transport::connect_options default_connect() {
    transport::connect_options c;
    c.time.idle = std::chrono::hours(1);
    return c;
  }
};

/// What expect() found: the index of the first pattern that matched (earliest in the data) and
/// the data up to and including it.
struct expect_result {
  std::size_t index = 0;
  std::string text;
};

#define INET_TELNET_OPERATIONS(X)                                                          \
  X(void, connect, (client_options opts), (std::move(opts)))                               \
  X(std::string, read_some, (), ())                                                        \
  X(std::string, read_until, (std::string pattern, std::chrono::milliseconds timeout),     \
    (std::move(pattern), timeout))                                                         \
  X(expect_result, expect,                                                                 \
    (std::vector<std::string> patterns, std::chrono::milliseconds timeout),                \
    (std::move(patterns), timeout))                                                        \
  X(std::string, read_all, (), ())                                                         \
  X(void, write, (std::string data), (std::move(data)))                                    \
  X(void, set_window_size, (std::uint16_t columns, std::uint16_t rows), (columns, rows))   \
  X(void, send_command, (std::uint8_t command), (command))

#define INET_TELNET_ACCESSORS(X) X(last_failure) X(protocol)

/// Asynchronous Telnet client over transport::stream.
class client {
 public:
  explicit client(boost::asio::any_io_executor ex);
  ~client();

  /// Connects (a new engine per connection) and, with opts.offer, sends the offers.
  boost::asio::awaitable<void> connect(client_options opts);
  /// Decoded data: at least one byte, "" at a clean EOF; buffered bytes first.
  boost::asio::awaitable<std::string> read_some();
  /// Data up to and including the first `pattern` (non-empty, else error::invalid_argument).
  boost::asio::awaitable<std::string> read_until(std::string pattern,
                                                 std::chrono::milliseconds timeout);
  /// As read_until, for the earliest of several patterns (as telnetlib's expect, without regex).
  boost::asio::awaitable<expect_result> expect(std::vector<std::string> patterns,
                                               std::chrono::milliseconds timeout);
  /// Everything until the server closes (at most max_buffer bytes, else error::buffer_full).
  boost::asio::awaitable<std::string> read_all();
  /// Sends `data` escaped (see engine::send).
  boost::asio::awaitable<void> write(std::string data);
  /// Records the window size and sends it when NAWS is on (RFC 1073).
  boost::asio::awaitable<void> set_window_size(std::uint16_t columns, std::uint16_t rows);
  /// Sends IAC <command> (cmd::ayt, cmd::ip, cmd::brk, cmd::nop ...).
  boost::asio::awaitable<void> send_command(std::uint8_t command);
  void close() noexcept;
  bool is_open() const noexcept;

  /// The negotiation state (e.g. protocol().remote_enabled(opt::echo): the server echoes).
  const engine& protocol() const noexcept;
  INET_CLIENT_FRAME(INET_TELNET_OPERATIONS)
};

class blocking_client : public transport::blocking_frame<client> {
 public:
  INET_TELNET_OPERATIONS(INET_BLOCKING_DECLARE)
  INET_TELNET_ACCESSORS(INET_BLOCKING_ACCESSOR)
};

}  // namespace inet::telnet
