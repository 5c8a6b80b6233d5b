// http(s):// get and put on http::agent (protocols/http/agent.hpp), with curl's meaning of the
// options: -X method, -I HEAD (head written to the sink), -i heads before the body, -H headers,
// -d POST body, -L/--max-redirs, -f (22 on status >= 400, no body; -i still writes the head),
// --compressed (gzip/deflate/br/zstd decoded), -u (Basic) / --oauth2-bearer (Bearer) to the first
// origin only, --max-filesize (63, checked against Content-Length first), -b/-c cookies
// (options::cookies), -F multipart forms. The session caches the agent, so later URLs of the same
// origin reuse its kept-alive connection. -r (Range) and -C N (resume, curl's 33 when the server
// ignores it, 416 = already complete) as curl 7.88 does them.
//
// result::reply_code is the final HTTP status, reply_text its reason phrase.
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <cctype>

#include "protocols/http/agent.hpp"
#include "protocols/http/multipart.hpp"
#include "protocols/transfer/builtin.hpp"
#include "protocols/transfer/session.hpp"
#include "protocols/transfer/settings.hpp"
#include "transport/error.hpp"

namespace inet::transfer {
namespace {

namespace asio = boost::asio;

struct http_connection final : connection {
  http_connection(asio::any_io_executor ex, http::client_options base)
      : agent(std::move(ex), std::move(base)) {}
  asio::awaitable<void> goodbye() override {
    agent.close();
    co_return;
  }
  http::agent agent;
};

http::client_options make_options(const options& o) {
  http::client_options co;
  detail::apply_transport_options(o, co.tls_opts, co.connect);
  co.proxy_absolute_form = !o.http_proxy_tunnel;
  return co;
}

// Percent-encodes what RFC 3986 does not allow as-is in a path (keep "/") or a query (keep "?").
std::string encoded(std::string_view text, std::string_view also) {
  static constexpr std::string_view ok = "-._~!$&'()*+,;=:@";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || ok.find(static_cast<char>(c)) != std::string_view::npos ||
        also.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The URL as text again (the parsed form has a decoded path and query), without user info.
std::string url_text(const url::parsed_url& u) {
  std::string s = u.scheme_name + "://" + (u.host_is_ipv6 ? "[" + u.host + "]" : u.host);
  if (u.port_explicit) s += ":" + std::to_string(u.port);
  s += "/" + encoded(u.path.starts_with('/') ? u.path.substr(1) : u.path, "/");
  if (!u.query.empty()) s += "?" + encoded(u.query, "/?");
  return s;
}

// "Name: value" -> the pair; "Name:" (nothing after the colon) -> nullopt (curl removes it).
std::optional<std::pair<std::string, std::string>> split_header(const std::string& h) {
  const auto colon = h.find(':');
  if (colon == std::string::npos || colon == 0)
    throw transfer_exception(make_error_code(error::url_malformat),
                             "bad header (expected 'Name: value'): " + h.substr(0, 40));
  std::string value = h.substr(colon + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  if (value.empty()) return std::nullopt;
  return std::pair{h.substr(0, colon), value};
}

bool has(const http::fields& f, std::string_view name) {
  return std::any_of(f.begin(), f.end(), [&](const auto& kv) {
    return std::equal(kv.first.begin(), kv.first.end(), name.begin(), name.end(),
                      [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  });
}

// The head as curl -i prints it.
std::string head_text(const http::response& r) {
  std::string s = "HTTP/" + std::to_string(r.version / 10) + "." + std::to_string(r.version % 10) +
                  " " + std::to_string(r.status) + (r.reason.empty() ? "" : " " + r.reason) +
                  "\r\n";
  for (const auto& [n, v] : r.headers) s += n + ": " + v + "\r\n";
  return s + "\r\n";
}

// -C N wins over -r (as curl). Added after -H, before the body's fields; a Range given with -H
// is left alone.
void add_range(const options& o, http::request& req) {
  if (has(req.headers, "Range")) return;
  if (o.resume_from && *o.resume_from > 0)
    req.headers.emplace_back("Range", "bytes=" + std::to_string(*o.resume_from) + "-");
  else if (o.http_range && !o.http_range->empty())
    req.headers.emplace_back("Range", "bytes=" + *o.http_range);
}

// curl's resume rules for the final response of a GET with -C N (N > 0): 416 means the local
// copy is complete (its body is not written); a response without Content-Range is an error
// (33) unless its Content-Length is N. Returns true when the body must be discarded.
bool resume_check(const options& o, const std::string& method, const http::response& r) {
  if (!o.resume_from || *o.resume_from == 0 || method != "GET") return false;
  if (r.status == 416) return true;
  if (r.header("Content-Range")) return false;
  const auto len = r.header("Content-Length");
  if (len && std::strtoull(len->c_str(), nullptr, 10) == *o.resume_from) return true;
  throw transfer_exception(make_error_code(error::range_error),
                           "HTTP server doesn't seem to support byte ranges. Cannot resume.");
}

// curl's rule: Expect: 100-continue for a body over 1 MiB or of unknown size, unless -H
// "Expect:" (or another Expect) was given.
bool wants_expect(const options& o, bool put) {
  constexpr std::uint64_t threshold = 1024 * 1024;
  for (const auto& h : o.http_headers)
    if (h.size() >= 7 && has({{h.substr(0, h.find(':')), ""}}, "Expect")) return false;
  if (put) return !o.upload_size || *o.upload_size > threshold;
  return o.http_data && o.http_data->size() > threshold;
}

http::request make_request(const call& cl, bool put) {
  const options& o = cl.opts;
  http::request req;
  req.method = put ? "PUT" : o.no_body ? "HEAD" : o.http_data ? "POST" : "GET";
  if (o.custom_request && !o.custom_request->empty()) req.method = *o.custom_request;
  bool accept_removed = false;
  for (const auto& h : o.http_headers) {
    if (auto kv = split_header(h)) req.headers.push_back(std::move(*kv));
    else accept_removed |= has({{h.substr(0, h.find(':')), ""}}, "Accept");
  }
  if (o.http_data) {
    req.body = *o.http_data;
    if (!has(req.headers, "Content-Type"))
      req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  }
  if (!accept_removed && !has(req.headers, "Accept")) req.headers.emplace(req.headers.begin(), "Accept", "*/*");
  add_range(o, req);
  if (wants_expect(o, put)) req.expect_continue = o.expect100_timeout;
  return req;
}

// -F: a multipart/form-data POST body (POST unless -X says otherwise); null without -F.
std::unique_ptr<http::form_source> make_form(const options& o, bool put, http::request& req) {
  if (o.http_form.empty() || put) return nullptr;
  if (o.http_data)  // curl: "You can only select one HTTP request method!"
    throw transfer_exception(make_error_code(error::failed_init), "-F cannot go with -d");
  std::vector<http::form_part> parts;
  for (const auto& arg : o.http_form) parts.push_back(http::parse_form_arg(arg));
  std::unique_ptr<http::form_source> form;
  try {
    form = std::make_unique<http::form_source>(std::move(parts));
  } catch (const std::system_error& e) {  // a file that cannot be read: curl's 26
    if (e.code().category() == http::http_category()) throw;
    throw transfer_exception(make_error_code(error::read_error), e.what());
  }
  if (!o.custom_request || o.custom_request->empty()) req.method = "POST";
  if (!has(req.headers, "Content-Type"))
    req.headers.emplace_back("Content-Type", form->content_type());
  req.body_source = form.get();
  req.body_size = form->size();
  return form;
}

http::fetch_options make_fetch_options(const call& cl) {
  const options& o = cl.opts;
  http::fetch_options fo;
  fo.follow_redirects = o.follow_location;
  fo.max_redirects = o.max_redirs;
  fo.decode_content = o.compressed;
  if (o.max_filesize) fo.max_decoded = *o.max_filesize;
  fo.fail_on_error = o.fail_on_http_error;
  fo.cookies = o.cookies.get();
  if (o.oauth2_bearer) {
    fo.auth.type = http::auth::scheme::bearer;
    fo.auth.token = *o.oauth2_bearer;
  } else if (cl.creds.user) {
    fo.auth.type = o.http_digest ? http::auth::scheme::digest : http::auth::scheme::basic;
    fo.auth.user = *cl.creds.user;
    fo.auth.password = cl.creds.password.value_or("");
  }
  return fo;
}

asio::awaitable<void> run(call& cl, bool put) {
  std::unique_ptr<http_connection> conn(static_cast<http_connection*>(cl.cached.release()));
  if (!conn) {
    conn = std::make_unique<http_connection>(co_await asio::this_coro::executor,
                                             make_options(cl.opts));
    cl.opened();
  }
  http::request req = make_request(cl, put);
  counting_source src(cl, stage::transfer);
  if (put) {
    req.body_source = &src;
    req.body_size = cl.opts.upload_size;
  }
  std::unique_ptr<http::form_source> form = make_form(cl.opts, put, req);
  const bool write_heads = cl.opts.include_headers || cl.opts.no_body;
  // A put's response goes to options::response_sink (uncounted), a get's to the call's sink.
  const byte_sink out = !put ? cl.sink
                      : cl.opts.response_sink ? byte_sink(cl.opts.response_sink)
                                              : byte_sink([](std::string_view) {});
  const std::string method = req.method;
  bool discard = false;  // -C N and the local copy is already complete
  auto write_head = [&](const http::response& r) {
    const std::string text = head_text(r);
    if (!put) cl.res.header_bytes += text.size();
    out(text);
  };
  req.on_interim = [&](const http::response& r) {
    if (write_heads) write_head(r);
  };
  req.on_head = [&](const http::response& r) {
    cl.where = stage::transfer;
    const bool final = !cl.opts.follow_location || r.status < 300 || r.status >= 400 ||
                       !r.header("Location");
    if (final) {
      cl.res.reply_code = r.status;
      cl.res.reply_text = r.reason;
      cl.res.content_type = r.header("Content-Type").value_or("");
      if (const auto ra = r.header("Retry-After");
          ra && !ra->empty() && ra->size() < 10 && ra->find_first_not_of("0123456789") == std::string::npos)
        cl.res.retry_after = std::stoull(*ra);
      discard = resume_check(cl.opts, method, r);
      if (auto len = r.header("Content-Length"); len && !cl.opts.no_body) {
        cl.expected_total = std::strtoull(len->c_str(), nullptr, 10);
        if (cl.opts.max_filesize && *cl.expected_total > *cl.opts.max_filesize)
          throw std::system_error(make_error_code(transport::error::body_too_large),
                                  "Maximum file size exceeded");
      }
    }
    if (write_heads) write_head(r);  // -f still writes the head (curl 7.88)
  };
  std::uint64_t body = 0;
  byte_sink sink = [&](std::string_view chunk) {
    if (discard) return;
    body += chunk.size();
    if (cl.opts.max_filesize && body > *cl.opts.max_filesize)
      throw std::system_error(make_error_code(transport::error::body_too_large),
                              "Maximum file size exceeded");
    out(chunk);
  };
  cl.where = stage::connect;
  cl.res.effective_url = url_text(cl.url);
  std::exception_ptr failure;
  try {
    const http::fetch_result r = co_await conn->agent.fetch(url_text(cl.url), std::move(req),
                                                           std::move(sink), make_fetch_options(cl));
    cl.res.reply_code = r.response.status;
    cl.res.reply_text = r.response.reason;
    cl.res.reused_connection = r.reused_connection;
    cl.res.effective_url = r.url;
    cl.res.redirects = r.redirects;
  } catch (const std::system_error& e) {
    failure = std::current_exception();
    if (e.code() == http::error::http_error_status)  // curl's words, without the category's
      failure = std::make_exception_ptr(transfer_exception(
          e.code(), "The requested URL returned error: " + std::to_string(cl.res.reply_code)));
  } catch (...) {
    failure = std::current_exception();
  }
  cl.keep = std::move(conn);  // the agent's clients reconnect by themselves when needed
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

namespace detail {

asio::awaitable<void> http_get(call& cl) { co_await run(cl, false); }
asio::awaitable<void> http_put(call& cl) { co_await run(cl, true); }

}  // namespace detail
}  // namespace inet::transfer
