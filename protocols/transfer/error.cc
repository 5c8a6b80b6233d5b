// curl_exit_code(): the per-protocol mappings that lived in tools/inet/transfer_support.cc
// (common_exit_code), tools/pop3/pop3_get.cc (pop3_exit) and tools/imap/imap_cli.cc (imap_exit).
#include "protocols/transfer/error.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include "protocols/http/error.hpp"
#include "protocols/ftp/client.hpp"
#include "protocols/imap/error.hpp"
#include "protocols/line/engine.hpp"
#include "protocols/nntp/client.hpp"
#include "protocols/pop3/client.hpp"
#include "protocols/sasl/mechanism.hpp"
#include "protocols/smtp/client.hpp"
#include "protocols/transfer/netrc.hpp"
#include "protocols/url/url.hpp"
#include "transport/error.hpp"

namespace inet::transfer {
namespace {

/// The old CLI phase: connect (and login) or transfer.
enum class phase { connect, login, transfer };

phase phase_of(stage s) {
  switch (s) {
    case stage::connect: return phase::connect;
    case stage::login: return phase::login;
    default: return phase::transfer;
  }
}

bool is_asio(const std::error_code& ec, boost::system::error_code asio_code) {
  return ec == std::error_code(asio_code);
}

exit_code transport_exit(transport::error e, phase p) {
  using transport::error;
  switch (e) {
    case error::timeout:
    case error::deadline_exceeded:
    case error::connect_timeout: return exit_code::operation_timedout;
    case error::line_too_long:
    case error::reply_too_large:
    case error::starttls_injection: return exit_code::weird_server_reply;
    case error::unexpected_eof:
      return p == phase::transfer ? exit_code::partial_file : exit_code::recv_error;
    case error::tls_required: return exit_code::use_ssl_failed;
    case error::tls_handshake_failed:
    case error::alpn_mismatch: return exit_code::ssl_connect_error;
    case error::certificate_verify_failed: return exit_code::peer_failed_verification;
    case error::invalid_argument: return exit_code::bad_function_argument;
    case error::proxy_failed:
    case error::proxy_auth_failed:
    case error::unexpected_peer: return exit_code::couldnt_connect;
    case error::resolve_failed: return exit_code::couldnt_resolve_host;
    case error::body_too_large: return exit_code::filesize_exceeded;
    case error::compression_failed: return exit_code::bad_content_encoding;
    case error::not_connected:
    case error::operation_aborted: return exit_code::failed_init;
  }
  return exit_code::recv_error;
}

std::optional<exit_code> common_exit_code(const std::error_code& ec, phase p) {
  namespace ae = boost::asio::error;
  if (!ec) return exit_code::ok;
  const std::error_category& cat = ec.category();
  if (cat == transport::transport_category())
    return transport_exit(static_cast<transport::error>(ec.value()), p);
  if (cat == sasl::sasl_category()) return exit_code::login_denied;
  if (cat == line::line_category()) return exit_code::weird_server_reply;
  if (is_asio(ec, ae::host_not_found) || is_asio(ec, ae::host_not_found_try_again) ||
      is_asio(ec, ae::no_data))
    return exit_code::couldnt_resolve_host;
  if (p == phase::connect &&
      (is_asio(ec, ae::connection_refused) || is_asio(ec, ae::network_unreachable) ||
       is_asio(ec, ae::host_unreachable) || ec == std::errc::connection_refused))
    return exit_code::couldnt_connect;
  if (p == phase::transfer && (is_asio(ec, ae::eof) || is_asio(ec, ae::connection_reset)))
    return exit_code::partial_file;
  if (cat == std::system_category() || cat == std::generic_category() ||
      cat == std::error_code(boost::system::error_code(ae::eof)).category() ||
      cat == std::error_code(boost::system::error_code(ae::connection_reset)).category())
    return p == phase::connect ? exit_code::couldnt_connect : exit_code::recv_error;
  return std::nullopt;
}

exit_code pop3_exit(pop3::error e, phase p) {
  using pop3::error;
  switch (e) {
    case error::auth_failed:
    case error::auth_unavailable:
    case error::apop_unavailable: return exit_code::login_denied;
    case error::tls_required: return exit_code::use_ssl_failed;
    case error::mailbox_in_use:
    case error::login_delay:
    case error::temporary_failure:
    case error::permanent_failure:
      return p == phase::transfer ? exit_code::weird_server_reply : exit_code::login_denied;
    case error::negative_response:
    case error::bad_greeting:
    case error::malformed_response: return exit_code::weird_server_reply;
    case error::not_connected: return exit_code::failed_init;
  }
  return exit_code::weird_server_reply;
}

exit_code imap_exit(imap::error e, stage s) {
  using imap::error;
  switch (e) {
    case error::auth_failed:
    case error::auth_unavailable: return exit_code::login_denied;
    case error::tls_required:
    case error::preauth_in_clear: return exit_code::use_ssl_failed;
    case error::literal_too_large: return exit_code::filesize_exceeded;
    case error::command_failed:
    case error::command_rejected:
      switch (s) {
        case stage::connect:
        case stage::login:
        case stage::select: return exit_code::login_denied;  // curl: "Select failed" is 67
        case stage::fetch: return exit_code::remote_file_not_found;
        case stage::append: return exit_code::upload_failed;
        default: return exit_code::quote_error;
      }
    case error::not_connected:
    case error::no_mailbox_selected: return exit_code::failed_init;
    default: break;
  }
  return exit_code::weird_server_reply;
}

exit_code http_exit(http::error e) {
  using http::error;
  switch (e) {
    case error::unsupported_url:
    case error::insecure_url:
    case error::redirect_refused: return exit_code::unsupported_protocol;
    case error::too_many_redirects: return exit_code::too_many_redirects;
    case error::http_error_status: return exit_code::http_returned_error;
    case error::empty_reply: return exit_code::got_nothing;
    case error::truncated_response: return exit_code::partial_file;
    case error::bad_content_encoding: return exit_code::bad_content_encoding;
    case error::decoded_too_large: return exit_code::filesize_exceeded;
    case error::response_too_large: return exit_code::too_large;
    case error::invalid_request: return exit_code::bad_function_argument;
    case error::body_size_mismatch: return exit_code::read_error;
    case error::not_connected: return exit_code::failed_init;
    case error::server_error: return exit_code::recv_error;
    default: break;
  }
  return exit_code::weird_server_reply;
}

exit_code smtp_exit(smtp::error e) {
  using smtp::error;
  switch (e) {
    case error::auth_failed:
    case error::auth_unavailable: return exit_code::login_denied;
    case error::tls_required: return exit_code::use_ssl_failed;
    case error::transient_failure:
    case error::permanent_failure:
    case error::message_too_large:
    case error::no_recipients_accepted:
    case error::smtputf8_unsupported:
    case error::invalid_address: return exit_code::send_error;
    case error::delivery_unconfirmed: return exit_code::recv_error;
    case error::not_connected: return exit_code::failed_init;
    default: break;
  }
  return exit_code::weird_server_reply;
}

exit_code nntp_exit(nntp::error e, phase p) {
  using nntp::error;
  switch (e) {
    case error::auth_required:
    case error::auth_failed:
    case error::auth_unavailable: return exit_code::login_denied;
    case error::tls_required: return exit_code::use_ssl_failed;
    case error::no_such_group:
    case error::no_group_selected:
    case error::no_current_article:
    case error::no_next_article:
    case error::no_previous_article:
    case error::no_such_article: return exit_code::remote_file_not_found;
    case error::posting_not_permitted:
    case error::posting_failed:
    case error::invalid_article: return exit_code::upload_failed;
    case error::invalid_argument: return exit_code::url_malformat;
    case error::unexpected_reply: return p == phase::transfer ? exit_code::quote_error
                                                              : exit_code::weird_server_reply;
    case error::not_connected: return exit_code::failed_init;
    default: break;
  }
  return exit_code::weird_server_reply;
}

// stage::append is an FTP upload (STOR), anything after connect a download or listing.
exit_code ftp_exit(ftp::error e, stage s) {
  using ftp::error;
  const bool upload = s == stage::append;
  switch (e) {
    case error::login_failed: return exit_code::login_denied;
    case error::tls_required: return exit_code::use_ssl_failed;
    case error::passive_failed: return exit_code::ftp_weird_pasv_reply;
    case error::pasv_unparseable: return exit_code::ftp_weird_227_format;
    case error::resume_beyond_end: return exit_code::bad_download_resume;
    case error::port_failed: return exit_code::ftp_port_failed;
    case error::type_failed: return exit_code::ftp_couldnt_set_type;
    case error::file_unavailable:
      return upload ? exit_code::upload_failed : exit_code::remote_file_not_found;
    case error::transfer_failed: return upload ? exit_code::upload_failed : exit_code::partial_file;
    case error::transient_failure:
    case error::permanent_failure:
      if (s == stage::connect || s == stage::login) return exit_code::login_denied;
      return upload ? exit_code::upload_failed : exit_code::ftp_couldnt_retr_file;
    case error::not_connected: return exit_code::failed_init;
    default: break;
  }
  return exit_code::weird_server_reply;
}

}  // namespace

exit_code curl_exit_code(const std::error_code& ec, stage where) {
  if (!ec) return exit_code::ok;
  const std::error_category& cat = ec.category();
  const phase p = phase_of(where);
  if (cat == transfer_category()) return static_cast<exit_code>(ec.value());
  if (cat == imap::imap_category()) return imap_exit(static_cast<imap::error>(ec.value()), where);
  if (cat == pop3::pop3_category()) return pop3_exit(static_cast<pop3::error>(ec.value()), p);
  if (cat == smtp::smtp_category()) return smtp_exit(static_cast<smtp::error>(ec.value()));
  if (cat == nntp::nntp_category()) return nntp_exit(static_cast<nntp::error>(ec.value()), p);
  if (cat == http::http_category()) return http_exit(static_cast<http::error>(ec.value()));
  if (cat == ftp::ftp_category()) return ftp_exit(static_cast<ftp::error>(ec.value()), where);
  if (cat == url::url_category())
    return ec == url::error::unsupported_scheme ? exit_code::unsupported_protocol
                                                : exit_code::url_malformat;
  if (cat == netrc_category()) return exit_code::failed_init;
  if (ec == std::errc::not_enough_memory) return exit_code::out_of_memory;
  if (auto code = common_exit_code(ec, p)) return *code;
  return p == phase::connect ? exit_code::couldnt_connect : exit_code::recv_error;
}

}  // namespace inet::transfer
