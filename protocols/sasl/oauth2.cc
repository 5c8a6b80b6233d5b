#include "protocols/sasl/oauth2.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/grammar/ci_string.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "protocols/sasl/internal.hpp"

namespace inet::sasl {
namespace {

using sys_clock = std::chrono::system_clock;
constexpr auto safety_margin = std::chrono::seconds(60);
constexpr std::int64_t max_expires_in = 365LL * 24 * 3600;
constexpr std::int64_t default_expires_in = 3600;
constexpr std::size_t max_reply = 1024 * 1024;

[[noreturn]] void fail_refresh(const std::string& what) {
  detail::fail(error::token_refresh_failed, "OAuth2 token refresh: " + what);
}

// Server-supplied text for an exception message: bounded, printable ASCII only.
std::string sanitize(std::string_view text) {
  std::string out;
  for (char ch : text.substr(0, 300)) out += (ch >= 0x20 && ch < 0x7F) ? ch : '?';
  return out;
}

std::string string_member(const boost::json::object& obj, std::string_view key) {
  const auto* v = obj.if_contains(key);
  if (v == nullptr) return {};
  if (const auto* s = v->if_string()) return std::string(s->data(), s->size());
  return boost::json::serialize(*v);
}

std::int64_t parse_expires_in(const boost::json::value* v) {
  if (v == nullptr) return default_expires_in;
  std::int64_t seconds = 0;
  if (const auto* i = v->if_int64()) seconds = *i;
  else if (const auto* u = v->if_uint64()) seconds = *u > static_cast<std::uint64_t>(max_expires_in) ? max_expires_in : static_cast<std::int64_t>(*u);
  else if (const auto* d = v->if_double()) {
    if (!std::isfinite(*d)) fail_refresh("invalid expires_in");
    seconds = static_cast<std::int64_t>(std::clamp(*d, 0.0, static_cast<double>(max_expires_in)));
  } else if (const auto* s = v->if_string()) {
    const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), seconds);
    if (ec == std::errc::result_out_of_range) seconds = max_expires_in;
    else if (ec != std::errc{} || end != s->data() + s->size() || s->empty())
      fail_refresh("invalid expires_in");
  } else {
    fail_refresh("invalid expires_in");
  }
  return std::clamp<std::int64_t>(seconds, 0, max_expires_in);
}

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

// RFC 6749 §3.2 requires TLS for the token endpoint; plain http is allowed to loopback only.
void check_endpoint(const std::string& url) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) fail_refresh("token endpoint is not an absolute URL");
  const auto scheme = parsed->scheme_id();
  if (scheme == boost::urls::scheme::https) return;
  if (scheme == boost::urls::scheme::http && is_loopback_host(parsed->encoded_host()))
    return;
  fail_refresh("token endpoint must use https");
}

class static_provider final : public token_provider {
 public:
  explicit static_provider(std::string token) : token_(std::move(token)) {}
  std::string token(bool) override { return token_; }
  // The token is at hand: no trip through the background pool.
  boost::asio::awaitable<std::string> async_token(bool) override { co_return token_; }

 private:
  std::string token_;
};

// Caching shared by the command and refresh providers.
class caching_provider : public token_provider {
 public:
  explicit caching_provider(clock_fn now)
      : now_(now ? std::move(now) : clock_fn([] { return sys_clock::now(); })) {}
  ~caching_provider() override { OPENSSL_cleanse(cached_.access_token.data(), cached_.access_token.size()); }

  std::string token(bool force_refresh) override {
    const auto now = now_();
    if (stale(now, force_refresh)) cached_ = fetch(now);
    return cached_.access_token;
  }

 protected:
  virtual oauth2_token fetch(sys_clock::time_point now) = 0;

  sys_clock::time_point clock() const { return now_(); }
  bool stale(sys_clock::time_point now, bool force_refresh) const {
    return force_refresh || cached_.access_token.empty() ||
           now + safety_margin >= cached_.expires_at;
  }
  const std::string& cached() const { return cached_.access_token; }
  const std::string& store(oauth2_token t) {
    cached_ = std::move(t);
    return cached_.access_token;
  }

 private:
  clock_fn now_;
  oauth2_token cached_;
};

class function_provider final : public caching_provider {
 public:
  function_provider(token_fetch_fn fetch, std::chrono::seconds ttl, clock_fn now)
      : caching_provider(std::move(now)), fetch_(std::move(fetch)), ttl_(ttl) {}

 protected:
  oauth2_token fetch(sys_clock::time_point now) override { return {fetch_(), now + ttl_, {}}; }

 private:
  token_fetch_fn fetch_;
  std::chrono::seconds ttl_;
};

class refresh_provider final : public caching_provider {
 public:
  refresh_provider(refresh_config cfg, http_post_fn post, async_http_post_fn async_post,
                   clock_fn now)
      : caching_provider(std::move(now)),
        cfg_(std::move(cfg)),
        post_(std::move(post)),
        async_post_(std::move(async_post)) {
    check_endpoint(cfg_.token_endpoint);
    if (!post_ && !async_post_) fail_refresh("no HTTP client given");
    if (cfg_.refresh_token.empty() || cfg_.client_id.empty())
      fail_refresh("refresh_token and client_id are required");
  }
  ~refresh_provider() override {
    OPENSSL_cleanse(cfg_.refresh_token.data(), cfg_.refresh_token.size());
    OPENSSL_cleanse(cfg_.client_secret.data(), cfg_.client_secret.size());
  }

