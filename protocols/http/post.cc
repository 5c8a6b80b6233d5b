#include "protocols/http/post.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

#include "protocols/http/client.hpp"
#include "protocols/url/url.hpp"
#include "transport/blocking.hpp"
#include "transport/error.hpp"

namespace inet::http {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

constexpr std::size_t header_limit = 64 * 1024;

[[noreturn]] void fail(error e, const std::string& what) {
  throw std::system_error(make_error_code(e), what);
}

bool has_ctl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// Where the request goes and what its first lines say.
struct target {
  std::string host;         // for connect/SNI: decoded, IPv6 without brackets
  std::uint16_t port = 0;
  bool tls = true;
  std::string host_header;  // "example.com", "[::1]:8443"
  std::string request_target;
};

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

target parse_target(const std::string& text) {
  if (!starts_with_nocase(text, "https://") && !starts_with_nocase(text, "http://"))
    fail(error::unsupported_url, "POST URL must start with https:// (got '" +
                                     std::string(has_ctl(text) ? "<control characters>" : text) +
                                     "')");
  const url::parsed_url p = url::parse(text);  // control characters, host and port checks
  if (p.user || p.password) fail(error::unsupported_url, "POST URL must not contain user info");
  const std::string without_fragment = text.substr(0, text.find('#'));
  const auto u = boost::urls::parse_absolute_uri(without_fragment);  // a view of the string
  if (!u) throw std::system_error(url::make_error_code(url::error::bad_url), "bad URL: " + text);
  target t;
  t.host = p.host;
  t.port = p.port;
  t.tls = p.scheme == url::scheme::https;
  if (!t.tls && t.host != "localhost" && t.host != "127.0.0.1" && t.host != "::1")
    fail(error::insecure_url, "refusing plain http to " + p.host + ": use https");
  const std::string host = p.host_is_ipv6 ? "[" + p.host + "]" : std::string(u->encoded_host());
  t.host_header = p.port_explicit && p.port != url::default_port(p.scheme)
                      ? host + ":" + std::to_string(p.port)
                      : host;
  t.request_target = std::string(u->encoded_path());
  if (t.request_target.empty()) t.request_target = "/";
  if (u->has_query()) t.request_target += "?" + std::string(u->encoded_query());
  return t;
}

std::string status_text(const response& r) {
  std::string reason = r.reason;
  if (has_ctl(reason)) reason = "<control characters>";
  return std::to_string(r.status) + (reason.empty() ? "" : " " + reason);
}

void check_status(const response& r, const std::string& url) {
  const int code = r.status;
  if ((code >= 200 && code < 300) || (code >= 400 && code < 500)) return;
  if (code >= 300 && code < 400) {
    std::string location = r.header("Location").value_or("");
    if (has_ctl(location) || location.size() > 512) location = "<unprintable>";
    fail(error::redirect_refused, "POST " + url + ": HTTP " + status_text(r) +
                                      " (redirects are not followed; Location: " +
                                      (location.empty() ? "none" : location) + ")");
  }
  if (code >= 500 && code < 600)
    fail(error::server_error, "POST " + url + ": HTTP " + status_text(r));
  fail(error::unexpected_status, "POST " + url + ": unexpected HTTP status " +
                                     std::to_string(code));
}

}  // namespace

awaitable<std::string> async_https_post(std::string url, std::string content_type,
                                        std::string body, post_options opts) {
  const target t = parse_target(url);
  if (has_ctl(content_type) || content_type.empty())
    throw std::system_error(make_error_code(transport::error::invalid_argument),
                            "HTTP POST: Content-Type is empty or contains control characters");
  client_options co;
  co.host = t.host;
  co.port = t.port;
  co.tls = t.tls;
  co.tls_opts = opts.tls;
  co.connect = opts.connect;
  if (!co.connect.time.deadline)
    co.connect.time.deadline = std::chrono::steady_clock::now() + opts.total_timeout;
  co.limits.max_header_bytes = header_limit;
  co.limits.max_body = opts.max_body;
  request req;
  req.method = "POST";
  req.target = t.request_target;
  // Header order as documented in post.hpp (the client adds Host and User-Agent first).
  req.headers = {{"Host", t.host_header},
                 {"User-Agent", "inetpp"},
                 {"Accept", "application/json"},
                 {"Content-Type", content_type},
                 {"Content-Length", std::to_string(body.size())},
                 {"Connection", "close"}};
  req.body = std::move(body);
  client c(co_await asio::this_coro::executor);
  co_await c.connect(std::move(co));
  std::string out;
  response r;
  try {
    r = co_await c.send(std::move(req), string_sink(out));
  } catch (const std::system_error& e) {
    if (e.code() == error::empty_reply)  // as before: no response at all is a cut-off one
      fail(error::truncated_response, "the server closed the connection without a response");
    throw;
  }
  c.close();
  check_status(r, url);
  co_return out;
}

std::string https_post(const std::string& url, const std::string& content_type,
                       const std::string& body, const post_options& opts) {
  asio::io_context io;
  return transport::run_blocking(io, async_https_post(url, content_type, body, opts));
}

}  // namespace inet::http
