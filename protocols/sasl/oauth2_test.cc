// Refresh-token provider (RFC 6749 §6) with an injected HTTP client and clock.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "protocols/sasl/oauth2.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace inet::sasl {
namespace {

using namespace std::chrono_literals;
using sys_clock = std::chrono::system_clock;

struct fake_endpoint {
  struct call {
    std::string url, content_type, body;
  };
  std::vector<call> calls;
  std::vector<std::string> replies;

  http_post_fn fn() {
    return [this](const std::string& url, const std::string& type, const std::string& body) {
      calls.push_back({url, type, body});
      if (calls.size() > replies.size()) throw std::runtime_error("no reply scripted");
      return replies[calls.size() - 1];
    };
  }
};

refresh_config google_config() {
  return {"https://oauth2.googleapis.com/token", "123-abc.apps.googleusercontent.com",
          "s3cr&t=+/", "1//0g-refresh/token+x", "https://mail.google.com/"};
}

void expect_refresh_failed(const std::string& reply, const std::string& needle = {}) {
  try {
    parse_token_response(reply, sys_clock::time_point{});
    ADD_FAILURE() << "accepted: " << reply;
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::token_refresh_failed)) << reply;
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(RefreshRequestBody, ExactFormEncoding) {
  EXPECT_EQ(refresh_request_body(google_config()),
            "grant_type=refresh_token&refresh_token=1%2F%2F0g-refresh%2Ftoken%2Bx"
            "&client_id=123-abc.apps.googleusercontent.com&client_secret=s3cr%26t%3D%2B%2F"
            "&scope=https%3A%2F%2Fmail.google.com%2F");
}

TEST(RefreshRequestBody, OptionalFieldsOmitted) {
  refresh_config cfg{"https://login.example/token", "cid", "", "rt", ""};
  EXPECT_EQ(refresh_request_body(cfg), "grant_type=refresh_token&refresh_token=rt&client_id=cid");
  cfg.scope = "a b";
  EXPECT_EQ(refresh_request_body(cfg),
            "grant_type=refresh_token&refresh_token=rt&client_id=cid&scope=a%20b");
}

TEST(RefreshProvider, PostsFormAndCachesUntilExpiry) {
  fake_endpoint server;
  server.replies = {R"({"access_token":"ya29.first","expires_in":3599,"token_type":"Bearer"})",
                    R"({"access_token":"ya29.second","expires_in":"3600"})"};
  auto now = sys_clock::time_point{} + 1000h;
  auto provider = make_refresh_token_provider(google_config(), server.fn(), [&] { return now; });
  EXPECT_EQ(provider->token(), "ya29.first");
  ASSERT_EQ(server.calls.size(), 1u);
  EXPECT_EQ(server.calls[0].url, "https://oauth2.googleapis.com/token");
  EXPECT_EQ(server.calls[0].content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(server.calls[0].body, refresh_request_body(google_config()));

  now += 3599s - 61s;  // 61 s of validity left
  EXPECT_EQ(provider->token(), "ya29.first");
  EXPECT_EQ(server.calls.size(), 1u);
  now += 1s;  // 60 s left: refresh
  EXPECT_EQ(provider->token(), "ya29.second");
  EXPECT_EQ(server.calls.size(), 2u);
}

TEST(RefreshProvider, ForceRefreshAndRotatedRefreshToken) {
  fake_endpoint server;
  server.replies = {R"({"access_token":"a1","expires_in":3600,"refresh_token":"rotated"})",
                    R"({"access_token":"a2","expires_in":3600})"};
  auto provider = make_refresh_token_provider(google_config(), server.fn());
  EXPECT_EQ(provider->token(), "a1");
  EXPECT_EQ(provider->token(true), "a2");
  ASSERT_EQ(server.calls.size(), 2u);
  EXPECT_NE(server.calls[1].body.find("refresh_token=rotated&"), std::string::npos);
}

TEST(RefreshProvider, ErrorJsonReported) {
  fake_endpoint server;
  server.replies = {
      R"({"error":"invalid_grant","error_description":"Token has been expired or revoked."})"};
  auto provider = make_refresh_token_provider(google_config(), server.fn());
  try {
    provider->token();
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::token_refresh_failed));
    EXPECT_NE(std::string(e.what()).find("invalid_grant: Token has been expired or revoked."),
              std::string::npos)
        << e.what();
  }
}

TEST(RefreshProvider, TransportFailures) {
  auto provider = make_refresh_token_provider(
      google_config(), [](const std::string&, const std::string&, const std::string&) -> std::string {
        throw std::runtime_error("connection refused");
      });
  try {
    provider->token();
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::token_refresh_failed));
    EXPECT_NE(std::string(e.what()).find("connection refused"), std::string::npos);
  }
  const auto timeout = std::make_error_code(std::errc::timed_out);
  auto provider2 = make_refresh_token_provider(
      google_config(),
      [&](const std::string&, const std::string&, const std::string&) -> std::string {
        throw std::system_error(timeout);
      });
  try {
    provider2->token();
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), timeout);  // transport errors propagate unchanged
  }
}

