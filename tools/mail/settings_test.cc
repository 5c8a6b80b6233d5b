#include "tools/mail/settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace inet::mail {
namespace {

using ::testing::HasSubstr;

account_settings base() {
  account_settings s;
  s.host = "smtp.example.org";
  return s;
}

std::string refusal(const account_settings& s, bool tls_off_cli = false) {
  try {
    resolve_account(s, tls_off_cli);
  } catch (const setting_error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(Settings, DefaultsFollowMsmtp) {
  const resolved_account r = resolve_account(base(), false);
  EXPECT_EQ(r.client.host, "smtp.example.org");
  EXPECT_EQ(r.client.port, 25);
  EXPECT_EQ(r.client.security, smtp::security::starttls);
  EXPECT_FALSE(r.client.policy.has_value());  // the client's secure default
  EXPECT_FALSE(r.wants_auth);
  EXPECT_FALSE(r.client.tls.dangerous_skip_verification);
  EXPECT_EQ(r.server(), "smtp.example.org:25");
}

TEST(Settings, TlsModes) {
  account_settings s = base();
  s.tls = true;
  EXPECT_EQ(resolve_account(s, false).client.policy, transport::tls_policy::required);
  s.tls_starttls = false;
  const resolved_account implicit = resolve_account(s, false);
  EXPECT_EQ(implicit.client.security, smtp::security::implicit_tls);
  EXPECT_EQ(implicit.client.port, 465);
  s.port = 2465;
  EXPECT_EQ(resolve_account(s, false).client.port, 2465);
  s = base();
  s.tls = false;
  EXPECT_EQ(resolve_account(s, false).client.policy, transport::tls_policy::none);
  s.tls_certcheck = false;
  s.tls_trust_file = "/ca.pem";
  s.tls_host_override = "mx.example.org";
  const resolved_account r = resolve_account(s, false);
  EXPECT_TRUE(r.client.tls.dangerous_skip_verification);
  EXPECT_EQ(r.client.tls.ca_file, "/ca.pem");
  EXPECT_EQ(r.client.tls.server_name, "mx.example.org");
  s.tls_cert_file = "/c.pem";
  EXPECT_THAT(refusal(s), HasSubstr("together"));
}

TEST(Settings, AuthNeedsUserAndSecret) {
  account_settings s = base();
  s.auth = "on";
  EXPECT_THAT(refusal(s), HasSubstr("needs a user name"));
  s.user = "alice";
  EXPECT_THAT(refusal(s), HasSubstr("no password for user 'alice'"));
  s.passwordeval = "echo secret";
  const resolved_account r = resolve_account(s, false);
  EXPECT_TRUE(r.wants_auth);
  EXPECT_EQ(r.client.credentials.username, "alice");
  EXPECT_TRUE(r.client.auth_mechanism.empty());
  s.auth = "off";
  EXPECT_FALSE(resolve_account(s, false).wants_auth);
  s.auth = "scram-sha-256";
  EXPECT_EQ(resolve_account(s, false).client.auth_mechanism, "SCRAM-SHA-256");
}

TEST(Settings, UserWithoutAuthKeyMeansAuth) {
  account_settings s = base();
  s.user = "alice";
  s.password = "pw";
  resolved_account r = resolve_account(s, false);
  EXPECT_TRUE(r.wants_auth);
  int calls = 0;
  load_secrets(r, [&](const std::string&) {
    ++calls;
    return std::string("other");
  });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(r.client.credentials.password, "pw");
}

TEST(Settings, PasswordevalRunsTheCommand) {
  account_settings s = base();
  s.user = "alice";
  s.passwordeval = "pass show mail";
  resolved_account r = resolve_account(s, false);
  std::string seen;
  load_secrets(r, [&](const std::string& cmd) {
    seen = cmd;
    return std::string("s3cret");
  });
  EXPECT_EQ(seen, "pass show mail");
  EXPECT_EQ(r.client.credentials.password, "s3cret");
}

TEST(Settings, OAuthUsesTokenProvider) {
  account_settings s = base();
  s.user = "alice@example.org";
  s.auth = "xoauth2";
  s.password = "ya29.token";
  resolved_account r = resolve_account(s, false);
  EXPECT_TRUE(r.oauth);
  load_secrets(r, [](const std::string&) -> std::string { throw std::logic_error("no"); });
  ASSERT_NE(r.client.token_provider, nullptr);
  EXPECT_EQ(r.client.token_provider->token(), "ya29.token");
  EXPECT_TRUE(r.client.credentials.password.empty());
  EXPECT_EQ(r.client.auth_mechanism, "XOAUTH2");
}

TEST(Settings, NeverSendsCredentialsInClearUnlessAskedOnCommandLine) {
  account_settings s = base();
  s.tls = false;
  s.user = "alice";
  s.password = "pw";
  EXPECT_THAT(refusal(s), HasSubstr("without TLS"));
  const resolved_account r = resolve_account(s, true);
  EXPECT_TRUE(r.cleartext_auth_allowed);
  // Implicit TLS or required STARTTLS is fine.
  s.tls = true;
  EXPECT_FALSE(resolve_account(s, false).cleartext_auth_allowed);
}

TEST(Settings, RefusesInjection) {
  account_settings s = base();
  s.domain = "client.example\r\nMAIL FROM:<x>";
  EXPECT_THAT(refusal(s), HasSubstr("EHLO"));
  s = base();
  s.domain = "two words";
  EXPECT_THAT(refusal(s), HasSubstr("EHLO"));
  s = base();
  s.from = "a@b>\r\nRCPT TO:<c@d";
  EXPECT_THAT(refusal(s), HasSubstr("invalid sender"));
  s = base();
  s.host = "smtp.example.org\n";
  EXPECT_THAT(refusal(s), HasSubstr("host"));
  s = base();
  s.from = "";
  EXPECT_EQ(resolve_account(s, false).from, "");  // null sender
}

TEST(Settings, MissingHost) {
  EXPECT_THAT(refusal(account_settings{}), HasSubstr("no SMTP server"));
}

TEST(Settings, DsnProxyQueueTimeout) {
  account_settings s = base();
  s.dsn_notify = "failure,delay";
  s.dsn_return = "headers";
  s.proxy_host = "127.0.0.1";
  s.queue = "/var/q";
  s.timeout = std::chrono::seconds(10);
  resolved_account r = resolve_account(s, false);
  EXPECT_EQ(r.dsn_notify, "FAILURE,DELAY");
  EXPECT_EQ(r.dsn_ret, "HDRS");
  EXPECT_EQ(r.client.connect.proxy.type, transport::proxy_options::kind::socks5_remote);
  EXPECT_EQ(r.client.connect.proxy.port, 1080);
  EXPECT_EQ(r.queue, "/var/q");
  const auto now = std::chrono::steady_clock::now();
  arm_timeouts(r, now);
  EXPECT_EQ(r.client.connect.time.deadline, now + std::chrono::seconds(10));
  EXPECT_EQ(r.client.connect.time.connect, std::chrono::seconds(10));
  EXPECT_EQ(r.client.connect.time.idle, std::chrono::seconds(10));
  s.dsn_notify = "off";
  s.timeout = std::chrono::seconds(0);
  resolved_account off = resolve_account(s, false);
  EXPECT_EQ(off.dsn_notify, "");
  arm_timeouts(off, now);
  EXPECT_FALSE(off.client.connect.time.deadline.has_value());
}

}  // namespace
}  // namespace inet::mail
