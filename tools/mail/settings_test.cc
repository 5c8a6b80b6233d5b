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

TEST(Settings, LmtpUsesItsDefaultPort) {
  account_settings s = base();
  s.protocol = "lmtp";
  const resolved_account lmtp = resolve_account(s, false);
  EXPECT_TRUE(lmtp.client.lmtp);
  EXPECT_EQ(lmtp.client.port, 2003);  // msmtp's LMTP default
  s.port = 24;
  EXPECT_EQ(resolve_account(s, false).client.port, 24);
  EXPECT_FALSE(resolve_account(base(), false).client.lmtp);
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

account_settings oauth_refresh() {
  account_settings s = base();
  s.tls = true;
  s.user = "alice@example.org";
  s.auth = "xoauth2";
  s.oauth2_token_endpoint = "https://login.example/token";
  s.oauth2_client_id = "cid";
  s.oauth2_refresh_token_eval = "get-refresh";
  return s;
}

TEST(Settings, OAuth2RefreshFlowResolved) {
  account_settings s = oauth_refresh();
  s.passwordeval = "never-run";  // replaced by the refresh flow
  s.oauth2_tls_trust_file = "/ca.pem";
  const resolved_account r = resolve_account(s, false);
  ASSERT_TRUE(r.oauth2.has_value());
  EXPECT_EQ(r.oauth2->token_endpoint, "https://login.example/token");
  EXPECT_EQ(r.oauth2->client_id, "cid");
  EXPECT_EQ(r.oauth2->refresh_token_eval, "get-refresh");
  EXPECT_EQ(r.oauth2->tls_trust_file, "/ca.pem");
  EXPECT_TRUE(r.passwordeval.empty());
  EXPECT_TRUE(r.oauth);
  EXPECT_EQ(r.client.auth_mechanism, "XOAUTH2");
}

TEST(Settings, OAuth2RefreshFlowRequirements) {
  account_settings s = oauth_refresh();
  s.oauth2_client_id.reset();
  EXPECT_THAT(refusal(s), HasSubstr("needs oauth2_client_id"));
  s = oauth_refresh();
  s.oauth2_refresh_token_eval.reset();
  EXPECT_THAT(refusal(s), HasSubstr("needs oauth2_refresh_token or oauth2_refresh_token_eval"));
  s = oauth_refresh();
  s.oauth2_token_endpoint.reset();
  EXPECT_THAT(refusal(s), HasSubstr("need oauth2_token_endpoint"));
  for (const char* bad : {"http://login.example/token", "ftp://login.example/token",
                          "login.example/token", "https://login.example/\r\nX"}) {
    s = oauth_refresh();
    s.oauth2_token_endpoint = bad;
    EXPECT_THAT(refusal(s), HasSubstr("oauth2_token_endpoint")) << bad;
  }
  s = oauth_refresh();
  s.oauth2_token_endpoint = "http://127.0.0.1:8080/token";  // loopback: tests, local helpers
  EXPECT_TRUE(resolve_account(s, false).oauth2.has_value());
  s.auth = "oauthbearer";
  EXPECT_TRUE(resolve_account(s, false).oauth2.has_value());
}

TEST(Settings, OAuth2KeysIgnoredByOtherMethods) {
  account_settings s = oauth_refresh();
  s.auth = "plain";
  EXPECT_THAT(refusal(s), HasSubstr("oauth2_token_endpoint is used only with 'auth xoauth2'"));
  s.password = "pw";
  const resolved_account r = resolve_account(s, false);
  EXPECT_FALSE(r.oauth2.has_value());
  EXPECT_EQ(r.password, "pw");
}

TEST(Settings, OAuth2LoadSecretsBuildsRefreshProvider) {
  account_settings s = oauth_refresh();
  s.oauth2_client_secret_eval = "get-secret";
  s.oauth2_scope = "https://mail.google.com/";
  resolved_account r = resolve_account(s, false);
  std::vector<std::string> ran;
  std::vector<std::string> posts;
  load_secrets(
      r,
      [&](const std::string& cmd) {
        ran.push_back(cmd);
        return cmd == "get-secret" ? std::string("s3c") : std::string("1//rt");
      },
      [&](const std::string& url, const std::string& type, const std::string& body) {
        posts.push_back(url + " " + type + " " + body);
        return std::string(R"({"access_token":"ya29.t","token_type":"Bearer"})");
      });
  EXPECT_EQ(ran, (std::vector<std::string>{"get-secret", "get-refresh"}));
  EXPECT_TRUE(posts.empty());  // fetched only when AUTH needs it
  ASSERT_NE(r.client.token_provider, nullptr);
  EXPECT_EQ(r.client.token_provider->token(), "ya29.t");
  EXPECT_EQ(posts, (std::vector<std::string>{
                       "https://login.example/token application/x-www-form-urlencoded "
                       "grant_type=refresh_token&refresh_token=1%2F%2Frt&client_id=cid"
                       "&client_secret=s3c&scope=https%3A%2F%2Fmail.google.com%2F"}));
  EXPECT_TRUE(r.client.credentials.password.empty());
}

TEST(Settings, OAuth2InlineSecretsWinOverEval) {
  account_settings s = oauth_refresh();
  s.oauth2_refresh_token = "inline-rt";
  s.oauth2_client_secret = "inline-cs";
  s.oauth2_client_secret_eval = "get-secret";
  resolved_account r = resolve_account(s, false);
  std::string body;
  load_secrets(
      r, [](const std::string&) -> std::string { throw std::logic_error("no command"); },
      [&](const std::string&, const std::string&, const std::string& b) {
        body = b;
        return std::string(R"({"access_token":"t","token_type":"Bearer"})");
      });
  EXPECT_EQ(r.client.token_provider->token(), "t");
  EXPECT_EQ(body, "grant_type=refresh_token&refresh_token=inline-rt&client_id=cid"
                  "&client_secret=inline-cs");
}

}  // namespace
}  // namespace inet::mail
