// One call for any URL: `get` (download) and `put` (upload) dispatched by scheme to the protocol
// clients, with a connection cache shared by the transfers of a session — urllib's urlopen,
// libcurl's easy/multi handles.
//
//   boost::asio::io_context io;
//   inet::transfer::session s(io.get_executor());
//   std::string body;
//   s.async_get("imaps://user:pw@mail.example/INBOX;UID=7", {}, inet::string_sink(body),
//               [](std::error_code ec, inet::transfer::result r) { ... });
//   io.run();
//
// Schemes (handlers registered by the protocols, registry.hpp): imap(s) get (LIST, FETCH,
// SEARCH, -X) and put (APPEND), pop3(s) get (LIST, RETR, -X), smtp(s) put (send a message to
// options::mail_rcpt). What each URL means is curl's reading (docs/transfer.md).
//
// Connections. A connection is cached after a transfer that left it usable and reused by a later
// transfer with the same key: scheme, host, port, user, a SHA-256 of the password/token (never
// the secret itself), login options, TLS mode and settings (CA file/dir, pin, insecure, client
// certificate), proxy, and compression. A change of any of these (a TLS-policy change between
// URLs, say) opens a new connection. At most session_options::max_idle connections are kept,
// each for at most idle_expiry; the oldest goes first (politely: LOGOUT/QUIT). A cached
// connection that turns out dead (EOF/reset on its first command) is reopened transparently for
// gets that have not delivered a byte yet.
//
// Completion tokens. The async_ forms complete with void(std::error_code, T) (the value tells
// where and why a transfer failed as well) through transport::launch_reported, the library's one
// async front (transport/async.hpp): any Asio token, the handler's cancellation slot (terminal),
// handler on its associated executor, never inside the initiating call.
//
// Concurrency. Many transfers may be in flight from one executor (single-threaded: run the
// io_context on one thread, or give the session a strand); at most max_per_host run at once
// against one host:port, the others wait in FIFO order.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "protocols/transfer/error.hpp"
#include "protocols/transfer/options.hpp"
#include "protocols/transfer/registry.hpp"
#include "protocols/url/url.hpp"
#include "transport/async.hpp"
#include "transport/body.hpp"

