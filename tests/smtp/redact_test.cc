// SMTP's trace redactor (protocols/smtp/redact.cc): the same output as the transport's former
// built-in redaction gave for SMTP's commands.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "protocols/smtp/internal.hpp"

namespace inet::smtp {
namespace {

using detail::redact_trace;

TEST(SmtpRedact, AuthKeepsTheMechanism) {
  EXPECT_EQ(redact_trace("AUTH PLAIN dGVzdA=="), "AUTH PLAIN <redacted>");
  EXPECT_EQ(redact_trace("auth plain dGVzdA=="), "auth plain <redacted>");
  EXPECT_EQ(redact_trace("AUTH  PLAIN   c2VjcmV0"), "AUTH  PLAIN   <redacted>");
  EXPECT_EQ(redact_trace("AUTH XOAUTH2 dXNlcj1ib2IBYXV0aD1CZWFyZXIgeHl6AQE="),
            "AUTH XOAUTH2 <redacted>");
}

TEST(SmtpRedact, AuthWithoutInitialResponseIsUnchanged) {
  EXPECT_EQ(redact_trace("AUTH LOGIN"), std::nullopt);
  EXPECT_EQ(redact_trace("AUTH"), std::nullopt);
}

TEST(SmtpRedact, OrdinaryCommandsAreUnchanged) {
  for (const char* s : {"MAIL FROM:<a@example.org>", "RCPT TO:<b@example.org>",
                        "EHLO client.example", "", "DATA", "QUIT", "AUTHX PLAIN x"})
    EXPECT_EQ(redact_trace(s), std::nullopt) << s;
}

}  // namespace
}  // namespace inet::smtp
