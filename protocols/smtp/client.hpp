// SMTP client (RFC 5321) with STARTTLS (RFC 3207), implicit TLS (RFC 8314), AUTH (RFC 4954),
// PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531),
// ENHANCEDSTATUSCODES (RFC 2034/3463), DSN (RFC 3461) and CHUNKING (RFC 3030 BDAT; the
// content is still CRLF-normalised, so BODY=BINARYMIME is not offered).
//
// Every operation is written once as a C++20 coroutine (`client`, throwing typed exceptions).
// The Asio completion-token form `async_xxx(..., CompletionToken&&)` (callbacks, use_awaitable,
// deferred, use_future, as_tuple; per-operation cancellation) and `blocking_client` (throwing
// and error_code& overloads) are generated from one table, INET_SMTP_OPERATIONS below; see
// transport/async.hpp for the error mapping and cancellation rules.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
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

namespace inet::smtp {

enum class error {
  transient_failure = 1,   ///< 4xx reply: try again later (queue the message)
  permanent_failure,       ///< 5xx reply: do not retry
  service_unavailable,     ///< 421 / 554 greeting or 421 at any point: server closing
  bad_greeting,            ///< greeting was not 220
  malformed_reply,         ///< reply not in RFC 5321 §4.2 grammar
  auth_failed,             ///< 535 and friends: credentials rejected (RFC 4954 §6)
  auth_unavailable,        ///< no AUTH offered, or no common/forced mechanism
  tls_required,            ///< policy says TLS but STARTTLS is not offered: nothing was sent
  message_too_large,       ///< SIZE limit (RFC 1870) smaller than the message: nothing sent
  no_recipients_accepted,  ///< every RCPT was refused: DATA not sent
  /// A non-ASCII local part (or envelope::smtputf8) but the server lacks SMTPUTF8 (RFC 6531)
  smtputf8_unsupported,
  /// An address with CR/LF/NUL/space/<> outside quotes, or (without SMTPUTF8) a non-ASCII
  /// domain that is not a valid IDN (RFC 5891) or a non-ASCII domain literal: refused
  invalid_address,
  not_connected,
  /// The connection failed after the end of the message was (being) sent and before the
  /// server's reply: the server may or may not have accepted it. Retrying may deliver it twice.
  delivery_unconfirmed,
  /// The message holds a NUL byte or a line longer than 998 octets (RFC 5321 §4.5.3.1.6,
  /// RFC 5322 §2.1.1, §2.3); what() names the byte offset. Found in the first read of the
  /// message: refused before MAIL, nothing sent, the connection stays usable. Found later: the
  /// transaction is abandoned without its end-of-data terminator (no "." line, no BDAT LAST)
  /// and the connection is closed, so the server discards the partial message. Never sent,
  /// never split.
  invalid_message,
};
const std::error_category& smtp_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), smtp_category()};
}

/// RFC 3463 enhanced status code "class.subject.detail", e.g. 5.1.1.
struct enhanced_status {
  int klass = 0, subject = 0, detail = 0;
  std::string to_string() const;
};

/// One SMTP reply: code, enhanced status code (when ENHANCEDSTATUSCODES was offered and the
/// reply carries one; it is stripped from `lines`), and the text lines.
struct reply {
  int code = 0;
  std::optional<enhanced_status> status;
  std::vector<std::string> lines;
  std::string text() const;  ///< lines joined by "\n"
  /// "550 5.1.1 User unknown" — code, status and the first line, for messages.
  std::string summary() const;
  bool ok() const noexcept { return code >= 200 && code < 400; }
};

/// An error from the server: code() says transient/permanent/auth…; reply() is the reply.
class smtp_exception : public inet::exception {
 public:
  smtp_exception(std::error_code ec, std::string operation, reply r);
  const smtp::reply& server_reply() const noexcept { return reply_; }

 private:
  smtp::reply reply_;
};

/// The EHLO keywords (RFC 5321 §4.1.1.1) as the server announced them.
struct capabilities {
  bool esmtp = false;                          ///< EHLO succeeded (else HELO was used)
  std::map<std::string, std::string> keywords; ///< upper-cased keyword -> parameters
  std::vector<std::string> auth_mechanisms;    ///< from "AUTH ..." (upper-cased)
  std::optional<std::uint64_t> size_limit;     ///< SIZE n (bytes); nullopt if absent or 0
  bool has(std::string_view keyword) const;
};

