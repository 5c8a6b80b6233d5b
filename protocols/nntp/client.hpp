// NNTP reader client (RFC 3977) with STARTTLS (RFC 4642), implicit TLS on port 563 (ALPN
// "nntp"), AUTHINFO USER/PASS and AUTHINFO SASL (RFC 4643, through the shared SASL driver),
// OVER/HDR (RFC 3977 §8) parsed with LIST OVERVIEW.FMT, and POST/IHAVE with the smuggling-safe
// dot encoder SMTP DATA uses (protocols/line/dot_encoder.hpp).
//
// Every operation is written once as a C++20 coroutine (`client`, throwing typed exceptions);
// the completion-token forms `async_xxx(..., CompletionToken&&)` and `blocking_client` are
// generated from one table, INET_NNTP_OPERATIONS below (transport/async.hpp).
//
// Multi-line blocks are read by the line engine (engine::read_dot_body): they end ONLY at
// CRLF "." CRLF (an LF "." LF inside an article is data), are dot-unstuffed, and are bounded
// (articles by the caller's max_bytes, listings by client_options::max_listing_bytes). A block
// cut off by EOF is transport::error::unexpected_eof, never a success; any failure in the
// middle of a block closes the connection (NNTP cannot be resynchronised).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/line/engine.hpp"
#include "protocols/sasl/mechanism.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "transport/async.hpp"
#include "transport/body.hpp"
#include "transport/client_frame.hpp"
#include "transport/error.hpp"
#include "transport/options.hpp"
#include "transport/stream.hpp"

namespace inet::nntp {

/// Errors of this module, category "inet.nntp".
enum class error {
  unexpected_reply = 1,  ///< a reply code the command does not allow (4xx/5xx without a
                         ///< more specific code below)
  service_unavailable,   ///< greeting 400/502, or 400 later: the server closes the session
  malformed_reply,       ///< a reply or listing line out of grammar (or with a NUL/CR)
  no_such_group,         ///< 411
  no_group_selected,     ///< 412
  no_current_article,    ///< 420
  no_next_article,       ///< 421
  no_previous_article,   ///< 422
  no_such_article,       ///< 423 / 430
  posting_not_permitted, ///< 440
  posting_failed,        ///< 441 / 436 / 437 (IHAVE: 435 not wanted, 436 retry, 437 rejected)
  auth_required,         ///< 480
  auth_failed,           ///< 481 / 482 / 502 to AUTHINFO
  auth_unavailable,      ///< no usable SASL mechanism and no AUTHINFO USER
  tls_required,          ///< policy says TLS but STARTTLS is not offered/refused: nothing sent
  invalid_argument,      ///< a group name, message-id or range that is not allowed
  invalid_article,       ///< an article with a NUL or a line over 998 octets: nothing sent
  not_connected,         ///< an operation needs an open session
  compression_unavailable,  ///< COMPRESS DEFLATE not advertised, or refused (403/502)
};
const std::error_category& nntp_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), nntp_category()};
}

/// One reply (RFC 3977 §3.2): a three-digit code and the rest of the line.
struct reply {
  int code = 0;
  std::string text;
  std::string summary() const;  ///< "411 no such group"
};

/// The error code for an unwanted reply: 411 no_such_group, 412, 420..423, 430, 440, 441,
/// 480, 481/482 auth_failed, 502 (after login) service_unavailable ..., else `fallback`.
std::error_code code_for(const reply& r, error fallback = error::unexpected_reply);

/// A reply the operation did not want; server_reply() keeps it.
class nntp_exception : public inet::exception {
 public:
  nntp_exception(std::error_code ec, std::string operation, reply r);
  const reply& server_reply() const noexcept { return reply_; }

 private:
  reply reply_;
};

/// CAPABILITIES (RFC 3977 §5.2), asked again after STARTTLS and after login.
struct capabilities {
  bool known = false;                ///< the server answered 101
  std::vector<std::string> lines;    ///< as sent
  std::vector<std::string> sasl;     ///< SASL mechanisms (RFC 4643 §2.1), upper-cased
  bool reader = false, mode_reader = false, post = false, ihave = false, starttls = false;
  bool authinfo_user = false, over = false, hdr = false, newnews = false;
  bool compress_deflate = false;     ///< "COMPRESS DEFLATE" (RFC 8054 §2.1)
  std::vector<std::string> list;     ///< LIST keywords (ACTIVE, NEWSGROUPS, OVERVIEW.FMT ...)
  /// True if a line's first word equals `tag` (case-insensitive).
  bool has(std::string_view tag) const;
};
capabilities parse_capabilities(const std::vector<std::string>& lines);

