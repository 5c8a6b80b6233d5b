// Failure classification of `inet mail`: sysexits.h exit codes (as sendmail and msmtp use
// them), whether a failure should be queued for a later retry, and one-line descriptions.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <system_error>

#include "tools/mail/sysexits.hpp"

namespace inet::mail {

/// The exit code for `ec`. `reply_code` is the SMTP reply code (RFC 5321 §4.2) when the error
/// came from a server reply, else 0. Mapping (one place, unit-tested):
///   SMTP 4xx (transient_failure, 421 service_unavailable)         -> EX_TEMPFAIL (75)
///   SMTP 5xx (permanent_failure, 554 greeting)                     -> EX_UNAVAILABLE (69)
///   no_recipients_accepted: 4xx -> EX_TEMPFAIL, else               -> EX_NOUSER (67)
///   auth_failed, certificate verification, proxy auth, OAuth2 token rejected -> EX_NOPERM (77)
///   auth_unavailable, tls_required, proxy refused                  -> EX_UNAVAILABLE (69)
///   bad greeting, malformed/oversized reply, STARTTLS injection, unexpected EOF, TLS handshake,
///   SCRAM server signature mismatch                                -> EX_PROTOCOL (76)
///   message_too_large, invalid_address, smtputf8_unsupported, CR/LF in an argument,
///   MIME address/header errors                                     -> EX_DATAERR (65)
///   MIME file_error, ENOENT/EACCES on local files                  -> EX_NOINPUT (66)
///   host name does not resolve                                     -> EX_NOHOST (68)
///   timeouts, connection refused/unreachable/reset                 -> EX_TEMPFAIL (75)
///   passwordeval/token command failed, invalid credentials         -> EX_CONFIG (78)
///   other local I/O errors (EIO, ENOSPC, EPIPE)                    -> EX_IOERR (74)
///   ENOMEM, other OS errors                                        -> EX_OSERR (71)
///   anything else                                                  -> EX_SOFTWARE (70)
int exit_code_for(const std::error_code& ec, int reply_code = 0);

/// The exit code for any exception: std::system_error via exit_code_for (with the SMTP reply
/// code of smtp::smtp_exception), std::bad_alloc -> EX_OSERR, others -> EX_SOFTWARE.
int exit_code_for(const std::exception& e);

/// True if the failure means "the server cannot take the message now" and a configured queue
/// should keep it: the server cannot be reached (resolve, connect, proxy, timeouts), the
/// connection broke (EOF, reset), or it answered 4xx (including 421). Never for 5xx,
/// authentication, TLS or data errors, and never for smtp::error::delivery_unconfirmed (a
/// broken connection reported otherwise happened before the end of the message was sent).
bool is_queueable(const std::error_code& ec, int reply_code = 0);
bool is_queueable(const std::exception& e);

/// True for smtp::error::delivery_unconfirmed: the end of the message went out but the reply
/// did not come; the server may have accepted it. Never queued or retried automatically.
bool is_delivery_unconfirmed(const std::exception& e);

/// `text` safe for a terminal: control bytes (C0, DEL, C1, invalid UTF-8) escaped by
/// transport::escape_control, then cut to at most `max_bytes` bytes (+ "...") at a UTF-8
/// boundary. Server text must pass through this before it reaches stderr.
std::string printable(std::string_view text, std::size_t max_bytes = 500);

/// What failed and why, for "inet mail: <this>" (always printable(), so at most ~500 bytes and
/// free of terminal escapes whatever the server sent). `server` is "host:port". Examples:
///   "authentication failed: 535 5.7.8 Error: authentication failed"
///   "cannot connect to smtp.example.org:587: Connection refused"
///   "server refused the message: MAIL FROM:<a@b>: 550 5.7.1 Relaying denied"
std::string describe_failure(const std::exception& e, const std::string& server);

}  // namespace inet::mail
