#include "transport/stream.hpp"

#include "transport/deflate.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "transport/error.hpp"
#include "transport/idn.hpp"
#include "transport/proxy.hpp"
#include "transport/rate_limit.hpp"
#include "transport/trace.hpp"

namespace inet::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::steady_clock;

// Bounds one pending operation (a read, or a write): its idle bound cut short by the deadline.
struct watchdog {
  explicit watchdog(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
  std::uint64_t generation = 0;
  bool armed = false;              // an operation is pending under this watchdog
  std::chrono::milliseconds idle{0};  // that operation's idle bound
  std::optional<error> fired;      // which bound expired for that operation
};

struct stream::impl {
  explicit impl(asio::any_io_executor ex) : sock(ex), rd(ex), wr(ex), resolver(ex) {}

  tcp::socket sock;
  watchdog rd;  // reads, and the exclusive operations (connect, handshake, graceful close)
  watchdog wr;  // writes (may be pending together with a read)
  tcp::resolver resolver;
  std::unique_ptr<asio::ssl::context> ctx;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;
  timeouts time;
  int idle_suspended = 0;  // scoped_idle_suspension guards alive: only the deadline applies
  bool verified = false;
  bool eof = false;  // the peer closed: further reads return 0 at once (no second epoll wait)
  trace tracer{"tls"};
  std::unique_ptr<deflate_codec> deflate;  // COMPRESS=DEFLATE (RFC 4978), until the next connect
  std::vector<char> gathered;  // async_write_some's copy of several small buffers
  rate_limiter rd_pace, wr_pace;  // timeouts::rate_limit, per direction

  // Pauses on a timer for what `pace` asks after `n` bytes (rebuilt when the rate changed);
  // never past the deadline (the next operation then fails with deadline_exceeded).
  asio::awaitable<void> pace(rate_limiter& p, std::size_t n) {
    if (time.rate_limit == 0) co_return;
    if (p.rate() != time.rate_limit) p = rate_limiter(time.rate_limit);
    auto wait = p.pause(n);
    if (time.deadline) wait = std::min(wait, std::max(*time.deadline - steady_clock::now(),
                                                      steady_clock::duration::zero()));
    if (wait <= steady_clock::duration::zero()) co_return;
    asio::steady_timer t(sock.get_executor(), wait);
    co_await t.async_wait(asio::use_awaitable);
  }

  asio::awaitable<std::size_t> raw_read_some(asio::mutable_buffer buf);
  asio::awaitable<void> raw_write(asio::const_buffer buf);

