// The HTTP/1.1 client's coroutines: request checking and framing, response heads read with
// Beast's parser over a bounded buffer, bodies read straight into one per-client body buffer
// (identity bodies without Beast, chunked ones through it), keep-alive and one retry.
#include "protocols/http/client.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <exception>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "base/base64.hpp"
#include "protocols/http/expect.hpp"
#include "transport/error.hpp"
#include "transport/trace.hpp"

namespace inet::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;

constexpr int max_interim_replies = 8;
// Bytes per read while the response head is parsed (Beast reads capacity - size at a time).
constexpr std::size_t head_read_size = 16 * 1024;
// Bytes per piece of a streamed request body (a chunk of the chunked coding).
constexpr std::size_t piece_size = 16 * 1024;
// The largest TLS record's plaintext (RFC 8446 §5.1): a read that returned this much suggests
// more records are already on their way.
constexpr std::size_t full_record = 16 * 1024;

[[noreturn]] void fail(error e, const std::string& what) {
  throw std::system_error(make_error_code(e), what);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 9110 §5.6.2 tchar.
bool is_token(std::string_view s) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
  });
}

bool has_crlfnul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool has_ctl_or_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

bool has_field(const fields& f, std::string_view name) {
  return std::any_of(f.begin(), f.end(), [&](const auto& kv) { return iequals(kv.first, name); });
}

void check_request(const request& req) {
  if (!is_token(req.method)) fail(error::invalid_request, "HTTP method is not a token");
  if (req.target.empty() || has_ctl_or_space(req.target))
    fail(error::invalid_request, "HTTP request target is empty or has a space/control character");
  for (const auto& [name, value] : req.headers) {
    if (!is_token(name)) fail(error::invalid_request, "HTTP header name is not a token");
    if (has_crlfnul(value))
      fail(error::invalid_request, "HTTP header " + name + ": value contains CR, LF or NUL");
  }
}

bool idempotent(std::string_view m) {
  for (std::string_view i : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
    if (m == i) return true;
  return false;
}

bool wants_length(const request& req) {
  if (req.body_source) return true;
  if (!req.body.empty()) return true;
  return req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
}

std::string host_header(const client_options& o) {
  std::string h = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  if (o.port != (o.tls ? 443 : 80)) h += ":" + std::to_string(o.port);
  return h;
}

// Plain http to an HTTP proxy in absolute form (client_options::proxy_absolute_form).
bool forwarding(const client_options& o) {
  return o.proxy_absolute_form && !o.tls &&
         o.connect.proxy.type == transport::proxy_options::kind::http_connect;
}

// The head as it goes on the wire (see client::send for the order), built in one string sized
// up front; `host` is host_header(o), computed once per connect().
std::string format_head(const client_options& o, const std::string& host, const request& req) {
  const bool fwd = forwarding(o);
  std::size_t size = req.method.size() + req.target.size() + host.size() * 2 +
                     o.user_agent.size() + 96;
  for (const auto& [n, v] : req.headers) size += n.size() + v.size() + 4;
  std::string h;
  h.reserve(size);
  h.append(req.method).append(" ");
  if (fwd) h.append("http://").append(host);
  h.append(req.target).append(" HTTP/1.1\r\n");
  auto add = [&](std::string_view n, std::string_view v) {
    if (!has_field(req.headers, n)) h.append(n).append(": ").append(v).append("\r\n");
  };
  add("Host", host);
  if (fwd && !o.connect.proxy.username.empty())
    add("Proxy-Authorization",
        "Basic " + codec::base64_encode(o.connect.proxy.username + ":" + o.connect.proxy.password));
  if (!o.user_agent.empty()) add("User-Agent", o.user_agent);
  for (const auto& [n, v] : req.headers) h.append(n).append(": ").append(v).append("\r\n");
  if (wants_length(req)) {
    if (req.expect_continue) add("Expect", "100-continue");
    if (req.body_source && !req.body_size)
      add("Transfer-Encoding", "chunked");
    else
      add("Content-Length",
          std::to_string(req.body_source ? *req.body_size : std::uint64_t{req.body.size()}));
  }
  h.append("\r\n");
  return h;
}

bool beast_error(const boost::system::error_code& ec) {
  return ec.category() == boost::system::error_code(bhttp::error::need_more).category();
}

// -v: credentials in header fields are never traced.
std::optional<std::string> redact(std::string_view line) {
  for (std::string_view name : {"Authorization", "Proxy-Authorization", "Cookie"})
    if (line.size() > name.size() && line[name.size()] == ':' &&
        iequals(line.substr(0, name.size()), name))
      return std::string(name) + ": <redacted>";
  return std::nullopt;
}

void trace_head(const transport::trace& tr, std::string_view head) {
  while (head.size() > 2) {
    const auto eol = head.find("\r\n");
    tr.sent(head.substr(0, eol));
    head.remove_prefix(eol + 2);
  }
}

// A failure that happened before any byte of the response arrived on a reused connection.
struct stale_connection {
  std::exception_ptr failure;
};

}  // namespace

