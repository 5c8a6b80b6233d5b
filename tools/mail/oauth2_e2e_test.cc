// `inet mail` with the OAuth2 refresh flow: a mock HTTPS token endpoint (RFC 6749 §6) and a
// mock SMTP server taking AUTH XOAUTH2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "protocols/codec/base64.hpp"
#include "tests/mock/server.hpp"
#include "tools/mail/mail_command.hpp"
#include "tools/mail/sysexits.hpp"

namespace inet::mail {
namespace {

namespace fs = std::filesystem;
using inet::test::cert_kind;
using inet::test::mock_server;
using inet::test::script;
using inet::test::server_options;
using inet::test::test_pki;
using ::testing::HasSubstr;

const std::string refresh_body =
    "grant_type=refresh_token&refresh_token=1%2F%2Frefresh&client_id=cid.apps&client_secret=sec"
    "&scope=https%3A%2F%2Fmail.google.com%2F";

fs::path temp_dir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path dir = fs::path(tmp ? tmp : "/tmp") / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

struct harness {
  std::string message = "To: b@y.org\r\nSubject: hi\r\n\r\nbody\r\n";
  std::ostringstream out, err;
  fs::path home = temp_dir("oauth_home");
  std::map<std::string, std::string> command_output = {{"get-refresh", "1//refresh"},
                                                       {"get-secret", "sec"}};
  std::vector<std::string> commands_run;

