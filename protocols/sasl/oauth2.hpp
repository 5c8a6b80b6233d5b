// OAuth2 access tokens for XOAUTH2/OAUTHBEARER: static, command-produced (msmtp-style), and
// refreshed from a refresh token at the provider's token endpoint (RFC 6749 §6).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "protocols/sasl/mechanism.hpp"

namespace inet::sasl {

/// An access token and the instant it stops being valid.
struct oauth2_token {
  std::string access_token;
  std::chrono::system_clock::time_point expires_at;
  std::string refresh_token;  ///< a rotated refresh token from the reply (RFC 6749 §6), else empty
};

/// Source of access tokens. Thread-compatible: one thread at a time per provider (the clients
/// call it from one coroutine at a time; async_token's default runs token() on another thread).
class token_provider {
 public:
  virtual ~token_provider() = default;
  /// Returns a valid access token: the cached one unless it expires within 60 seconds or
  /// `force_refresh` (use after the server rejected the token: mechanism::token_rejected()).
  /// Throws std::system_error (error::command_failed, error::token_refresh_failed, or the
  /// transport's own std::system_error from an http_post_fn).
  virtual std::string token(bool force_refresh = false) = 0;

  /// The same token without blocking the caller's executor: fetching or refreshing one (an
  /// HTTPS POST, a password command) may take seconds while other connections run on the same
  /// io_context. The protocol clients co_await this, never token(). The default runs token() on
  /// a small shared background thread pool (2 threads) and resumes on the awaiting coroutine's
  /// executor; exceptions from token() propagate unchanged. Providers that have the token at
  /// hand (static) or can fetch it asynchronously override it.
  virtual boost::asio::awaitable<std::string> async_token(bool force_refresh = false);
};

/// Clock used for expiry decisions; an empty function means std::chrono::system_clock::now.
using clock_fn = std::function<std::chrono::system_clock::time_point()>;

/// Always returns `token` (no expiry, force_refresh has no effect).
std::unique_ptr<token_provider> make_static_token_provider(std::string token);

/// Produces a fresh token (blocking; it runs on async_token's background pool when a client asks).
/// Throws std::system_error.
using token_fetch_fn = std::function<std::string()>;

/// Calls `fetch` when no cached token is valid for 60 more seconds or on force_refresh, and
/// caches its result for `ttl`. (The password-command provider of the tools, msmtp's
/// passwordeval, is built on this: tools/common/password_command.hpp.)
std::unique_ptr<token_provider> make_caching_token_provider(
    token_fetch_fn fetch, std::chrono::seconds ttl = std::chrono::minutes(50), clock_fn now = {});

/// Token endpoint parameters (RFC 6749 §6). `client_secret` and `scope` are sent only if
/// non-empty.
struct refresh_config {
  std::string token_endpoint, client_id, client_secret, refresh_token, scope;
};

/// POSTs `body` with `content_type` to `url` over HTTPS and returns the response body. Should
/// return the body of 400/401 replies too (RFC 6749 §5.2 errors arrive that way) so the provider's
/// error text can be reported; throws on transport failure.
using http_post_fn = std::function<std::string(const std::string& url,
                                               const std::string& content_type,
                                               const std::string& body)>;

/// The application/x-www-form-urlencoded refresh request body:
/// `grant_type=refresh_token&refresh_token=..&client_id=..[&client_secret=..][&scope=..]`, values
/// percent-encoded (everything but RFC 3986 unreserved characters, upper-case hex).
std::string refresh_request_body(const refresh_config& cfg);

/// Parses a token endpoint reply (RFC 6749 §5.1 success / §5.2 error JSON, at most 1 MiB).
/// `expires_in` (seconds; JSON number or digit string, clamped to [0, 1 year]; 3600 if absent) is
/// added to `now`. Throws std::system_error(error::token_refresh_failed) for invalid JSON, an
/// `error` member (message carries error and error_description), a missing/empty/non-string
/// access_token or one with spaces/controls, or a token_type other than "Bearer".
oauth2_token parse_token_response(std::string_view json,
                                  std::chrono::system_clock::time_point now);

/// Refreshes via `post(cfg.token_endpoint, "application/x-www-form-urlencoded",
/// refresh_request_body(cfg))` when no cached token is valid for 60 more seconds or on
/// force_refresh; adopts a rotated refresh_token for later refreshes. Exceptions from `post`
/// that are std::system_error propagate unchanged; others become error::token_refresh_failed.
std::unique_ptr<token_provider> make_refresh_token_provider(refresh_config cfg, http_post_fn post,
                                                            clock_fn now = {});

/// The asynchronous form of http_post_fn (same contract), run on the awaiting coroutine's
/// executor. The arguments stay valid until the returned awaitable completes.
using async_http_post_fn = std::function<boost::asio::awaitable<std::string>(
    const std::string& url, const std::string& content_type, const std::string& body)>;

/// As make_refresh_token_provider, but async_token() co_awaits `post` on the caller's executor
/// (no background thread); the blocking token() runs `post` on a private io_context.
std::unique_ptr<token_provider> make_async_refresh_token_provider(refresh_config cfg,
                                                                  async_http_post_fn post,
                                                                  clock_fn now = {});

}  // namespace inet::sasl
