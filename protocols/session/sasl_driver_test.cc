// The SASL driver through a scripted mock adapter: what it sends (command, responses, cancel)
// for each server step, the OAuth2 retry, and the downgrade/clear-text rules.
#include "protocols/session/sasl_driver.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <deque>

#include "protocols/codec/base64.hpp"
#include "protocols/session/test_support.hpp"

namespace inet::session {
namespace {

using kind = server_step::kind;
using testing::run;

server_step challenge(std::string b64) { return {kind::challenge, std::move(b64)}; }
server_step success(std::string b64 = {}) { return {kind::success, std::move(b64)}; }
server_step failure() { return {kind::failure, {}}; }

// Records every line the driver sends; plays the server's steps from a script.
class mock_adapter final : public sasl_adapter {
 public:
  std::deque<server_step> script;
  std::vector<std::string> sent;
  std::size_t max_ir = 1000;   // longest base64 initial response on the command line
  bool retry = true;           // retry_with_new_token's answer
  std::vector<bool> retry_asked_with;

  std::string_view command_word() const override { return "AUTH"; }
  bool initial_response_fits(std::string_view, std::size_t n) const override { return n <= max_ir; }
  boost::asio::awaitable<void> send_start(std::string_view mech,
                                          const std::optional<std::string>& ir) override {
    sent.push_back("AUTH " + std::string(mech) + (ir ? " " + *ir : ""));
    co_return;
  }
  boost::asio::awaitable<server_step> read_step() override {
    if (script.empty()) co_return failure();
    server_step s = script.front();
    script.pop_front();
    co_return s;
  }
  boost::asio::awaitable<void> send_response(std::string_view b64) override {
    sent.emplace_back(b64);
    co_return;
  }
  boost::asio::awaitable<void> cancel() override {
    sent.emplace_back("*");
    if (!script.empty()) script.pop_front();  // the server's reply to the cancel
    co_return;
  }
  bool retry_with_new_token(bool token_rejected) const override {
    const_cast<mock_adapter*>(this)->retry_asked_with.push_back(token_rejected);
    return retry;
  }
  [[noreturn]] void throw_failure(const std::string& what) override {
    throw std::system_error(code(auth_error::auth_failed), what);
  }
  std::error_code code(auth_error e) const override {
    switch (e) {
      case auth_error::auth_failed: return std::make_error_code(std::errc::permission_denied);
      case auth_error::auth_unavailable: return std::make_error_code(std::errc::function_not_supported);
      case auth_error::tls_required: return std::make_error_code(std::errc::operation_not_permitted);
      case auth_error::malformed: break;
    }
    return std::make_error_code(std::errc::bad_message);
  }
};

class recording_provider : public sasl::token_provider {
 public:
  std::string token(bool force_refresh) override {
    calls.push_back(force_refresh);
    return force_refresh ? "new-token" : "old-token";
  }
  std::vector<bool> calls;
};

sasl::credentials alice(std::string password = "secret") {
  sasl::credentials c;
  c.username = "alice";
  c.password = std::move(password);
  return c;
}

struct driver_test : ::testing::Test {
  boost::asio::io_context io;
  mock_adapter a;
  transport::trace tracer{"test"};