  // With an asynchronous POST the refresh runs on the caller's executor: no thread involved.
  boost::asio::awaitable<std::string> async_token(bool force_refresh) override {
    if (!async_post_) co_return co_await token_provider::async_token(force_refresh);
    const auto now = clock();
    if (!stale(now, force_refresh)) co_return cached();
    // Named: the POST coroutine may hold references to its arguments until it completes.
    const std::string url = cfg_.token_endpoint, type = form_type, body = refresh_request_body(cfg_);
    std::string reply;
    std::exception_ptr failure;
    try {
      reply = co_await async_post_(url, type, body);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) rethrow_post_failure(failure);
    co_return store(adopt(reply, now));
  }

 protected:
  oauth2_token fetch(sys_clock::time_point now) override {
    const std::string url = cfg_.token_endpoint, type = form_type, body = refresh_request_body(cfg_);
    std::string reply;
    try {
      if (post_) {
        reply = post_(url, type, body);
      } else {  // blocking token() over the asynchronous POST: a private io_context
        boost::asio::io_context io;
        auto fut = boost::asio::co_spawn(io, async_post_(url, type, body), boost::asio::use_future);
        io.run();
        reply = fut.get();
      }
    } catch (...) {
      rethrow_post_failure(std::current_exception());
    }
    return adopt(reply, now);
  }

 private:
  static constexpr const char* form_type = "application/x-www-form-urlencoded";

  // std::system_error from the POST propagates unchanged; anything else is token_refresh_failed.
  [[noreturn]] static void rethrow_post_failure(std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::system_error&) {
      throw;
    } catch (const std::exception& ex) {
      fail_refresh(std::string("HTTP request failed: ") + ex.what());
    }
    fail_refresh("HTTP request failed");
  }

  oauth2_token adopt(const std::string& reply, sys_clock::time_point now) {
    oauth2_token token = parse_token_response(reply, now);
    if (!token.refresh_token.empty()) cfg_.refresh_token = token.refresh_token;
    return token;
  }

  refresh_config cfg_;
  http_post_fn post_;
  async_http_post_fn async_post_;
};

}  // namespace

std::string refresh_request_body(const refresh_config& cfg) {
  const auto enc = [](std::string_view v) {
    return boost::urls::encode(v, boost::urls::unreserved_chars);
  };
  std::string body = "grant_type=refresh_token&refresh_token=" + enc(cfg.refresh_token) +
                     "&client_id=" + enc(cfg.client_id);
  if (!cfg.client_secret.empty()) body += "&client_secret=" + enc(cfg.client_secret);
  if (!cfg.scope.empty()) body += "&scope=" + enc(cfg.scope);
  return body;
}

oauth2_token parse_token_response(std::string_view json, sys_clock::time_point now) {
  if (json.size() > max_reply) fail_refresh("reply larger than 1 MiB");
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(json, ec);
  if (ec || !root.is_object()) fail_refresh("reply is not a JSON object");
  const auto& obj = root.get_object();
  if (obj.contains("error")) {
    std::string what = "server error: " + sanitize(string_member(obj, "error"));
    if (const auto desc = string_member(obj, "error_description"); !desc.empty())
      what += ": " + sanitize(desc);
    fail_refresh(what);
  }
  const auto* access = obj.if_contains("access_token");
  if (access == nullptr || !access->is_string() || access->get_string().empty())
    fail_refresh("reply has no access_token");
  const std::string token(access->get_string());
  if (std::any_of(token.begin(), token.end(),
                  [](char ch) { return static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7F; }))
    fail_refresh("access_token contains spaces or control characters");
  if (const auto type = string_member(obj, "token_type");
      !type.empty() && !boost::urls::grammar::ci_is_equal(type, "bearer"))
    fail_refresh("unsupported token_type " + sanitize(type));
  const auto seconds = parse_expires_in(obj.if_contains("expires_in"));
  const auto* refresh = obj.if_contains("refresh_token");
  return {token, now + std::chrono::seconds(seconds),
          refresh != nullptr && refresh->is_string() ? std::string(refresh->get_string()) : ""};
}

std::unique_ptr<token_provider> make_static_token_provider(std::string token) {
  return std::make_unique<static_provider>(std::move(token));
}

std::unique_ptr<token_provider> make_caching_token_provider(token_fetch_fn fetch,
                                                            std::chrono::seconds ttl,
                                                            clock_fn now) {
  if (!fetch)
    throw std::system_error(make_error_code(error::command_failed), "no token source given");
  return std::make_unique<function_provider>(std::move(fetch), ttl, std::move(now));
}

std::unique_ptr<token_provider> make_refresh_token_provider(refresh_config cfg, http_post_fn post,
                                                            clock_fn now) {
  return std::make_unique<refresh_provider>(std::move(cfg), std::move(post), nullptr,
                                            std::move(now));
}

std::unique_ptr<token_provider> make_async_refresh_token_provider(refresh_config cfg,
                                                                  async_http_post_fn post,
                                                                  clock_fn now) {
  return std::make_unique<refresh_provider>(std::move(cfg), nullptr, std::move(post),
                                            std::move(now));
}

}  // namespace inet::sasl