  // Arms `w` for one operation: the idle bound, cut short by the deadline.
  void arm(std::chrono::milliseconds idle, watchdog& w) {
    if (time.deadline && *time.deadline <= steady_clock::now()) {
      // Already overdue: fail now rather than race a data-ready operation against the timer.
      boost::system::error_code ignored;
      sock.close(ignored);
      throw std::system_error(make_error_code(error::deadline_exceeded),
                              "operation started after the deadline");
    }
    w.armed = true;
    w.idle = idle;
    w.fired.reset();
    schedule(w);
  }
  void arm(std::chrono::milliseconds idle) { arm(idle, rd); }
  // (Re)starts `w`'s timer from now: idle bound (unless suspended), cut short by the deadline.
  void schedule(watchdog& w) {
    std::optional<steady_clock::time_point> expiry;
    error reason = error::timeout;
    if (idle_suspended == 0) expiry = steady_clock::now() + w.idle;
    if (time.deadline && (!expiry || *time.deadline < *expiry)) {
      expiry = *time.deadline;
      reason = error::deadline_exceeded;
    }
    const auto gen = ++w.generation;
    if (!expiry) {
      w.timer.cancel();
      return;
    }
    w.timer.expires_at(*expiry);
    w.timer.async_wait([this, &w, gen, reason](boost::system::error_code ec) {
      if (ec || gen != w.generation) return;
      w.fired = reason;
      boost::system::error_code ignored;
      sock.cancel(ignored);
      resolver.cancel();
    });
  }
  void reset_tls() {
    tls.reset();
    ctx.reset();
    verified = false;
  }
  void disarm(watchdog& w) {
    ++w.generation;
    w.armed = false;
    w.timer.cancel();
  }
  // Ends a read-side operation that needs no verdict (EOF, graceful close, handshake failure).
  void disarm() {
    disarm(rd);
    rd.fired.reset();
  }
  // Converts an operation's result into an exception, naming timeouts precisely. An operation
  // aborted because the other direction's watchdog fired reports that watchdog's reason.
  void check(boost::system::error_code ec, const char* what, watchdog& w) {
    disarm(w);
    if (!ec) {
      w.fired.reset();  // a watchdog that fired as the operation completed decides nothing
      return;
    }
    const watchdog& other = &w == &rd ? wr : rd;
    const std::optional<error> fired = w.fired ? w.fired : other.fired;
    if (fired && ec == asio::error::operation_aborted) {
      w.fired.reset();
      boost::system::error_code ignored;
      sock.close(ignored);
      throw std::system_error(make_error_code(*fired), what);
    }
    if (ec == asio::error::operation_aborted)
      throw std::system_error(make_error_code(error::operation_aborted), what);
    throw std::system_error(ec, what);
  }
  void check(boost::system::error_code ec, const char* what) { check(ec, what, rd); }
  // A new connection: no TLS, no DEFLATE, no EOF, no watchdog verdicts.
  void fresh_connection() {
    reset_tls();
    deflate.reset();
    eof = false;
    rd.fired.reset();
    wr.fired.reset();
  }
};

stream::stream(asio::any_io_executor ex) : impl_(std::make_unique<impl>(std::move(ex))) {}
stream::~stream() = default;

asio::any_io_executor stream::get_executor() const { return impl_->sock.get_executor(); }

namespace {

// RFC 8305 §4: interleave address families, IPv6 first.
std::vector<tcp::endpoint> interleave(const tcp::resolver::results_type& results) {
  std::vector<tcp::endpoint> v6, v4, out;
  for (const auto& r : results) (r.endpoint().address().is_v6() ? v6 : v4).push_back(r.endpoint());
  for (std::size_t i = 0; i < std::max(v6.size(), v4.size()); ++i) {
    if (i < v6.size()) out.push_back(v6[i]);
    if (i < v4.size()) out.push_back(v4[i]);
  }
  return out;
}

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto a = ep.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}


// RFC 8305 §5: start a connection attempt every `attempt_delay` (or as soon as the previous
// one fails) while earlier ones are still pending; the first to succeed wins and the others
// are closed. Bounded by `end`.
struct race_result {
  std::optional<tcp::socket> socket;
  tcp::endpoint endpoint;
  std::error_code error;
};

struct race_state {
  race_state(const asio::any_io_executor& ex, const trace& t) : wake(ex), tracer(t) {}
  asio::steady_timer wake;
  trace tracer;  // a copy: attempts may finish after the stream is gone
  std::vector<std::shared_ptr<tcp::socket>> attempts;
  std::optional<tcp::socket> winner;
  tcp::endpoint winner_ep;
  std::error_code last;
  std::size_t pending = 0;
};

asio::awaitable<void> attempt(std::shared_ptr<race_state> st, std::shared_ptr<tcp::socket> sock,
                              tcp::endpoint ep) {
  boost::system::error_code ec;
  co_await sock->async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
  --st->pending;
  if (!ec && !st->winner) {
    st->winner.emplace(std::move(*sock));
    st->winner_ep = ep;
  } else if (ec && ec != asio::error::operation_aborted) {
    st->last = ec;
    st->tracer.info("connect to " + endpoint_text(ep) + " failed: " + ec.message());
  }
  st->wake.cancel();
}

asio::awaitable<race_result> race_connect(asio::any_io_executor ex,
                                          const std::vector<tcp::endpoint>& endpoints,
                                          std::chrono::milliseconds attempt_delay,
                                          steady_clock::time_point end, const trace& tracer) {
  auto st = std::make_shared<race_state>(ex, tracer);
  st->last = make_error_code(error::connect_timeout);
  std::size_t next = 0;
  while (!st->winner && steady_clock::now() < end) {
    if (next < endpoints.size()) {
      auto sock = std::make_shared<tcp::socket>(ex);
      st->attempts.push_back(sock);
      ++st->pending;
      asio::co_spawn(ex, attempt(st, sock, endpoints[next]), asio::detached);
      ++next;
      st->wake.expires_at(std::min(end, steady_clock::now() + attempt_delay));
    } else if (st->pending == 0) {
      break;  // every address failed
    } else {
      st->wake.expires_at(end);
    }
    boost::system::error_code ec;
    co_await st->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    // Woken early by a finished attempt: if it failed, the loop starts the next one now.
  }
  for (auto& a : st->attempts) {
    boost::system::error_code ignored;
    if (a->is_open()) a->close(ignored);
  }
  race_result r;
  if (st->winner) {
    r.socket = std::move(st->winner);
    r.endpoint = st->winner_ep;
  } else {
    r.error = steady_clock::now() >= end && st->pending > 0
                  ? make_error_code(error::connect_timeout)
                  : st->last;
  }
  co_return r;
}

struct resolve_state {
  explicit resolve_state(const asio::any_io_executor& ex) : resolver(ex), wake(ex) {}
  tcp::resolver resolver;
  asio::steady_timer wake;
  bool done = false;
  boost::system::error_code ec;
  tcp::resolver::results_type results;
};

asio::awaitable<void> resolve_in_background(std::shared_ptr<resolve_state> st, std::string host,
                                            std::string port) {
  st->results = co_await st->resolver.async_resolve(
      host, port, asio::redirect_error(asio::use_awaitable, st->ec));
  st->done = true;
  st->wake.cancel();
}

// Resolves host:port, giving up at `end` with error::connect_timeout in `ec`.
asio::awaitable<tcp::resolver::results_type> bounded_resolve(asio::any_io_executor ex,
                                                            const std::string& host,
                                                            std::uint16_t port,
                                                            steady_clock::time_point end,
                                                            boost::system::error_code& ec) {
  auto st = std::make_shared<resolve_state>(ex);
  asio::co_spawn(ex, resolve_in_background(st, host, std::to_string(port)), asio::detached);
  st->wake.expires_at(end);
  boost::system::error_code wait_ec;
  co_await st->wake.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
  if (!st->done) {
    st->resolver.cancel();
    ec = make_error_code(error::connect_timeout);
    co_return tcp::resolver::results_type();
  }
  ec = st->ec;
  co_return st->results;
}
}  // namespace

