#include "tests/mock/session.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>
#include <zlib.h>

#include <algorithm>

namespace inet::test::detail {
namespace {

constexpr std::size_t max_line = 1024 * 1024;
constexpr std::size_t max_transcript = 512 * 1024;
constexpr std::size_t batch_bytes = 64 * 1024;

std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

bool is_eof_like(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
         ec == asio::error::connection_reset;
}

}  // namespace

std::string escape(std::string_view bytes) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    switch (c) {
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        }
    }
  }
  return out;
}

std::string escape_short(std::string_view bytes, std::size_t max) {
  if (bytes.size() <= max) return escape(bytes);
  std::size_t head = max * 3 / 4, tail = max / 4;
  return escape(bytes.substr(0, head)) + "...[" + std::to_string(bytes.size() - head - tail) +
         " bytes]..." + escape(bytes.substr(bytes.size() - tail));
}

session::session(asio::io_context& io, tcp::acceptor& acceptor, const server_options& o,
                 shared_state& st)
    : io_(io), acceptor_(acceptor), opts_(o), st_(st), timer_(io) {}

session::~session() = default;

// Raw DEFLATE both ways (RFC 4978 §4), written against zlib directly (not the client's codec).
struct session::deflate_state {
  z_stream out{}, in{};
  deflate_state() {
    deflateInit2(&out, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    inflateInit2(&in, -15);
  }
  ~deflate_state() {
    deflateEnd(&out);
    inflateEnd(&in);
  }
  deflate_state(const deflate_state&) = delete;
  deflate_state& operator=(const deflate_state&) = delete;
  std::string compress(std::string_view bytes) {
    std::string result;
    char buf[16384];
    out.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    out.avail_in = static_cast<uInt>(bytes.size());
    do {
      out.next_out = reinterpret_cast<Bytef*>(buf);
      out.avail_out = sizeof buf;
      deflate(&out, Z_SYNC_FLUSH);
      result.append(buf, sizeof buf - out.avail_out);
    } while (out.avail_out == 0 || out.avail_in > 0);
    return result;
  }
};

std::string session::inflate_client(std::string_view compressed) {
  z_stream& z = z_->in;
  std::string result;
  char buf[16384];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    const int rc = inflate(&z, Z_SYNC_FLUSH);
    if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END)
      fail(std::string("the client sent corrupt DEFLATE data: ") + (z.msg ? z.msg : "?"));
    result.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_STREAM_END || (rc == Z_BUF_ERROR && z.avail_out != 0)) break;
  } while (z.avail_in > 0 || z.avail_out == 0);
  return result;
}

// ---- transcript -----------------------------------------------------------

void session::note(std::string_view prefix, std::string_view text) {
  std::lock_guard lock(st_.mu);
  if (!st_.client_partial.empty()) {  // keep the order of both directions
    st_.transcript += "C> " + escape_short(st_.client_partial, 4096) + "\n";
    st_.client_partial.clear();
  }
  if (st_.transcript.size() > max_transcript) return;
  st_.transcript.append(prefix).append(" ").append(text).append("\n");
  if (st_.transcript.size() > max_transcript) st_.transcript += "[transcript truncated]\n";
}

void session::note_server(std::string_view bytes) {
  std::size_t start = 0;
  while (start < bytes.size()) {  // one transcript line per sent line
    std::size_t nl = bytes.find('\n', start);
    std::size_t end = nl == std::string_view::npos ? bytes.size() : nl + 1;
    note("S>", escape_short(bytes.substr(start, end - start), 4096));
    start = end;
  }
}

