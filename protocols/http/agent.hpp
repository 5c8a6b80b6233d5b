// URL-level HTTP on top of http::client: one kept-alive client per origin, redirects
// (RFC 9110 §15.4) with a limit and the method rules, credentials (Basic, Bearer) and cookies
// never carried to another origin, Content-Encoding gzip/deflate/br/zstd decoded with a size cap.
//
//   boost::asio::io_context io;
//   inet::http::agent a(io.get_executor());
//   std::string body;
//   inet::http::fetch_options fo;
//   fo.follow_redirects = true;
//   co_await a.fetch("https://example.com/", {}, inet::string_sink(body), fo);
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "protocols/http/client.hpp"
#include "protocols/http/content_coding.hpp"
#include "protocols/http/cookie_jar.hpp"

namespace inet::http {

/// Credentials sent to the origin of the first URL only (never after a redirect elsewhere).
struct auth {
  /// digest (RFC 7616): the request is sent without credentials, and once more with them when
  /// the server answers 401 with a Digest challenge (SHA-256, MD5, -sess; qop auth).
  enum class scheme { none, basic, bearer, digest };
  auth::scheme type = scheme::none;
  std::string user, password;  ///< basic (RFC 7617): "Authorization: Basic base64(user:pass)"; digest
  std::string token;           ///< bearer (RFC 6750): "Authorization: Bearer token"
};

struct fetch_options {
  /// Follow redirects (curl's -L); false: a 3xx is returned as it is.
  bool follow_redirects = false;
  /// Redirects followed at most when following; one more fails with error::too_many_redirects.
  int max_redirects = 50;
  /// Follow https -> http redirects (refused by default: error::redirect_refused).
  bool allow_https_to_http = false;
  /// Send "Accept-Encoding: gzip, deflate, br, zstd" (unless the request has one) and decode
  /// responses with those Content-Encodings (content_coding.hpp) before the sink; a response
  /// with another coding reaches the sink as it is.
  bool decode_content = false;
  /// Decoded bytes at most per coding stage (a bomb stops here with error::decoded_too_large).
  std::uint64_t max_decoded = std::uint64_t{1} << 30;
  http::auth auth;
  /// A final status >= 400 fails with error::http_error_status before any body byte reaches
  /// the sink (curl's -f).
  bool fail_on_error = false;
  /// A cookie jar (cookie_jar.hpp; must outlive the fetch): every hop sends the jar's cookies
  /// that match its URL (domain, path, Secure only over https) in one Cookie field, before a
  /// Cookie value of the caller's (which goes to the first origin only), and stores each
  /// Set-Cookie of every response, redirects included. Null: no cookie engine.
  cookie_jar* cookies = nullptr;
};

/// What fetch() returns: the final response, where it came from, and the redirects taken.
struct fetch_result {
  http::response response;
  std::string url;             ///< the final URL (after redirects)
  int redirects = 0;
  bool reused_connection = false;  ///< the final request went over a kept-alive connection
};

class agent {
 public:
  /// `base`: TLS, connect/proxy/timeouts, limits, user agent, progress of every client;
  /// host, port and tls come from each URL.
  explicit agent(boost::asio::any_io_executor ex, client_options base = {});
  ~agent();

  /// Sends `req` (method, extra headers, body; its `target` is replaced by the URL's) to `url`
  /// (http:// or https://, no user info) and streams the final body into `sink`. Redirects
  /// (301, 302, 303, 307, 308 with a Location) are followed with fo.follow_redirects, up to
  /// fo.max_redirects: 303 turns
  /// every method but HEAD into GET, 301/302 turn POST into GET (RFC 9110 §15.4.2-3, as
  /// browsers and curl), dropping the body and its Content-* fields; 307/308 keep method and
  /// body (a streamed body cannot be sent twice: the 3xx is returned). Authorization, Cookie
  /// and fo.auth are sent to the first URL's origin only. Only http/https Locations are
  /// followed; https -> http needs fo.allow_https_to_http. Redirect bodies are discarded.
  /// Throws: error::unsupported_url, too_many_redirects, redirect_refused,
  /// bad_content_encoding, response_too_large (decoded size), url errors, and client::send's.
  boost::asio::awaitable<fetch_result> fetch(std::string url, request req, byte_sink sink,
                                             fetch_options fo = {});

  /// Clients opened so far (a statistic and a test hook).
  int connections_opened() const noexcept { return opened_; }
  void close() noexcept;

 private:
  boost::asio::awaitable<client*> client_for(const std::string& origin, const std::string& host,
                                             std::uint16_t port, bool tls);
  boost::asio::any_io_executor ex_;
  client_options base_;
  std::map<std::string, std::unique_ptr<client>> clients_;
  int opened_ = 0;
};

/// The RFC 9110 §15.4 method after a redirect with `status` (e.g. POST + 303 -> GET).
std::string method_after_redirect(int status, const std::string& method);

}  // namespace inet::http
