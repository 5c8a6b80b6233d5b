// Gopher client (RFC 1436; "gophers" = the same over TLS, as curl does). One request per
// connection: the selector (and, for a search, TAB + the query) then CRLF; the server answers
// and closes.
//
// - menu(): a directory (type 1) or search result (type 7) parsed into typed items; lenient as
//   real servers need: a missing field is empty (port 70 when absent or not a number), bare LF
//   line ends are accepted, a missing final "." line is accepted (EOF ends the menu).
// - text(): a text item (type 0), dot-terminated (RFC 1436 §4): it ends ONLY at CRLF "." CRLF,
//   is dot-unstuffed, and EOF before the "." line is transport::error::unexpected_eof.
// - fetch(): any item's raw bytes until the server closes (binary items 4, 5, 9, g, I, s ...),
//   what curl writes for gopher:// URLs.
// Every reply is bounded by client_options::max_bytes (transport::error::body_too_large).
//
// Operations are coroutines; async_xxx(..., token) and blocking_client come from
// INET_GOPHER_OPERATIONS (transport/async.hpp).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/line/engine.hpp"
#include "transport/async.hpp"
#include "transport/body.hpp"
#include "transport/client_frame.hpp"
#include "transport/error.hpp"
#include "transport/options.hpp"

namespace inet::gopher {

/// Errors of this module, category "inet.gopher".
enum class error {
  invalid_selector = 1,  ///< a selector or query with CR, LF, NUL (or TAB in the selector)
  not_connected,
};
const std::error_category& gopher_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), gopher_category()};
}

/// One menu line (RFC 1436 §3.8): type, display string, selector, host, port; `plus` keeps
/// a Gopher+ fourth-field-and-beyond tail ("+", "?") when present.
struct item {
  char type = 'i';
  std::string display, selector, host;
  std::uint16_t port = 70;
  std::string plus;
  bool is_info() const noexcept { return type == 'i'; }     ///< informational line
  bool is_error() const noexcept { return type == '3'; }    ///< the server reports an error
};

/// Parses one menu line (without its line end). Never throws: a line without TABs is an item
/// with only a type and display string.
item parse_item(std::string_view line);

struct client_options {
  std::string host;
  std::uint16_t port = 70;
  bool tls = false;  ///< gophers: TLS from the first byte
  transport::tls_options tls_settings;
  transport::connect_options connect;
  std::uint64_t max_bytes = 64u << 20;  ///< cap on every reply (menus, text, binaries)
  std::size_t max_line_bytes = 64 * 1024;
};

#define INET_GOPHER_OPERATIONS(X)                                                          \
  X(std::vector<item>, menu, (client_options opts, std::string selector),                 \
    (std::move(opts), std::move(selector)))                                               \
  X(std::vector<item>, search, (client_options opts, std::string selector, std::string query), \
    (std::move(opts), std::move(selector), std::move(query)))                             \
  X(std::uint64_t, text, (client_options opts, std::string selector, byte_sink sink),     \
    (std::move(opts), std::move(selector), std::move(sink)))                              \
  X(std::uint64_t, fetch, (client_options opts, std::string selector, byte_sink sink),    \
    (std::move(opts), std::move(selector), std::move(sink)))

#define INET_GOPHER_ACCESSORS(X) X(last_failure)

/// Asynchronous Gopher client; each operation is one connection.
class client {
 public:
  explicit client(boost::asio::any_io_executor ex);
  ~client();
  /// The menu at `selector` ("" = the server's root). Throws invalid_selector, body_too_large,
  /// line_too_long, transport errors.
  boost::asio::awaitable<std::vector<item>> menu(client_options opts, std::string selector);
  /// A search (type 7): selector TAB query. As menu().
  boost::asio::awaitable<std::vector<item>> search(client_options opts, std::string selector,
                                                   std::string query);
  /// A text item, dot-unstuffed into `sink`; returns the bytes delivered.
  boost::asio::awaitable<std::uint64_t> text(client_options opts, std::string selector,
                                             byte_sink sink);
  /// The raw reply until the server closes; returns the bytes delivered.
  boost::asio::awaitable<std::uint64_t> fetch(client_options opts, std::string selector,
                                              byte_sink sink);
  void close() noexcept;

  INET_CLIENT_FRAME(INET_GOPHER_OPERATIONS)
};

class blocking_client : public transport::blocking_frame<client> {
 public:
  INET_GOPHER_OPERATIONS(INET_BLOCKING_DECLARE)
  INET_GOPHER_ACCESSORS(INET_BLOCKING_ACCESSOR)
};

}  // namespace inet::gopher

template <>
struct std::is_error_code_enum<inet::gopher::error> : std::true_type {};
