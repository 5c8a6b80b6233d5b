// One SASL driver (RFC 4422) for every protocol: SMTP AUTH (RFC 4954), POP3 AUTH (RFC 5034),
// IMAP AUTHENTICATE (RFC 9051 §6.2.2, SASL-IR RFC 4959), and the ones to come.
//
// The driver owns the rules: mechanism choice (a forced mechanism must be offered, else
// sasl::choose_mechanism), the clear-text rule (a password-revealing mechanism only under TLS
// or the caller's explicit security::none), base64 framing, the initial response (on the
// command line when it fits, else as the answer to the server's first, empty challenge), the
// "*" cancel after a bad base64 challenge or a mechanism step failure, the OAuth2
// refresh-and-retry exactly once (token from token_provider::async_token, never blocking the
// executor), the mechanism::complete() check after success (SCRAM server signature), and the
// error mapping. It never falls back to another mechanism or to a plaintext login
// (LOGIN/USER/APOP) after an exchange started: a failure throws.
//
// A protocol supplies a sasl_adapter: how its AUTH command, a continuation, success, failure,
// a response line and the cancel look on its wire, and its error codes/exception types.
//
//   SMTP   start "AUTH M [ir]" (line <= 12288 octets)  challenge "334 b64"  success 235
//          failure other codes; response "b64"; cancel "*" then one reply.
//   POP3   start "AUTH M [ir]" (<= 255 octets with CRLF)  challenge "+ b64"  success +OK
//          failure -ERR; cancel "*".
//   IMAP   start "tag AUTHENTICATE M [ir]" (ir only with SASL-IR)  challenge "+ b64"
//          success tagged OK, failure tagged NO/BAD (untagged responses dispatched while reading).
//   NNTP   (RFC 4643 §2.4) start "AUTHINFO SASL M [ir]" (RFC 3977 §3.1: 512 octets with CRLF);
//          read_step maps 383 -> challenge (text after the code), 281 -> success (with optional
//          base64 success data after the code), 481/482/502 -> failure; cancel "*" then read
//          the final 481/482 reply.
//   FTP    (RFC 2228 §3) start "AUTH <mech>" answered 334 (go-ahead, a challenge with empty
//          data), responses "ADAT b64", server data in "335 ADAT=b64" (challenge) or
//          "235 ADAT=b64" (success data); initial_response_fits() returns false so the initial
//          response goes in the first ADAT; cancel is a new "AUTH" or QUIT per the client.
//   HTTP proxy (RFC 7235 Proxy-Authorization): send_start/send_response put the (base64)
//          message in a header of a new CONNECT request, read_step maps 407 with a
//          Proxy-Authenticate challenge -> challenge, 2xx -> success, anything else -> failure;
//          cancel closes the connection.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocols/sasl/mechanism.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "transport/trace.hpp"

namespace inet::session {

/// One thing the server said during an exchange.
struct server_step {
  enum class kind {
    challenge,  ///< a continuation carrying base64 `data` (may be empty)
    success,    ///< the exchange succeeded; `data` is base64 additional data (RFC 4422 §5), or empty
    failure,    ///< the exchange failed; the adapter keeps the reply for throw_failure()
  };
  kind what = kind::failure;
  std::string data;
};

/// The driver's error kinds, mapped by each protocol onto its own error codes.
enum class auth_error {
  auth_failed,       ///< credentials rejected
  auth_unavailable,  ///< no usable or no offered mechanism
  tls_required,      ///< a password-revealing mechanism without TLS
  malformed,         ///< a challenge that is not base64
};

/// What a protocol supplies to the SASL driver (see the table at the top of this file).
class sasl_adapter {
 public:
  virtual ~sasl_adapter() = default;
  /// The command in messages and traces: "AUTH", "AUTHENTICATE", "AUTHINFO SASL".
  virtual std::string_view command_word() const = 0;
  /// Whether an initial response of `encoded_size` base64 characters ("=" for an empty one)
  /// may go on the command line for mechanism `mech` (the protocol's line limit; IMAP: only with
  /// SASL-IR). When false the command goes alone and the initial response answers the server's
  /// first, empty challenge.
  virtual bool initial_response_fits(std::string_view mech, std::size_t encoded_size) const = 0;
  /// Sends the command starting the exchange, with the base64 initial response if given
  /// (credentials must be redacted in the trace).
  virtual boost::asio::awaitable<void> send_start(std::string_view mech,
                                                  const std::optional<std::string>& ir) = 0;
  /// Reads the server's next step.
  virtual boost::asio::awaitable<server_step> read_step() = 0;
  /// Sends one response line (base64, empty for an empty response), redacted in the trace.
  virtual boost::asio::awaitable<void> send_response(std::string_view b64) = 0;
  /// Cancels the exchange (RFC 4422 §3.5: "*") and reads the server's final reply to it.
  virtual boost::asio::awaitable<void> cancel() = 0;
  /// After a failure step: whether a fresh OAuth2 token is worth one retry. `token_rejected`
  /// is mechanism::token_rejected() (the server sent an OAuth2 error challenge). Default: yes.
  virtual bool retry_with_new_token(bool token_rejected) const { return true; }
  /// Throws the protocol's exception for the last failure step (auth_failed, transient, ...);
  /// `what` names the operation, e.g. "AUTH PLAIN".
  [[noreturn]] virtual void throw_failure(const std::string& what) = 0;
  /// The protocol's error code for `e`.
  virtual std::error_code code(auth_error e) const = 0;
};

/// Returns the mechanism to run: the forced one (`forced`, any case, upper-cased) when
/// `offered` lists it or `offered_known` is false (offers unknown: try it); else the first of
/// sasl::choose_mechanism(offered, creds); std::nullopt when none fits (a protocol may then use
/// its non-SASL login: nothing was exchanged yet). A forced mechanism that is not offered throws
/// std::system_error(a.code(auth_unavailable)).
std::optional<std::string> pick_mechanism(const sasl_adapter& a,
                                          std::span<const std::string> offered,
                                          std::string_view forced,
                                          const sasl::credentials& creds,
                                          bool offered_known = true);

/// The clear-text rule: throws std::system_error(a.code(tls_required)) when `mech` (a name
/// make_mechanism knows) reveals the password and `clear_text_allowed` is false.
void check_clear_text(const sasl_adapter& a, const std::string& mech,
                      const sasl::credentials& creds, bool clear_text_allowed);

/// The token from `provider` (cached unless `force_refresh`), fetched without blocking the
/// calling executor (token_provider::async_token).
boost::asio::awaitable<std::string> fetch_token(sasl::token_provider& provider,
                                                bool force_refresh = false);

/// Runs the exchange for `mech` with `creds` (oauth2_token already fetched when a provider is
/// used). On failure of XOAUTH2/OAUTHBEARER with a `provider` and a.retry_with_new_token(...),
/// traces "OAuth2 token rejected; refreshing it and retrying <WORD> once", refreshes the token
/// (force_refresh) and runs the exchange once more; a second failure is final.
/// Throws: a.throw_failure("<WORD> <mech>") on final failure; std::system_error(a.code(
/// malformed)) after cancelling a non-base64 challenge; the mechanism's sasl::error after
/// cancelling a failed step; sasl::error::server_signature_mismatch when the server reported
/// success without proving itself (mechanism::complete() false); transport errors.
boost::asio::awaitable<void> run_exchange(sasl_adapter& a, const std::string& mech,
                                          sasl::credentials creds,
                                          sasl::token_provider* provider,
                                          const transport::trace& tracer);

}  // namespace inet::session
