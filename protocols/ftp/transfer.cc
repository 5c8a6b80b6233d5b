// The FTP client's data transfers (RFC 959 §3.2-3.3): passive data connections (EPSV, RFC 2428;
// PASV fallback), TLS on them resuming the control session (RFC 4217 §10), and RETR / STOR /
// APPE / LIST / NLST with every step checked: the 1xx, the data stream and the final 2xx.
#include <openssl/ssl.h>

#include <span>
#include <vector>

#include "protocols/ftp/impl.hpp"
#include "transport/progress.hpp"

namespace inet::ftp {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

bool data_failure_code(int code) { return code == 425 || code == 426 || code == 451; }

std::string bytes_text(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

/// TYPE A downloads: CRLF -> "\n" across chunk boundaries; a lone CR is a line end too ("\n",
/// as curl converts it).
class crlf_to_lf {
 public:
  std::string_view feed(std::string_view in) {
    out_.clear();
    for (char c : in) {
      if (cr_ && c != '\n') out_ += '\n';
      cr_ = c == '\r';
      if (!cr_) out_ += c;
    }
    return out_;
  }
  /// What is held back (a CR at the end so far); finish() hands it out as "\n" at the end.
  std::string_view pending() const { return cr_ ? std::string_view("\n") : std::string_view(); }
  std::string_view finish() { return cr_ ? (cr_ = false, std::string_view("\n")) : std::string_view(); }

 private:
  bool cr_ = false;
  std::string out_;
};

/// TYPE A uploads: a "\n" not preceded by CR goes out as CRLF.
class lf_to_crlf {
 public:
  std::string_view feed(std::string_view in) {
    out_.clear();
    for (char c : in) {
      if (c == '\n' && !cr_) out_ += '\r';
      out_ += c;
      cr_ = c == '\r';
    }
    return out_;
  }

 private:
  bool cr_ = false;
  std::string out_;
};

/// "FILE: name" in a STOU reply (RFC 1123 §4.1.2.9), else empty.
std::string unique_name_in(const reply& r) {
  for (const auto& l : r.lines) {
    const auto at = l.find("FILE: ");
    if (at == std::string::npos) continue;
    std::string name = l.substr(at + 6);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    return name;
  }
  return {};
}

}  // namespace

awaitable<void> client::impl::abort_transfer() {
  // RFC 959 §4.1.3: ABOR gets a 426 (transfer aborted) then a 226, or only a 226/225 when the
  // transfer had finished; a server that already reported the transfer (226) answers ABOR
  // with another 2xx. So read up to the first 2xx, then NOOP and skip anything before its 200.
  try {
    reply r = co_await transact(line::command("ABOR"));
    for (int i = 0; r.kind() != 2 && i < 3; ++i) {
      if (r.code == 421) break;
      r = co_await read();
    }
    if (r.kind() != 2) throw std::system_error(make_error_code(error::transfer_failed), "ABOR");
    reply n = co_await transact(line::command("NOOP"));
    for (int i = 0; n.code != 200 && n.kind() == 2 && i < 3; ++i) n = co_await read();
    if (n.code != 200) throw std::system_error(make_error_code(error::transfer_failed), "NOOP after ABOR");
  } catch (...) {
    stream.close();  // out of step: the control connection is not used again
    connected = false;
  }
}

awaitable<void> client::impl::open_active(data_channel& ch) {
  ch.listener = std::make_unique<transport::listener>(stream.get_executor());
  if (opts.active_address.empty()) {
    ch.listener->open(stream, opts.active_ports);
  } else {
    boost::system::error_code bad;
    const auto a = asio::ip::make_address(opts.active_address, bad);
    if (bad)
      throw std::system_error(transport::make_error_code(transport::error::invalid_argument),
                              "active mode address " + opts.active_address);
    ch.listener->open(a, opts.active_ports);
  }
  const auto ep = ch.listener->local_endpoint();
  const auto addr = ep.address();
  const std::string port = std::to_string(ep.port());
  // RFC 2428 §2: EPRT |1|192.0.2.1|6446| or |2|2001:db8::1|6446|.
  const reply r = co_await transact(line::command("EPRT").arg(
      "|" + std::string(addr.is_v6() ? "2" : "1") + "|" + addr.to_string() + "|" + port + "|"));
  if (r.kind() == 2) co_return;
  if (r.code == 421 || addr.is_v6())
    fail_as(r.code == 421 ? detail::code_for(r) : make_error_code(error::port_failed), "EPRT", r);
  // RFC 959 §4.1.2: PORT h1,h2,h3,h4,p1,p2 (IPv4 only).
  std::string hp;
  for (unsigned char b : addr.to_v4().to_bytes()) hp += std::to_string(b) + ",";
  hp += std::to_string(ep.port() / 256) + "," + std::to_string(ep.port() % 256);
  const reply p = co_await transact(line::command("PORT").arg(hp));
  if (p.kind() != 2)
    fail_as(p.code == 421 ? detail::code_for(p) : make_error_code(error::port_failed), "PORT", p);
}

awaitable<client::impl::data_channel> client::impl::open_data() {
  if (!connected) throw std::system_error(make_error_code(error::not_connected), "data connection");
  data_channel ch;
  ch.stream = std::make_unique<transport::stream>(stream.get_executor());
  transport::timeouts t = stream.get_timeouts();
  if (opts.data_idle.count() > 0) t.idle = opts.data_idle;
  ch.stream->set_timeouts(t);
  if (opts.active) {
    co_await open_active(ch);
    co_return ch;
  }
  std::optional<std::uint16_t> port;
  if (opts.epsv && !epsv_refused) {
    const reply r = co_await transact(line::command("EPSV"));
    if (r.code == 229) {
      port = detail::parse_epsv(r.text());
      if (!port) fail_as(make_error_code(error::passive_failed), "EPSV: no usable port", r);
    } else if (r.code == 421) {
      fail("EPSV", r);
    } else {
      epsv_refused = true;  // RFC 2428 §3: fall back to PASV, and do not ask again
    }
  }
  if (!port) {
    const reply r = co_await transact(line::command("PASV"));
    if (r.code != 227)
      fail_as(r.code == 421 ? detail::code_for(r) : make_error_code(error::passive_failed), "PASV", r);
    // The address in the reply is ignored (curl's --ftp-skip-pasv-ip): a server cannot point
    // the client at a third host (FTP bounce, RFC 2577 §3).
    port = detail::parse_pasv(r.text());
    if (!port) fail_as(make_error_code(error::pasv_unparseable), "PASV: no usable port", r);
  }
  transport::connect_options co = opts.connect;
  if (opts.data_idle.count() > 0) co.time.idle = opts.data_idle;
  co.time.deadline = stream.get_timeouts().deadline;
  const std::string host = co.proxy.type == transport::proxy_options::kind::none
                               ? stream.remote_ip_endpoint().address().to_string()
                               : opts.host;
  co_await ch.stream->connect(host, *port, co);
  co_return ch;
}

awaitable<reply> client::impl::start_transfer(data_channel& ch, const line::command& cmd,
                                              const std::string& what) {
  transport::stream& data = *ch.stream;
  reply r = co_await transact(cmd);
  if (r.kind() != 1) {
    data.close();
    if (ch.listener) ch.listener->close();
    fail_as(data_failure_code(r.code) ? make_error_code(error::transfer_failed) : detail::code_for(r),
            what, r);
  }
  if (ch.listener) {
    // Exactly one connection, from the server's address only (transport::listener).
    try {
      co_await ch.listener->accept(data, stream.remote_ip_endpoint().address(),
                                   data.get_timeouts().idle);
    } catch (const std::system_error& e) {
      stream.close();  // the server still waits to send on a data connection: out of step
      connected = false;
      throw ftp_exception(make_error_code(error::port_failed),
                          what + ": the server did not connect (" + e.what() + ")", r);
    }
  }
  // RFC 4217 §10: under PROT P the data connection is TLS; vsftpd's require_ssl_reuse wants
  // the control connection's session resumed. The host name is verified as for the control.
  if (stream.is_tls()) {
    const transport::tls_session resume = data_resume ? data_resume : stream.session();
    data_resume = {};  // used: a new one comes with the data connection's own ticket
    co_await data.handshake(opts.tls, opts.host, resume);
  }
  co_return r;
}

void client::impl::remember_session(const transport::stream& data) {
  if (!data.is_tls()) return;
  const transport::tls_session s = data.session();
  if (!s) return;
  // A copy: OpenSSL marks a connection's own session object not resumable when the connection
  // ends without close_notify (vsftpd ends listings so), and this one is needed after that.
  SSL_SESSION* copy = SSL_SESSION_dup(static_cast<SSL_SESSION*>(s.handle_.get()));
  if (!copy) return;
  data_resume.handle_ = std::shared_ptr<void>(
      copy, [](void* p) { SSL_SESSION_free(static_cast<SSL_SESSION*>(p)); });
}

awaitable<void> client::impl::ensure_type() {
  if (type_sent == type_wanted) co_return;
  const char* code = type_wanted == transfer_type::binary ? "I" : "A";
  const reply r = co_await transact(line::command("TYPE").arg(code));
  if (r.kind() != 2)
    fail_as(r.code == 421 ? detail::code_for(r) : make_error_code(error::type_failed),
            std::string("TYPE ") + code, r);
  type_sent = type_wanted;
}

awaitable<transfer_result> client::impl::finish_transfer(std::uint64_t n, const std::string& data_error,
                                                         std::optional<std::uint64_t> expected,
                                                         const std::string& what) {
  reply fin;
  try {
    fin = co_await read();
  } catch (const std::system_error& e) {
    stream.close();
    connected = false;
    throw std::system_error(e.code(), what + ": no final reply after " + bytes_text(n) +
                                          (data_error.empty() ? "" : " (" + data_error + ")") +
                                          ": " + e.what());
  }
  if (fin.kind() != 2)
    fail_as(data_failure_code(fin.code) || fin.kind() == 4 ? make_error_code(error::transfer_failed)
                                                           : detail::code_for(fin),
            what + ": failed after " + bytes_text(n), fin);
  if (!data_error.empty())
    throw ftp_exception(make_error_code(error::transfer_failed),
                        what + ": data connection failed after " + bytes_text(n) + ": " + data_error,
                        fin);
  if (expected && n != *expected)
    throw ftp_exception(make_error_code(error::transfer_failed),
                        what + ": " + bytes_text(n) + " received, SIZE announced " +
                            std::to_string(*expected),
                        fin);
  co_return transfer_result{n, std::move(fin)};
}

awaitable<transfer_result> client::impl::download(const line::command& cmd, const byte_sink& sink,
                                                  std::optional<std::uint64_t> expected,
                                                  const std::string& what) {
  auto ch = co_await open_data();
  co_await start_transfer(ch, cmd, what);
  auto& data = ch.stream;
  transport::progress_reporter prog(opts.progress, expected);
  std::vector<char> buf(std::max<std::size_t>(opts.buffer_size, 512));
  std::uint64_t n = 0;
  std::string data_error;
  std::optional<crlf_to_lf> conv;
  if (type_wanted == transfer_type::ascii && opts.ascii_conversion) conv.emplace();
  std::exception_ptr sink_failure;
  {
    // The control connection waits quietly while the data connection works; the data stream
    // keeps its own idle timeout (transport/stream.hpp).
    transport::scoped_idle_suspension quiet(stream);
    for (;;) {
      std::size_t k = 0;
      try {
        k = co_await data->read_some(asio::buffer(buf));
      } catch (const std::system_error& e) {
        data_error = e.what();
      }
      if (k > 0) {
        n += k;
        // The server's TLS 1.3 ticket came before the first data: the next data connection's.
        if (n == k) remember_session(*data);
      }
      try {
        const std::string_view chunk(buf.data(), k);
        if (k > 0) sink(conv ? conv->feed(chunk) : chunk);
        else if (conv && data_error.empty() && !conv->pending().empty()) sink(conv->finish());
      } catch (...) {
        sink_failure = std::current_exception();
        break;
      }
      if (k == 0) break;
      prog.add(k);
    }
  }
  if (n == 0) remember_session(*data);
  data->close();
  if (sink_failure) {
    // The caller aborted: ABOR keeps the control connection usable (else it is closed).
    co_await abort_transfer();
    std::rethrow_exception(sink_failure);
  }
  auto result = co_await finish_transfer(n, data_error, expected, what);
  prog.finish();
  co_return result;
}

awaitable<transfer_result> client::retrieve(std::string path, byte_sink sink, std::uint64_t offset) {
  impl& s = *impl_;
  const line::command cmd = line::command("RETR").arg(path);
  co_await s.ensure_type();
  std::optional<std::uint64_t> expected;
  if (s.type_wanted == transfer_type::binary && s.feats.has("SIZE")) {
    const reply r = co_await s.transact(line::command("SIZE").arg(path));
    if (r.code == 421) s.fail("SIZE " + path, r);
    if (const auto v = detail::parse_size(r)) {
      if (offset > *v)
        throw ftp_exception(make_error_code(error::resume_beyond_end),
                            "RETR " + path + ": offset " + std::to_string(offset) +
                                " is beyond the end of the file (" + std::to_string(*v) + " bytes)",
                            r);
      if (offset > 0 && offset == *v) co_return transfer_result{0, r, {}};  // already complete
      expected = *v - offset;
    }
  }
  if (offset > 0)
    co_await s.expect_kind(line::command("REST").arg(std::to_string(offset)), 3, "REST");
  co_return co_await s.download(cmd, sink, expected, "RETR " + path);
}

awaitable<transfer_result> client::list(std::string path, byte_sink sink) {
  line::command cmd("LIST");
  if (!path.empty()) cmd.arg(path);
  co_return co_await impl_->download(cmd, sink, std::nullopt, "LIST " + path);
}

awaitable<transfer_result> client::name_list(std::string path, byte_sink sink) {
  line::command cmd("NLST");
  if (!path.empty()) cmd.arg(path);
  co_return co_await impl_->download(cmd, sink, std::nullopt, "NLST " + path);
}

awaitable<transfer_result> client::impl::upload(const line::command& cmd, byte_source& source,
                                                const std::string& what) {
  co_await ensure_type();
  auto ch = co_await open_data();
  const reply first = co_await start_transfer(ch, cmd, what);
  auto& data = ch.stream;
  transport::progress_reporter prog(opts.progress);
  std::vector<char> buf(std::max<std::size_t>(opts.buffer_size, 512));
  std::optional<lf_to_crlf> conv;
  if (type_wanted == transfer_type::ascii && opts.ascii_conversion) conv.emplace();
  std::uint64_t n = 0;
  std::string data_error;
  {
    transport::scoped_idle_suspension quiet(stream);
    for (;;) {
      std::size_t k = 0;
      try {
        k = source.read(std::span<char>(buf.data(), buf.size()));
      } catch (...) {
        data->close();
        stream.close();
        connected = false;
        throw;
      }
      if (k == 0) break;
      const std::string_view chunk =
          conv ? conv->feed(std::string_view(buf.data(), k)) : std::string_view(buf.data(), k);
      try {
        co_await data->write(asio::buffer(chunk.data(), chunk.size()));
      } catch (const std::system_error& e) {
        data_error = e.what();
      }
      if (!data_error.empty()) break;
      n += chunk.size();
      prog.add(chunk.size());
    }
    // The end of the file is the end of the data connection (RFC 959 §3.3, stream mode).
    if (data_error.empty()) {
      try {
        co_await data->graceful_close();
      } catch (const std::system_error& e) {
        data_error = e.what();
      }
    }
  }
  remember_session(*data);
  data->close();
  auto result = co_await finish_transfer(n, data_error, std::nullopt, what);
  result.unique_name = unique_name_in(first);
  if (result.unique_name.empty()) result.unique_name = unique_name_in(result.final_reply);
  prog.finish();
  co_return result;
}

awaitable<transfer_result> client::store(std::string path, byte_source& source, bool append) {
  const line::command cmd = line::command(append ? "APPE" : "STOR").arg(path);
  const std::string what = (append ? "APPE " : "STOR ") + path;
  co_return co_await impl_->upload(cmd, source, what);
}

awaitable<transfer_result> client::store_unique(byte_source& source) {
  co_return co_await impl_->upload(line::command("STOU"), source, "STOU");
}

void client::set_data_mode(bool active, bool epsv, std::string active_address,
                           transport::port_range ports) {
  impl& s = *impl_;
  s.opts.active = active;
  s.opts.epsv = epsv;
  s.opts.active_address = std::move(active_address);
  s.opts.active_ports = ports;
}

}  // namespace inet::ftp