/// How the connection is secured.
enum class security {
  starttls,      ///< connect in plaintext, upgrade with STARTTLS according to `policy`
  implicit_tls,  ///< TLS from the first byte (smtps, port 465, RFC 8314)
};

struct client_options {
  std::string host;
  std::uint16_t port = 587;
  smtp::security security = security::starttls;
  /// TLS policy for security::starttls. Unset means: required when credentials or a token are
  /// given (never authenticate in clear text), opportunistic otherwise. Under opportunistic,
  /// a plaintext session may still AUTH with mechanisms that do not reveal the password
  /// (SCRAM, CRAM-MD5); PLAIN/LOGIN/XOAUTH2/OAUTHBEARER in clear need policy `none`.
  std::optional<transport::tls_policy> policy;
  transport::tls_options tls;
  transport::connect_options connect;
  /// The EHLO domain (msmtp's `domain`); empty = this host's name, or "localhost".
  std::string helo_name;
  /// Credentials for AUTH; no user name, no oauth2_token and no token_provider = no AUTH.
  sasl::credentials credentials;
  /// OAuth2 access tokens for XOAUTH2/OAUTHBEARER (fetched with async_token: a slow provider
  /// never blocks the executor); refreshed and retried once on expiry.
  std::shared_ptr<sasl::token_provider> token_provider;
  /// Force one SASL mechanism ("PLAIN"); empty = the strongest both sides support.
  std::string auth_mechanism;
  /// Use PIPELINING when offered (RFC 2920): MAIL, every RCPT and DATA in one write, every
  /// reply checked in order. When no recipient was accepted the transaction ends with RSET, or
  /// with a lone "." if the server still answered DATA with 354 (RFC 2920 §3.1).
  bool pipelining = true;
  /// Use BDAT (CHUNKING) instead of DATA when offered (not with lmtp: DATA is used there).
  bool chunking = false;
  /// Speak LMTP (RFC 2033) instead of SMTP: LHLO instead of EHLO (no HELO fallback), and after
  /// the end of data one reply per accepted recipient, in RCPT order
  /// (recipient_result::delivery). For delivery into a local message store (dovecot, Cyrus).
  bool lmtp = false;
  line::limits limits;
  /// Progress of every message send(): bytes read from the message source (before
  /// dot-stuffing and CRLF normalisation), at most ten calls a second, and a final call once
  /// the server answered the end of data (transport/progress.hpp). total = envelope::size_hint.
  transport::progress_fn progress;
};

/// Per-recipient DSN options (RFC 3461 §4).
struct recipient {
  std::string address;         ///< addr-spec without angle brackets
  std::string notify;          ///< "" or "NEVER" or comma list of SUCCESS,FAILURE,DELAY
  std::string orcpt;           ///< original recipient ("rfc822;addr"), "" = none
};

struct envelope {
  std::string mail_from;       ///< reverse-path addr-spec; "" means the null sender <>
  /// RFC 4954 §5 AUTH= parameter of MAIL (the authorized submitter; "" = <>): sent as
  /// AUTH=<addr> (xtext) right after the reverse path, only on an authenticated session (as
  /// curl's --mail-auth).
  std::optional<std::string> auth;
  std::vector<recipient> recipients;
  std::string dsn_ret;         ///< "" or "FULL" / "HDRS" (RFC 3461 §4.3)
  std::string dsn_envid;       ///< "" or an ENVID (xtext-encoded by the client)
  /// Message size in bytes if known: sent as SIZE= and checked against the server's limit.
  std::optional<std::uint64_t> size_hint;
  bool eight_bit = false;      ///< body is 8BITMIME (sent as BODY=8BITMIME when offered)
  /// Require SMTPUTF8 (error::smtputf8_unsupported if the server lacks it). Without it the
  /// parameter is still sent automatically for UTF-8 addresses when the server offers it.
  bool smtputf8 = false;
};

struct recipient_result {
  std::string address;  ///< as given in the envelope (not the A-label form sent on the wire)
  bool accepted = false;  ///< RCPT accepted (and, with LMTP, the message delivered to it)
  smtp::reply reply;      ///< the reply to RCPT
  /// LMTP only: this recipient's own reply to the end of data (RFC 2033 §4.2); a 4xx/5xx here
  /// means the message did not reach this recipient although RCPT was accepted.
  std::optional<smtp::reply> delivery;
};

struct send_result {
  smtp::reply final_reply;                 ///< the reply to the end of data ("250 2.0.0 Ok: queued as …");
                                           ///< LMTP: the first successful recipient's reply
  std::vector<recipient_result> recipients;///< one per envelope recipient, in order
  std::uint64_t message_bytes = 0;         ///< bytes of message content sent (after stuffing)
  std::vector<recipient_result> rejected() const;
};