/// GROUP's 211 (RFC 3977 §6.1.1): estimated count, low and high water marks, name.
struct group_info {
  std::uint64_t count = 0, low = 0, high = 0;
  std::string name;
};
/// Parses "count low high name" (the text of a 211). Throws error::malformed_reply.
group_info parse_group(std::string_view text);

/// A selected article (RFC 3977 §6.2: 220..223): number (0 when fetched by message-id)
/// and message-id.
struct article_ref {
  std::uint64_t number = 0;
  std::string message_id;
};

/// One line of LIST ACTIVE / NEWGROUPS (RFC 3977 §7.6.3): name, high, low, status ("y", "n",
/// "m", "x", "j", "=other.group").
struct active_group {
  std::string name;
  std::uint64_t high = 0, low = 0;
  std::string status;
};
/// One line of LIST NEWSGROUPS (RFC 3977 §7.6.6): name and description.
struct group_description {
  std::string name, description;
};

/// One OVER/XOVER line (RFC 3977 §8.3) parsed with the LIST OVERVIEW.FMT fields.
struct overview {
  std::uint64_t number = 0;  ///< 0 when the article was asked by message-id
  std::string subject, from, date, message_id, references;
  std::uint64_t bytes = 0, lines = 0;
  /// The fields after the standard seven, named as OVERVIEW.FMT names them ("Xref:full" ->
  /// name "Xref", value without the "Xref: " prefix the full form repeats).
  std::vector<std::pair<std::string, std::string>> extra;
};
/// Parses one OVER line with `fmt` (the LIST OVERVIEW.FMT lines; empty: RFC 3977's default).
/// Fields are TAB-separated; missing trailing fields are empty. Throws error::malformed_reply
/// for a number/bytes/lines field that is not decimal.
overview parse_overview(std::string_view line, const std::vector<std::string>& fmt);

/// One HDR line (RFC 3977 §8.5): article number (0 for a message-id request) and value.
struct header_value {
  std::uint64_t number = 0;
  std::string value;
};

/// True for a message-id RFC 3977 §3.6 allows: "<" ... ">", 3..250 octets, printable US-ASCII
/// without space (so no CR, LF, NUL or TAB).
bool valid_message_id(std::string_view id) noexcept;
/// True for a group name RFC 3977 §4.1 wildmat-free form allows: 1..497 printable octets,
/// no space, no "*?[\\!," (so no CR, LF, NUL).
bool valid_group_name(std::string_view name) noexcept;

/// How the connection is secured.
enum class security {
  starttls,      ///< connect in plaintext (port 119), upgrade with STARTTLS per the policy
  implicit_tls,  ///< TLS from the first byte (nntps, port 563, ALPN "nntp")
};

struct client_options {
  std::string host;
  std::uint16_t port = 119;
  nntp::security security = security::starttls;
  /// TLS policy for security::starttls. Unset: required when credentials are given,
  /// opportunistic otherwise (session::resolve).
  std::optional<transport::tls_policy> policy;
  transport::tls_options tls;
  transport::connect_options connect;
  /// Username empty = do not log in.
  sasl::credentials credentials;
  /// "" or "*": AUTHINFO SASL with the strongest common mechanism when CAPABILITIES lists
  /// SASL, else AUTHINFO USER/PASS. "USER": AUTHINFO USER/PASS only. Other: that SASL mechanism.
  std::string auth_mechanism;
  std::shared_ptr<sasl::token_provider> token_provider;
  /// Send MODE READER after login when the server is not already a reader (RFC 3977 §5.3).
  bool mode_reader = true;
  /// COMPRESS DEFLATE (RFC 8054) once logged in (or once connected, without credentials) when
  /// CAPABILITIES lists it: both directions are compressed from then on (the trace shows the
  /// uncompressed lines). Not over a TLS session that compresses itself (OpenSSL 3 does not).
  bool compress = false;
  /// Cap (bytes) on every listing block kept in memory; more is transport::error::body_too_large.
  std::uint64_t max_listing_bytes = 16u << 20;
  line::limits limits;
};