std::optional<std::string> response::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return std::nullopt;
}

struct client::impl {
  explicit impl(asio::any_io_executor e) : ex(std::move(e)) {}
  asio::any_io_executor ex;
  client_options opts;
  std::string host;  // host_header(opts): the Host field's value
  bool configured = false;
  std::unique_ptr<transport::stream> stream;
  std::unique_ptr<beast::flat_buffer> buffer;
  // limits.buffer_size bytes for bodies (both ways), allocated at the first body that needs it.
  std::unique_ptr<char[]> body_buf;
  int served = 0;  // responses read on the current connection
  transport::trace tr{"http", redact};

  awaitable<void> open();
  awaitable<bool> write_request(const request& req, const std::string& head);
  awaitable<response> read_response(bool head_request, const byte_sink& sink, bool reused,
                                    const request& req);
  awaitable<void> read_body(bhttp::response_parser<bhttp::buffer_body>& p, const byte_sink& sink,
                            response& r);
  awaitable<void> read_identity_body(bhttp::response_parser<bhttp::buffer_body>& p,
                                     const byte_sink& sink, response& r);
  awaitable<std::size_t> fill(char* data, std::size_t have, std::size_t size, bool& eof);
  std::exception_ptr failure;  // a read error held back by fill()
  std::span<char> body_buffer() {
    if (!body_buf) body_buf.reset(new char[opts.limits.buffer_size]);  // not zeroed
    return {body_buf.get(), opts.limits.buffer_size};
  }
  [[noreturn]] void fail_read(const boost::system::error_code& ec, bool at_start,
                              std::uint64_t body_bytes);
  void drop() noexcept {
    if (stream) stream->close();
    stream.reset();
    buffer.reset();
    served = 0;
  }
};

client::client(asio::any_io_executor ex) : impl_(std::make_unique<impl>(std::move(ex))) {}
client::~client() = default;

asio::any_io_executor client::get_executor() const noexcept { return impl_->ex; }
bool client::is_connected() const noexcept { return impl_->stream && impl_->stream->is_open(); }
const client_options& client::options() const noexcept { return impl_->opts; }
void client::close() noexcept {
  impl_->drop();
  impl_->configured = false;
}

awaitable<void> client::impl::open() {
  drop();
  auto s = std::make_unique<transport::stream>(ex);
  if (forwarding(opts)) {  // to the proxy itself: it forwards each absolute-form request
    transport::connect_options direct = opts.connect;
    direct.proxy = {};
    co_await s->connect(opts.connect.proxy.host, opts.connect.proxy.port, direct);
  } else {
    co_await s->connect(opts.host, opts.port, opts.connect);
  }
  if (opts.tls) {
    transport::tls_options tls = opts.tls_opts;
    tls.alpn = {"http/1.1"};
    co_await s->handshake(tls, opts.host);
  }
  stream = std::move(s);
  buffer = std::make_unique<beast::flat_buffer>(opts.limits.max_header_bytes +
                                                opts.limits.buffer_size);
  // Beast reads max(512, capacity - size) bytes at a time: without this every head read was
  // 512 bytes (one recv and one idle-timer reset per 512 bytes; bench/run's HTTP rows).
  buffer->reserve(std::min(opts.limits.buffer_size, head_read_size));
}