  // Runs the exchange; returns the error code it failed with (empty on success).
  std::error_code exchange(const std::string& mech, sasl::credentials creds,
                           sasl::token_provider* p = nullptr) {
    try {
      run(io, run_exchange(a, mech, std::move(creds), p, tracer));
    } catch (const std::system_error& e) {
      return e.code();
    }
    return {};
  }
};

TEST_F(driver_test, InitialResponseOnTheCommandLine) {
  a.script = {success()};
  EXPECT_EQ(exchange("PLAIN", alice()), std::error_code());
  EXPECT_EQ(a.sent, (std::vector<std::string>{"AUTH PLAIN AGFsaWNlAHNlY3JldA=="}));
}

TEST_F(driver_test, ServerFirstMechanismAnswersChallenges) {
  a.script = {challenge("VXNlcm5hbWU6"), challenge("UGFzc3dvcmQ6"), success()};
  EXPECT_EQ(exchange("LOGIN", alice()), std::error_code());
  EXPECT_EQ(a.sent, (std::vector<std::string>{"AUTH LOGIN", "YWxpY2U=", "c2VjcmV0"}));
}

TEST_F(driver_test, LineLimitMovesTheInitialResponseToTheFirstEmptyChallenge) {
  a.max_ir = 10;  // "AGFsaWNlAHNlY3JldA==" is 20 characters
  a.script = {challenge(""), success()};
  EXPECT_EQ(exchange("PLAIN", alice()), std::error_code());
  EXPECT_EQ(a.sent, (std::vector<std::string>{"AUTH PLAIN", "AGFsaWNlAHNlY3JldA=="}));
  // The limit is inclusive: exactly 20 fits.
  a.sent.clear();
  a.max_ir = 20;
  a.script = {success()};
  EXPECT_EQ(exchange("PLAIN", alice()), std::error_code());
  EXPECT_EQ(a.sent, (std::vector<std::string>{"AUTH PLAIN AGFsaWNlAHNlY3JldA=="}));
}

TEST_F(driver_test, BadBase64ChallengeIsCancelled) {
  a.script = {challenge("!!not base64!!"), failure()};
  EXPECT_EQ(exchange("LOGIN", alice()), std::errc::bad_message);
  EXPECT_EQ(a.sent, (std::vector<std::string>{"AUTH LOGIN", "*"}));
  EXPECT_TRUE(a.script.empty());
}

TEST_F(driver_test, MechanismStepFailureIsCancelledWithTheMechanismsError) {
  // SCRAM's server-first must carry r=<client nonce + server nonce>, s= and i=.
  a.script = {challenge(codec::base64_encode("not a scram message")), failure()};
  EXPECT_EQ(exchange("SCRAM-SHA-256", alice()), sasl::error::bad_challenge);
  ASSERT_EQ(a.sent.size(), 2u);
  EXPECT_EQ(a.sent[0].rfind("AUTH SCRAM-SHA-256 ", 0), 0u);
  EXPECT_EQ(a.sent[1], "*");
}

TEST_F(driver_test, SuccessWithoutServerProofIsRefused) {
  // SCRAM: the server never sent its signature (server-final), so complete() is false.
  a.script = {success()};
  EXPECT_EQ(exchange("SCRAM-SHA-256", alice()), sasl::error::server_signature_mismatch);
}

TEST_F(driver_test, FailureIsTheAdaptersError) {
  a.script = {failure()};
  EXPECT_EQ(exchange("PLAIN", alice()), std::errc::permission_denied);
  EXPECT_EQ(a.sent.size(), 1u);
}

constexpr const char* error_json_b64 =
    "eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21h"
    "aWwuZ29vZ2xlLmNvbS8ifQ==";
constexpr const char* xoauth_old = "AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBvbGQtdG9rZW4BAQ==";
constexpr const char* xoauth_new = "AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBuZXctdG9rZW4BAQ==";

sasl::credentials oauth_alice() {
  sasl::credentials c;
  c.username = "alice";
  c.oauth2_token = "old-token";
  return c;
}

TEST_F(driver_test, OAuth2ErrorChallengeRefreshesOnceAndRetries) {
  recording_provider p;
  a.script = {challenge(error_json_b64), failure(), success()};
  EXPECT_EQ(exchange("XOAUTH2", oauth_alice(), &p), std::error_code());
  EXPECT_EQ(a.sent, (std::vector<std::string>{xoauth_old, "", xoauth_new}));
  EXPECT_EQ(p.calls, (std::vector<bool>{true}));
  EXPECT_EQ(a.retry_asked_with, (std::vector<bool>{true}));  // the mechanism saw the error JSON
}

TEST_F(driver_test, OAuth2SecondFailureIsNotRetried) {
  recording_provider p;
  a.script = {challenge(error_json_b64), failure(), challenge(error_json_b64), failure(),
              success()};
  EXPECT_EQ(exchange("XOAUTH2", oauth_alice(), &p), std::errc::permission_denied);
  EXPECT_EQ(a.sent, (std::vector<std::string>{xoauth_old, "", xoauth_new, ""}));
  EXPECT_EQ(p.calls, (std::vector<bool>{true}));
  EXPECT_EQ(a.script.size(), 1u);  // the third attempt never happened
}

TEST_F(driver_test, OAuth2RetryOnlyWhenTheAdapterSaysTheFailureMayBeTheToken) {
  recording_provider p;
  a.retry = false;  // e.g. SMTP 454 temporary failure without an error challenge
  a.script = {failure()};
  EXPECT_EQ(exchange("XOAUTH2", oauth_alice(), &p), std::errc::permission_denied);
  EXPECT_EQ(a.retry_asked_with, (std::vector<bool>{false}));
  EXPECT_TRUE(p.calls.empty());
  EXPECT_EQ(a.sent.size(), 1u);
}

TEST_F(driver_test, NoRetryWithoutProviderOrForPasswordMechanisms) {
  a.script = {challenge(error_json_b64), failure(), success()};
  EXPECT_EQ(exchange("XOAUTH2", oauth_alice()), std::errc::permission_denied);
  recording_provider p;
  a.sent.clear();
  a.script = {failure(), success()};
  EXPECT_EQ(exchange("PLAIN", alice(), &p), std::errc::permission_denied);
  EXPECT_EQ(a.sent.size(), 1u);
  EXPECT_TRUE(p.calls.empty());
}

TEST_F(driver_test, NoFallbackToAnotherMechanismAfterAFailedExchange) {
  const std::vector<std::string> offered{"PLAIN", "LOGIN", "CRAM-MD5"};
  const auto mech = pick_mechanism(a, offered, "", alice());
  ASSERT_EQ(mech, "CRAM-MD5");
  a.script = {challenge("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"), failure(),
              success()};
  EXPECT_EQ(exchange(*mech, alice()), std::errc::permission_denied);
  ASSERT_EQ(a.sent.size(), 2u);  // AUTH CRAM-MD5 and its response; no AUTH PLAIN/LOGIN after it
  EXPECT_EQ(a.sent[0], "AUTH CRAM-MD5");
}

TEST_F(driver_test, PickMechanism) {
  const std::vector<std::string> offered{"PLAIN", "LOGIN"};
  EXPECT_EQ(pick_mechanism(a, offered, "login", alice()), "LOGIN");  // forced, any case
  try {
    (void)pick_mechanism(a, offered, "CRAM-MD5", alice());
    ADD_FAILURE() << "a forced mechanism that is not offered was accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::function_not_supported);
  }
  // Offers unknown (POP3 without CAPA): the forced mechanism is tried.
  EXPECT_EQ(pick_mechanism(a, {}, "CRAM-MD5", alice(), false), "CRAM-MD5");
  EXPECT_EQ(pick_mechanism(a, offered, "", alice()), "PLAIN");
  const std::vector<std::string> gss{"GSSAPI"};
  EXPECT_EQ(pick_mechanism(a, gss, "", alice()), std::nullopt);
}

TEST_F(driver_test, ClearTextRule) {
  const auto creds = alice();
  for (const char* m : {"PLAIN", "LOGIN"}) {
    try {
      check_clear_text(a, m, creds, false);
      ADD_FAILURE() << m << " allowed in clear";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), std::errc::operation_not_permitted) << m;
    }
    EXPECT_NO_THROW(check_clear_text(a, m, creds, true)) << m;
  }
  EXPECT_NO_THROW(check_clear_text(a, "CRAM-MD5", creds, false));
  EXPECT_NO_THROW(check_clear_text(a, "SCRAM-SHA-256", creds, false));
  EXPECT_THROW(check_clear_text(a, "XOAUTH2", oauth_alice(), false), std::system_error);
}

}  // namespace
}  // namespace inet::session