asio::awaitable<void> stream::connect(std::string host, std::uint16_t port, connect_options opts) {
  impl& s = *impl_;
  s.time = opts.time;
  s.fresh_connection();
  host = to_ascii_host(host);  // IDNA2008: resolve, proxy requests and SNI use the A-label
  const bool via_proxy = opts.proxy.type != proxy_options::kind::none;
  const std::string dial_host = via_proxy ? to_ascii_host(opts.proxy.host) : host;
  const std::uint16_t dial_port = via_proxy ? opts.proxy.port : port;
  // The connect timeout covers resolve, every attempt and the proxy handshake.
  auto connect_end = steady_clock::now() + opts.time.connect;
  if (opts.time.deadline && *opts.time.deadline < connect_end) connect_end = *opts.time.deadline;
  auto remaining = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(connect_end -
                                                                          steady_clock::now()));
  };

  boost::system::error_code ec;
  // getaddrinfo cannot be interrupted: resolve in the background and stop waiting at the
  // connect bound (the lookup finishes on its own later and is discarded).
  auto results = co_await bounded_resolve(s.sock.get_executor(), dial_host, dial_port,
                                          connect_end, ec);
  if (ec == make_error_code(error::connect_timeout))
    throw std::system_error(make_error_code(error::connect_timeout), "resolve " + dial_host);
  if (ec || results.empty())
    throw std::system_error(make_error_code(error::resolve_failed),
                            "could not resolve host '" + dial_host + "'" +
                                (ec ? " (" + ec.message() + ")" : std::string()));

  const auto endpoints = interleave(results);
  auto won = co_await race_connect(s.sock.get_executor(), endpoints, opts.attempt_delay,
                                   connect_end, s.tracer);
  if (!won.socket) {
    throw std::system_error(won.error, "connect to " + dial_host + ":" + std::to_string(dial_port));
  }
  s.sock = std::move(*won.socket);
  s.tracer.info("Connected to " + dial_host + " (" + endpoint_text(won.endpoint) + ")");
  s.sock.set_option(tcp::no_delay(true), ec);

  if (via_proxy) {
    const auto saved = s.time;
    s.time.idle = remaining();
    if (!s.time.deadline || *s.time.deadline > connect_end) s.time.deadline = connect_end;
    try {
      co_await proxy_handshake(*this, opts.proxy, host, port);
    } catch (const std::system_error& e) {
      s.time = saved;
      if (e.code() == make_error_code(error::deadline_exceeded) ||
          e.code() == make_error_code(error::timeout))
        throw std::system_error(make_error_code(error::connect_timeout), "proxy handshake");
      throw;
    }
    s.time = saved;
  }
}

