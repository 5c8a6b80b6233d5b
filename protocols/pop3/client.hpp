// POP3 client (RFC 1939) with CAPA and response codes (RFC 2449), STLS (RFC 2595), implicit TLS
// on port 995 (RFC 8314), AUTH with SASL (RFC 5034, initial response included), APOP (RFC 1939
// §7, only on request: MD5 is weak), the [IN-USE]/[LOGIN-DELAY] codes (RFC 2449 §8.1) and
// [SYS/TEMP]/[SYS/PERM]/[AUTH] (RFC 3206), and PIPELINING (RFC 2449 §6.6) for bulk RETR/DELE.
//
// Every operation is written once as a C++20 coroutine (`client`, throwing typed exceptions).
// The Asio completion-token form `async_xxx(..., CompletionToken&&)` (callbacks, use_awaitable,
// deferred, use_future, as_tuple; per-operation cancellation) and `blocking_client` (throwing
// and error_code& overloads) are generated from one table, INET_POP3_OPERATIONS below; see
// transport/async.hpp for the error mapping and cancellation rules. Both get the same timeouts
// and limits as the coroutines.
//
// POP3 deletions are only marks: DELE flags a message, RSET unflags all, and nothing is removed
// until QUIT moves the session to the UPDATE state (RFC 1939 §6). `pending_deletions()` shows
// the marks; `quit()` reports whether the server committed them. Closing without QUIT (or a
// dropped connection) removes nothing.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
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
#include "transport/progress.hpp"
#include "transport/stream.hpp"

namespace inet::pop3 {

/// Errors of this module, category "inet.pop3".
enum class error {
  negative_response = 1,  ///< -ERR without a more specific response code
  bad_greeting,           ///< the greeting was -ERR (server unavailable) or not +OK
  malformed_response,     ///< not "+OK"/"-ERR"/"+ " or a LIST/UIDL/STAT line out of grammar
  auth_failed,            ///< credentials rejected (-ERR to PASS/APOP/AUTH, or [AUTH])
  auth_unavailable,       ///< no way to log in: no common SASL mechanism, USER refused, ...
  apop_unavailable,       ///< APOP forced but not allowed, or no timestamp in the greeting
  tls_required,           ///< policy says TLS but STLS is not offered/refused: nothing sent
  mailbox_in_use,         ///< [IN-USE] (RFC 2449 §8.1.1): another session holds the maildrop
  login_delay,            ///< [LOGIN-DELAY] (RFC 2449 §8.1.2): logged in too recently
  temporary_failure,      ///< [SYS/TEMP] (RFC 3206 §4): try again later
  permanent_failure,      ///< [SYS/PERM] (RFC 3206 §4): do not retry
  not_connected,          ///< an operation needs an open, authenticated session
};
const std::error_category& pop3_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), pop3_category()};
}

/// One status line. "+OK text" / "-ERR text". `code` is the RFC 2449 §8 response code without
/// brackets, upper-cased ("IN-USE", "SYS/TEMP", "AUTH"), empty if none; `text` follows it.
struct response {
  bool ok = false;
  std::string code;
  std::string text;
  /// The line as received after "+OK " / "-ERR " (code brackets included).
  std::string raw;
  /// "-ERR [IN-USE] locked" — for messages.
  std::string summary() const;
};

/// Parses the part after "+OK"/"-ERR" into code and text (RFC 2449 §8: "[" resp-level
/// *("/" resp-level) "]"). A '[' that does not open a well-formed code is left in the text.
response parse_response(bool ok, std::string_view rest);

/// The pop3_exception error code for a -ERR: [IN-USE] -> mailbox_in_use, [LOGIN-DELAY] ->
/// login_delay, [SYS/TEMP] -> temporary_failure, [SYS/PERM] -> permanent_failure, [AUTH] ->
/// auth_failed, else `fallback`.
std::error_code code_for(const response& r, error fallback);

/// A -ERR from the server: code() as code_for(); server_response() keeps the text and code.
class pop3_exception : public inet::exception {
 public:
  pop3_exception(std::error_code ec, std::string operation, response r);
  const response& server_response() const noexcept { return response_; }

