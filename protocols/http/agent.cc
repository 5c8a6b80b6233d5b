// http::agent: URL -> origin client, redirects, credentials confined to the first origin,
// content decoding. See agent.hpp.
#include "protocols/http/agent.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "base/base64.hpp"
#include "protocols/http/digest.hpp"
#include "protocols/url/url.hpp"

namespace inet::http {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

[[noreturn]] void fail(error e, const std::string& what) {
  throw std::system_error(make_error_code(e), what);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

void remove_fields(fields& f, std::initializer_list<std::string_view> names) {
  std::erase_if(f, [&](const auto& kv) {
    return std::any_of(names.begin(), names.end(),
                       [&](std::string_view n) { return iequals(kv.first, n); });
  });
}

bool has_field(const fields& f, std::string_view name) {
  return std::any_of(f.begin(), f.end(), [&](const auto& kv) { return iequals(kv.first, name); });
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The origin-form target of an absolute http(s) URL: encoded path ("/" if empty) and query.
std::string target_of(const std::string& text) {
  const std::string whole = text.substr(0, text.find('#'));  // the view below points into it
  const auto u = boost::urls::parse_uri(whole);
  if (!u) fail(error::unsupported_url, "bad HTTP URL");
  std::string t(u->encoded_path());
  if (t.empty()) t = "/";
  if (u->has_query()) t += "?" + std::string(u->encoded_query());
  return t;
}

url::parsed_url parse_http_url(const std::string& text) {
  url::parsed_url p = url::parse(text);
  if (p.scheme != url::scheme::http && p.scheme != url::scheme::https)
    fail(error::unsupported_url, "not an http/https URL: " + p.scheme_name);
  if (!text.starts_with(p.scheme_name + "://") && text.find("://") == std::string::npos)
    fail(error::unsupported_url, "HTTP URL must be absolute");
  return p;
}

std::string resolve_location(const std::string& base, const std::string& location) {
  if (location.empty() || location.size() > 8192 ||
      std::any_of(location.begin(), location.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
    fail(error::redirect_refused, "redirect with an empty, long or unprintable Location");
  const std::string base_text = base.substr(0, base.find('#'));  // viewed by `b`
  auto b = boost::urls::parse_uri(base_text);
  auto ref = boost::urls::parse_uri_reference(location);
  if (!b || !ref) fail(error::redirect_refused, "redirect to a malformed Location: " + location);
  boost::urls::url out(*b);
  if (!out.resolve(*ref)) fail(error::redirect_refused, "cannot resolve Location: " + location);
  out.remove_fragment();
  return std::string(out.buffer());
}

std::string random_cnonce() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) fail(error::invalid_request, "no random bytes for Digest");
  return codec::base64_encode(std::string_view(reinterpret_cast<char*>(b), sizeof b));
}

// What a hop does with the response, decided when its head arrives.
struct hop_state {
  bool follow = false;
  bool digest_retry = false;  // a 401 with a Digest challenge: answer it and send again
  std::optional<decoding_chain> decoder;
};

// Checks a redirect of `out` (from `from`) against the options and returns the next URL;
// applies RFC 9110 §15.4's method change to `req` (dropping the body and its fields).
std::string redirect_target(const fetch_result& out, const url::parsed_url& from,
                            const fetch_options& fo, request& req) {
  if (out.redirects >= fo.max_redirects)
    fail(error::too_many_redirects,
         "maximum (" + std::to_string(fo.max_redirects) + ") redirects followed");
  std::string next = resolve_location(out.url, *out.response.header("Location"));
  const url::parsed_url np = parse_http_url(next);
  if (from.scheme == url::scheme::https && np.scheme == url::scheme::http &&
      !fo.allow_https_to_http)
    fail(error::redirect_refused, "refusing a redirect from https to http: " + next);
  const std::string method = method_after_redirect(out.response.status, req.method);
  if (method != req.method) {
    req.method = method;
    req.body.clear();
    req.body_source = nullptr;
    req.body_size.reset();
    remove_fields(req.headers, {"Content-Type", "Content-Length", "Transfer-Encoding"});
  }
  return next;
}

// The jar's cookies for this hop, before a Cookie value of the caller's (curl's order).
void add_jar_cookies(fields& headers, const cookie_jar* jar, const url::parsed_url& p,
                     const std::string& target) {
  if (!jar) return;
  const std::string mine = jar->header_for(p.host, target, p.implicit_tls());
  if (mine.empty()) return;
  for (auto& [n, v] : headers)
    if (iequals(n, "Cookie")) return void(v = mine + "; " + v);
  headers.emplace_back("Cookie", mine);
}

void store_cookies(cookie_jar* jar, const response& head, const url::parsed_url& p,
                   const std::string& target) {
  if (!jar) return;
  for (const auto& [n, v] : head.headers)
    if (iequals(n, "Set-Cookie")) jar->set(v, p.host, target, p.implicit_tls());
}

}  // namespace

std::string method_after_redirect(int status, const std::string& method) {
  if (status == 303 && method != "HEAD") return "GET";
  if ((status == 301 || status == 302) && method == "POST") return "GET";
  return method;
}

agent::agent(asio::any_io_executor ex, client_options base)
    : ex_(std::move(ex)), base_(std::move(base)) {}
agent::~agent() = default;

void agent::close() noexcept {
  for (auto& [k, c] : clients_) c->close();
  clients_.clear();
}

awaitable<client*> agent::client_for(const std::string& origin, const std::string& host,
                                     std::uint16_t port, bool tls) {
  auto it = clients_.find(origin);
  if (it != clients_.end()) co_return it->second.get();
  if (clients_.size() >= 8) close();  // bounded: a redirect chain over many hosts
  auto c = std::make_unique<client>(ex_);
  client_options o = base_;
  o.host = host;
  o.port = port;
  o.tls = tls;
  ++opened_;
  co_await c->connect(std::move(o));
  co_return clients_.emplace(origin, std::move(c)).first->second.get();
}

awaitable<fetch_result> agent::fetch(std::string url, request req, byte_sink sink,
                                     fetch_options fo) {
  const url::parsed_url first = parse_http_url(url);
  if (first.user) fail(error::unsupported_url, "HTTP URL with user info: use fetch_options::auth");
  const std::string origin0 = first.origin();
  if (fo.decode_content && !has_field(req.headers, "Accept-Encoding"))
    req.headers.emplace_back("Accept-Encoding", std::string(accept_encoding()));
  fetch_result out;
  out.url = url;
  std::optional<std::string> digest_header;
  std::optional<digest_challenge> challenge;
  auto digest_from = [&](const response& head) {
    for (const auto& [n, v] : head.headers)
      if (iequals(n, "WWW-Authenticate") && (challenge = parse_digest_challenge(v))) return true;
    return false;
  };
  for (;;) {
    const url::parsed_url p = parse_http_url(out.url);
    request r = req;
    r.target = target_of(out.url);
    if (p.origin() != origin0) {
      remove_fields(r.headers, {"Authorization", "Cookie"});
    } else if (digest_header && !has_field(r.headers, "Authorization")) {
      r.headers.emplace_back("Authorization", *digest_header);
    } else if ((fo.auth.type == auth::scheme::basic || fo.auth.type == auth::scheme::bearer) &&
               !has_field(r.headers, "Authorization")) {
      r.headers.emplace_back("Authorization",
                             fo.auth.type == auth::scheme::basic
                                 ? "Basic " + codec::base64_encode(fo.auth.user + ":" +
                                                                   fo.auth.password)
                                 : "Bearer " + fo.auth.token);
    }
    add_jar_cookies(r.headers, fo.cookies, p, r.target);
    const std::string r_method = r.method, r_target = r.target;
    hop_state hop;
    const bool streamed = r.body_source != nullptr;
    r.on_head = [&](const response& head) {
      store_cookies(fo.cookies, head, p, r_target);
      const bool replayable = !streamed || (head.status != 307 && head.status != 308);
      hop.follow = fo.follow_redirects && is_redirect(head.status) && head.header("Location") &&
                   replayable;
      hop.digest_retry = head.status == 401 && fo.auth.type == auth::scheme::digest &&
                         !digest_header && !streamed && p.origin() == origin0 &&
                         digest_from(head);
      if (hop.digest_retry) hop.follow = true;  // its body is discarded as a redirect's
      const auto ce = head.header("Content-Encoding");
      if (!hop.follow && fo.decode_content && ce) {
        if (auto codings = parse_content_encoding(*ce); codings && !codings->empty())
          hop.decoder.emplace(sink, fo.max_decoded, *codings);
      }
      if (req.on_head) req.on_head(head);
      if (!hop.follow && fo.fail_on_error && head.status >= 400)
        fail(error::http_error_status, "The requested URL returned error: " +
                                           std::to_string(head.status));
    };
    byte_sink hop_sink = [&](std::string_view chunk) {
      if (hop.follow) return;  // a redirect's body is discarded
      if (hop.decoder) (*hop.decoder)(chunk); else if (sink) sink(chunk);
    };
    client* c = co_await client_for(p.origin(), p.host, p.port, p.implicit_tls());
    out.response = co_await c->send(std::move(r), hop_sink);
    out.reused_connection = out.response.reused_connection;
    if (hop.decoder && out.response.body_bytes > 0) hop.decoder->finish();
    if (!hop.follow) co_return out;
    if (hop.digest_retry) {
      digest_header = digest_authorization(*challenge, fo.auth.user, fo.auth.password,
                                           r_method, r_target, random_cnonce());
      continue;
    }
    const std::string next = redirect_target(out, p, fo, req);
    out.url = next;
    ++out.redirects;
    digest_header.reset();  // its uri was the old one: a new challenge is answered once more
  }
}

}  // namespace inet::http
