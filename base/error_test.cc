// The cross-protocol conditions against the codes each layer really produces: asio's socket and
// resolver errors (recognised in base/error.cc without linking asio), the transport's own codes,
// and inet::exception's message.
#include "base/error.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>

namespace inet {
namespace {

namespace ae = boost::asio::error;

std::error_code from_asio(boost::system::error_code ec) { return ec; }

TEST(Condition, AsioConnectAndResolveFailuresAreConnectionFailed) {
  for (const auto& ec :
       {from_asio(ae::connection_refused), from_asio(ae::host_not_found),
        from_asio(ae::host_not_found_try_again), from_asio(ae::network_unreachable),
        from_asio(ae::host_unreachable), from_asio(ae::timed_out)})
    EXPECT_TRUE(ec == condition::connection_failed) << ec.message();
}

TEST(Condition, OtherAsioErrorsAreNotConnectionFailed) {
  for (const auto& ec : {from_asio(ae::eof), from_asio(ae::connection_reset),
                         from_asio(ae::service_not_found), from_asio(ae::no_data),
                         from_asio(ae::operation_aborted)})
    EXPECT_FALSE(ec == condition::connection_failed) << ec.message();
}

TEST(Condition, TransportCodesMapToTheirConditions) {
  using transport::error;
  EXPECT_TRUE(make_error_code(error::connect_timeout) == condition::timeout);
  EXPECT_TRUE(make_error_code(error::resolve_failed) == condition::connection_failed);
  EXPECT_TRUE(make_error_code(error::certificate_verify_failed) == condition::tls_failure);
  EXPECT_TRUE(make_error_code(error::tls_required) == condition::tls_required);
  EXPECT_TRUE(make_error_code(error::starttls_injection) == condition::protocol_violation);
  EXPECT_FALSE(make_error_code(error::invalid_argument) == condition::protocol_violation);
  EXPECT_STREQ(transport::transport_category().name(), "inet.transport");
}

TEST(Exception, KeepsOperationAndReplyText) {
  const exception e(make_error_code(transport::error::timeout), "MAIL FROM", "451 try later");
  EXPECT_EQ(e.operation(), "MAIL FROM");
  EXPECT_EQ(e.reply_text(), "451 try later");
  EXPECT_NE(std::string(e.what()).find("MAIL FROM: 451 try later"), std::string::npos);
}

}  // namespace
}  // namespace inet
