// Sans-I/O SASL client mechanisms (RFC 4422) for SMTP AUTH (RFC 4954), IMAP AUTHENTICATE
// (RFC 3501 §6.2.2, RFC 4959) and POP3 AUTH (RFC 5034).
//
// No sockets here. The session layer's SASL driver (protocols/session/sasl_driver.hpp) does the
// I/O and the base64 framing for every protocol; mechanisms consume and produce raw (decoded)
// bytes. A typical exchange:
//
//   auto mech = inet::sasl::make_mechanism(*inet::sasl::choose_mechanism(offered, creds), creds);
//   if (mech->has_initial_response()) send("AUTH " + name + " " + b64(mech->initial_response()));
//   else                              send("AUTH " + name);
//   while (server sends a continuation with challenge C) send(b64(mech->step(b64decode(C))));
//   on success: if the server sent success data D (RFC 4422 §5 "additional data"), call step(D);
//               then require mech->complete() — false means the server was not verified (SCRAM).
//   on failure: if mech->token_rejected(), report error::token_expired_or_rejected and consider
//               refreshing the OAuth2 token (token_provider::token(true)) before one retry.
//
// A client-first mechanism whose initial response was not sent (no SASL-IR, RFC 4959) answers
// the server's first, empty challenge with its initial response: step("") before
// initial_response() returns what initial_response() would have.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace inet::sasl {

/// What a mechanism may need. Strings are UTF-8; none may contain NUL.
struct credentials {
  std::string username;      ///< authentication identity (authcid)
  std::string password;      ///< for PLAIN, LOGIN, CRAM-MD5, SCRAM-*
  std::string authzid;       ///< optional authorization identity (PLAIN, SCRAM, OAUTHBEARER)
  std::string oauth2_token;  ///< bearer token for XOAUTH2 / OAUTHBEARER (RFC 6750 §2.1)
  std::string host;          ///< server host name, for OAUTHBEARER's host= (RFC 7628 §3.1)
  std::uint16_t port = 0;    ///< server port, for OAUTHBEARER's port=; 0 omits it
};

/// Errors of this module, category "inet.sasl".
enum class error {
  unknown_mechanism = 1,      ///< make_mechanism/make_scram: name not implemented
  bad_challenge,              ///< malformed or hostile server challenge (bad nonce, i= out of range, ...)
  server_signature_mismatch,  ///< SCRAM server-final v= does not prove knowledge of the password
  invalid_credentials,        ///< credentials unusable by the mechanism (NUL, empty user, non-ASCII SCRAM password needing full SASLprep)
  step_after_complete,        ///< step() called after the exchange finished or failed
  token_expired_or_rejected,  ///< OAuth2 error JSON from the server (see mechanism::token_rejected)
  server_error,               ///< SCRAM server sent e=<reason> (RFC 5802 §7); message carries it
  command_failed,             ///< password/token command: spawn failure, non-zero exit, empty or > 64 KiB output
  token_refresh_failed,       ///< OAuth2 token endpoint: error JSON, missing access_token, transport failure
};

const std::error_category& sasl_category() noexcept;
std::error_code make_error_code(error e) noexcept;

/// One client side of one SASL exchange (RFC 4422 §3). Not thread-safe; use once.
class mechanism {
 public:
  virtual ~mechanism() = default;

  /// Registered mechanism name in upper case, e.g. "SCRAM-SHA-256".
  virtual std::string_view name() const = 0;

  /// True for client-first mechanisms (PLAIN, XOAUTH2, OAUTHBEARER, SCRAM-*); false for LOGIN and
  /// CRAM-MD5, whose first message answers a server challenge.
  virtual bool has_initial_response() const = 0;

  /// The client's first message, raw bytes (not base64). Call at most once and only if
  /// has_initial_response(); otherwise throws std::system_error(error::step_after_complete).
  virtual std::string initial_response() = 0;

  /// Consumes one raw (base64-decoded) server challenge and returns the raw response.
  /// Throws std::system_error with error::bad_challenge, server_signature_mismatch, server_error or
  /// step_after_complete; after a throw the mechanism is finished and must not be reused.
  virtual std::string step(std::string_view challenge) = 0;

  /// True once the mechanism has sent everything and verified all it can (SCRAM: the server
  /// signature). Check after the server reported success.
  virtual bool complete() const = 0;

  /// True when the password or bearer token crosses the wire in a recoverable form, so the
  /// protocol must only use this mechanism under TLS: PLAIN, LOGIN, XOAUTH2, OAUTHBEARER.
  virtual bool sends_password_in_clear() const = 0;

  /// XOAUTH2/OAUTHBEARER: true after the server answered the token with an error challenge
  /// (RFC 7628 §3.2.2). step() then returned the dummy response ("" for XOAUTH2, "\x01" for
  /// OAUTHBEARER) the server requires before it reports the final failure; the protocol should
  /// report error::token_expired_or_rejected. Always false for other mechanisms.
  virtual bool token_rejected() const { return false; }

  /// The server's error challenge (OAuth2 error JSON, RFC 7628 §3.2.2) when token_rejected().
  virtual std::string_view server_error_detail() const { return {}; }
};

/// Creates the mechanism `name` (case-insensitive): PLAIN (RFC 4616), LOGIN
/// (draft-murchison-sasl-login), CRAM-MD5 (RFC 2195), XOAUTH2, OAUTHBEARER (RFC 7628),
/// SCRAM-SHA-1 (RFC 5802), SCRAM-SHA-256 (RFC 7677). SCRAM nonces come from OpenSSL RAND_bytes.
/// Throws std::system_error: error::unknown_mechanism for other names (including the -PLUS
/// channel-binding variants); error::invalid_credentials when `creds` cannot serve the mechanism
/// (NUL in any field, empty username/password/token as needed, SCRAM username/password outside
/// the SASLprep subset this library implements).
std::unique_ptr<mechanism> make_mechanism(std::string_view name, const credentials& creds);

/// SCRAM with a caller-chosen client nonce (tests, RFC 5802 §5 vectors). `hash_name` is "SHA-1" or
/// "SHA-256" (case-insensitive; else error::unknown_mechanism). `client_nonce` must be non-empty
/// printable ASCII without ',' (else error::invalid_credentials). Other errors as make_mechanism.
std::unique_ptr<mechanism> make_scram(std::string_view hash_name, const credentials& creds,
                                      std::string client_nonce);

/// Every mechanism implemented, strongest first: SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN,
/// LOGIN, OAUTHBEARER, XOAUTH2.
std::vector<std::string> supported_mechanisms();

/// The mechanisms `creds` can serve, in preference order: with a token OAUTHBEARER, XOAUTH2 first;
/// with a username and password SCRAM-SHA-256, SCRAM-SHA-1 (only if SASLprep accepts them),
/// CRAM-MD5, PLAIN, LOGIN. Credentials make_mechanism would reject are left out.
std::vector<std::string> supported_mechanisms(const credentials& creds);

/// Picks the first of supported_mechanisms(creds) that the server offers. `server_offered` is the
/// server's list (e.g. EHLO "AUTH" keywords, IMAP "AUTH=" capabilities); compared
/// case-insensitively. Returns the canonical upper-case name, or std::nullopt if none fits.
/// Whether a clear-text mechanism is acceptable (TLS) is the caller's decision.
std::optional<std::string> choose_mechanism(std::span<const std::string> server_offered,
                                            const credentials& creds);

}  // namespace inet::sasl

template <>
struct std::is_error_code_enum<inet::sasl::error> : std::true_type {};