/// Every operation of `client`: X(result, name, (parameters), (arguments)); see
/// protocols/pop3/client.hpp for what each row generates. `which` is "" (the current
/// article), a decimal article number or a "<message-id>"; `range` is "n", "n-", "n-m", a
/// "<message-id>" (OVER/HDR) or "" (the current article / the whole group).
#define INET_NNTP_OPERATIONS(X)                                                                \
  X(void, connect, (client_options opts), (std::move(opts)))                                   \
  X(capabilities, refresh_capabilities, (), ())                                                \
  X(reply, mode_reader, (), ())                                                                \
  X(void, compress, (), ())                                                                    \
  X(group_info, group, (std::string name), (std::move(name)))                                  \
  X(std::vector<std::uint64_t>, listgroup, (std::string name, std::string range),              \
    (std::move(name), std::move(range)))                                                       \
  X(article_ref, next, (), ())                                                                 \
  X(article_ref, last, (), ())                                                                 \
  X(article_ref, stat, (std::string which), (std::move(which)))                                \
  X(article_ref, article, (std::string which, byte_sink sink, std::uint64_t max_bytes),        \
    (std::move(which), std::move(sink), max_bytes))                                            \
  X(article_ref, head, (std::string which, byte_sink sink, std::uint64_t max_bytes),           \
    (std::move(which), std::move(sink), max_bytes))                                            \
  X(article_ref, body, (std::string which, byte_sink sink, std::uint64_t max_bytes),           \
    (std::move(which), std::move(sink), max_bytes))                                            \
  X(std::vector<overview>, over, (std::string range), (std::move(range)))                      \
  X(std::vector<header_value>, hdr, (std::string field, std::string range),                    \
    (std::move(field), std::move(range)))                                                      \
  X(std::vector<active_group>, list_active, (std::string wildmat), (std::move(wildmat)))       \
  X(std::vector<group_description>, list_newsgroups, (std::string wildmat),                    \
    (std::move(wildmat)))                                                                      \
  X(std::vector<std::string>, list_overview_fmt, (), ())                                       \
  X(std::vector<std::string>, list_headers, (), ())                                            \
  X(std::vector<std::string>, newnews, (std::string wildmat, std::string yyyymmdd_hhmmss),     \
    (std::move(wildmat), std::move(yyyymmdd_hhmmss)))                                          \
  X(std::vector<active_group>, newgroups, (std::string yyyymmdd_hhmmss),                       \
    (std::move(yyyymmdd_hhmmss)))                                                              \
  X(std::string, date, (), ())                                                                 \
  X(reply, post, (byte_source & article), (article))                                          \
  X(reply, ihave, (std::string message_id, byte_source& article), (std::move(message_id), article)) \
  X(reply, quit, (), ())                                                                       \
  X(reply, command, (std::string line), (std::move(line)))                                     \
  X(reply, command_multiline, (std::string line, byte_sink sink, std::uint64_t max_bytes),     \
    (std::move(line), std::move(sink), max_bytes))

#define INET_NNTP_ACCESSORS(X) \
  X(server_capabilities) X(greeting) X(posting_allowed) X(is_tls) X(authenticated_with) X(compression_active) \
  X(last_failure)

/// Asynchronous NNTP client. One instance = one session.
class client {
 public:
  explicit client(boost::asio::any_io_executor ex);
  ~client();