void session::note_client(std::string_view bytes) {
  std::lock_guard lock(st_.mu);
  st_.received.append(bytes);
  std::string& p = st_.client_partial;
  p.append(bytes);
  std::size_t start = 0;
  for (std::size_t nl; (nl = p.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (st_.transcript.size() <= max_transcript)
      st_.transcript += "C> " + escape_short(std::string_view(p).substr(start, nl + 1 - start), 4096) + "\n";
  }
  p.erase(0, start);
  if (p.size() > 4096) {
    if (st_.transcript.size() <= max_transcript) st_.transcript += "C> " + escape_short(p, 4096) + "\n";
    p.clear();
  }
}

// ---- I/O core ---------------------------------------------------------------

conn& session::current(use u) {
  if (conns_.empty()) fail("no connection");
  conn& c = *conns_.back();
  if (c.reset) fail("the connection was already reset by the script");
  if (u != use::read && c.write_closed) fail("the connection was already closed by the script");
  if (u == use::read && c.tls_closed)
    fail("cannot read after a graceful TLS close; use close(close_mode::fin_only) to expect_eof after it");
  return c;
}

void session::cancel_io() {
  error_code ig;
  acceptor_.cancel(ig);
  if (!conns_.empty()) conns_.back()->sock.cancel(ig);
}

std::size_t session::run_io(std::chrono::milliseconds limit,
                            const std::function<void(handler)>& start, error_code& ec) {
  if (stopping) fail("the mock server is being destroyed");
  bool done = false, timed_out = false;
  std::size_t n = 0;
  start([&](const error_code& e, std::size_t k) {
    ec = e;
    n = k;
    done = true;
    timer_.cancel();
  });
  timer_.expires_after(limit);
  timer_.async_wait([&](const error_code& e) {
    if (!e && !done) {
      timed_out = true;
      cancel_io();
    }
  });
  io_.restart();
  io_.run();
  if (timed_out) ec = asio::error::timed_out;
  if (stopping) fail("the mock server is being destroyed");
  return n;
}

void session::wait_for(std::chrono::milliseconds d) {
  if (stopping) fail("the mock server is being destroyed");
  timer_.expires_after(d);
  timer_.async_wait([](const error_code&) {});
  io_.restart();
  io_.run();
  if (stopping) fail("the mock server is being destroyed");
}

session::rd session::read_more(std::chrono::milliseconds limit) {
  conn& c = current(use::read);
  if (peer_eof_) return rd::eof;
  error_code ec;
  std::size_t n = run_io(
      limit,
      [&](handler h) {
        auto buf = asio::buffer(chunk_);
        if (c.tls) c.tls->async_read_some(buf, h);
        else c.sock.async_read_some(buf, h);
      },
      ec);
  if (n > 0) {
    const std::string plain = z_ ? inflate_client(std::string_view(chunk_.data(), n)) : std::string();
    const std::string_view got = z_ ? std::string_view(plain) : std::string_view(chunk_.data(), n);
    rbuf_.append(got);
    note_client(got);
  }
  if (!ec || n > 0) return rd::data;
  if (ec == asio::error::timed_out) return rd::timeout;
  if (is_eof_like(ec)) {
    peer_eof_ = true;
    note("--", "client closed its side (" + ec.message() + ")");
    return rd::eof;
  }
  fail("read error: " + ec.message());
}

error_code session::write_raw(std::string_view plain) {
  conn& c = current(use::write);
  const std::string packed = z_ && !bypass_z_ ? z_->compress(plain) : std::string();
  const std::string_view bytes = z_ && !bypass_z_ ? std::string_view(packed) : plain;
  error_code ec;
  run_io(
      opts_.step_timeout,
      [&](handler h) {
        auto buf = asio::buffer(bytes.data(), bytes.size());
        if (c.tls) asio::async_write(*c.tls, buf, h);
        else asio::async_write(c.sock, buf, h);
      },
      ec);
  return ec;
}

// ---- connection_ctl -------------------------------------------------------------

void session::fail(const std::string& why) { throw script_failure(why); }

void session::write(std::string_view bytes) {
  note_server(bytes);
  if (error_code ec = write_raw(bytes)) fail("write failed: " + ec.message());
}

std::string session::read_line() {
  std::size_t scan = 0;
  for (;;) {
    std::size_t pos = rbuf_.find("\r\n", scan);
    if (pos != std::string::npos && pos <= max_line) {
      std::string line = rbuf_.substr(0, pos);
      rbuf_.erase(0, pos + 2);
      return line;
    }
    if (rbuf_.size() > max_line) fail("line longer than 1 MiB without CRLF");
    scan = rbuf_.empty() ? 0 : rbuf_.size() - 1;
    switch (read_more(opts_.step_timeout)) {
      case rd::data: break;
      case rd::eof:
        fail("got EOF instead of a line" +
             (rbuf_.empty() ? std::string() : " (unterminated: \"" + escape_short(rbuf_) + "\")"));
      case rd::timeout:
        fail("timed out after " + ms_text(opts_.step_timeout) + " waiting for a line" +
             (rbuf_.empty() ? std::string() : " (partial: \"" + escape_short(rbuf_) + "\")"));
    }
  }
}

std::string session::read_bytes(std::size_t n) {
  while (rbuf_.size() < n) {
    switch (read_more(opts_.step_timeout)) {
      case rd::data: break;
      case rd::eof:
        fail("got EOF after " + std::to_string(rbuf_.size()) + " of " + std::to_string(n) + " bytes");
      case rd::timeout:
        fail("timed out after " + ms_text(opts_.step_timeout) + " with " +
             std::to_string(rbuf_.size()) + " of " + std::to_string(n) + " bytes");
    }
  }
  std::string out = rbuf_.substr(0, n);
  rbuf_.erase(0, n);
  return out;
}

std::string session::read_some() {
  if (rbuf_.empty()) {
    switch (read_more(opts_.step_timeout)) {
      case rd::data: break;
      case rd::eof: return {};
      case rd::timeout: fail("timed out after " + ms_text(opts_.step_timeout) + " waiting for data");
    }
  }
  return std::exchange(rbuf_, {});
}

bool session::is_tls() const { return !conns_.empty() && conns_.back()->tls != nullptr; }

SSL* session::ssl_handle() { return is_tls() ? conns_.back()->tls->native_handle() : nullptr; }

std::string session::tls_sni() const {
  if (!is_tls()) return {};
  const char* name = SSL_get_servername(conns_.back()->tls->native_handle(), TLSEXT_NAMETYPE_host_name);
  return name != nullptr ? name : "";
}

// ---- steps -------------------------------------------------------------------

void session::use_connection(std::size_t index) {
  auto it = std::find_if(conns_.begin(), conns_.end(),
                         [index](const std::unique_ptr<conn>& c) { return c->number == index; });
  if (it == conns_.end()) fail("no accepted connection number " + std::to_string(index));
  if (z_) fail("use_connection does not work with start_deflate");
  conns_.back()->saved_rbuf = std::move(rbuf_);
  conns_.back()->saved_eof = peer_eof_;
  auto c = std::move(*it);
  conns_.erase(it);
  conns_.push_back(std::move(c));
  rbuf_ = std::move(conns_.back()->saved_rbuf);
  peer_eof_ = conns_.back()->saved_eof;
  note("--", "continuing on connection " + std::to_string(index));
}

void session::accept() {
  auto c = std::make_unique<conn>(io_);
  error_code ec;
  run_io(opts_.step_timeout, [&](handler h) {
    acceptor_.async_accept(c->sock, [h](const error_code& e) { h(e, 0); });
  }, ec);
  if (ec == asio::error::timed_out) fail("no client connected within " + ms_text(opts_.step_timeout));
  if (ec) fail("accept failed: " + ec.message());
  c->number = conns_.size();
  if (!conns_.empty()) {
    conns_.back()->saved_rbuf = std::move(rbuf_);
    conns_.back()->saved_eof = peer_eof_;
  }
  conns_.push_back(std::move(c));
  rbuf_.clear();
  peer_eof_ = false;
  note("--", "accepted a connection");
  if (opts_.implicit_tls) start_tls(opts_.cert, false);
}

void session::expect_until(const std::string& terminator, std::string* captured) {
  std::string body;
  for (;;) {
    std::string line = read_line();
    if (line == terminator) break;
    body.append(line).append("\r\n");
  }
  if (captured != nullptr) *captured = std::move(body);
}

void session::expect_eof() {
  if (!rbuf_.empty()) fail("expected EOF, but the client sent \"" + escape_short(rbuf_) + "\"");
  switch (read_more(opts_.step_timeout)) {
    case rd::eof: return;
    case rd::data: fail("expected EOF, but the client sent \"" + escape_short(rbuf_) + "\"");
    case rd::timeout: fail("expected EOF, but the client kept the connection open for " + ms_text(opts_.step_timeout));
  }
}

void session::expect_silence(std::chrono::milliseconds d) {
  if (!rbuf_.empty()) fail("expected silence, but the client sent \"" + escape_short(rbuf_) + "\"");
  if (read_more(d) == rd::data)
    fail("expected silence for " + ms_text(d) + ", but the client sent \"" + escape_short(rbuf_) + "\"");
}

void session::start_tls(cert_kind k, bool require_client_cert) {
  conn& c = current(use::tls);
  if (c.tls) fail("TLS is already active");
  if (!rbuf_.empty()) {
    note("--", "discarding " + std::to_string(rbuf_.size()) +
                   " plaintext bytes received before the TLS handshake: \"" + escape_short(rbuf_) + "\"");
    rbuf_.clear();
  }
  const test_pki& pki = test_pki::instance();
  cert_files files = pki.server(k);
  c.ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  c.ctx->use_certificate_chain_file(files.cert_file);
  c.ctx->use_private_key_file(files.key_file, asio::ssl::context::pem);
  if (require_client_cert) {
    c.ctx->load_verify_file(pki.ca_file());
    c.ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  if (opts_.configure_tls) opts_.configure_tls(c.ctx->native_handle());
  c.tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(c.sock, *c.ctx);
  error_code ec;
  run_io(opts_.step_timeout, [&](handler h) {
    c.tls->async_handshake(asio::ssl::stream_base::server, [h](const error_code& e) { h(e, 0); });
  }, ec);
  if (ec) fail("TLS handshake failed: " + ec.message());
  std::string sni = tls_sni();
  note("--", std::string("TLS handshake done (") + SSL_get_version(c.tls->native_handle()) +
                 (sni.empty() ? ", no SNI" : ", SNI " + sni) + ")");
}

void session::start_deflate() {
  if (z_) fail("DEFLATE is already active");
  z_ = std::make_shared<deflate_state>();
  if (!rbuf_.empty()) {  // the client compressed right after our OK: those bytes are DEFLATE
    const std::string compressed = std::exchange(rbuf_, {});
    rbuf_ = inflate_client(compressed);
  }
  note("--", "DEFLATE active (RFC 4978); the transcript shows uncompressed bytes");
}

void session::send_raw(const std::string& bytes) {
  note_server(bytes);
  bypass_z_ = true;
  const error_code ec = write_raw(bytes);
  bypass_z_ = false;
  if (ec) fail("write failed: " + ec.message());
}

void session::stall(std::chrono::milliseconds d) { wait_for(d); }

void session::trickle(const std::string& bytes, std::chrono::milliseconds per_byte) {
  note_server(bytes);
  for (char ch : bytes) {
    if (error_code ec = write_raw(std::string_view(&ch, 1))) fail("write failed: " + ec.message());
    wait_for(per_byte);
  }
}

void session::send_repeated(const std::string& chunk, std::size_t times) {
  if (chunk.empty() || times == 0) return;
  note("S>", "\"" + escape_short(chunk, 200) + "\" x " + std::to_string(times));
  std::size_t per_batch = std::max<std::size_t>(1, batch_bytes / chunk.size());
  std::string batch;
  for (std::size_t i = 0; i < per_batch; ++i) batch += chunk;
  std::size_t sent = 0;
  while (sent < times) {
    std::size_t k = std::min(per_batch, times - sent);
    error_code ec = write_raw(std::string_view(batch).substr(0, k * chunk.size()));
    if (ec) {
      note("--", "client stopped reading after " + std::to_string(sent) + " repetitions (" +
                     ec.message() + "); stopped sending");
      return;
    }
    sent += k;
  }
}

void session::close(close_mode m) {
  conn& c = current(use::write);
  error_code ig;
  if (m == close_mode::reset) {
    c.sock.set_option(asio::socket_base::linger(true, 0), ig);
    c.sock.close(ig);
    c.reset = true;
    note("--", "server reset the connection (RST)");
    return;
  }
  if (m == close_mode::graceful && c.tls) {
    // Send close_notify without waiting for the client's (RFC 8446 6.1).
    SSL_set_shutdown(c.tls->native_handle(), SSL_RECEIVED_SHUTDOWN);
    error_code ec;
    run_io(opts_.step_timeout, [&](handler h) {
      c.tls->async_shutdown([h](const error_code& e) { h(e, 0); });
    }, ec);
    c.tls_closed = true;
    note("--", "server sent TLS close_notify");
  }
  // Half-close: FIN now; the descriptor stays open until the server is
  // destroyed so that late client bytes never trigger a TCP reset.
  c.sock.shutdown(tcp::socket::shutdown_send, ig);
  c.write_closed = true;
  note("--", "server closed the connection (FIN)");
}

void session::abort_connection() {
  error_code ig;
  acceptor_.close(ig);
  if (!conns_.empty() && !conns_.back()->write_closed) {
    conns_.back()->sock.shutdown(tcp::socket::shutdown_send, ig);
    conns_.back()->write_closed = true;
  }
}

void session::finish() {
  error_code ig;
  acceptor_.close(ig);
}

void session::shutdown_all() {
  error_code ig;
  timer_.cancel();
  acceptor_.close(ig);
  for (auto& c : conns_) c->sock.close(ig);
}

}  // namespace inet::test::detail