 private:
  response response_;
};

/// The CAPA list (RFC 2449 §5), forgotten and asked again after STLS.
struct capabilities {
  bool known = false;                     ///< CAPA answered +OK (else every field is empty)
  std::vector<std::string> lines;         ///< raw capability lines as sent
  std::vector<std::string> sasl;          ///< "SASL" mechanisms, upper-cased
  bool stls = false, user = false, top = false, uidl = false, pipelining = false;
  bool resp_codes = false, auth_resp_code = false;
  /// "LOGIN-DELAY n" in seconds, if announced.
  std::optional<std::uint32_t> login_delay_seconds;
  std::string implementation;             ///< "IMPLEMENTATION x", informational
  /// True if a line's first word equals `tag` (case-insensitive).
  bool has(std::string_view tag) const;
};

/// Parses CAPA response lines (without CRLF) into `capabilities` (known = true).
capabilities parse_capabilities(const std::vector<std::string>& lines);

/// The APOP timestamp (RFC 1939 §7) in a greeting's text: "<...@...>" including the brackets;
/// empty if none.
std::string apop_timestamp(std::string_view greeting_text);

/// The APOP digest: lower-case hex MD5 of timestamp + secret (RFC 1939 §7; OpenSSL EVP).
std::string apop_digest(std::string_view timestamp, std::string_view secret);

/// How the connection is secured.
enum class security {
  stls,          ///< connect in plaintext, upgrade with STLS (RFC 2595 §4) per the policy
  implicit_tls,  ///< TLS from the first byte (pop3s, port 995, RFC 8314)
};

struct client_options {
  std::string host;
  std::uint16_t port = 110;
  pop3::security security = security::stls;
  /// TLS policy for security::stls. Unset: required when credentials are given (a user name,
  /// an oauth2_token or a token_provider; no password ever crosses in clear text),
  /// opportunistic otherwise.
  std::optional<transport::tls_policy> policy;
  transport::tls_options tls;
  transport::connect_options connect;
  /// Username empty = do not log in (only the greeting and CAPA happen).
  sasl::credentials credentials;
  /// "" or "*": automatic — SASL (strongest common mechanism) when CAPA lists SASL, else APOP
  /// if allowed and the greeting has a timestamp, else USER/PASS. "+APOP": APOP only (implies
  /// allow_apop). "USER" or "+USER": USER/PASS only. Any other value: that SASL mechanism.
  std::string auth_mechanism;
  /// OAuth2 access tokens for XOAUTH2/OAUTHBEARER: fetched (async_token, never blocking the
  /// executor) when credentials.oauth2_token is empty, refreshed (async_token(true)) and AUTH
  /// retried once when the server rejects it.
  std::shared_ptr<sasl::token_provider> token_provider;
  /// Permit APOP in automatic selection. Off by default: APOP rests on MD5 (RFC 6151).
  bool allow_apop = false;
  /// Batch RETR/DELE in retr_many/dele_many when CAPA lists PIPELINING.
  bool pipelining = true;
  /// Commands per pipelined batch (each batch is one write; replies are read before the next).
  std::size_t pipeline_depth = 32;
  /// Cap (bytes) on LIST/UIDL/CAPA bodies kept in memory; more is error body_too_large.
  std::uint64_t max_listing_bytes = 16u << 20;
  line::limits limits;
  /// Progress of every message download (retr, top, retr_many — once per message — and
  /// command_multiline bodies): bytes delivered to the sink, at most ten calls a second and a
  /// final call when the body's "." line arrived (transport/progress.hpp). total = the size
  /// list() or list(n) reported for that message in this session, else unknown (TOP and
  /// command_multiline: unknown).
  transport::progress_fn progress;
};

/// STAT: messages in the maildrop and their total size in octets (RFC 1939 §5).
struct maildrop_stat {
  std::uint64_t count = 0;
  std::uint64_t octets = 0;
};

/// One LIST entry: message number and size in octets.
struct message_info {
  std::uint32_t number = 0;
  std::uint64_t octets = 0;
};

