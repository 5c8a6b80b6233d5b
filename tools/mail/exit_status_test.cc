#include "tools/mail/exit_status.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/error.hpp>

#include "protocols/http/post.hpp"
#include "protocols/mime/error.hpp"
#include "protocols/sasl/mechanism.hpp"
#include "protocols/smtp/client.hpp"
#include "tools/mail/settings.hpp"
#include "transport/error.hpp"

namespace inet::mail {
namespace {

using ::testing::HasSubstr;

smtp::reply make_reply(int code, std::string text) {
  smtp::reply r;
  r.code = code;
  r.lines = {std::move(text)};
  return r;
}

smtp::smtp_exception server_error(smtp::error e, int code, std::string op = "MAIL FROM:<a@b>") {
  return smtp::smtp_exception(make_error_code(e), std::move(op), make_reply(code, "text"));
}

std::error_code asio(boost::asio::error::basic_errors e) {
  return std::error_code(boost::system::error_code(e));
}

TEST(ExitStatus, SmtpReplies) {
  EXPECT_EQ(exit_code_for(server_error(smtp::error::transient_failure, 451)), ex_tempfail);
  EXPECT_EQ(exit_code_for(server_error(smtp::error::permanent_failure, 550)), ex_unavailable);
  EXPECT_EQ(exit_code_for(server_error(smtp::error::service_unavailable, 421)), ex_tempfail);
  EXPECT_EQ(exit_code_for(server_error(smtp::error::service_unavailable, 554)), ex_unavailable);
  EXPECT_EQ(exit_code_for(server_error(smtp::error::auth_failed, 535)), ex_noperm);
  EXPECT_EQ(exit_code_for(server_error(smtp::error::no_recipients_accepted, 550)), ex_nouser);
  EXPECT_EQ(exit_code_for(server_error(smtp::error::no_recipients_accepted, 450)), ex_tempfail);
  EXPECT_EQ(exit_code_for(server_error(smtp::error::bad_greeting, 300)), ex_protocol);
}

TEST(ExitStatus, CodesWithoutReplies) {
  EXPECT_EQ(exit_code_for(smtp::error::malformed_reply), ex_protocol);
  EXPECT_EQ(exit_code_for(smtp::error::tls_required), ex_unavailable);
  EXPECT_EQ(exit_code_for(smtp::error::auth_unavailable), ex_unavailable);
  EXPECT_EQ(exit_code_for(smtp::error::message_too_large), ex_dataerr);
  EXPECT_EQ(exit_code_for(smtp::error::invalid_address), ex_dataerr);
  EXPECT_EQ(exit_code_for(smtp::error::invalid_message), ex_dataerr);  // NUL / line > 998
  EXPECT_EQ(exit_code_for(smtp::error::smtputf8_unsupported), ex_dataerr);
  EXPECT_EQ(exit_code_for(transport::error::resolve_failed), ex_nohost);
  EXPECT_EQ(exit_code_for(transport::error::connect_timeout), ex_tempfail);
  EXPECT_EQ(exit_code_for(transport::error::deadline_exceeded), ex_tempfail);
  EXPECT_EQ(exit_code_for(transport::error::timeout), ex_tempfail);
  EXPECT_EQ(exit_code_for(transport::error::certificate_verify_failed), ex_noperm);
  EXPECT_EQ(exit_code_for(transport::error::tls_handshake_failed), ex_protocol);
  EXPECT_EQ(exit_code_for(transport::error::starttls_injection), ex_protocol);
  EXPECT_EQ(exit_code_for(transport::error::tls_required), ex_unavailable);
  EXPECT_EQ(exit_code_for(transport::error::invalid_argument), ex_dataerr);
  EXPECT_EQ(exit_code_for(sasl::error::command_failed), ex_config);
  EXPECT_EQ(exit_code_for(sasl::error::token_expired_or_rejected), ex_noperm);
  EXPECT_EQ(exit_code_for(sasl::error::server_signature_mismatch), ex_protocol);
  EXPECT_EQ(exit_code_for(mime::error::bad_address), ex_dataerr);
  EXPECT_EQ(exit_code_for(mime::error::file_error), ex_noinput);
  EXPECT_EQ(exit_code_for(mime::error::header_too_large), ex_dataerr);
  EXPECT_EQ(exit_code_for(std::error_code()), ex_ok);
}

TEST(ExitStatus, SystemAndAsioErrors) {
  EXPECT_EQ(exit_code_for(asio(boost::asio::error::connection_refused)), ex_tempfail);
  EXPECT_EQ(exit_code_for(asio(boost::asio::error::network_unreachable)), ex_tempfail);
  EXPECT_EQ(exit_code_for(asio(boost::asio::error::connection_reset)), ex_tempfail);
  EXPECT_EQ(exit_code_for(std::error_code(boost::system::error_code(
                boost::asio::error::host_not_found))),
            ex_nohost);
  EXPECT_EQ(exit_code_for(std::make_error_code(std::errc::no_such_file_or_directory)), ex_noinput);
  EXPECT_EQ(exit_code_for(std::make_error_code(std::errc::no_space_on_device)), ex_ioerr);
  EXPECT_EQ(exit_code_for(std::make_error_code(std::errc::not_enough_memory)), ex_oserr);
  EXPECT_EQ(exit_code_for(std::runtime_error("x")), ex_software);
  EXPECT_EQ(exit_code_for(std::bad_alloc()), ex_oserr);
}

TEST(ExitStatus, Queueable) {
  EXPECT_TRUE(is_queueable(server_error(smtp::error::transient_failure, 451)));
  EXPECT_TRUE(is_queueable(server_error(smtp::error::service_unavailable, 421)));
  EXPECT_TRUE(is_queueable(server_error(smtp::error::no_recipients_accepted, 452)));
  EXPECT_FALSE(is_queueable(server_error(smtp::error::no_recipients_accepted, 550)));
  EXPECT_FALSE(is_queueable(server_error(smtp::error::service_unavailable, 554)));
  EXPECT_FALSE(is_queueable(server_error(smtp::error::permanent_failure, 550)));
  EXPECT_FALSE(is_queueable(server_error(smtp::error::auth_failed, 535)));
  EXPECT_TRUE(is_queueable(asio(boost::asio::error::connection_refused)));
  EXPECT_TRUE(is_queueable(transport::error::resolve_failed));
  EXPECT_TRUE(is_queueable(transport::error::connect_timeout));
  EXPECT_TRUE(is_queueable(transport::error::deadline_exceeded));
  EXPECT_TRUE(is_queueable(transport::error::unexpected_eof));
  EXPECT_TRUE(is_queueable(transport::error::proxy_failed));
  EXPECT_FALSE(is_queueable(transport::error::proxy_auth_failed));
  EXPECT_FALSE(is_queueable(transport::error::certificate_verify_failed));
  EXPECT_FALSE(is_queueable(transport::error::tls_required));
  EXPECT_FALSE(is_queueable(smtp::error::tls_required));
  EXPECT_FALSE(is_queueable(transport::error::starttls_injection));
  EXPECT_FALSE(is_queueable(smtp::error::message_too_large));
  EXPECT_FALSE(is_queueable(sasl::error::command_failed));
  EXPECT_FALSE(is_queueable(std::runtime_error("x")));
  // The end of the message went out: the server may have it. Never queued for a resend.
  const std::system_error unconfirmed(make_error_code(smtp::error::delivery_unconfirmed), "eof");
  EXPECT_FALSE(is_queueable(unconfirmed));
  EXPECT_TRUE(is_delivery_unconfirmed(unconfirmed));
  EXPECT_FALSE(is_delivery_unconfirmed(std::system_error(transport::error::unexpected_eof)));
  EXPECT_EQ(exit_code_for(unconfirmed), ex_tempfail);
  EXPECT_THAT(describe_failure(unconfirmed, "h:25"),
              HasSubstr("delivery to h:25 unconfirmed: eof"));
}

TEST(ExitStatus, PrintableEscapesAndBounds) {
  EXPECT_EQ(printable("250 ok"), "250 ok");
  EXPECT_EQ(printable("a\x1b[2Jb\x07\r\n"), "a\\x1b[2Jb\\x07\\r\\n");
  EXPECT_EQ(printable("csi \xc2\x9b" "31m"), "csi \\xc2\\x9b31m");  // C1 CSI
  EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9");             // UTF-8 kept
  const std::string long_text(2000, 'x');
  EXPECT_EQ(printable(long_text), std::string(500, 'x') + "...");
  // Never cut inside a UTF-8 sequence.
  EXPECT_EQ(printable(std::string(499, 'x') + "\xc3\xa9", 500), std::string(499, 'x') + "...");
  const std::string evil = "\x1b]52;c;aGk=\x07" + long_text;
  const smtp::smtp_exception refused(make_error_code(smtp::error::permanent_failure),
                                     "MAIL FROM:<a@b>", make_reply(550, evil));
  const std::string d = describe_failure(refused, "h:25");
  EXPECT_EQ(d.find('\x1b'), std::string::npos);
  EXPECT_LE(d.size(), 503u);
}

TEST(ExitStatus, Descriptions) {
  smtp::reply r = make_reply(535, "Error: authentication failed");
  r.status = smtp::enhanced_status{5, 7, 8};
  const smtp::smtp_exception auth(make_error_code(smtp::error::auth_failed), "AUTH PLAIN", r);
  EXPECT_EQ(describe_failure(auth, "h:587"),
            "authentication failed: 535 5.7.8 Error: authentication failed");
  const std::system_error refused(asio(boost::asio::error::connection_refused),
                                  "connect to smtp.example.org:587");
  EXPECT_THAT(describe_failure(refused, "smtp.example.org:587"),
              HasSubstr("cannot connect to smtp.example.org:587: "));
  EXPECT_THAT(describe_failure(server_error(smtp::error::permanent_failure, 550), "h:25"),
              HasSubstr("MAIL FROM:<a@b>: 550 text"));
  EXPECT_EQ(describe_failure(std::runtime_error("plain"), "h:25"), "plain");
}

TEST(ExitStatus, TokenEndpointFailures) {
  using http::error;
  EXPECT_EQ(exit_code_for(make_error_code(error::server_error)), ex_tempfail);
  EXPECT_EQ(exit_code_for(make_error_code(error::redirect_refused)), ex_unavailable);
  EXPECT_EQ(exit_code_for(make_error_code(error::insecure_url)), ex_config);
  EXPECT_EQ(exit_code_for(make_error_code(error::malformed_response)), ex_protocol);
  EXPECT_EQ(exit_code_for(make_error_code(error::response_too_large)), ex_protocol);
  EXPECT_TRUE(is_queueable(make_error_code(error::server_error)));
  EXPECT_FALSE(is_queueable(make_error_code(error::malformed_response)));
  EXPECT_FALSE(is_queueable(make_error_code(error::redirect_refused)));
  // The endpoint, not the SMTP server, is named; the code still decides the exit status.
  const token_endpoint_error tls(make_error_code(transport::error::certificate_verify_failed),
                                 "OAuth2 token endpoint https://t.example/token: TLS failed");
  EXPECT_EQ(describe_failure(tls, "smtp.example:587"),
            "OAuth2 token endpoint https://t.example/token: TLS failed: "
            "server certificate verification failed");
  EXPECT_EQ(exit_code_for(tls), ex_noperm);
  const token_endpoint_error slow(make_error_code(transport::error::timeout), "endpoint slow");
  EXPECT_EQ(exit_code_for(slow), ex_tempfail);
  EXPECT_TRUE(is_queueable(slow));
}

}  // namespace
}  // namespace inet::mail