TEST(RefreshProvider, RejectsPlainHttpAndMissingFields) {
  fake_endpoint server;
  auto cfg = google_config();
  cfg.token_endpoint = "http://oauth2.googleapis.com/token";
  EXPECT_THROW(make_refresh_token_provider(cfg, server.fn()), std::system_error);
  cfg.token_endpoint = "not a url";
  EXPECT_THROW(make_refresh_token_provider(cfg, server.fn()), std::system_error);
  cfg.token_endpoint = "http://127.0.0.1:8080/token";  // loopback test servers are allowed
  EXPECT_NO_THROW(make_refresh_token_provider(cfg, server.fn()));
  cfg = google_config();
  cfg.refresh_token.clear();
  EXPECT_THROW(make_refresh_token_provider(cfg, server.fn()), std::system_error);
  EXPECT_THROW(make_refresh_token_provider(google_config(), nullptr), std::system_error);
}

TEST(ParseTokenResponse, Expiry) {
  const auto t0 = sys_clock::time_point{} + 1000h;
  EXPECT_EQ(parse_token_response(R"({"access_token":"a","expires_in":120})", t0).expires_at,
            t0 + 120s);
  EXPECT_EQ(parse_token_response(R"({"access_token":"a"})", t0).expires_at, t0 + 3600s);
  EXPECT_EQ(parse_token_response(R"({"access_token":"a","expires_in":-5})", t0).expires_at, t0);
  EXPECT_EQ(parse_token_response(R"({"access_token":"a","expires_in":1e300})", t0).expires_at,
            t0 + std::chrono::seconds(365LL * 24 * 3600));
  EXPECT_EQ(
      parse_token_response(R"({"access_token":"a","expires_in":18446744073709551615})", t0)
          .expires_at,
      t0 + std::chrono::seconds(365LL * 24 * 3600));
}

TEST(ParseTokenResponse, MalformedReplies) {
  expect_refresh_failed("", "JSON");
  expect_refresh_failed("[1,2]", "JSON");
  expect_refresh_failed(R"({"access_token":"a")", "JSON");
  expect_refresh_failed(R"({"expires_in":3600})", "access_token");
  expect_refresh_failed(R"({"access_token":""})", "access_token");
  expect_refresh_failed(R"({"access_token":42})", "access_token");
  expect_refresh_failed(R"({"access_token":"a b"})", "access_token");
  expect_refresh_failed(R"({"access_token":"a\u0001"})", "access_token");
  expect_refresh_failed(R"({"access_token":"a","token_type":"mac"})", "token_type");
  expect_refresh_failed(R"({"access_token":"a","expires_in":"soon"})", "expires_in");
  expect_refresh_failed(R"({"access_token":"a","expires_in":true})", "expires_in");
  expect_refresh_failed(R"({"error":"invalid_client"})", "invalid_client");
  // Error text is sanitized: control characters never reach the message.
  expect_refresh_failed(R"({"error":"bad\r\nInjected: yes"})", "bad??Injected");
  expect_refresh_failed(std::string(1024 * 1024 + 1, ' '), "1 MiB");
}

}  // namespace
}  // namespace inet::sasl

namespace inet::sasl {
namespace {

// The asynchronous refresh provider: async_token() co_awaits the POST on the caller's
// executor; token() still works (private io_context); the cache and rotation are shared.
TEST(AsyncRefreshProvider, PostsOnTheCallersExecutorAndCaches) {
  std::vector<std::string> bodies;
  std::vector<std::string> replies{
      R"({"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-2"})",
      R"({"access_token":"at-2","token_type":"Bearer","expires_in":3600})"};
  async_http_post_fn post = [&](const std::string& url, const std::string& type,
                                const std::string& body) -> boost::asio::awaitable<std::string> {
    EXPECT_EQ(url, "https://oauth2.googleapis.com/token");
    EXPECT_EQ(type, "application/x-www-form-urlencoded");
    bodies.push_back(body);
    if (bodies.size() > replies.size()) throw std::runtime_error("no reply scripted");
    co_return replies[bodies.size() - 1];
  };
  const sys_clock::time_point t0 = sys_clock::time_point{} + 1000h;
  auto p = make_async_refresh_token_provider(
      {"https://oauth2.googleapis.com/token", "cid", "", "rt-1", ""}, post, [&] { return t0; });
  boost::asio::io_context io;
  auto run = [&](bool force) {
    auto fut = boost::asio::co_spawn(io, p->async_token(force), boost::asio::use_future);
    io.restart();
    io.run();
    return fut.get();
  };
  EXPECT_EQ(run(false), "at-1");
  EXPECT_EQ(run(false), "at-1");  // cached
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(run(true), "at-2");  // forced; uses the rotated refresh token
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_NE(bodies[1].find("refresh_token=rt-2"), std::string::npos) << bodies[1];
  EXPECT_EQ(p->token(false), "at-2");  // the blocking form shares the cache
  try {
    p->token(true);  // no third reply: a non-system_error failure of the POST
    ADD_FAILURE() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::token_refresh_failed);
  }
}

}  // namespace
}  // namespace inet::sasl
