// HTTP/1.1 client for one origin (RFC 9110 semantics, RFC 9112 messages) over transport::stream:
// plain TCP or TLS (ALPN "http/1.1"), directly or through the transport's proxies. Boost.Beast
// parses the responses; this client adds what curl/requests users expect: checked requests,
// bounded responses streamed into a byte_sink, keep-alive reuse with one retry of an idempotent
// request when a pooled connection turns out closed, timeouts and progress.
//
// Every operation is written once as a C++20 coroutine (`client`, throwing std::system_error
// with http::error or the transport's codes). The Asio completion-token form
// `async_xxx(..., CompletionToken&&)` and `blocking_client` (throwing and error_code& overloads)
// are generated from INET_HTTP_OPERATIONS; see transport/async.hpp for the error mapping and
// cancellation rules.
//
// The request and response types do not depend on the wire version (HTTP/2 can come later).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/http/error.hpp"
#include "transport/async.hpp"
#include "transport/body.hpp"
#include "transport/client_frame.hpp"
#include "transport/options.hpp"
#include "transport/progress.hpp"
#include "transport/stream.hpp"

namespace inet::http {

/// Header fields in the order they appear (names as given; compare case-insensitively).
using fields = std::vector<std::pair<std::string, std::string>>;

struct response;

/// One request. Nothing is sent if `method`, `target` or a header holds CR, LF or NUL, if a
/// header name or the method is not an RFC 9110 §5.6.2 token, or the target has a space or
/// control character (error::invalid_request).
struct request {
  std::string method = "GET";  ///< any token: GET, HEAD, POST, PUT, DELETE, PATCH ...
  std::string target = "/";    ///< origin-form "/path?query" (RFC 9112 §3.2.1), as sent
  /// Extra header fields, sent in this order after Host and User-Agent. A field named here
  /// replaces the client's own (Host, User-Agent, Content-Length are then not added).
  fields headers;
  /// The body when `body_source` is null. Sent with Content-Length when not empty (and always
  /// for POST/PUT/PATCH).
  std::string body;
  /// A streamed body: read in fixed-size pieces until read() returns 0. Sent with
  /// Content-Length: body_size when known (the source must give exactly that many bytes, else
  /// error::body_size_mismatch and the connection is closed), else with chunked transfer
  /// coding (RFC 9112 §7.1). The source must outlive the operation. A streamed request is
  /// never retried.
  byte_source* body_source = nullptr;
  std::optional<std::uint64_t> body_size;
  /// Called with the final response's status and header fields once they are parsed, before
  /// any body byte reaches the sink (body_bytes is 0 then). Throwing aborts the request.
  std::function<void(const response&)> on_head;
  /// Expect: 100-continue (RFC 9110 §10.1.1) when the request has a body: the head carries
  /// "Expect: 100-continue" and the body waits for "100 Continue" at most this long (then it
  /// is sent anyway, as curl's --expect100-timeout). A final status before it means the body
  /// is never sent; that response is returned and the connection closed after it.
  std::optional<std::chrono::milliseconds> expect_continue;
  /// Called with each interim (1xx) response's head, in order (curl -i prints them).
  std::function<void(const response&)> on_interim;
};

/// The final response (interim 1xx replies are skipped). The body went to the sink.
struct response {
  int status = 0;          ///< 200, 404 ...
  std::string reason;      ///< "OK" (may be empty)
  int version = 11;        ///< 10 or 11 (HTTP/1.0, HTTP/1.1)
  fields headers;          ///< as received, in order
  std::uint64_t body_bytes = 0;  ///< bytes given to the sink (after chunked decoding)
  bool reused_connection = false;  ///< the request went over a kept-alive connection
  /// The first value of field `name` (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

/// Bounds of every response. Exceeding one fails with error::response_too_large.
struct limits {
  std::size_t max_header_bytes = 64 * 1024;  ///< status line + fields, bytes
  std::size_t max_header_count = 100;        ///< fields in the header section (and trailers)
  std::optional<std::uint64_t> max_body;     ///< body bytes after chunked decoding; none = no cap
  /// Bytes per body read and per sink call at most (>= 1024). A Content-Length or
  /// close-delimited body is read straight into one buffer of this size, allocated once per
  /// client when a body does not fit in the head's read buffer (16 KiB); over TLS the buffer is
  /// filled with several reads (one TLS record each) while full records keep arriving, so a
  /// large download makes one sink call per buffer. Chunked bodies go through Beast's parser
  /// into the same buffer. A streamed request body is read in pieces of min(this, 16 KiB).
  std::size_t buffer_size = 256 * 1024;
};

struct client_options {
  std::string host;          ///< name or address (IPv6 without brackets)
  std::uint16_t port = 443;
  bool tls = true;           ///< https (ALPN "http/1.1" is always offered) or plain http
  transport::tls_options tls_opts;
  /// Connect/idle timeouts, proxy, and an optional deadline for everything.
  transport::connect_options connect;
  /// Bound of each send() from its start to the end of the body (error::deadline_exceeded);
  /// none = only connect.time.deadline and the idle timeout.
  std::optional<std::chrono::milliseconds> request_timeout;
  std::string user_agent = "inetpp";
  /// Plain http through an HTTP proxy (connect.proxy of kind http_connect): connect to the
  /// proxy itself and send absolute-form requests (RFC 9112 §3.2.2: "GET http://host:port/p"),
  /// with "Proxy-Authorization: Basic" when the proxy has a user name, as curl does by
  /// default. false: a CONNECT tunnel (curl's -p). https always tunnels.
  bool proxy_absolute_form = false;
  http::limits limits;
  /// Progress of each send(): response body bytes given to the sink, total = Content-Length
  /// when the response has one (transport/progress.hpp).
  transport::progress_fn progress;
};

#define INET_HTTP_OPERATIONS(X)                                                              \
  X(void, connect, (client_options opts), (std::move(opts)))                                 \
  X(http::response, send, (http::request req, byte_sink body), (std::move(req), std::move(body)))

#define INET_HTTP_ACCESSORS(X) X(is_connected) X(options) X(last_failure)

class client {
 public:
  explicit client(boost::asio::any_io_executor ex);
  ~client();