namespace {

std::string x509_name(X509_NAME* name) {
  if (!name) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string asn1_time(const ASN1_TIME* t) {
  if (!t) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  ASN1_TIME_print(bio, t);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string openssl_errors() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

// "AB:CD:..." / "abcd..." -> raw digest bytes (32 for SHA-256, 20 for SHA-1).
std::string parse_fingerprint(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      throw std::system_error(make_error_code(error::invalid_argument),
                              "certificate fingerprint: not a hex digit in '" + escape_control(text) + "'");
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 64 && hex.size() != 40)
    throw std::system_error(make_error_code(error::invalid_argument),
                            "certificate fingerprint: expected SHA-256 (64 hex digits) or SHA-1 (40), got " +
                                std::to_string(hex.size()) + " digits");
  std::string raw;
  for (std::size_t i = 0; i < hex.size(); i += 2) raw += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return raw;
}

std::string hex_colons(const unsigned char* p, unsigned n) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    if (i) out += ':';
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

// Compares the peer's leaf certificate with the pinned digest; throws on mismatch.
void check_pinned(SSL* ssl, const std::string& pinned, const std::string& name) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert)
    throw std::system_error(make_error_code(error::certificate_verify_failed),
                            "TLS with " + name + ": no server certificate to compare with the fingerprint");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  const EVP_MD* alg = pinned.size() == 32 ? EVP_sha256() : EVP_sha1();
  const int ok = X509_digest(cert, alg, md, &n);
  X509_free(cert);
  if (ok != 1 || n != pinned.size() || std::memcmp(md, pinned.data(), n) != 0)
    throw std::system_error(make_error_code(error::certificate_verify_failed),
                            "TLS with " + name + ": the server certificate's " +
                                (pinned.size() == 32 ? "SHA-256" : "SHA-1") + " fingerprint " +
                                hex_colons(md, n) + " is not the pinned one");
}

std::unique_ptr<asio::ssl::context> make_context(const tls_options& tls) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_CLIENT);
  if (!tls.dangerous_skip_verification && tls.pinned_fingerprint.empty()) {
    if (tls.ca_file.empty() && tls.ca_path.empty()) {
      ctx->set_default_verify_paths();
    } else {
      if (SSL_CTX_load_verify_locations(native, tls.ca_file.empty() ? nullptr : tls.ca_file.c_str(),
                                        tls.ca_path.empty() ? nullptr : tls.ca_path.c_str()) != 1)
        throw std::system_error(make_error_code(error::certificate_verify_failed),
                                "cannot load CA certificates from '" + tls.ca_file + tls.ca_path +
                                    "': " + openssl_errors());
    }
    ctx->set_verify_mode(asio::ssl::verify_peer);
  } else {
    ctx->set_verify_mode(asio::ssl::verify_none);
  }
  if (!tls.client_cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(native, tls.client_cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(native,
                                    (tls.client_key_file.empty() ? tls.client_cert_file
                                                                 : tls.client_key_file)
                                        .c_str(),
                                    SSL_FILETYPE_PEM) != 1)
      throw std::system_error(make_error_code(error::tls_handshake_failed),
                              "cannot load client certificate '" + tls.client_cert_file +
                                  "': " + openssl_errors());
  }
  return ctx;
}

}  // namespace

