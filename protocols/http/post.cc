#include "protocols/http/post.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

#include "protocols/url/url.hpp"
#include "transport/blocking.hpp"
#include "transport/error.hpp"
#include "transport/stream.hpp"

namespace inet::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;

constexpr std::size_t header_limit = 64 * 1024;
constexpr int max_interim_replies = 8;

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

using request = bhttp::request<bhttp::string_body>;
using response = bhttp::response<bhttp::string_body>;

// The request, its header fields in this order (Beast serializes fields in insertion order).
request build_request(const target& t, const std::string& content_type, const std::string& body) {
  request r(bhttp::verb::post, t.request_target, 11);
  r.set(bhttp::field::host, t.host_header);
  r.set(bhttp::field::user_agent, "inetpp");
  r.set(bhttp::field::accept, "application/json");
  r.set(bhttp::field::content_type, content_type);
  r.set(bhttp::field::content_length, std::to_string(body.size()));
  r.set(bhttp::field::connection, "close");
  r.body() = body;
  return r;
}

[[noreturn]] void fail_parse(const boost::system::error_code& ec) {
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
      ec == bhttp::error::buffer_overflow)
    fail(error::response_too_large, "HTTP response too large: " + ec.message());
  if (ec == bhttp::error::end_of_stream)
    fail(error::truncated_response, "the server closed the connection without a response");
  if (ec == bhttp::error::partial_message)
    fail(error::truncated_response, "the connection closed before the HTTP response ended");
  fail(error::malformed_response, "malformed HTTP response: " + ec.message());
}

// Beast's errors are the parser's verdict; anything else (timeouts, TLS, socket) is the
// transport's and keeps its code.
[[noreturn]] void fail_read(const boost::system::error_code& ec) {
  if (ec.category() == boost::system::error_code(bhttp::error::need_more).category()) fail_parse(ec);
  throw std::system_error(ec, "HTTP response");
}

// Reads the final response with Beast's http::async_read on the transport stream, skipping
// interim 1xx replies. `buffer` is bounded so that no header section or chunk header can make
// it grow past 64 KiB (+ one read); bytes after a 1xx reply stay in it for the next message.
awaitable<response> read_response(transport::stream& s, std::size_t max_body) {
  beast::flat_buffer buffer(header_limit + 16 * 1024);
  for (int i = 0; i <= max_interim_replies; ++i) {
    bhttp::response_parser<bhttp::string_body> p;
    p.header_limit(header_limit);
    p.body_limit(max_body);
    boost::system::error_code ec;
    co_await bhttp::async_read(s, buffer, p, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) fail_read(ec);
    if (p.get().result_int() >= 200) co_return p.release();
  }
  fail(error::unexpected_status, "more than 8 interim (1xx) HTTP replies");
}

std::string status_text(const response& r) {
  std::string reason(r.reason());
  if (has_ctl(reason)) reason = "<control characters>";
  return std::to_string(r.result_int()) + (reason.empty() ? "" : " " + reason);
}

std::string check_status(response r, const std::string& url) {
  const unsigned code = r.result_int();
  if ((code >= 200 && code < 300) || (code >= 400 && code < 500)) return std::move(r.body());
  if (code >= 300 && code < 400) {
    std::string location(r[bhttp::field::location]);
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
  request req = build_request(t, content_type, body);
  transport::connect_options co = opts.connect;
  if (!co.time.deadline) co.time.deadline = std::chrono::steady_clock::now() + opts.total_timeout;
  transport::stream s(co_await asio::this_coro::executor);
  co_await s.connect(t.host, t.port, co);
  if (t.tls) {
    transport::tls_options tls = opts.tls;
    tls.alpn = {"http/1.1"};
    co_await s.handshake(tls, t.host);
  }
  boost::system::error_code ec;
  co_await bhttp::async_write(s, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw std::system_error(ec, "HTTP request");
  response r = co_await read_response(s, opts.max_body);
  s.close();
  co_return check_status(std::move(r), url);
}

std::string https_post(const std::string& url, const std::string& content_type,
                       const std::string& body, const post_options& opts) {
  asio::io_context io;
  return transport::run_blocking(io, async_https_post(url, content_type, body, opts));
}

}  // namespace inet::http
