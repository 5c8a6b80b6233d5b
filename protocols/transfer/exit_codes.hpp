// Exit codes of the `inet` command: curl's numbering (libcurl CURLcode, curl(1) "EXIT CODES"),
// so scripts written for curl read inet's status the same way.
//
// Checked against curl's include/curl/curl.h (CURLcode) and libcurl-errors(3). Differences from
// the numbers first proposed for this project:
//  - 14 is CURLE_FTP_WEIRD_227_FORMAT (unparseable 227 reply to PASV), not an EPSV error; a bad
//    EPSV/PASV reply in general is 13 (CURLE_FTP_WEIRD_PASV_REPLY).
//  - 60 is CURLE_PEER_FAILED_VERIFICATION (since curl 7.62 it also covers the old 51).
//  - 100 is CURLE_TOO_LARGE ("a value/data met its maximum", curl 8.6.0).
//  - 77 (CURLE_SSL_CACERT_BADFILE) is added: --cacert/--capath could not be loaded.
// An unknown or malformed command-line option exits 2 (CURLE_FAILED_INIT), as curl's tool does.
#pragma once

#include <string_view>

namespace inet::transfer {

enum class exit_code : int {
  ok = 0,
  unsupported_protocol = 1,       ///< CURLE_UNSUPPORTED_PROTOCOL: unknown scheme / no handler
  failed_init = 2,                ///< CURLE_FAILED_INIT: bad or unknown command-line option
  url_malformat = 3,              ///< CURLE_URL_MALFORMAT
  couldnt_resolve_proxy = 5,      ///< CURLE_COULDNT_RESOLVE_PROXY
  couldnt_resolve_host = 6,       ///< CURLE_COULDNT_RESOLVE_HOST
  couldnt_connect = 7,            ///< CURLE_COULDNT_CONNECT
  weird_server_reply = 8,         ///< CURLE_WEIRD_SERVER_REPLY: reply not understood
  remote_access_denied = 9,       ///< CURLE_REMOTE_ACCESS_DENIED (not a login failure: 67)
  ftp_weird_pasv_reply = 13,      ///< CURLE_FTP_WEIRD_PASV_REPLY: bad PASV/EPSV reply
  ftp_weird_227_format = 14,      ///< CURLE_FTP_WEIRD_227_FORMAT: 227 line unparseable
  ftp_couldnt_set_type = 17,      ///< CURLE_FTP_COULDNT_SET_TYPE: TYPE refused
  partial_file = 18,              ///< CURLE_PARTIAL_FILE: size differs from announced
  ftp_couldnt_retr_file = 19,     ///< CURLE_FTP_COULDNT_RETR_FILE
  quote_error = 21,               ///< CURLE_QUOTE_ERROR: a custom/listing command was refused
  http_returned_error = 22,       ///< CURLE_HTTP_RETURNED_ERROR (--fail and status >= 400)
  write_error = 23,               ///< CURLE_WRITE_ERROR: local output failed
  upload_failed = 25,             ///< CURLE_UPLOAD_FAILED: server refused STOR/APPEND/DATA
  read_error = 26,                ///< CURLE_READ_ERROR: local input failed
  out_of_memory = 27,             ///< CURLE_OUT_OF_MEMORY
  operation_timedout = 28,        ///< CURLE_OPERATION_TIMEDOUT (--connect-timeout/--max-time)
  ftp_port_failed = 30,           ///< CURLE_FTP_PORT_FAILED: EPRT/PORT refused (active mode)
  range_error = 33,              ///< CURLE_RANGE_ERROR: -C/-r and the server ignored the range
  ssl_connect_error = 35,         ///< CURLE_SSL_CONNECT_ERROR: TLS handshake failed
  bad_download_resume = 36,       ///< CURLE_BAD_DOWNLOAD_RESUME: -C beyond the file size
  bad_function_argument = 43,     ///< CURLE_BAD_FUNCTION_ARGUMENT: internal misuse
  too_many_redirects = 47,        ///< CURLE_TOO_MANY_REDIRECTS
  got_nothing = 52,               ///< CURLE_GOT_NOTHING: server closed without replying
  send_error = 55,                ///< CURLE_SEND_ERROR
  recv_error = 56,                ///< CURLE_RECV_ERROR
  ssl_certproblem = 58,           ///< CURLE_SSL_CERTPROBLEM: local client certificate
  peer_failed_verification = 60,  ///< CURLE_PEER_FAILED_VERIFICATION: server cert not trusted
  bad_content_encoding = 61,      ///< CURLE_BAD_CONTENT_ENCODING
  filesize_exceeded = 63,         ///< CURLE_FILESIZE_EXCEEDED (--max-filesize)
  use_ssl_failed = 64,            ///< CURLE_USE_SSL_FAILED: TLS required but not offered
  login_denied = 67,              ///< CURLE_LOGIN_DENIED: credentials rejected
  ssl_cacert_badfile = 77,        ///< CURLE_SSL_CACERT_BADFILE: --cacert/--capath unusable
  remote_file_not_found = 78,     ///< CURLE_REMOTE_FILE_NOT_FOUND
  too_large = 100,                ///< CURLE_TOO_LARGE: a value or data met its maximum
};

/// curl's short description of `code` ("Couldn't resolve host name", ...); "Unknown error" for a
/// value not in the enum.
std::string_view describe(exit_code code) noexcept;

/// The process exit status for `code`.
constexpr int to_int(exit_code code) noexcept { return static_cast<int>(code); }

}  // namespace inet::transfer