  int run(std::vector<std::string> args) {
    memory_source input(message);
    io_streams io;
    io.input = &input;
    io.out = &out;
    io.err = &err;
    io.env = [this](const std::string& n) -> std::optional<std::string> {
      if (n == "HOME") return home.string();
      return std::nullopt;
    };
    io.run_command = [this](const std::string& cmd) {
      commands_run.push_back(cmd);
      return command_output.at(cmd);
    };
    return run_mail(args, io);
  }
};

server_options tls_endpoint(cert_kind k = cert_kind::good) {
  server_options o;
  o.implicit_tls = true;
  o.cert = k;
  return o;
}

std::string token_json(const std::string& token) {
  const std::string json =
      R"({"access_token":")" + token + R"(","expires_in":3599,"token_type":"Bearer"})";
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(json.size()) + "\r\n\r\n" + json;
}

// One token request (checked afterwards through *body) answered with `reply`.
script& token_exchange(script& s, const std::string& reply, std::string* body = nullptr) {
  return s.expect_until("").expect_bytes(refresh_body.size(), body).send(reply).close();
}

std::string xoauth2_line(const std::string& token) {
  return "AUTH XOAUTH2 " +
         codec::base64_encode("user=alice@x.org\x01" "auth=Bearer " + token + "\x01\x01");
}

// The Gmail-style rejection: a 334 with error JSON, the client's empty line, then 535.
script& reject(script& s, const std::string& token) {
  return s.expect(xoauth2_line(token))
      .send("334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=\r\n")
      .expect("")
      .send("535 5.7.8 Username and Password not accepted\r\n");
}

script smtp_greeting() {
  return std::move(script()
                       .send("220 mock ESMTP\r\n")
                       .expect("EHLO client.example")
                       .send("250-mock\r\n250 AUTH PLAIN XOAUTH2\r\n"));
}

script& deliver(script& s) {
  return s.expect("MAIL FROM:<alice@x.org>").send("250 ok\r\n")
      .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
      .expect("DATA").send("354 go\r\n")
      .expect_until(".").send("250 queued\r\n")
      .expect("QUIT").send("221 bye\r\n").close();
}

std::vector<std::string> args_for(const mock_server& smtp, const mock_server& endpoint,
                                  std::vector<std::string> more = {}, bool trust = true) {
  std::vector<std::string> args = {
      "--host=" + smtp.host(), "--port=" + std::to_string(smtp.port()), "--tls=off",
      "--domain=client.example", "--auth=xoauth2", "--user=alice@x.org",
      "--oauth2-token-endpoint=https://127.0.0.1:" + std::to_string(endpoint.port()) + "/token",
      "--oauth2-client-id=cid.apps", "--oauth2-client-secret-eval=get-secret",
      "--oauth2-refresh-token-eval=get-refresh", "--oauth2-scope=https://mail.google.com/",
      "-f", "alice@x.org"};
  if (trust) args.push_back("--oauth2-tls-trust-file=" + test_pki::instance().ca_file());
  args.insert(args.end(), more.begin(), more.end());
  args.push_back("b@y.org");
  return args;
}

TEST(MailOAuth2, TokenFetchedAndUsedInXoauth2) {
  std::string body;
  script ep;
  mock_server endpoint(std::move(token_exchange(ep, token_json("ya29.one"), &body)),
                       tls_endpoint());
  script sm = smtp_greeting();
  sm.expect(xoauth2_line("ya29.one")).send("235 2.7.0 Accepted\r\n");
  mock_server smtp(std::move(deliver(sm)));
  harness h;
  EXPECT_EQ(h.run(args_for(smtp, endpoint)), ex_ok) << h.err.str();
  ASSERT_SCRIPT_OK(endpoint);
  EXPECT_SCRIPT_OK(smtp);
  EXPECT_EQ(body, refresh_body);
  EXPECT_EQ(h.commands_run, (std::vector<std::string>{"get-secret", "get-refresh"}));
}

TEST(MailOAuth2, RejectedTokenTriggersExactlyOneRefreshAndRetry) {
  std::string body1, body2;
  script ep;
  token_exchange(ep, token_json("ya29.old"), &body1).accept_next();
  token_exchange(ep, token_json("ya29.new"), &body2);
  mock_server endpoint(std::move(ep), tls_endpoint());
  script sm = smtp_greeting();
  reject(sm, "ya29.old").expect(xoauth2_line("ya29.new")).send("235 2.7.0 Accepted\r\n");
  mock_server smtp(std::move(deliver(sm)));
  harness h;
  EXPECT_EQ(h.run(args_for(smtp, endpoint)), ex_ok) << h.err.str();
  ASSERT_SCRIPT_OK(endpoint);
  EXPECT_SCRIPT_OK(smtp);
  EXPECT_EQ(body1, refresh_body);
  EXPECT_EQ(body2, refresh_body);
}

TEST(MailOAuth2, SecondRejectionFailsWithoutAThirdRefresh) {
  // The endpoint's listener closes after two exchanges: a third refresh would fail to connect
  // and exit 75 (temporary), not 77.
  script ep;
  token_exchange(ep, token_json("ya29.old")).accept_next();
  token_exchange(ep, token_json("ya29.new"));
  mock_server endpoint(std::move(ep), tls_endpoint());
  script sm = smtp_greeting();
  reject(sm, "ya29.old");
  reject(sm, "ya29.new").expect("QUIT").send("221 bye\r\n").close();
  mock_server smtp(std::move(sm));
  harness h;
  EXPECT_EQ(h.run(args_for(smtp, endpoint)), ex_noperm);
  EXPECT_THAT(h.err.str(), HasSubstr("authentication failed: 535 5.7.8"));
  EXPECT_SCRIPT_OK(endpoint);
  EXPECT_SCRIPT_OK(smtp);
}

TEST(MailOAuth2, RevokedRefreshTokenExitsNoPermWithProviderError) {
  const std::string json = R"({"error":"invalid_grant","error_description":"Token has been )"
                           R"(expired or revoked."})";
  script ep;
  token_exchange(ep, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                     "Content-Length: " + std::to_string(json.size()) + "\r\n\r\n" + json);
  mock_server endpoint(std::move(ep), tls_endpoint());
  mock_server smtp(smtp_greeting().expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(args_for(smtp, endpoint)), ex_noperm);
  EXPECT_THAT(h.err.str(), HasSubstr("invalid_grant"));
  EXPECT_THAT(h.err.str(), HasSubstr("Token has been expired or revoked."));
  EXPECT_THAT(h.err.str(), HasSubstr("the message was not sent"));
  EXPECT_SCRIPT_OK(endpoint);
  EXPECT_SCRIPT_OK(smtp);
}

