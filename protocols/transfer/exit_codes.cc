#include "protocols/transfer/exit_codes.hpp"

namespace inet::transfer {

std::string_view describe(exit_code code) noexcept {
  switch (code) {
    case exit_code::ok: return "No error";
    case exit_code::unsupported_protocol: return "Unsupported protocol";
    case exit_code::failed_init: return "Failed initialization";
    case exit_code::url_malformat: return "Malformed or missing URL";
    case exit_code::couldnt_resolve_proxy: return "Could not resolve the proxy host";
    case exit_code::couldnt_resolve_host: return "Could not resolve the host";
    case exit_code::couldnt_connect: return "Could not connect to the server";
    case exit_code::weird_server_reply: return "Unexpected server reply";
    case exit_code::remote_access_denied: return "Remote resource access denied";
    case exit_code::ftp_weird_pasv_reply: return "FTP: bad PASV/EPSV reply";
    case exit_code::ftp_weird_227_format: return "FTP: unparseable 227 reply";
    case exit_code::ftp_couldnt_set_type: return "FTP: couldn't set file type";
    case exit_code::ftp_port_failed: return "FTP: command PORT failed";
    case exit_code::partial_file: return "Partial file transferred";
    case exit_code::ftp_couldnt_retr_file: return "FTP: RETR failed";
    case exit_code::quote_error: return "Quote command returned error";
    case exit_code::http_returned_error: return "HTTP server returned an error status";
    case exit_code::write_error: return "Writing received data failed";
    case exit_code::upload_failed: return "Upload failed";
    case exit_code::read_error: return "Reading local data failed";
    case exit_code::out_of_memory: return "Out of memory";
    case exit_code::operation_timedout: return "Operation timed out";
    case exit_code::range_error: return "Requested range was not delivered by the server";
    case exit_code::ssl_connect_error: return "TLS handshake failed";
    case exit_code::bad_download_resume: return "Cannot resume the download";
    case exit_code::bad_function_argument: return "Internal error: bad argument";
    case exit_code::too_many_redirects: return "Too many redirects";
    case exit_code::got_nothing: return "Server sent nothing";
    case exit_code::send_error: return "Sending data failed";
    case exit_code::recv_error: return "Receiving data failed";
    case exit_code::ssl_certproblem: return "Local client certificate problem";
    case exit_code::peer_failed_verification:
      return "Server certificate could not be verified";
    case exit_code::bad_content_encoding: return "Bad content or transfer encoding";
    case exit_code::filesize_exceeded: return "Maximum file size exceeded";
    case exit_code::use_ssl_failed: return "TLS required but not available";
    case exit_code::login_denied: return "Login denied";
    case exit_code::ssl_cacert_badfile: return "CA certificate file or directory unusable";
    case exit_code::remote_file_not_found: return "Remote file not found";
    case exit_code::too_large: return "A value or data exceeded its maximum";
  }
  return "Unknown error";
}

}  // namespace inet::transfer