namespace inet::transfer {

/// The outcome of one transfer, success or failure.
struct result {
  std::uint64_t bytes = 0;  ///< bytes given to the sink (get) or read from the source (put)
  /// Where it failed (with the error: curl_exit_code(ec, failed_in)); meaningless on success.
  stage failed_in = stage::connect;
  /// On failure the one-line reason ("Failed to fetch: no message with UID 9"), as the CLI
  /// prints it after "inet: (N) ". Server text in it is not escaped.
  std::string message;
  bool reused_connection = false;  ///< ran on a cached connection
  /// The protocol's own final status: SMTP reply code (250) or 0; POP3 +OK/-ERR is 1/0 here.
  int reply_code = 0;
  /// SMTP: the final reply ("250 2.0.0 queued as X"); POP3: the status line's text after +OK;
  /// IMAP: the tagged response of the last command ("OK [READ-WRITE] done").
  std::string reply_text;
  /// IMAP listing/custom commands: the first line of each untagged response that was written
  /// to the sink (curl's filter), in order, without CRLF.
  std::vector<std::string> untagged;
  /// HTTP: the last URL fetched (after redirects: curl's %{url_effective}), the redirects
  /// followed (%{num_redirects}) and the final Content-Type (%{content_type}), "" when none.
  std::string effective_url;
  int redirects = 0;
  std::string content_type;
  /// HTTP: bytes of response heads written to the sink with -i/-I (part of `bytes`; curl's
  /// %{size_download} is bytes - header_bytes).
  std::uint64_t header_bytes = 0;
  /// HTTP: the final response's Retry-After in seconds (delta-seconds form), when given.
  std::optional<std::uint64_t> retry_after;
};

struct session_options {
  std::size_t max_idle = 16;                   ///< cached (idle) connections at most
  std::chrono::milliseconds idle_expiry{60'000};  ///< an idle connection older is closed
  std::size_t max_per_host = 4;                ///< transfers in flight per host:port
  /// Bound on each polite goodbye (LOGOUT/QUIT and its reply) before the connection is closed.
  std::chrono::milliseconds goodbye_timeout{5'000};
  /// Planned gets (plan_gets) shown to a handler as call::ahead, at most.
  std::size_t plan_window = 64;
};

class session {
 public:
  explicit session(boost::asio::any_io_executor ex, session_options so = {});
  /// Closes cached connections without goodbye; call async_close()/co_close() first to LOGOUT.
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  boost::asio::any_io_executor get_executor() const noexcept { return ex_; }

  /// Downloads `url` into `sink` (each chunk in order; throwing from it aborts the transfer with
  /// error::write_error and the exception's what() as the message). Completes with
  /// void(std::error_code, result). URL text is parsed first (inet.url errors, curl's 1 or 3).
  template <class Token>
  auto async_get(std::string url, options o, byte_sink sink, Token&& token) {
    return transport::async_run_reported<result>(
        target(), co_get(std::move(url), std::move(o), std::move(sink)),
        std::forward<Token>(token));
  }
  template <class Token>
  auto async_get(url::parsed_url url, options o, byte_sink sink, Token&& token) {
    return transport::async_run_reported<result>(
        target(), co_get(std::move(url), std::move(o), std::move(sink)),
        std::forward<Token>(token));
  }

  /// Uploads `source` (kept alive by the caller until completion) to `url`.
  template <class Token>
  auto async_put(std::string url, options o, byte_source& source, Token&& token) {
    return transport::async_run_reported<result>(
        target(), co_put(std::move(url), std::move(o), source), std::forward<Token>(token));
  }
  template <class Token>
  auto async_put(url::parsed_url url, options o, byte_source& source, Token&& token) {
    return transport::async_run_reported<result>(
        target(), co_put(std::move(url), std::move(o), source), std::forward<Token>(token));
  }

  /// Announces the gets the caller will make next, in this order, each with the URL and options
  /// it will be passed (progress, trace and sink aside), replacing any earlier plan. A scheme
  /// handler may use it to work ahead on a connection: for consecutive plain pop3 RETRs of one
  /// mailbox (same connection key) the RETRs are sent ahead pipelined, in a window of
  /// plan_window commands, when the server lists PIPELINING (RFC 2449 §6.6); each message still
  /// streams to its own get's sink, one get at a time. Results (bytes, errors, exit codes,
  /// progress) are those without a plan. A plan is a hint: a get that matches an entry drops
  /// the entries before it; one that matches none runs as without a plan. Entries whose
  /// credentials cannot be resolved are ignored.
  void plan_gets(std::vector<planned_get> gets);

  /// Ends every cached connection politely (LOGOUT/QUIT). Completes with void(error_code, int).
  template <class Token>
  auto async_close(Token&& token) {
    return transport::async_run_reported<int>(target(), co_close(), std::forward<Token>(token));
  }

  /// The coroutine forms behind async_get/async_put/async_close (no exceptions: errors are in
  /// the pair).
  boost::asio::awaitable<std::pair<std::error_code, result>> co_get(std::string url, options o,
                                                                    byte_sink sink);
  boost::asio::awaitable<std::pair<std::error_code, result>> co_get(url::parsed_url url,
                                                                    options o, byte_sink sink);
  boost::asio::awaitable<std::pair<std::error_code, result>> co_put(std::string url, options o,
                                                                    byte_source& source);
  boost::asio::awaitable<std::pair<std::error_code, result>> co_put(url::parsed_url url,
                                                                    options o,
                                                                    byte_source& source);
  boost::asio::awaitable<std::pair<std::error_code, int>> co_close();

  /// Connections opened so far by this session (a test hook and a statistic).
  std::uint64_t connections_opened() const noexcept;
  /// Connections cached (idle) now.
  std::size_t idle_connections() const noexcept;

  struct impl;

 private:
  /// The async front's view of the session (terminal cancellation; no close hook: a cancelled
  /// transfer already drops its connection).
  transport::async_target target() const { return {ex_}; }

  boost::asio::any_io_executor ex_;
  std::unique_ptr<impl> impl_;
};

/// The blocking forms: a session on a private io_context, each call run to completion.
class blocking_session {
 public:
  explicit blocking_session(session_options so = {});
  /// Ends cached connections politely (close()).
  ~blocking_session();

  /// Throw transfer_exception (code(), why(), where()) on failure.
  result get(const std::string& url, const options& o, byte_sink sink);
  result put(const std::string& url, const options& o, byte_source& source);
  /// Set `ec` (cleared on success); the result says where it failed and why.
  result get(const std::string& url, const options& o, byte_sink sink, std::error_code& ec);
  result put(const std::string& url, const options& o, byte_source& source, std::error_code& ec);
  result get(const url::parsed_url& url, const options& o, byte_sink sink, std::error_code& ec);
  result put(const url::parsed_url& url, const options& o, byte_source& source,
             std::error_code& ec);
  /// LOGOUT/QUIT on every cached connection; never throws.
  void close() noexcept;
  /// See session::plan_gets().
  void plan_gets(std::vector<planned_get> gets) { session_.plan_gets(std::move(gets)); }

  session& async() noexcept { return session_; }
  std::uint64_t connections_opened() const noexcept { return session_.connections_opened(); }

 private:
  boost::asio::io_context io_;
  session session_;
};

}  // namespace inet::transfer