/// One UIDL entry: message number and its unique-id (1..70 chars 0x21..0x7E, RFC 1939 §7).
struct unique_id {
  std::uint32_t number = 0;
  std::string uid;
};

/// What QUIT achieved (RFC 1939 §6).
struct quit_result {
  /// True when the server answered +OK to QUIT: every pending deletion was committed.
  bool committed = false;
  /// Deletions that were pending when QUIT was sent.
  std::size_t deletions = 0;
  /// The reply (empty with ok=false if the connection failed before one arrived).
  response reply;
};

/// Receives one chunk of message `number` (see byte_sink for the chunk's lifetime).
using message_sink = std::function<void(std::uint32_t number, std::string_view chunk)>;

/// Every operation of `client`, one row per overload (a default argument gives one row per
/// arity): X(result, name, (parameters), (arguments)). Each row gives
/// client::async_name(parameters..., token) completing with void(error_code[, result]), and
/// blocking_client::name(parameters...) (throwing) plus name(parameters..., error_code&).
/// A new operation needs a row here. Sinks are called on the client's executor.
#define INET_POP3_OPERATIONS(X)                                                                \
  X(void, connect, (client_options opts), (std::move(opts)))                                   \
  X(maildrop_stat, stat, (), ())                                                               \
  X(std::vector<message_info>, list, (), ())                                                   \
  X(message_info, list, (std::uint32_t number), (number))                                      \
  X(std::vector<unique_id>, uidl, (), ())                                                      \
  X(unique_id, uidl, (std::uint32_t number), (number))                                         \
  X(std::uint64_t, retr, (std::uint32_t number, byte_sink sink), (number, std::move(sink)))    \
  X(std::uint64_t, retr, (std::uint32_t number, byte_sink sink, std::uint64_t max_bytes),      \
    (number, std::move(sink), max_bytes))                                                      \
  X(std::uint64_t, top, (std::uint32_t number, std::uint32_t lines, byte_sink sink),           \
    (number, lines, std::move(sink)))                                                          \
  X(std::uint64_t, top,                                                                        \
    (std::uint32_t number, std::uint32_t lines, byte_sink sink, std::uint64_t max_bytes),      \
    (number, lines, std::move(sink), max_bytes))                                               \
  X(std::vector<std::uint64_t>, retr_many,                                                     \
    (std::vector<std::uint32_t> numbers, message_sink sink), (std::move(numbers), std::move(sink))) \
  X(std::vector<std::uint64_t>, retr_many,                                                     \
    (std::vector<std::uint32_t> numbers, message_sink sink, std::uint64_t max_bytes),          \
    (std::move(numbers), std::move(sink), max_bytes))                                          \
  X(std::size_t, retr_ahead, (std::vector<std::uint32_t> numbers), (std::move(numbers)))       \
  X(void, dele, (std::uint32_t number), (number))                                              \
  X(void, dele_many, (std::vector<std::uint32_t> numbers), (std::move(numbers)))               \
  X(response, rset, (), ())                                                                    \
  X(response, noop, (), ())                                                                    \
  X(quit_result, quit, (), ())                                                                 \
  X(response, command, (std::string line), (std::move(line)))                                  \
  X(response, command_multiline, (std::string line, byte_sink sink),                           \
    (std::move(line), std::move(sink)))                                                        \
  X(response, command_multiline, (std::string line, byte_sink sink, std::uint64_t max_bytes),  \
    (std::move(line), std::move(sink), max_bytes))

/// The accessors blocking_client forwards to `client` unchanged (no arguments, const).
#define INET_POP3_ACCESSORS(X)                                                                 \
  X(pending_deletions) X(retrs_ahead) X(server_capabilities) X(greeting) X(is_tls) X(tls_details)             \
  X(authenticated_with) X(timeouts) X(last_failure)

