#include "tools/mail/exit_status.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <new>

#include "protocols/http/post.hpp"
#include "protocols/line/engine.hpp"
#include "protocols/mime/error.hpp"
#include "protocols/sasl/mechanism.hpp"
#include "protocols/smtp/client.hpp"
#include "tools/mail/settings.hpp"
#include "transport/error.hpp"
#include "transport/trace.hpp"

namespace inet::mail {
namespace {

bool is_asio(const std::error_code& ec, boost::system::error_code asio_code) {
  return ec == std::error_code(asio_code);
}

bool is_host_not_found(const std::error_code& ec) {
  namespace ae = boost::asio::error;
  return is_asio(ec, ae::host_not_found) || is_asio(ec, ae::host_not_found_try_again) ||
         is_asio(ec, ae::no_data) || ec == transport::error::resolve_failed;
}

bool is_connection_broken(const std::error_code& ec) {
  namespace ae = boost::asio::error;
  return is_asio(ec, ae::connection_reset) || is_asio(ec, ae::broken_pipe) ||
         is_asio(ec, ae::eof) || is_asio(ec, ae::connection_aborted) ||
         ec == std::errc::connection_reset || ec == std::errc::broken_pipe ||
         ec == transport::error::unexpected_eof;
}

int smtp_exit(smtp::error e, int reply_code) {
  using smtp::error;
  switch (e) {
    case error::transient_failure: return ex_tempfail;
    case error::permanent_failure: return ex_unavailable;
    case error::service_unavailable: return reply_code == 421 ? ex_tempfail : ex_unavailable;
    case error::bad_greeting:
    case error::malformed_reply: return ex_protocol;
    case error::auth_failed: return ex_noperm;
    case error::auth_unavailable:
    case error::tls_required: return ex_unavailable;
    case error::message_too_large:
    case error::smtputf8_unsupported:
    case error::invalid_address:
    case error::invalid_message: return ex_dataerr;
    case error::no_recipients_accepted:
      return reply_code >= 400 && reply_code < 500 ? ex_tempfail : ex_nouser;
    case error::not_connected: return ex_software;
    case error::delivery_unconfirmed: return ex_tempfail;
  }
  return ex_software;
}

int transport_exit(transport::error e) {
  using transport::error;
  switch (e) {
    case error::timeout:
    case error::deadline_exceeded:
    case error::connect_timeout: return ex_tempfail;
    case error::line_too_long:
    case error::reply_too_large:
    case error::unexpected_eof:
    case error::starttls_injection:
    case error::compression_failed:
    case error::alpn_mismatch:
    case error::tls_handshake_failed: return ex_protocol;
    case error::tls_required:
    case error::proxy_failed:
    case error::unexpected_peer: return ex_unavailable;
    case error::certificate_verify_failed:
    case error::proxy_auth_failed: return ex_noperm;
    case error::invalid_argument:
    case error::body_too_large: return ex_dataerr;
    case error::resolve_failed: return ex_nohost;
    case error::not_connected:
    case error::operation_aborted: return ex_software;
  }
  return ex_software;
}

int sasl_exit(sasl::error e) {
  using sasl::error;
  switch (e) {
    case error::command_failed:
    case error::invalid_credentials:
    case error::unknown_mechanism: return ex_config;
    case error::token_expired_or_rejected:
    case error::token_refresh_failed: return ex_noperm;
    case error::bad_challenge:
    case error::server_signature_mismatch:
    case error::server_error:
    case error::step_after_complete: return ex_protocol;
  }
  return ex_software;
}

int http_exit(http::error e) {
  using http::error;
  switch (e) {
    case error::unsupported_url:
    case error::insecure_url: return ex_config;
    case error::server_error: return ex_tempfail;
    case error::redirect_refused: return ex_unavailable;
    case error::unexpected_status:
    case error::response_too_large:
    case error::malformed_response:
    case error::truncated_response: return ex_protocol;
    default: break;  // the HTTP client's own codes (the OAuth2 POST does not raise them)
  }
  return ex_software;
}

int mime_exit(mime::error e) {
  return e == mime::error::file_error ? ex_noinput : ex_dataerr;
}

int errno_exit(const std::error_code& ec) {
  if (ec == std::errc::no_such_file_or_directory || ec == std::errc::permission_denied ||
      ec == std::errc::is_a_directory)
    return ex_noinput;
  if (ec == std::errc::not_enough_memory || ec == std::errc::too_many_files_open ||
      ec == std::errc::resource_unavailable_try_again)
    return ex_oserr;
  return ex_ioerr;
}

int reply_code_of(const std::exception& e) {
  if (const auto* s = dynamic_cast<const smtp::smtp_exception*>(&e)) return s->server_reply().code;
  return 0;
}

}  // namespace

int exit_code_for(const std::error_code& ec, int reply_code) {
  if (!ec) return ex_ok;
  const std::error_category& cat = ec.category();
  if (cat == smtp::smtp_category()) return smtp_exit(static_cast<smtp::error>(ec.value()), reply_code);
  if (cat == transport::transport_category())
    return transport_exit(static_cast<transport::error>(ec.value()));
  if (cat == sasl::sasl_category()) return sasl_exit(static_cast<sasl::error>(ec.value()));
  if (cat == mime::category()) return mime_exit(static_cast<mime::error>(ec.value()));
  if (cat == http::http_category()) return http_exit(static_cast<http::error>(ec.value()));
  if (cat == line::line_category()) return ex_protocol;
  if (is_host_not_found(ec)) return ex_nohost;
  if (ec == condition::timeout || ec == condition::connection_failed || is_connection_broken(ec))
    return ex_tempfail;
  if (ec == condition::auth_failed) return ex_noperm;
  if (ec == condition::tls_failure) return ex_noperm;
  if (ec == condition::protocol_violation) return ex_protocol;
  if (cat == std::generic_category() || cat == std::system_category()) return errno_exit(ec);
  return ex_software;
}

int exit_code_for(const std::exception& e) {
  if (const auto* se = dynamic_cast<const std::system_error*>(&e))
    return exit_code_for(se->code(), reply_code_of(e));
  if (dynamic_cast<const std::bad_alloc*>(&e)) return ex_oserr;
  return ex_software;
}

bool is_queueable(const std::error_code& ec, int reply_code) {
  if (ec.category() == smtp::smtp_category()) {
    switch (static_cast<smtp::error>(ec.value())) {
      case smtp::error::transient_failure: return true;
      case smtp::error::service_unavailable: return reply_code == 421;
      case smtp::error::no_recipients_accepted: return reply_code >= 400 && reply_code < 500;
      default: return false;
    }
  }
  // A broken connection here happened before the end of the message went out (the SMTP client
  // reports one after it as smtp::error::delivery_unconfirmed, handled above: never queued),
  // so the server has not taken the message and a retry cannot deliver it twice.
  if (is_connection_broken(ec)) return true;
  if (ec == transport::error::proxy_auth_failed || ec == condition::tls_required ||
      ec == condition::tls_failure || ec == condition::protocol_violation)
    return false;
  return ec == condition::timeout || ec == condition::connection_failed ||
         is_host_not_found(ec) || is_connection_broken(ec);
}

bool is_queueable(const std::exception& e) {
  if (const auto* se = dynamic_cast<const std::system_error*>(&e))
    return is_queueable(se->code(), reply_code_of(e));
  return false;
}

bool is_delivery_unconfirmed(const std::exception& e) {
  const auto* se = dynamic_cast<const std::system_error*>(&e);
  return se && se->code() == smtp::error::delivery_unconfirmed;
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  // C0, DEL, C1 (U+0080..U+009F) and invalid UTF-8 become \xNN; valid UTF-8 text stays.
  std::string out = transport::escape_control(text);
  if (out.size() <= max_bytes) return out;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;  // UTF-8
  out.resize(cut);
  return out + "...";
}

namespace {

std::string describe_raw(const std::exception& e, const std::string& server) {
  const auto* se = dynamic_cast<const std::system_error*>(&e);
  if (!se) return e.what();
  const std::error_code ec = se->code();
  // what() already names the token endpoint; the SMTP server is not the one that failed.
  if (dynamic_cast<const token_endpoint_error*>(&e)) return se->what();
  if (const auto* s = dynamic_cast<const smtp::smtp_exception*>(&e)) {
    const std::string summary = s->server_reply().summary();
    if (ec == smtp::error::auth_failed) return "authentication failed: " + summary;
    if (ec == smtp::error::no_recipients_accepted)
      return "no recipient was accepted: " + s->operation();
    if (ec == smtp::error::tls_required) return "the server refused STARTTLS: " + summary;
    return "server refused " + s->operation() + ": " + summary;
  }
  const std::string what = se->what();
  if (ec == smtp::error::delivery_unconfirmed)
    return "delivery to " + server + " unconfirmed: " + what;  // what() explains
  if (ec == condition::connection_failed || is_host_not_found(ec) ||
      ec == transport::error::connect_timeout) {
    // what() is "connect to host:port: <reason>" or "resolve host: <reason>".
    const std::string reason = ec.message();
    return "cannot connect to " + server + ": " + reason;
  }
  if (ec == condition::tls_failure) return "TLS with " + server + " failed: " + what;
  if (ec == condition::timeout) return "timeout talking to " + server + ": " + what;
  if (ec.category() == sasl::sasl_category()) return "credentials: " + what;
  return what;
}

}  // namespace

std::string describe_failure(const std::exception& e, const std::string& server) {
  return printable(describe_raw(e, server));
}

}  // namespace inet::mail