awaitable<void> client::connect(client_options opts) {
  if (opts.host.empty() || has_crlfnul(opts.host) || opts.host.find(' ') != std::string::npos)
    fail(error::invalid_request, "HTTP host is empty or has a space/control character");
  opts.limits.buffer_size = std::max<std::size_t>(opts.limits.buffer_size, 1024);
  if (impl_->body_buf && opts.limits.buffer_size != impl_->opts.limits.buffer_size)
    impl_->body_buf.reset();
  impl_->opts = std::move(opts);
  impl_->host = host_header(impl_->opts);
  impl_->configured = true;
  co_await impl_->open();
}

// Returns false when an Expect: 100-continue got a final answer instead (no body sent).
awaitable<bool> client::impl::write_request(const request& req, const std::string& head) {
  const bool expect = req.expect_continue && wants_length(req);
  if (!req.body_source && !expect) {
    if (req.body.empty()) {
      co_await stream->write(asio::buffer(head));
    } else {
      std::string all;  // one write: head and body in one segment
      all.reserve(head.size() + req.body.size());
      all.append(head).append(req.body);
      co_await stream->write(asio::buffer(all));
    }
    co_return true;
  }
  co_await stream->write(asio::buffer(head));
  if (expect && !co_await detail::await_continue(*stream, *buffer, *req.expect_continue,
                                                 opts.limits.max_header_bytes, req.on_interim))
    co_return false;
  if (!req.body_source) {
    co_await stream->write(asio::buffer(req.body));
    co_return true;
  }
  const std::span<char> chunk = body_buffer().first(std::min(opts.limits.buffer_size, piece_size));
  std::uint64_t sent = 0;
  for (;;) {
    const std::size_t n = req.body_source->read(chunk);
    if (n == 0) break;
    sent += n;
    if (req.body_size && sent > *req.body_size)
      fail(error::body_size_mismatch, "HTTP request body is longer than its size " +
                                          std::to_string(*req.body_size));
    if (!req.body_size) {
      char size_line[32];
      const int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
      co_await stream->write(asio::buffer(size_line, static_cast<std::size_t>(len)));
    }
    co_await stream->write(asio::buffer(chunk.data(), n));
    if (!req.body_size) co_await stream->write(asio::buffer("\r\n", 2));
  }
  if (req.body_size && sent != *req.body_size)
    fail(error::body_size_mismatch, "HTTP request body ended after " + std::to_string(sent) +
                                        " of " + std::to_string(*req.body_size) + " bytes");
  if (!req.body_size) co_await stream->write(asio::buffer("0\r\n\r\n", 5));
  co_return true;
}

void client::impl::fail_read(const boost::system::error_code& ec, bool at_start,
                             std::uint64_t body_bytes) {
  if (!beast_error(ec)) throw std::system_error(ec, "HTTP response");
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
      ec == bhttp::error::buffer_overflow)
    fail(error::response_too_large, "HTTP response too large: " + ec.message());
  if (ec == bhttp::error::end_of_stream)
    fail(at_start ? error::empty_reply : error::truncated_response,
         "the server closed the connection without a response");
  if (ec == bhttp::error::partial_message)
    fail(error::truncated_response, "the connection closed after " + std::to_string(body_bytes) +
                                        " bytes of the HTTP response body");
  fail(error::malformed_response, "malformed HTTP response: " + ec.message());
}

awaitable<void> client::impl::read_body(bhttp::response_parser<bhttp::buffer_body>& p,
                                        const byte_sink& sink, response& r) {
  transport::progress_reporter meter(opts.progress, p.content_length()
                                                        ? std::optional(*p.content_length())
                                                        : std::nullopt);
  const std::span<char> chunk = p.is_done() ? std::span<char>() : body_buffer();  // HEAD, 204
  while (!p.is_done()) {
    p.get().body().data = chunk.data();
    p.get().body().size = chunk.size();
    boost::system::error_code ec;
    co_await bhttp::async_read(*stream, *buffer, p, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::need_buffer) ec = {};
    const std::size_t n = chunk.size() - p.get().body().size;
    if (n > 0) {
      r.body_bytes += n;
      if (sink) sink(std::string_view(chunk.data(), n));
      meter.add(n);
    }
    if (ec) fail_read(ec, false, r.body_bytes);
  }
  meter.finish();
}

