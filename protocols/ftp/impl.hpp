// The FTP client's private state, shared by client.cc (control) and transfer.cc (data).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "protocols/ftp/client.hpp"
#include "protocols/ftp/internal.hpp"
#include "protocols/line/engine.hpp"
#include "protocols/session/tls_upgrade.hpp"
#include "transport/listener.hpp"
#include "transport/stream.hpp"

namespace inet::ftp {

struct client::impl {
  explicit impl(boost::asio::any_io_executor ex)
      : stream(ex), eng(stream, "ftp", detail::redact_trace) {}

  transport::stream stream;  // the control connection
  line::engine eng;
  client_options opts;
  features feats;
  reply greet;
  bool connected = false;
  bool epsv_refused = false;                 // EPSV got a 5xx once: PASV from now on
  std::optional<transfer_type> type_sent;    // the TYPE the server has (none sent yet)
  transfer_type type_wanted = transfer_type::binary;
  /// The session the next TLS data connection resumes: the newest ticket seen on a data
  /// connection (TLS 1.3 servers such as vsftpd take each ticket once), else the control's.
  transport::tls_session data_resume;
  void remember_session(const transport::stream& data);

  boost::asio::awaitable<reply> read();
  boost::asio::awaitable<reply> transact(const line::command& c);
  /// Throws ftp_exception(code_for(r)); 421 closes the connection.
  [[noreturn]] void fail(const std::string& what, const reply& r);
  [[noreturn]] void fail_as(std::error_code ec, const std::string& what, const reply& r);
  /// transact, then fail unless the reply's first digit is `kind`.
  boost::asio::awaitable<reply> expect_kind(const line::command& c, int kind, const std::string& what);
  session::security sec() const;
  boost::asio::awaitable<void> greeting();
  boost::asio::awaitable<void> feat();
  boost::asio::awaitable<void> protect();
  boost::asio::awaitable<void> login();
  class auth_tls_adapter;

  // ---- transfer.cc ----
  /// A data connection being set up: connected (passive) or listening (active mode).
  struct data_channel {
    std::unique_ptr<transport::stream> stream;
    std::unique_ptr<transport::listener> listener;  // active: accept() after the 1xx
  };
  /// Passive: EPSV (then PASV) and a TCP connection to the control peer's address. Active:
  /// a listener on the control's local address announced with EPRT (then PORT).
  boost::asio::awaitable<data_channel> open_data();
  boost::asio::awaitable<void> open_active(data_channel& ch);
  /// Sends `cmd` on the control connection and requires a 1xx; then accepts the server's
  /// connection (active) and does TLS on the data connection if needed.
  boost::asio::awaitable<reply> start_transfer(data_channel& ch, const line::command& cmd,
                                               const std::string& what);
  boost::asio::awaitable<void> ensure_type();
  /// Reads the final reply of a transfer and throws unless it is 2xx, the data stream had no
  /// error and (when known) exactly `expected` bytes moved.
  boost::asio::awaitable<transfer_result> finish_transfer(std::uint64_t n, const std::string& data_error,
                                                          std::optional<std::uint64_t> expected,
                                                          const std::string& what);
  boost::asio::awaitable<transfer_result> upload(const line::command& cmd, byte_source& source,
                                                 const std::string& what);
  /// ABOR after the caller stopped a download (RFC 959 §4.1.3, both reply orders), then NOOP
  /// to resynchronise; on any failure the control connection is closed instead. Never throws.
  boost::asio::awaitable<void> abort_transfer();
  boost::asio::awaitable<transfer_result> download(const line::command& cmd, const byte_sink& sink,
                                                   std::optional<std::uint64_t> expected,
                                                   const std::string& what);
};

}  // namespace inet::ftp