  /// Connects (TLS handshake first for implicit_tls, ALPN "nntp" unless tls.alpn is set),
  /// reads the greeting (200 posting allowed, 201 not; 400/502 throw service_unavailable),
  /// asks CAPABILITIES, upgrades with STARTTLS (RFC 4642: 382 go-ahead) per the policy, asks
  /// again, logs in when credentials are given (AUTHINFO SASL or USER/PASS, RFC 4643; never a
  /// password in clear unless tls_policy::none), then MODE READER when needed.
  /// Throws nntp_exception / std::system_error: tls_required (before anything else is sent),
  /// auth_failed, auth_unavailable, service_unavailable, malformed_reply, transport errors.
  boost::asio::awaitable<void> connect(client_options opts);
  /// CAPABILITIES again (RFC 3977 §5.2).
  boost::asio::awaitable<capabilities> refresh_capabilities();
  /// MODE READER (RFC 3977 §5.3): 200/201; updates posting_allowed().
  boost::asio::awaitable<reply> mode_reader();
  /// COMPRESS DEFLATE (RFC 8054 §2.2): 206, then raw DEFLATE (RFC 1951, each write flushed)
  /// in both directions for the rest of the connection. Throws
  /// std::system_error(compression_unavailable) when CAPABILITIES does not list it (nothing is
  /// sent), nntp_exception(compression_unavailable) for 403 / 502.
  boost::asio::awaitable<void> compress();
  /// GROUP (RFC 3977 §6.1.1). Throws nntp_exception(no_such_group) on 411.
  boost::asio::awaitable<group_info> group(std::string name);
  /// LISTGROUP name [range] (RFC 3977 §6.1.2): the article numbers; `name` "" = the current group.
  boost::asio::awaitable<std::vector<std::uint64_t>> listgroup(std::string name, std::string range);
  /// NEXT / LAST (RFC 3977 §6.1.3, §6.1.4). 421 / 422 / 412 / 420 throw nntp_exception.
  boost::asio::awaitable<article_ref> next();
  boost::asio::awaitable<article_ref> last();
  /// STAT (RFC 3977 §6.2.4).
  boost::asio::awaitable<article_ref> stat(std::string which);
  /// ARTICLE / HEAD / BODY (RFC 3977 §6.2.1-3): streamed dot-unstuffed into `sink` (CRLF line
  /// ends kept); more than `max_bytes` is transport::error::body_too_large. 423/430 throw
  /// nntp_exception(no_such_article).
  boost::asio::awaitable<article_ref> article(std::string which, byte_sink sink, std::uint64_t max_bytes);
  boost::asio::awaitable<article_ref> head(std::string which, byte_sink sink, std::uint64_t max_bytes);
  boost::asio::awaitable<article_ref> body(std::string which, byte_sink sink, std::uint64_t max_bytes);
  /// OVER range (RFC 3977 §8.3; XOVER when only that is offered), parsed with LIST
  /// OVERVIEW.FMT (asked once per session when the server lists it).
  boost::asio::awaitable<std::vector<overview>> over(std::string range);
  /// HDR field range (RFC 3977 §8.5; XHDR when HDR is not offered).
  boost::asio::awaitable<std::vector<header_value>> hdr(std::string field, std::string range);
  /// LIST ACTIVE [wildmat] / LIST NEWSGROUPS [wildmat] / LIST OVERVIEW.FMT / LIST HEADERS.
  boost::asio::awaitable<std::vector<active_group>> list_active(std::string wildmat);
  boost::asio::awaitable<std::vector<group_description>> list_newsgroups(std::string wildmat);
  boost::asio::awaitable<std::vector<std::string>> list_overview_fmt();
  boost::asio::awaitable<std::vector<std::string>> list_headers();
  /// NEWNEWS wildmat "yyyymmdd hhmmss" GMT (RFC 3977 §7.4): message-ids.
  boost::asio::awaitable<std::vector<std::string>> newnews(std::string wildmat, std::string when);
  /// NEWGROUPS "yyyymmdd hhmmss" GMT (RFC 3977 §7.3).
  boost::asio::awaitable<std::vector<active_group>> newgroups(std::string when);
  /// DATE (RFC 3977 §7.1): "yyyymmddhhmmss" (UTC).
  boost::asio::awaitable<std::string> date();
  /// POST (RFC 3977 §6.3.1): 340 then the article (CRLF-normalised, dot-stuffed, NUL and
  /// over-long lines refused before anything is sent... or mid-way: the connection is then
  /// closed), then 240. 440 / 441 throw nntp_exception(posting_not_permitted / posting_failed).
  boost::asio::awaitable<reply> post(byte_source& article);
  /// IHAVE message-id (RFC 3977 §6.3.2): 335 then the article, then 235; 435/436/437 throw.
  boost::asio::awaitable<reply> ihave(std::string message_id, byte_source& article);
  /// QUIT (205). Never throws; closes the connection.
  boost::asio::awaitable<reply> quit();
  /// Escape hatch: one validated command line, its single-line reply whatever the code.
  boost::asio::awaitable<reply> command(std::string line);
  /// Escape hatch: one command whose 1xx/2xx reply is followed by a dot block, streamed into
  /// `sink`. A 4xx/5xx reply is returned without reading a block.
  boost::asio::awaitable<reply> command_multiline(std::string line, byte_sink sink,
                                                  std::uint64_t max_bytes);

  const capabilities& server_capabilities() const noexcept;
  const reply& greeting() const noexcept;
  bool posting_allowed() const noexcept;
  bool is_tls() const noexcept;
  /// "USER", a SASL mechanism name, or empty.
  const std::string& authenticated_with() const noexcept;
  /// COMPRESS DEFLATE is active on this connection (RFC 8054).
  bool compression_active() const noexcept;
  void close() noexcept;

  INET_CLIENT_FRAME(INET_NNTP_OPERATIONS)
};

/// Blocking facade over `client`, generated from INET_NNTP_OPERATIONS.
class blocking_client : public transport::blocking_frame<client> {
 public:
  INET_NNTP_OPERATIONS(INET_BLOCKING_DECLARE)
  INET_NNTP_ACCESSORS(INET_BLOCKING_ACCESSOR)
};

}  // namespace inet::nntp

template <>
struct std::is_error_code_enum<inet::nntp::error> : std::true_type {};