// Reads into data[have, size) and returns the bytes now in data. Over TCP one read takes what
// the socket holds. Over TLS a read gives one record, so more are read while full records keep
// coming and one still fits: a bulk download then reaches the sink in buffer-sized pieces while
// a trickle is passed on as it arrives. `eof` is set at a clean EOF. A failure once data holds
// bytes is kept and thrown by the next call, so that those bytes reach the sink first.
awaitable<std::size_t> client::impl::fill(char* data, std::size_t have, std::size_t size,
                                          bool& eof) {
  if (failure) std::rethrow_exception(std::exchange(failure, nullptr));
  std::size_t got = have;
  for (;;) {
    std::size_t n = 0;
    try {
      n = co_await stream->read_some(asio::buffer(data + got, size - got));
    } catch (...) {
      if (got == 0) throw;
      failure = std::current_exception();
      co_return got;
    }
    eof = n == 0;
    got += n;
    if (eof || !stream->is_tls() || n < full_record || size - got < full_record) co_return got;
  }
}

// A Content-Length or close-delimited body (RFC 9112 §6.3 items 6-8), without Beast: the bytes
// already read past the head first, then reads straight into the body buffer, each buffer
// handed to the sink as it is (no copy). Never reads past Content-Length (what follows stays
// on the connection, as with Beast). The head was checked against max_body by the parser.
awaitable<void> client::impl::read_identity_body(bhttp::response_parser<bhttp::buffer_body>& p,
                                                 const byte_sink& sink, response& r) {
  const auto length = p.content_length();
  const std::optional<std::uint64_t> total =
      length ? std::optional<std::uint64_t>(*length) : std::nullopt;
  transport::progress_reporter meter(opts.progress, total);
  auto deliver = [&](const char* data, std::size_t n) {
    if (!total && opts.limits.max_body && n > *opts.limits.max_body - r.body_bytes)
      fail(error::response_too_large, "HTTP response too large: body limit exceeded");
    r.body_bytes += n;
    if (sink) sink(std::string_view(data, n));
    meter.add(n);
  };
  auto left = [&]() -> std::size_t {
    return total ? static_cast<std::size_t>(
                       std::min<std::uint64_t>(*total - r.body_bytes, opts.limits.buffer_size))
                 : opts.limits.buffer_size;
  };
  // What Beast read past the head: given as it is when it is the whole body, else copied to
  // the front of the body buffer so that the first sink call is a full one too.
  std::size_t have = std::min(buffer->size(), left());
  if (total && have == *total) {
    if (have > 0) deliver(static_cast<const char*>(buffer->data().data()), have);
    buffer->consume(have);
    meter.finish();
    co_return;
  }
  const std::span<char> buf = body_buffer();
  if (have > 0) std::memcpy(buf.data(), buffer->data().data(), have);
  buffer->consume(have);
  failure = nullptr;
  while (!total || r.body_bytes < *total) {
    bool eof = false;
    const std::size_t want = left();
    const std::size_t n = have < want ? co_await fill(buf.data(), have, want, eof) : have;
    have = 0;
    if (n > 0) deliver(buf.data(), n);
    if (eof) {  // the end of a close-delimited body, a truncation otherwise
      if (!total) break;
      fail(error::truncated_response, "the connection closed after " +
                                          std::to_string(r.body_bytes) +
                                          " bytes of the HTTP response body");
    }
  }
  meter.finish();
}