/// Asynchronous POP3 client. One instance = one session.
///
/// Multi-line responses are read with dot-unstuffing into sinks in line-sized chunks; lines are
/// delivered with CRLF (a message is delivered exactly as it is on the server, including the
/// CRLF that ends its last line). Memory stays bounded by the line limit and max_listing_bytes.
/// If a multi-line read fails half-way (limit, sink exception, EOF), the connection is closed:
/// a POP3 session cannot be resynchronised. EOF before the "." line is
/// transport::error::unexpected_eof — a partial transfer, never a success.
class client {
 public:
  explicit client(boost::asio::any_io_executor ex);
  ~client();

  /// Connects (implicit TLS handshake first for security::implicit_tls), reads the greeting,
  /// asks CAPA, upgrades with STLS per the policy (bytes injected after "+OK" are fatal:
  /// transport::error::starttls_injection), asks CAPA again, then logs in when credentials
  /// are given. Throws pop3_exception / std::system_error: error::tls_required (before any
  /// credential is sent), error::auth_failed, auth_unavailable, apop_unavailable,
  /// mailbox_in_use, login_delay, temporary_failure, permanent_failure, bad_greeting,
  /// malformed_response, sasl errors, transport errors.
  boost::asio::awaitable<void> connect(client_options opts);

  /// STAT (RFC 1939 §5). Throws pop3_exception on -ERR, error::malformed_response.
  boost::asio::awaitable<maildrop_stat> stat();
  /// LIST of every message not marked deleted. Throws as stat(), body_too_large beyond
  /// max_listing_bytes, unexpected_eof if cut off.
  boost::asio::awaitable<std::vector<message_info>> list();
  /// LIST n. Throws pop3_exception (-ERR no such message) and as stat().
  boost::asio::awaitable<message_info> list(std::uint32_t number);
  /// UIDL (RFC 1939 §7) of every message. Throws as list().
  boost::asio::awaitable<std::vector<unique_id>> uidl();
  /// UIDL n. Throws as list(n).
  boost::asio::awaitable<unique_id> uidl(std::uint32_t number);

  /// RETR n: streams the message into `sink`; returns its size in bytes delivered. More than
  /// `max_bytes` is transport::error::body_too_large (nothing past the limit is delivered).
  /// Throws pop3_exception on -ERR; unexpected_eof when cut off before the "." line.
  boost::asio::awaitable<std::uint64_t> retr(std::uint32_t number, byte_sink sink,
                                             std::uint64_t max_bytes = UINT64_MAX);
  /// TOP n lines (RFC 1939 §7): headers, blank line and the first `lines` body lines. As retr.
  boost::asio::awaitable<std::uint64_t> top(std::uint32_t number, std::uint32_t lines,
                                            byte_sink sink, std::uint64_t max_bytes = UINT64_MAX);
  /// RETR of several messages, pipelined in batches of pipeline_depth when CAPA lists
  /// PIPELINING (RFC 2449 §6.6), else one by one. Each message goes to sink(number, chunk);
  /// `max_bytes` bounds each message. Returns the sizes, in order. The first -ERR throws
  /// pop3_exception after the rest of its batch was read (the session stays usable).
  boost::asio::awaitable<std::vector<std::uint64_t>> retr_many(
      std::vector<std::uint32_t> numbers, message_sink sink, std::uint64_t max_bytes = UINT64_MAX);

  /// Sends "RETR n" for each number ahead, in one write, without reading the replies (RFC 2449
  /// §6.6 PIPELINING), for a caller that asks for the messages one at a time: each following
  /// command identical to the oldest RETR sent ahead (retr(n), command_multiline("RETR n"))
  /// reads that RETR's reply instead of sending the command again. Any other command first
  /// reads and discards the replies still outstanding (a discarded message goes nowhere;
  /// memory stays bounded by the line limit), so the session never falls out of step.
  /// Sends only when CAPA lists PIPELINING and client_options::pipelining is on, and never more
  /// than pipeline_depth outstanding; returns how many were sent (0: none, call retr() as
  /// usual). A RETR that fails (-ERR) throws from the retr() that reads it, as without this.
  boost::asio::awaitable<std::size_t> retr_ahead(std::vector<std::uint32_t> numbers);
  /// The message numbers of RETRs sent ahead whose replies have not been read, oldest first.
  const std::deque<std::uint32_t>& retrs_ahead() const noexcept;