asio::awaitable<void> stream::handshake(const tls_options& tls, std::string_view host,
                                        tls_session resume) {
  impl& s = *impl_;
  if (!s.sock.is_open()) throw std::system_error(make_error_code(error::not_connected), "TLS");
  const std::string pinned = tls.pinned_fingerprint.empty() ? std::string() : parse_fingerprint(tls.pinned_fingerprint);
  s.ctx = make_context(tls);
  s.tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(s.sock, *s.ctx);
  SSL* ssl = s.tls->native_handle();
  const std::string name =
      to_ascii_host(tls.server_name.empty() ? host : std::string_view(tls.server_name));
  boost::system::error_code addr_ec;
  (void)asio::ip::make_address(name, addr_ec);
  const bool is_ip = !addr_ec;
  if (name.empty() && !tls.dangerous_skip_verification && pinned.empty()) {
    s.tls.reset();
    throw std::system_error(make_error_code(error::certificate_verify_failed),
                            "no host name to verify the certificate against");
  }
  if (!is_ip && !name.empty()) SSL_set_tlsext_host_name(ssl, name.c_str());  // SNI
  if (!pinned.empty()) {
    s.tracer.info("server certificate pinned by fingerprint: chain and host name are not checked");
  } else if (!tls.dangerous_skip_verification) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                         : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
    if (ok != 1) {
      s.tls.reset();
      throw std::system_error(make_error_code(error::certificate_verify_failed),
                              "cannot verify host name '" + escape_control(name) + "'");
    }
  } else {
    s.tracer.info("WARNING: TLS certificate and host name verification DISABLED for " + name);
  }
  if (!tls.alpn.empty()) {
    std::string wire;
    for (const auto& p : tls.alpn) {
      wire.push_back(static_cast<char>(p.size()));
      wire += p;
    }
    SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(wire.data()),
                        static_cast<unsigned>(wire.size()));
  }
  if (resume) SSL_set_session(ssl, static_cast<SSL_SESSION*>(resume.handle_.get()));

  boost::system::error_code ec;
  s.arm(s.time.idle);
  co_await s.tls->async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec && !(s.rd.fired && ec == asio::error::operation_aborted)) {
    s.disarm();
    const long vr = SSL_get_verify_result(ssl);
    s.tls.reset();
    boost::system::error_code ignored;
    s.sock.close(ignored);
    if (vr != X509_V_OK)
      throw std::system_error(make_error_code(error::certificate_verify_failed),
                              "TLS with " + name + ": " + X509_verify_cert_error_string(vr));
    // OpenSSL itself refuses a ServerHello selecting an ALPN protocol that was not offered
    // (RFC 7301 §3.2) with SSL_R_BAD_EXTENSION; with an ALPN offer that is the ALPACA case.
    if (!tls.alpn.empty() && ec.category() == asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_BAD_EXTENSION)
      throw std::system_error(make_error_code(error::alpn_mismatch),
                              "TLS with " + name + ": " + ec.message() +
                                  " (the server's ALPN selection was not offered)");
    throw std::system_error(make_error_code(error::tls_handshake_failed),
                            "TLS with " + name + ": " + ec.message());
  }
  s.check(ec, "TLS handshake");
  if (!pinned.empty()) {
    try {
      check_pinned(ssl, pinned, name);
    } catch (...) {
      s.tls.reset();
      boost::system::error_code ignored;
      s.sock.close(ignored);
      throw;
    }
  }
  if (!tls.alpn.empty()) {  // RFC 7301 §3.2, ALPACA: none selected is fine, another is not
    const unsigned char* sel = nullptr;
    unsigned sel_len = 0;
    SSL_get0_alpn_selected(ssl, &sel, &sel_len);
    const std::string selected(reinterpret_cast<const char*>(sel), sel ? sel_len : 0);
    if (!selected.empty() && std::find(tls.alpn.begin(), tls.alpn.end(), selected) == tls.alpn.end()) {
      s.tls.reset();
      boost::system::error_code ignored;
      s.sock.close(ignored);
      throw std::system_error(make_error_code(error::alpn_mismatch),
                              "TLS with " + name + ": the server selected ALPN protocol \"" +
                                  escape_control(selected) + "\", which was not offered");
    }
  }
  s.verified = !tls.dangerous_skip_verification;
  const auto info = tls_details();
  s.tracer.info("TLS connection using " + info.protocol + " / " + info.cipher +
                (info.session_reused ? " (session resumed)" : ""));
  s.tracer.info("Server certificate: subject " + info.peer_subject + "; issuer " +
                info.peer_issuer + "; expires " + info.peer_not_after);
}

asio::awaitable<std::size_t> stream::impl::raw_read_some(asio::mutable_buffer buf) {
  if (!sock.is_open()) throw std::system_error(make_error_code(error::not_connected), "read");
  if (eof) co_return 0;
  boost::system::error_code ec;
  std::size_t n = 0;
  arm(time.idle);
  if (tls)
    n = co_await tls->async_read_some(buf, asio::redirect_error(asio::use_awaitable, ec));
  else
    n = co_await sock.async_read_some(buf, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    disarm();
    eof = true;
    co_return 0;
  }
  check(ec, "read");
  co_await pace(rd_pace, n);
  co_return n;
}