/// One message of a batch (client::send_batch): its envelope and content. `message` must stay
/// alive until the batch reports the message's outcome (message_batch::done).
struct batch_message {
  envelope env;
  byte_source* message = nullptr;
};

/// The messages of client::send_batch, supplied one at a time, and their outcomes. Neither
/// function may throw: a callback that throws ends the batch with that exception and the
/// connection closed, without outcomes for the messages then in flight.
class message_batch {
 public:
  virtual ~message_batch() = default;
  /// Fills `out` with the next message and returns true, or returns false when there is none
  /// left (then it is not called again in this batch). Called ahead of the wire: while up to
  /// two earlier messages are still in flight, so a per-message deadline set here
  /// (client::set_timeouts) also covers the end of those.
  virtual bool next(batch_message& out) = 0;
  /// The outcome of the `index`-th message (0-based, in next() order), called once per
  /// message: `result` when it was accepted (the end-of-data reply in final_reply), otherwise
  /// `failure` holds exactly what send() would have thrown for it. Outcomes are reported right
  /// after the following write (so slow work here, such as an fsync, overlaps the server's)
  /// and at the latest when the batch ends; a message refused before anything was written
  /// (invalid address, SIZE, invalid_message in its first read) may be reported before the
  /// previous message's outcome.
  virtual void done(std::size_t index, send_result* result, std::exception_ptr failure) = 0;
};

/// Every operation of `client`, one row per overload: X(result, name, (parameters),
/// (arguments)). Each row gives client::async_name(parameters..., token) completing with
/// void(error_code[, result]), and blocking_client::name(parameters...) (throwing) plus
/// blocking_client::name(parameters..., error_code&). A new operation needs a row here.
/// async_send: `message` must stay alive until the operation completes; async_send_batch:
/// `batch` likewise.
#define INET_SMTP_OPERATIONS(X)                                                          \
  X(void, connect, (client_options opts), (std::move(opts)))                             \
  X(send_result, send, (envelope env, byte_source& message), (std::move(env), message))  \
  X(void, send_batch, (message_batch& batch), (batch))                                   \
  X(smtp::reply, noop, (), ())                                                           \
  X(smtp::reply, reset, (), ())                                                          \
  X(void, quit, (), ())                                                                  \
  X(smtp::reply, command, (std::string line), (std::move(line)))

/// The accessors blocking_client forwards to `client` unchanged (no arguments, const).
#define INET_SMTP_ACCESSORS(X) \
  X(server_capabilities) X(greeting) X(is_tls) X(tls_details) X(authenticated_with) X(timeouts) \
  X(last_failure)

/// Asynchronous SMTP client. One instance = one connection; send() may be called repeatedly
/// for several messages over the same connection (RSET between them is automatic on failure).
class client {
 public:
  explicit client(boost::asio::any_io_executor ex);
  ~client();

  /// Connects, reads the greeting, sends EHLO (HELO fallback), upgrades with STARTTLS per the
  /// policy (then EHLO again, forgetting every earlier capability), and authenticates when
  /// credentials are given. Throws smtp_exception / std::system_error:
  /// error::tls_required (before any credential is sent), error::auth_failed,
  /// error::auth_unavailable, error::bad_greeting, transport errors.
  boost::asio::awaitable<void> connect(client_options opts);

  /// Sends one message: MAIL FROM, RCPT TO (each), then DATA (dot-stuffed, bare CR/LF turned
  /// into CRLF) or BDAT, streaming `message` in fixed 64 KiB chunks. Recipients the server
  /// refuses are reported in the result; the message goes to the accepted ones. Throws:
  /// error::no_recipients_accepted, error::message_too_large (before MAIL), the MAIL or
  /// end-of-data reply as transient_failure / permanent_failure, error::invalid_address,
  /// error::smtputf8_unsupported, error::delivery_unconfirmed (the connection broke after the
  /// end of data went out: do not blindly resend). After a transaction the server refused the
  /// client sends RSET so the connection can be reused; after a transport failure, a broken
  /// reply or a message source that throws, the connection is closed (never reused with
  /// half a transaction on the wire).
  ///
  /// Internationalised addresses (RFC 6531 §3.2): when the server offers SMTPUTF8, UTF-8
  /// addresses are sent as given with the SMTPUTF8 parameter. When it does not, an address
  /// with an ASCII local part and a non-ASCII domain is sent with the domain's A-label form
  /// (RFC 5891 §4, UTS #46 non-transitional: "info@bücher.example" goes out as
  /// "info@xn--bcher-kva.example", also in an "rfc822;" ORCPT) and no SMTPUTF8 parameter; a
  /// non-ASCII local part throws error::smtputf8_unsupported and a domain that is not a valid
  /// IDN throws error::invalid_address, both before anything is written. ASCII addresses and
  /// domain literals ("[192.0.2.1]") are sent unchanged. Results name recipients as given.
  boost::asio::awaitable<send_result> send(envelope env, byte_source& message);

