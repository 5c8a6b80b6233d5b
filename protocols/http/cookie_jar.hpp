// An RFC 6265 cookie jar: Set-Cookie parsing and storage (§5.2-5.3: Domain, Path, Secure,
// HttpOnly, Expires, Max-Age, host-only cookies), the Cookie header for a request (§5.4), and
// curl's Netscape cookie file format (what `curl -b FILE` reads and `curl -c FILE` writes,
// "#HttpOnly_" prefix included). http::agent uses it through fetch_options::cookies.
//
// Safety (beyond the RFC's rules):
// - No cookie for a public suffix: a Domain attribute naming a single label ("com",
//   "localhost") or one of a small built-in list of multi-label public suffixes ("co.uk",
//   "com.au", "github.io", ... see is_public_suffix) is refused unless it is the request host
//   itself (then the cookie is host-only, §5.3 step 5). This is not the whole Public Suffix List.
// - A Secure cookie is only stored from a secure (https) request, and a plain-http response
//   cannot replace a Secure cookie (RFC 6265bis §5.7 steps 12 and 16).
// - Bounded: name + value at most 4096 bytes, a Set-Cookie value at most 8 KiB, 150 cookies per
//   domain and 3000 in all (the oldest goes first); names and values with control characters
//   or ';' are refused, so nothing from a server or file can inject into a header.
// Domains compare case-insensitively (stored in lower case); ports do not isolate cookies
// (RFC 6265 §8.5). Not thread-safe: use one jar from one executor.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inet::http {

struct cookie {
  std::string name, value;
  std::string domain;                   ///< lower case, without a leading dot
  std::string path = "/";               ///< starts with "/"
  bool host_only = true;                ///< sent to `domain` only, not to its subdomains
  bool secure = false;                  ///< sent over https only
  bool http_only = false;               ///< "#HttpOnly_" in the Netscape file (no script API here)
  std::optional<std::int64_t> expires;  ///< Unix seconds; none = a session cookie
};

class cookie_jar {
 public:
  using clock = std::chrono::system_clock;

  /// Stores the cookie of one Set-Cookie field value received in a response to a request for
  /// `host` (name or address, any case) and `path` (the request target's path, "/" if empty)
  /// over https when `secure_origin` (RFC 6265 §5.2-5.3). Returns false when the cookie was
  /// ignored (malformed, over a bound, Domain not matching the host or a public suffix, Secure
  /// from http). An expiry in the past deletes the matching cookie (and returns true).
  bool set(std::string_view set_cookie, std::string_view host, std::string_view path,
           bool secure_origin, clock::time_point now = clock::now());

  /// Adds a cookie as given (a loaded file, an API caller) after the same checks as set()
  /// (public suffix, bounds, characters; `domain` may start with a dot: not host-only then).
  bool add(cookie c, clock::time_point now = clock::now());

  /// The Cookie field value for a request (§5.4): "n1=v1; n2=v2" with the longest paths first,
  /// then the oldest; "" when no cookie matches. Secure cookies only when `secure_origin`.
  std::string header_for(std::string_view host, std::string_view path, bool secure_origin,
                         clock::time_point now = clock::now()) const;

  /// Adds the cookies of a Netscape cookie file (tab-separated: domain, include-subdomains
  /// TRUE/FALSE, path, secure TRUE/FALSE, expires (Unix seconds, 0 = session), name, value;
  /// '#' comments except "#HttpOnly_<domain>"; CRLF or LF). Malformed lines and expired
  /// cookies are skipped. Returns the number of cookies added.
  std::size_t load_netscape(std::string_view text, clock::time_point now = clock::now());

  /// The jar in the Netscape format as curl writes it (its three-line header, then one line per
  /// live cookie, session cookies with expires 0).
  std::string netscape(clock::time_point now = clock::now()) const;

  /// Live and expired cookies in storage order (expired ones go on the next set/header_for).
  const std::vector<cookie>& cookies() const noexcept { return cookies_; }
  std::size_t size() const noexcept { return cookies_.size(); }

  /// True for a single-label name and for the built-in multi-label public suffixes.
  static bool is_public_suffix(std::string_view domain);
  /// RFC 6265 §5.1.3 (`host` and `domain` in lower case).
  static bool domain_match(std::string_view host, std::string_view domain);
  /// RFC 6265 §5.1.4.
  static bool path_match(std::string_view request_path, std::string_view cookie_path);
  /// RFC 6265 §5.1.1 cookie-date -> Unix seconds (nullopt when it does not parse).
  static std::optional<std::int64_t> parse_cookie_date(std::string_view text);

 private:
  bool store(cookie c, bool secure_origin, std::int64_t now);
  void expire(std::int64_t now);
  std::vector<cookie> cookies_;
  std::vector<std::uint64_t> created_;  // creation order, beside cookies_
  std::uint64_t next_ = 0;
};

}  // namespace inet::http
