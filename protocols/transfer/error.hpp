// Errors of the transfer layer and the ONE mapping from any error a transfer can end with to
// curl's exit code (libcurl's CURLcode numbering, exit_codes.hpp).
#pragma once

#include <string>
#include <system_error>
#include <type_traits>

#include "protocols/transfer/exit_codes.hpp"

namespace inet::transfer {

/// Errors raised by the transfer layer itself, category "inet.transfer". Each value is numbered
/// as the curl exit code it maps to, so curl_exit_code() maps them one to one.
enum class error {
  unsupported_protocol = 1,    ///< no handler for the URL's scheme and direction
  failed_init = 2,             ///< an unexpected exception inside a handler (its what())
  url_malformat = 3,           ///< the URL cannot be turned into a request (e.g. APPEND, no mailbox)
  weird_server_reply = 8,      ///< a reply that is well-formed but unusable (IMAP NIL section)
  remote_access_denied = 9,    ///< FTP: a directory of the URL could not be entered (CWD)
  quote_error = 21,            ///< a listing or custom command answered NO/BAD (IMAP)
  write_error = 23,            ///< the caller's sink threw: what it threw is the message
  upload_failed = 25,          ///< the server refused the upload (IMAP APPEND NO)
  read_error = 26,             ///< the caller's source threw or could not be spooled
  range_error = 33,            ///< HTTP resume (options::resume_from) answered without a range
  remote_file_not_found = 78,  ///< no such message / UIDVALIDITY changed / bad ;UID=
};
const std::error_category& transfer_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), transfer_category()};
}

/// Where in a transfer an error happened: the same error can mean different curl exit codes
/// (EOF while connecting is 56, while transferring a body 18; an IMAP NO to SELECT is 67, to
/// FETCH 78, to LIST 21, to APPEND 25).
enum class stage {
  connect,   ///< resolve, TCP/TLS, greeting, STARTTLS
  login,     ///< authentication
  select,    ///< IMAP SELECT
  fetch,     ///< IMAP FETCH
  listing,   ///< IMAP LIST/SEARCH/custom command
  append,    ///< IMAP APPEND
  send,      ///< SMTP MAIL/RCPT/DATA
  transfer,  ///< any other command and its data (POP3 RETR/LIST/...)
};

/// An error the transfer layer raises, with its one-line reason (without the category suffix
/// std::system_error::what() adds).
class transfer_exception : public std::system_error {
 public:
  transfer_exception(std::error_code ec, std::string why, stage where = stage::transfer)
      : std::system_error(ec, why), why_(std::move(why)), where_(where) {}
  const std::string& why() const noexcept { return why_; }
  stage where() const noexcept { return where_; }

 private:
  std::string why_;
  stage where_;
};

/// curl's exit code for `ec`, an error a transfer ended with in `where` (result::failed_in):
///  - inet.transfer: the value itself (see `error`);
///  - inet.imap: 67 login refused and NO/BAD to SELECT (curl's choice), 78 NO to FETCH, 21 to a
///    listing, 25 to APPEND, 64 TLS required but unavailable (also PREAUTH in clear), 63 a
///    literal over the size limit, else 8;
///  - inet.pop3: 67 login refused / [IN-USE] etc. before the transfer, 64 TLS unavailable, 8
///    -ERR to the command;
///  - inet.smtp: 67 AUTH refused, 64 STARTTLS unavailable, 55 MAIL/RCPT/DATA refused (curl's
///    CURLE_SEND_ERROR), 56 connection lost after the message (delivery unconfirmed), 8 else;
///  - inet.transport, inet.sasl, inet.line and system/asio codes: timeouts 28, EOF 18 during a
///    transfer and 56 before it, refused connection 7, unresolvable host 6, certificate 60,
///    handshake 35, TLS required 64, SASL 67, malformed lines 8, body over the size limit 63;
///  - inet.url: 1 for an unsupported scheme, 3 otherwise; inet.netrc: 2 (as a bad option).
///  - std::errc::not_enough_memory: 27.
/// Returns exit_code::ok for no error.
exit_code curl_exit_code(const std::error_code& ec, stage where = stage::transfer);

}  // namespace inet::transfer

template <>
struct std::is_error_code_enum<inet::transfer::error> : std::true_type {};