asio::awaitable<void> stream::impl::raw_write(asio::const_buffer buf) {
  if (!sock.is_open()) throw std::system_error(make_error_code(error::not_connected), "write");
  boost::system::error_code ec;
  arm(time.idle, wr);
  if (tls)
    co_await asio::async_write(*tls, buf, asio::redirect_error(asio::use_awaitable, ec));
  else
    co_await asio::async_write(sock, buf, asio::redirect_error(asio::use_awaitable, ec));
  check(ec, "write", wr);
  co_await pace(wr_pace, buf.size());
}

asio::awaitable<std::size_t> stream::read_some(asio::mutable_buffer buf) {
  impl& s = *impl_;
  if (!s.deflate) co_return co_await s.raw_read_some(buf);
  const std::span<char> out(static_cast<char*>(buf.data()), buf.size());
  for (;;) {
    // Output inflate still holds from the last call comes first, then the pending input.
    if (const std::size_t n = s.deflate->decompress(out); n > 0) co_return n;
    if (s.deflate->finished()) co_return 0;  // the peer ended its compressed stream
    const std::span<char> space = s.deflate->input_space();
    if (space.empty())
      throw std::system_error(make_error_code(error::compression_failed), "inflate made no progress");
    const std::size_t got = co_await s.raw_read_some(asio::buffer(space.data(), space.size()));
    if (got == 0) co_return 0;
    s.deflate->commit_input(got);
  }
}

asio::awaitable<void> stream::wait_readable() {
  impl& s = *impl_;
  if (!s.sock.is_open()) throw std::system_error(make_error_code(error::not_connected), "read");
  if (s.eof || s.tls || s.deflate) co_return;
  boost::system::error_code ec;
  s.arm(s.time.idle);
  co_await s.sock.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
  s.check(ec, "read");
}

asio::awaitable<void> stream::write(asio::const_buffer buf) {
  impl& s = *impl_;
  if (!s.deflate) {
    co_await s.raw_write(buf);
    co_return;
  }
  const std::string packed = s.deflate->compress(std::string_view(static_cast<const char*>(buf.data()), buf.size()));
  co_await s.raw_write(asio::buffer(packed));
}

void stream::start_compression(std::string_view already_read) {
  impl_->deflate = std::make_unique<deflate_codec>();
  impl_->deflate->add_input(already_read);
}

bool stream::is_compressed() const noexcept { return impl_->deflate != nullptr; }

asio::awaitable<void> stream::graceful_close() {
  impl& s = *impl_;
  if (s.tls && s.sock.is_open()) {
    boost::system::error_code ec;
    const auto saved = s.time;
    s.arm(std::min(s.time.idle, std::chrono::milliseconds(500)));
    co_await s.tls->async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    s.disarm();
    s.time = saved;
  }
  close();
}

void stream::close() noexcept {
  boost::system::error_code ignored;
  impl_->disarm(impl_->rd);
  impl_->disarm(impl_->wr);
  impl_->sock.shutdown(tcp::socket::shutdown_both, ignored);
  impl_->sock.close(ignored);
  // The TLS state stays until the next connect(): freeing it here would mark its session as
  // not resumable for connections that still want to resume it.
}

void stream::cancel() noexcept {
  boost::system::error_code ignored;
  impl_->sock.cancel(ignored);
  impl_->resolver.cancel();
}

bool stream::is_open() const noexcept { return impl_->sock.is_open(); }
bool stream::is_tls() const noexcept { return static_cast<bool>(impl_->tls); }