  /// DELE n: marks message n deleted (committed only by quit()). Throws pop3_exception.
  boost::asio::awaitable<void> dele(std::uint32_t number);
  /// DELE of several messages, pipelined like retr_many. The marks that succeeded stay marked;
  /// the first -ERR throws pop3_exception after its batch was read.
  boost::asio::awaitable<void> dele_many(std::vector<std::uint32_t> numbers);
  /// RSET (RFC 1939 §5): unmarks every deletion. Throws pop3_exception.
  boost::asio::awaitable<response> rset();
  /// NOOP. Throws pop3_exception.
  boost::asio::awaitable<response> noop();
  /// QUIT (RFC 1939 §6): ends the session; the server removes the marked messages only now.
  /// Never throws: a dead connection gives committed = false. Closes the connection.
  boost::asio::awaitable<quit_result> quit();

  /// Escape hatch: one command line (validated: CR/LF/NUL throw invalid_argument) with a
  /// single-line response, returned whether +OK or -ERR. Not tracked in pending_deletions().
  boost::asio::awaitable<response> command(std::string line);
  /// Escape hatch: one command whose +OK response is followed by a multi-line body (LIST,
  /// UIDL, TOP, RETR, CAPA or an extension), streamed dot-unstuffed into `sink` (at most
  /// `max_bytes`). Returns the status line. Throws pop3_exception on -ERR, and as retr().
  boost::asio::awaitable<response> command_multiline(std::string line, byte_sink sink,
                                                     std::uint64_t max_bytes = UINT64_MAX);

  /// Messages marked by dele()/dele_many() since login or the last rset().
  const std::set<std::uint32_t>& pending_deletions() const noexcept;
  const capabilities& server_capabilities() const noexcept;
  const response& greeting() const noexcept;
  bool is_tls() const noexcept;
  transport::tls_info tls_details() const;
  /// How login happened: "USER", "APOP", a SASL mechanism name; empty if not logged in.
  const std::string& authenticated_with() const noexcept;
  /// The connection's timeouts (connect, idle per read/write in milliseconds, overall
  /// deadline), as set by connect() from client_options::connect.time.
  const transport::timeouts& timeouts() const noexcept;
  /// Replaces the timeouts for the following operations on this connection (e.g. a fresh
  /// deadline per message). An expired deadline fails the next read/write with
  /// transport::error::deadline_exceeded.
  void set_timeouts(const transport::timeouts& t) noexcept;
  void close() noexcept;

  // ---- Asio completion-token form (transport/async.hpp) ----
  /// async_connect, async_stat, async_list, async_uidl, async_retr, async_top, async_retr_many,
  /// async_retr_ahead, async_dele, async_dele_many, async_rset, async_noop, async_quit, async_command,
  /// async_command_multiline: the coroutines above with a token as last argument, completing
  /// with void(error_code) / void(error_code, T). A cancelled operation completes with
  /// boost::asio::error::operation_aborted and leaves the client closed (POP3 cannot be
  /// resynchronised); the next operation fails with error::not_connected.
  /// last_failure(): a pop3_exception keeps the server's response.
  INET_CLIENT_FRAME(INET_POP3_OPERATIONS)
};

/// Blocking facade over `client`, generated from INET_POP3_OPERATIONS: each operation run to
/// completion on a private io_context. The throwing overloads throw exactly what the coroutines
/// throw (pop3_exception with the server's response ...); the error_code& overloads (Asio's
/// convention) set `ec` instead, return a value-initialised result on failure and keep the
/// exception in last_failure(). Accessors are those of `client` (INET_POP3_ACCESSORS).
class blocking_client : public transport::blocking_frame<client> {
 public:
  INET_POP3_OPERATIONS(INET_BLOCKING_DECLARE)
  INET_POP3_ACCESSORS(INET_BLOCKING_ACCESSOR)
  void set_timeouts(const transport::timeouts& t) noexcept;  ///< see client::set_timeouts()
};

}  // namespace inet::pop3

template <>
struct std::is_error_code_enum<inet::pop3::error> : std::true_type {};