TEST(MailOAuth2, EndpointServerErrorIsTemporaryAndQueued) {
  script ep;
  token_exchange(ep, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
  mock_server endpoint(std::move(ep), tls_endpoint());
  mock_server smtp(smtp_greeting().expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(args_for(smtp, endpoint)), ex_tempfail);
  const std::string url = "https://127.0.0.1:" + std::to_string(endpoint.port()) + "/token";
  EXPECT_THAT(h.err.str(),
              HasSubstr("inet mail: OAuth2 token endpoint " + url + ": HTTP 503 Service "
                        "Unavailable: the server answered with a 5xx error; the message was "
                        "not sent\n"));
  EXPECT_SCRIPT_OK(smtp);

  script ep2;
  token_exchange(ep2, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
  mock_server endpoint2(std::move(ep2), tls_endpoint());
  mock_server smtp2(smtp_greeting().expect("QUIT").send("221 bye\r\n").close());
  harness h2;
  const fs::path queue = temp_dir("oauth_queue");
  EXPECT_EQ(h2.run(args_for(smtp2, endpoint2, {"--queue=" + queue.string()})), ex_ok)
      << h2.err.str();
  EXPECT_THAT(h2.err.str(), HasSubstr("message queued"));
  EXPECT_SCRIPT_OK(smtp2);
}

TEST(MailOAuth2, EndpointCertificateCheckedAgainstSystemStoreByDefault) {
  script ep;
  token_exchange(ep, token_json("never"));
  mock_server endpoint(std::move(ep), tls_endpoint());
  mock_server smtp(smtp_greeting().expect("QUIT").send("221 bye\r\n").close());
  harness h;
  EXPECT_EQ(h.run(args_for(smtp, endpoint, {}, /*trust=*/false)), ex_noperm);
  EXPECT_THAT(h.err.str(), HasSubstr("inet mail: OAuth2 token endpoint https://127.0.0.1:"));
  EXPECT_THAT(h.err.str(), HasSubstr("certificate verification failed; the message was not"));
  EXPECT_EQ(endpoint.received(), "");  // nothing decrypted: no request reached the endpoint
}

TEST(MailOAuth2, ConfigFileKeysWithPermissionRule) {
  std::string body;
  script ep;
  mock_server endpoint(std::move(token_exchange(ep, token_json("ya29.file"), &body)),
                       tls_endpoint());
  script sm = smtp_greeting();
  sm.expect(xoauth2_line("ya29.file")).send("235 2.7.0 Accepted\r\n");
  mock_server smtp(std::move(deliver(sm)));
  harness h;
  const fs::path rc = h.home / "mailrc";
  std::ofstream(rc) << "account gmail\nhost " << smtp.host() << "\nport " << smtp.port()
                    << "\ntls off\ndomain client.example\nauth xoauth2\nuser alice@x.org\n"
                    << "from alice@x.org\n"
                    << "oauth2_token_endpoint https://127.0.0.1:" << endpoint.port() << "/token\n"
                    << "oauth2_client_id cid.apps\noauth2_client_secret sec\n"
                    << "oauth2_refresh_token 1//refresh\n"
                    << "oauth2_scope https://mail.google.com/\n"
                    << "oauth2_tls_trust_file " << test_pki::instance().ca_file() << "\n";
  ::chmod(rc.c_str(), 0644);
  EXPECT_EQ(h.run({"--config=" + rc.string(), "-a", "gmail", "--tls=off", "b@y.org"}),
            ex_config);
  EXPECT_THAT(h.err.str(), HasSubstr("must not have more than user permissions"));
  ::chmod(rc.c_str(), 0600);
  EXPECT_EQ(h.run({"--config=" + rc.string(), "-a", "gmail", "--tls=off", "b@y.org"}), ex_ok)
      << h.err.str();
  ASSERT_SCRIPT_OK(endpoint);
  EXPECT_SCRIPT_OK(smtp);
  EXPECT_EQ(body, refresh_body);
  EXPECT_TRUE(h.commands_run.empty());
}

TEST(MailOAuth2, IncompleteSettingsRefusedBeforeConnecting) {
  harness h;
  EXPECT_EQ(h.run({"--host=127.0.0.1", "--port=1", "--auth=xoauth2", "--user=alice@x.org",
                   "--oauth2-token-endpoint=https://127.0.0.1:1/token",
                   "--oauth2-refresh-token-eval=get-refresh", "-f", "alice@x.org", "b@y.org"}),
            ex_config);
  EXPECT_THAT(h.err.str(), HasSubstr("needs oauth2_client_id"));
  EXPECT_EQ(h.run({"--host=127.0.0.1", "--port=1", "--auth=xoauth2", "--user=alice@x.org",
                   "--oauth2-token-endpoint=http://oauth2.example/token",
                   "--oauth2-client-id=c", "--oauth2-refresh-token-eval=get-refresh", "-f",
                   "alice@x.org", "b@y.org"}),
            ex_config);
  EXPECT_THAT(h.err.str(), HasSubstr("must be an https:// URL"));
  EXPECT_TRUE(h.commands_run.empty());
}

}  // namespace
}  // namespace inet::mail