awaitable<response> client::impl::read_response(bool head_request, const byte_sink& sink,
                                                bool reused, const request& req) {
  const auto& on_head = req.on_head;
  for (int i = 0; i <= max_interim_replies; ++i) {
    bhttp::response_parser<bhttp::buffer_body> p;
    p.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(opts.limits.max_header_bytes, UINT32_MAX)));
    p.body_limit(opts.limits.max_body ? boost::optional<std::uint64_t>(*opts.limits.max_body)
                                      : boost::none);
    if (head_request) p.skip(true);
    boost::system::error_code ec;
    co_await bhttp::async_read_header(*stream, *buffer, p,
                                      asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      const bool nothing = i == 0 && buffer->size() == 0 &&
                           (ec == bhttp::error::end_of_stream || !beast_error(ec));
      if (nothing && reused) {
        std::exception_ptr mapped;
        try {
          fail_read(ec, true, 0);
        } catch (...) {
          mapped = std::current_exception();
        }
        throw stale_connection{mapped};
      }
      fail_read(ec, i == 0, 0);
    }
    const auto& msg = p.get();
    if (static_cast<std::size_t>(std::distance(msg.begin(), msg.end())) >
        opts.limits.max_header_count)
      fail(error::response_too_large, "HTTP response has more than " +
                                          std::to_string(opts.limits.max_header_count) +
                                          " header fields");
    const unsigned code = msg.result_int();
    if (code < 100 || code > 599)
      fail(error::unexpected_status, "HTTP status " + std::to_string(code));
    if (code < 200) {
      if (req.on_interim) req.on_interim(detail::parse_interim_head(
          "HTTP/" + std::to_string(msg.version() / 10) + "." + std::to_string(msg.version() % 10) +
          " " + std::to_string(code) + " " + std::string(msg.reason()) + "\r\n\r\n"));
      continue;
    }
    response r;
    r.status = static_cast<int>(code);
    r.reason = std::string(msg.reason());
    r.version = msg.version();
    for (const auto& f : msg) r.headers.emplace_back(f.name_string(), f.value());
    if (tr.enabled()) {
      tr.received("HTTP/" + std::to_string(r.version / 10) + "." + std::to_string(r.version % 10) +
                  " " + std::to_string(r.status) + " " + r.reason);
      for (const auto& [n, v] : r.headers) tr.received(n + ": " + v);
    }
    if (on_head) on_head(r);
    if (!p.is_done() && !p.chunked())
      co_await read_identity_body(p, sink, r);
    else
      co_await read_body(p, sink, r);
    const auto& done = p.get();
    const std::size_t fields_now = static_cast<std::size_t>(std::distance(done.begin(), done.end()));
    if (fields_now > opts.limits.max_header_count)
      fail(error::response_too_large, "HTTP trailer section has too many fields");
    for (auto it = std::next(done.begin(), static_cast<std::ptrdiff_t>(r.headers.size()));
         it != done.end(); ++it)
      r.headers.emplace_back(it->name_string(), it->value());
    if (!p.keep_alive()) drop(); else ++served;
    co_return r;
  }
  fail(error::unexpected_status, "more than 8 interim (1xx) HTTP replies");
}

awaitable<response> client::send(request req, byte_sink body) {
  if (!impl_->configured) fail(error::not_connected, "HTTP send() before connect()");
  check_request(req);
  const std::string head = format_head(impl_->opts, impl_->host, req);
  const bool retryable = idempotent(req.method) && !req.body_source;
  for (int attempt = 0;; ++attempt) {
    if (!impl_->stream || !impl_->stream->is_open()) co_await impl_->open();
    const bool reused = impl_->served > 0;
    if (impl_->opts.request_timeout) {
      transport::timeouts t = impl_->stream->get_timeouts();
      t.deadline = std::chrono::steady_clock::now() + *impl_->opts.request_timeout;
      if (impl_->opts.connect.time.deadline)
        t.deadline = std::min(*t.deadline, *impl_->opts.connect.time.deadline);
      impl_->stream->set_timeouts(t);
    }
    std::exception_ptr stale;
    try {
      if (impl_->tr.enabled()) trace_head(impl_->tr, head);
      bool body_sent = true;
      try {
        body_sent = co_await impl_->write_request(req, head);
      } catch (const std::system_error& e) {
        if (!reused || e.code().category() == http_category()) throw;
        throw stale_connection{std::current_exception()};
      }
      response r = co_await impl_->read_response(req.method == "HEAD", body, reused, req);
      if (!body_sent) impl_->drop();  // the server may still wait for the body
      r.reused_connection = reused;
      co_return r;
    } catch (const stale_connection& s) {
      stale = s.failure;
    } catch (...) {
      impl_->drop();
      throw;
    }
    impl_->drop();
    if (!retryable || attempt > 0) std::rethrow_exception(stale);
  }
}

}  // namespace inet::http
