// One TLS-upgrade policy for every line protocol: SMTP STARTTLS (RFC 3207), POP3 STLS
// (RFC 2595 §4), IMAP STARTTLS (RFC 9051 §6.2.1), NNTP STARTTLS (RFC 4642), FTP AUTH TLS
// (RFC 4217 §4; PBSZ 0 / PROT P follow in the FTP client after the upgrade).
//
// The decision (upgrade or not, fail or continue in clear) is made here once. A protocol
// supplies an upgrade_adapter: its command word, whether the server offers the upgrade, how to
// send the command and recognise the go-ahead, how to report a refusal under `required`, and
// how to forget what it learned before TLS (re-query capabilities). The engine's start_tls
// (protocols/line/engine.hpp) does the handshake and refuses bytes injected behind the
// go-ahead (transport::error::starttls_injection).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "protocols/line/engine.hpp"
#include "protocols/sasl/mechanism.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "transport/options.hpp"

namespace inet::session {

/// How a connection gets (or does not get) TLS.
enum class security {
  none,           ///< plaintext, never upgraded: the caller's explicit opt-in (tls_policy::none),
                  ///< the only case where a password-revealing mechanism may run in clear
  opportunistic,  ///< upgrade when offered and accepted, else continue in plaintext (traced)
  required,       ///< upgrade or fail with the protocol's tls_required; nothing else is sent
  implicit,       ///< TLS from the first byte (smtps, pop3s, imaps, ftps): no upgrade command
};

/// True when the caller supplied anything to authenticate with: a user name, a static OAuth2
/// token or a token provider. Every protocol uses this one rule (it decides the default policy
/// and whether to log in).
bool has_credentials(const sasl::credentials& c, const sasl::token_provider* provider) noexcept;

/// Maps a client's public options onto one security: `implicit_tls` wins; then an explicit
/// `policy`; unset means required when `has_credentials`, else opportunistic.
security resolve(bool implicit_tls, std::optional<transport::tls_policy> policy,
                 bool has_credentials) noexcept;

/// True when a password-revealing SASL mechanism (or USER/PASS, LOGIN, APOP) may be used: the
/// connection is TLS, or the caller chose security::none explicitly. An opportunistic fallback
/// to plaintext never qualifies (a man in the middle can strip the upgrade offer).
bool clear_text_allowed(bool is_tls, security s) noexcept;

/// What a protocol supplies to the upgrade policy.
class upgrade_adapter {
 public:
  virtual ~upgrade_adapter() = default;
  /// The command word used in traces and messages: "STARTTLS", "STLS", "AUTH TLS".
  virtual std::string_view command_word() const = 0;
  /// Whether the server offers the upgrade (may ask for capabilities first). Return true when it
  /// cannot be known (a POP3 server without CAPA): the command is then tried.
  virtual boost::asio::awaitable<bool> offered() = 0;
  /// Sends the upgrade command and reads the reply: true on the go-ahead (SMTP/NNTP 220,
  /// POP3 +OK, IMAP tagged OK, FTP 234). On false the adapter keeps the refusal for
  /// throw_refused().
  virtual boost::asio::awaitable<bool> request() = 0;
  /// Throws the protocol's exception for a refusal under security::required (error code
  /// tls_required, carrying the server's reply). The connection is already closed.
  [[noreturn]] virtual void throw_refused() = 0;
  /// The protocol's tls_required error code (thrown when the upgrade is not offered).
  virtual std::error_code tls_required_code() const = 0;
  /// After the handshake: forget every capability learned in plaintext and ask again
  /// (RFC 3207 §4.2, RFC 2595 §3.1, RFC 9051 §6.2.1).
  virtual boost::asio::awaitable<void> forget_pre_tls_state() = 0;
  /// Sees a failure of the engine's start_tls before it propagates (IMAP marks the connection
  /// untrusted on starttls_injection). Default: nothing.
  virtual void upgrade_failed(const std::system_error&) {}
};

enum class upgrade_result {
  not_needed,          ///< security::none or implicit (or already TLS): nothing sent
  upgraded,            ///< the connection is now TLS and the adapter forgot pre-TLS state
  continued_in_clear,  ///< opportunistic: not offered or refused; traced, still plaintext
};

/// Runs the upgrade policy on `eng`'s connection:
/// - none / implicit / already TLS: nothing happens;
/// - not offered: required closes the connection and throws
///   std::system_error(a.tls_required_code()) before any credential or data is sent; opportunistic traces
///   "<WORD> not offered: continuing WITHOUT encryption (opportunistic)" and continues;
/// - offered: a.request(); refused under required closes and calls a.throw_refused();
///   refused under opportunistic traces "<WORD> refused: ..." and continues;
/// - go-ahead: eng.start_tls(tls, host) then a.forget_pre_tls_state().
/// Throws as described, plus transport errors and transport::error::starttls_injection.
boost::asio::awaitable<upgrade_result> upgrade(line::engine& eng, security s,
                                               const transport::tls_options& tls,
                                               const std::string& host, upgrade_adapter& a);

}  // namespace inet::session