  /// Sends every message `batch` supplies over this connection, with the same outcome per
  /// message as send() one by one, reported through batch.done(). With PIPELINING (RFC 2920
  /// §3.1, client_options::pipelining) one group is kept in flight: the last of a message's
  /// content and its "." go in one write with the next message's MAIL, RCPT… and DATA, and the
  /// replies are read in order, so a message costs one round trip. A refused transaction is
  /// closed with RSET (or a lone "." when DATA still got 354), which leads the next group.
  /// Without PIPELINING, with LMTP or with CHUNKING in use, the messages go one by one through
  /// send(). Completes when the batch has no more messages and every outcome is reported.
  /// When the connection is lost or closed (transport error, 421, malformed reply, a message
  /// source that throws) every message in flight gets its failure — error::delivery_unconfirmed
  /// for one whose "." was (being) written, error::not_connected for one taken ahead of which
  /// nothing was written — no further message is taken, and the operation fails with the
  /// error that ended the connection. Throws error::not_connected first if
  /// the client is not connected.
  boost::asio::awaitable<void> send_batch(message_batch& batch);

  boost::asio::awaitable<smtp::reply> noop();   ///< NOOP (RFC 5321 §4.1.1.9)
  boost::asio::awaitable<smtp::reply> reset();  ///< RSET (RFC 5321 §4.1.1.5)
  /// Sends QUIT, reads the reply (bounded), and closes. Never throws on a dead connection.
  boost::asio::awaitable<void> quit();
  /// Escape hatch: sends one raw command line (validated: no CR/LF/NUL) and returns the reply.
  boost::asio::awaitable<smtp::reply> command(std::string line);

  const capabilities& server_capabilities() const noexcept;
  const smtp::reply& greeting() const noexcept;
  bool is_tls() const noexcept;
  transport::tls_info tls_details() const;
  /// The mechanism AUTH used, empty if none.
  const std::string& authenticated_with() const noexcept;
  /// The connection's timeouts (connect, idle per read/write in milliseconds, overall
  /// deadline), as set by connect() from client_options::connect.time.
  const transport::timeouts& timeouts() const noexcept;
  /// Replaces the timeouts for the following operations on this connection, e.g. a fresh
  /// deadline for each message sent over one long-lived connection (as `inet mail --flush`
  /// does). An expired deadline fails the next read/write with transport::error::deadline_exceeded.
  void set_timeouts(const transport::timeouts& t) noexcept;
  void close() noexcept;

  // ---- Asio completion-token form (transport/async.hpp) ----
  /// async_connect(opts, token), async_send(env, message, token), async_send_batch(batch,
  /// token), async_noop(token),
  /// async_reset(token), async_quit(token), async_command(line, token): the coroutines above,
  /// completing with void(error_code) / void(error_code, T). A cancelled operation completes
  /// with boost::asio::error::operation_aborted and leaves the client closed.
  /// last_failure(): an smtp_exception keeps the server's reply.
  INET_CLIENT_FRAME(INET_SMTP_OPERATIONS)
};

/// Blocking facade over `client`, generated from INET_SMTP_OPERATIONS: each operation run to
/// completion on a private io_context. The throwing overloads throw exactly what the coroutines
/// throw (smtp_exception with the server's reply ...); the error_code& overloads (Asio's
/// convention) set `ec` instead, return a value-initialised result on failure and keep the
/// exception in last_failure(). Accessors are those of `client` (INET_SMTP_ACCESSORS).
class blocking_client : public transport::blocking_frame<client> {
 public:
  INET_SMTP_OPERATIONS(INET_BLOCKING_DECLARE)
  INET_SMTP_ACCESSORS(INET_BLOCKING_ACCESSOR)
  void set_timeouts(const transport::timeouts& t) noexcept;  ///< see client::set_timeouts()
};

}  // namespace inet::smtp

template <>
struct std::is_error_code_enum<inet::smtp::error> : std::true_type {};