  /// Connects to the origin (and does the TLS handshake when opts.tls). Throws the transport's
  /// errors (resolve/connect, certificate_verify_failed, timeouts).
  boost::asio::awaitable<void> connect(client_options opts);

  /// Sends `req` and streams the final response's body into `body` (nothing for HEAD, 204, 304).
  /// The header sent is, in this order (RFC 9112 §3):
  ///   <method> <target> HTTP/1.1\r\n
  ///   Host: <host>[:<port> when not 80/443]\r\n   (IPv6 in brackets)
  ///   User-Agent: <user_agent>\r\n
  ///   <req.headers in order>\r\n
  ///   Content-Length: <n>\r\n  or  Transfer-Encoding: chunked\r\n   (when there is a body)
  ///   \r\n
  /// The connection is kept for the next send() when both sides allow it (HTTP/1.1 without
  /// "Connection: close", a complete body); otherwise the next send() reconnects. When a
  /// reused connection fails before any response byte arrives, an idempotent request
  /// (RFC 9110 §9.2.2: GET HEAD PUT DELETE OPTIONS TRACE) with an in-memory body is sent once
  /// more on a new connection. Every status is returned (no redirect is followed here).
  /// Throws: error::invalid_request, not_connected, malformed_response (incl. chunk sizes,
  /// Content-Length + chunked, differing Content-Length), response_too_large,
  /// truncated_response (what() gives the body bytes received), empty_reply,
  /// body_size_mismatch, unexpected_status; the transport's errors (timeouts ...); whatever
  /// the sink or source throws. After an error the connection is closed.
  boost::asio::awaitable<http::response> send(http::request req, byte_sink body);

  bool is_connected() const noexcept;
  const client_options& options() const noexcept;
  void close() noexcept;

  // ---- Asio completion-token form (transport/async.hpp) ----
  INET_CLIENT_FRAME(INET_HTTP_OPERATIONS)
};

/// The blocking facade: each call runs the coroutine on a private io_context.
class blocking_client : public transport::blocking_frame<client> {
 public:
  INET_HTTP_OPERATIONS(INET_BLOCKING_DECLARE)
  INET_HTTP_ACCESSORS(INET_BLOCKING_ACCESSOR)
};

}  // namespace inet::http