tls_info stream::tls_details() const {
  tls_info info;
  if (!impl_->tls) return info;
  SSL* ssl = impl_->tls->native_handle();
  info.protocol = SSL_get_version(ssl);
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) info.cipher = SSL_CIPHER_get_name(c);
  const unsigned char* alpn = nullptr;
  unsigned alpn_len = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
  if (alpn) info.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
  info.session_reused = SSL_session_reused(ssl) == 1;
  info.verified = impl_->verified;
  if (X509* cert = SSL_get1_peer_certificate(ssl)) {
    info.peer_subject = x509_name(X509_get_subject_name(cert));
    info.peer_issuer = x509_name(X509_get_issuer_name(cert));
    info.peer_not_before = asn1_time(X509_get0_notBefore(cert));
    info.peer_not_after = asn1_time(X509_get0_notAfter(cert));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &md_len) == 1) {
      static const char* hex = "0123456789ABCDEF";
      for (unsigned i = 0; i < md_len; ++i) {
        if (i) info.peer_sha256_fingerprint.push_back(':');
        info.peer_sha256_fingerprint.push_back(hex[md[i] >> 4]);
        info.peer_sha256_fingerprint.push_back(hex[md[i] & 15]);
      }
    }
    X509_free(cert);
  }
  return info;
}

tls_session stream::session() const {
  tls_session out;
  if (!impl_->tls) return out;
  if (SSL_SESSION* sess = SSL_get1_session(impl_->tls->native_handle()))
    out.handle_ = std::shared_ptr<void>(sess, [](void* p) {
      SSL_SESSION_free(static_cast<SSL_SESSION*>(p));
    });
  return out;
}

std::string stream::remote_endpoint() const {
  boost::system::error_code ec;
  const auto ep = impl_->sock.remote_endpoint(ec);
  return ec ? std::string() : endpoint_text(ep);
}

std::string stream::local_endpoint() const {
  boost::system::error_code ec;
  const auto ep = impl_->sock.local_endpoint(ec);
  return ec ? std::string() : endpoint_text(ep);
}

tcp::endpoint stream::remote_ip_endpoint() const {
  boost::system::error_code ec;
  const auto ep = impl_->sock.remote_endpoint(ec);
  return ec ? tcp::endpoint() : ep;
}

tcp::endpoint stream::local_ip_endpoint() const {
  boost::system::error_code ec;
  const auto ep = impl_->sock.local_endpoint(ec);
  return ec ? tcp::endpoint() : ep;
}

void stream::attach(tcp::socket&& sock) {
  close();
  impl_->fresh_connection();
  impl_->sock = std::move(sock);
  boost::system::error_code ignored;
  impl_->sock.set_option(tcp::no_delay(true), ignored);
}

// ------------------------------------------------------------------ completion-token forms
// The token forms run the coroutine forms above (one implementation of TLS, DEFLATE and the
// watchdogs) through transport::launch (transport/async.hpp), which maps exceptions to error
// codes. A read honours every cancellation type, a write terminal only.

namespace {

asio::awaitable<std::size_t> read_some_or_eof(stream& s, asio::mutable_buffer buf) {
  // A cancelled read consumed nothing the next read will not return (bytes already taken off
  // the socket stay inside OpenSSL or the inflater): every cancellation type is safe.
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  if (buf.size() == 0) co_return 0;
  const std::size_t n = co_await s.read_some(buf);
  if (n == 0) throw boost::system::system_error(asio::error::eof);
  co_return n;
}

asio::awaitable<std::size_t> write_whole(stream& s, asio::const_buffer buf) {
  if (buf.size() > 0) co_await s.write(buf);
  co_return buf.size();
}

}  // namespace

void stream::start_read_some(asio::mutable_buffer buf, detail::size_handler h) {
  launch<std::size_t>({get_executor(), nullptr, {}, asio::cancellation_type::all},
                      read_some_or_eof(*this, buf), std::move(h));
}

void stream::start_write_some(asio::const_buffer buf, detail::size_handler h) {
  launch<std::size_t>({get_executor()}, write_whole(*this, buf), std::move(h));
}

asio::mutable_buffer stream::gather_space(std::size_t n) {
  impl_->gathered.resize(n);
  return asio::buffer(impl_->gathered);
}

// ------------------------------------------------------------------------- idle suspension

void stream::suspend_idle(bool on) noexcept {
  impl& s = *impl_;
  s.idle_suspended += on ? 1 : -1;
  if (s.idle_suspended > 1 || (!on && s.idle_suspended > 0)) return;  // no change of regime
  // Pending operations switch bounds now: deadline only, or a fresh idle bound from now.
  for (watchdog* w : {&s.rd, &s.wr})
    if (w->armed) s.schedule(*w);
}

void stream::set_timeouts(const timeouts& t) noexcept { impl_->time = t; }
const timeouts& stream::get_timeouts() const noexcept { return impl_->time; }

}  // namespace inet::transport
