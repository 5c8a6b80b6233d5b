// The IMAP client's core: reading responses (literals streamed), running tagged commands,
// the greeting, STARTTLS, LOGIN/AUTHENTICATE, ID, ENABLE, raw commands and the blocking facade.
#include "protocols/imap/client.hpp"

#include <algorithm>
#include <array>

#include "protocols/imap/internal.hpp"
#include "protocols/session/sasl_driver.hpp"
#include "protocols/session/tls_upgrade.hpp"
#include "transport/blocking.hpp"
#include "transport/line_reader.hpp"

namespace inet::imap {

namespace asio = boost::asio;
using asio::awaitable;

imap_exception::imap_exception(std::error_code ec, std::string operation, status_response r)
    : inet::exception(ec, std::move(operation), r.summary()), response_(std::move(r)) {}

namespace detail {

std::error_code code_for(const status_response& r) {
  switch (r.status) {
    case status_response::kind::bad: return make_error_code(error::command_rejected);
    case status_response::kind::bye: return make_error_code(error::server_bye);
    default: return make_error_code(error::command_failed);
  }
}

void check_atom(std::string_view a, const char* what) {
  bool ok = !a.empty();
  for (char c : a)
    if (!is_atom_char(c) && c != '\\' && c != '[' && c != ']' && c != '.') ok = false;
  if (!ok)
    throw std::system_error(transport::make_error_code(transport::error::invalid_argument),
                            std::string(what) + " is not a valid IMAP atom");
}

client_state::client_state(asio::any_io_executor ex) : stream(ex), eng(stream, "imap", redact_trace) {}

bool client_state::has(std::string_view cap) const noexcept {
  return std::any_of(caps.begin(), caps.end(), [&](const std::string& c) { return iequals(c, cap); });
}

encoding_options client_state::encoding() const noexcept {
  return {has("LITERAL+"), has("LITERAL-"), utf8};
}

std::string client_state::tag() { return "A" + std::to_string(++next_tag); }

void client_state::check_usable() const {
  if (untrusted)
    throw std::system_error(make_error_code(error::connection_untrusted),
                            "the IMAP connection was closed after a protocol violation");
  if (!stream.is_open()) throw std::system_error(make_error_code(error::not_connected), "IMAP");
}

void client_state::violation(std::error_code ec, const std::string& what) {
  untrusted = true;
  stream.close();
  throw std::system_error(ec, what);
}

void client_state::reset_session() {
  caps.clear();
  greet = {};
  mailbox.reset();
  auth_mech.clear();
  bye.reset();
  next_tag = 0;
  connected = untrusted = utf8 = qresync = authenticated = false;
  literal_sink = nullptr;
  raw_out = nullptr;
  raw_filter = nullptr;
  mirroring = false;
  keep_streamed = false;
  spent = {};
}

void client_state::charge(std::uint64_t bytes, bool streamed) {
  const command_limits& lim = opts.per_command;
  std::uint64_t& used = streamed ? spent.streamed : spent.kept;
  const std::uint64_t max = streamed ? lim.max_streamed_bytes : lim.max_bytes;
  if (used > max || bytes > max - used)
    violation(make_error_code(error::response_too_large),
              "the responses to one command exceed " + std::to_string(max) + " bytes (" +
                  (streamed ? "per_command.max_streamed_bytes" : "per_command.max_bytes") + ")");
  used += bytes;
}

awaitable<void> client_state::read_response_into(response& out) { out = co_await read_response(); }

awaitable<response> client_state::read_response() {
  for (;;) {
    std::string_view line;
    std::string bad;  // a NUL or CR in the line (line::check_reply_line; literals are apart)
    try {
      line = co_await eng.read_line();
    } catch (const std::system_error& e) {
      if (e.code() != line::error::malformed_reply) throw;
      bad = e.what();
    }
    if (!bad.empty()) violation(make_error_code(error::malformed_response), bad);
    charge(line.size() + 2, false);
    // A response's continuation lines (after a literal) follow the decision of its first line.
    if (!prs.in_response())
      mirroring = raw_out && !line.empty() && line[0] == '*' && (!raw_filter || raw_filter(line));
    const bool mirror = mirroring;
    if (mirror) {
      raw_out(line);
      raw_out("\r\n");
    }
    auto st = prs.feed_line(line);
    while (st == parser::status::need_literal) {
      const parser::literal_request lit = prs.pending_literal();
      charge(lit.size, lit.streamed && !keep_streamed);  // before any of it is read
      co_await eng.reader().read_exact(lit.size, [&](std::string_view chunk) {
        if (mirror) raw_out(chunk);
        if (lit.streamed && literal_sink) literal_sink(lit, chunk);
        prs.feed_literal(chunk);
      });
      st = parser::status::need_line;
    }
    if (st == parser::status::response_ready) {
      if (++spent.responses > opts.per_command.max_responses)
        violation(make_error_code(error::response_too_large),
                  "more than " + std::to_string(opts.per_command.max_responses) +
                      " responses to one command (per_command.max_responses)");
      co_return prs.take_response();
    }
  }
}

void client_state::dispatch(response& r, const untagged_fn& fn) {
  if (auto* s = std::get_if<status_response>(&r)) {
    if (s->has_code("CAPABILITY")) caps = s->code->tokens;
    if (s->status == status_response::kind::bye) bye = *s;
  } else if (auto* c = std::get_if<capability_data>(&r)) {
    caps = c->capabilities;
  } else if (auto* n = std::get_if<count_data>(&r); n && mailbox) {
    (n->what == count_data::kind::exists ? mailbox->exists : mailbox->recent) = n->count;
  } else if (auto* e = std::get_if<expunge_data>(&r); e && mailbox && mailbox->exists > 0) {
    --mailbox->exists;
  } else if (auto* v = std::get_if<vanished_data>(&r); v && !v->earlier && mailbox) {
    // RFC 7162 §3.2.10: VANISHED without EARLIER replaces EXPUNGE, one message per UID.
    std::uint64_t gone = 0;
    for (const auto& rg : v->uids.ranges())
      if (rg.first != sequence_set::star && rg.last != sequence_set::star)
        gone += (rg.first <= rg.last ? rg.last - rg.first : rg.first - rg.last) + 1;
    mailbox->exists = gone >= mailbox->exists ? 0 : mailbox->exists - static_cast<std::uint32_t>(gone);
  }
  if (fn && fn(r)) return;
  if (handler) handler(r);
}

awaitable<void> client_state::write_literal(const wire_command::literal& l, byte_source* source) {
  if (!l.external) {
    co_await eng.send_bytes(l.data);
    co_return;
  }
  if (!source)
    throw std::system_error(transport::make_error_code(transport::error::invalid_argument),
                            "an external literal needs a byte_source");
  std::vector<char> buf(64 * 1024);
  std::uint64_t left = l.size;
  while (left > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
    const std::size_t n = source->read(std::span<char>(buf.data(), want));
    if (n == 0) {
      untrusted = true;
      stream.close();
      throw std::system_error(transport::make_error_code(transport::error::invalid_argument),
                              "message source ended " + std::to_string(left) +
                                  " bytes before the announced literal size");
    }
    co_await eng.send_bytes(std::string_view(buf.data(), n));
    left -= n;
  }
  std::array<char, 1> extra{};
  if (source->read(std::span<char>(extra.data(), 1)) != 0) {
    untrusted = true;
    stream.close();
    throw std::system_error(transport::make_error_code(transport::error::invalid_argument),
                            "message source is longer than the announced literal size");
  }
  eng.tracer().info("[" + std::to_string(l.size) + " bytes of literal data]");
}

awaitable<status_response> client_state::run(wire_command w, const untagged_fn& fn,
                                              byte_source* source) {
  check_usable();
  begin_command();
  const std::string tag = w.lines.front().substr(0, w.lines.front().find(' '));
  eng.tracer().sent(w.trace);
  try {
    for (std::size_t i = 0; i < w.lines.size(); ++i) {
      co_await eng.send_bytes(w.lines[i] + "\r\n");
      if (i >= w.literals.size()) break;
      if (w.literals[i].synchronizing) {
        for (;;) {
          response r = co_await read_response();
          if (std::holds_alternative<continuation>(r)) break;
          if (auto* s = std::get_if<status_response>(&r); s && !s->tag.empty()) {
            if (s->tag != tag) violation(make_error_code(error::unexpected_tag), "tagged response for unknown tag " + s->tag);
            co_return std::move(*s);  // the server refused the literal
          }
          dispatch(r, fn);
        }
      }
      co_await write_literal(w.literals[i], source);
    }
    for (;;) {
      response r = co_await read_response();
      if (auto* s = std::get_if<status_response>(&r); s && !s->tag.empty()) {
        if (s->tag != tag) violation(make_error_code(error::unexpected_tag), "tagged response for unknown tag " + s->tag);
        if (s->has_code("CAPABILITY")) caps = s->code->tokens;
        co_return std::move(*s);
      }
      if (std::holds_alternative<continuation>(r))
        violation(make_error_code(error::malformed_response), "unexpected continuation request");
      dispatch(r, fn);
    }
  } catch (const parse_error&) {
    untrusted = true;
    stream.close();
    throw;
  } catch (const std::system_error& e) {
    if (bye && e.code() == transport::make_error_code(transport::error::unexpected_eof)) {
      stream.close();
      throw imap_exception(make_error_code(error::server_bye), "IMAP server closed the connection", *bye);
    }
    // Any other failure inside a command (a line or reply over its limit, a timeout, a lost
    // connection) leaves the stream mid-response: it cannot be resynchronised, so it is closed;
    // an oversize line or reply is a protocol violation, like a malformed response.
    const auto& ec = e.code();
    if (ec == transport::make_error_code(transport::error::line_too_long) ||
        ec == transport::make_error_code(transport::error::reply_too_large))
      untrusted = true;
    stream.close();
    throw;
  }
}

awaitable<status_response> client_state::run_ok(wire_command w, const untagged_fn& fn,
                                                 const std::string& what, byte_source* source) {
  status_response s = co_await run(std::move(w), fn, source);
  if (s.status != status_response::kind::ok) throw imap_exception(code_for(s), what, s);
  co_return s;
}

awaitable<void> client_state::refresh_capabilities() {
  command_builder b(tag(), "CAPABILITY");
  co_await run_ok(b.build(), [](response& r) { return std::holds_alternative<capability_data>(r); },
                  "CAPABILITY");
}

}  // namespace detail

awaitable<void> client::impl::greeting() {
  begin_command();
  response g = co_await read_response();
  auto* s = std::get_if<status_response>(&g);
  if (!s || !s->tag.empty()) {
    stream.close();
    throw std::system_error(make_error_code(error::bad_greeting), "IMAP greeting is not OK/PREAUTH");
  }
  greet = *s;
  if (s->status == status_response::kind::bye) {
    stream.close();
    throw imap_exception(make_error_code(error::server_bye), "greeting from " + opts.host, *s);
  }
  if (s->status != status_response::kind::ok && s->status != status_response::kind::preauth) {
    stream.close();
    throw imap_exception(make_error_code(error::bad_greeting), "greeting from " + opts.host, *s);
  }
  if (s->has_code("CAPABILITY")) caps = s->code->tokens;
}

session::security client::impl::sec() const {
  return session::resolve(opts.security == security::implicit_tls, opts.policy,
                          session::has_credentials(opts.credentials, opts.token_provider.get()));
}

// STARTTLS (RFC 9051 §6.2.1) for the session layer's upgrade policy.
class client::impl::starttls_adapter final : public session::upgrade_adapter {
 public:
  explicit starttls_adapter(client::impl& s) : s_(s) {}
  std::string_view command_word() const override { return "STARTTLS"; }
  awaitable<bool> offered() override {
    if (s_.caps.empty()) co_await s_.refresh_capabilities();
    co_return s_.has("STARTTLS");
  }
  awaitable<bool> request() override {
    command_builder b(s_.tag(), "STARTTLS");
    refusal_ = co_await s_.run(b.build(), {});
    co_return refusal_.status == status_response::kind::ok;
  }
  [[noreturn]] void throw_refused() override {
    throw imap_exception(make_error_code(error::tls_required), "STARTTLS", refusal_);
  }
  std::error_code tls_required_code() const override { return make_error_code(error::tls_required); }
  void upgrade_failed(const std::system_error& e) override {
    if (e.code() == transport::make_error_code(transport::error::starttls_injection))
      s_.untrusted = true;
  }
  awaitable<void> forget_pre_tls_state() override {
    s_.caps.clear();  // RFC 2595 §3.1 / RFC 9051 §6.2.1: forget what was learned in plaintext
    co_await s_.refresh_capabilities();
  }

 private:
  client::impl& s_;
  status_response refusal_;
};

// AUTHENTICATE (RFC 9051 §6.2.2, SASL-IR RFC 4959) for the session layer's SASL driver.
class client::impl::auth_adapter final : public session::sasl_adapter {
 public:
  explicit auth_adapter(client::impl& s) : s_(s) {}
  std::string_view command_word() const override { return "AUTHENTICATE"; }
  bool initial_response_fits(std::string_view, std::size_t) const override {
    return s_.has("SASL-IR");
  }
  awaitable<void> send_start(std::string_view mech, const std::optional<std::string>& ir) override {
    s_.begin_command();
    tag_ = s_.tag();
    line::command cmd(tag_ + " AUTHENTICATE " + std::string(mech));
    if (ir) cmd.arg(*ir).redact_as(tag_ + " AUTHENTICATE " + std::string(mech) + " <credentials redacted>");
    co_await s_.eng.send(cmd);
  }
  awaitable<session::server_step> read_step() override {
    for (;;) {
      response r = co_await s_.read_response();
      if (auto* c = std::get_if<continuation>(&r))
        co_return session::server_step{session::server_step::kind::challenge, c->text};
      if (auto* st = std::get_if<status_response>(&r); st && !st->tag.empty()) {
        if (st->tag != tag_)
          s_.violation(make_error_code(error::unexpected_tag), "tagged response for unknown tag " + st->tag);
        done = *st;
        co_return session::server_step{done.status == status_response::kind::ok
                                           ? session::server_step::kind::success
                                           : session::server_step::kind::failure,
                                       {}};
      }
      s_.dispatch(r, {});
    }
  }
  awaitable<void> send_response(std::string_view b64) override {
    line::command resp(b64);
    resp.redact_as("<credentials redacted>");
    co_await s_.eng.send(resp);
  }
  awaitable<void> cancel() override {
    co_await s_.eng.send(line::command("*"));  // RFC 9051 §6.2.2: cancel
    (void)co_await s_.read_response();
  }
  [[noreturn]] void throw_failure(const std::string& what) override {
    throw imap_exception(make_error_code(done.status == status_response::kind::no ? error::auth_failed
                                                                                 : error::command_rejected),
                         what, done);
  }
  std::error_code code(session::auth_error e) const override {
    switch (e) {
      case session::auth_error::auth_failed: return make_error_code(error::auth_failed);
      case session::auth_error::auth_unavailable: return make_error_code(error::auth_unavailable);
      case session::auth_error::tls_required: return make_error_code(error::tls_required);
      case session::auth_error::malformed: break;
    }
    return make_error_code(error::malformed_response);
  }

  status_response done;  ///< the tagged response that ended the last exchange

 private:
  client::impl& s_;
  std::string tag_;
};

awaitable<void> client::impl::login(const sasl::credentials& creds) {
  if (has("LOGINDISABLED"))
    throw std::system_error(make_error_code(error::auth_unavailable),
                            "the server disables LOGIN (LOGINDISABLED) and offers no usable AUTH= mechanism");
  command_builder b(tag(), "LOGIN", encoding());
  b.astring(creds.username).redact("<password redacted>").astring(creds.password);
  status_response s = co_await run(b.build(), {});
  if (s.status != status_response::kind::ok)
    throw imap_exception(make_error_code(s.status == status_response::kind::no ? error::auth_failed
                                                                                : error::command_rejected),
                         "LOGIN", s);
  if (!s.has_code("CAPABILITY")) caps.clear();
  auth_mech = "LOGIN";
}

awaitable<void> client::impl::authenticate() {
  sasl::credentials creds = opts.credentials;
  creds.host = opts.host;
  creds.port = opts.port;
  if (opts.token_provider) creds.oauth2_token = co_await session::fetch_token(*opts.token_provider);
  const bool clear_ok = session::clear_text_allowed(stream.is_tls(), sec());
  std::vector<std::string> offered;
  for (const auto& c : caps)
    if (c.size() > 5 && iequals(c.substr(0, 5), "AUTH=")) offered.push_back(to_upper(c.substr(5)));
  auth_adapter a(*this);
  std::optional<std::string> mech;
  if (!opts.use_login_command) mech = session::pick_mechanism(a, offered, opts.auth_mechanism, creds);
  if (!mech) {
    // No SASL exchange has happened: LOGIN is not a downgrade from a failed one.
    if (creds.password.empty())
      throw std::system_error(make_error_code(error::auth_unavailable), "no usable AUTHENTICATE mechanism");
    if (!clear_ok)
      throw std::system_error(make_error_code(error::tls_required),
                              "refusing to send a password with LOGIN over an unencrypted connection");
    co_await login(creds);
  } else {
    session::check_clear_text(a, *mech, creds, clear_ok);
    co_await session::run_exchange(a, *mech, creds, opts.token_provider.get(), eng.tracer());
    if (a.done.has_code("CAPABILITY")) caps = a.done.code->tokens;
    else caps.clear();
    auth_mech = *mech;
  }
  authenticated = true;
  if (caps.empty()) co_await refresh_capabilities();
}

client::client(asio::any_io_executor ex) : impl_(std::make_unique<impl>(std::move(ex))) {}
client::~client() = default;

awaitable<void> client::connect(client_options opts) {
  impl& s = *impl_;
  s.stream.close();  // a previous connection, if any
  s.reset_session();
  s.opts = std::move(opts);
  s.prs = parser(s.opts.parser);
  s.eng.set_limits(s.opts.limits);  // also drops bytes buffered from a previous connection
  co_await s.stream.connect(s.opts.host, s.opts.port, s.opts.connect);
  if (s.opts.security == security::implicit_tls) {
    transport::tls_options tls = s.opts.tls;
    if (tls.alpn.empty()) tls.alpn = {"imap"};  // IANA ALPN id (RFC 7301): no cross-protocol
    co_await s.stream.handshake(tls, s.opts.host);
  }
  co_await s.greeting();
  const bool wants_auth = session::has_credentials(s.opts.credentials, s.opts.token_provider.get());
  const session::security sec = s.sec();
  const bool preauth = s.greet.status == status_response::kind::preauth;
  if (!s.stream.is_tls() && sec != session::security::none) {
    // RFC 9051 §6.2.1: STARTTLS is impossible after PREAUTH (the session is authenticated).
    if (preauth) {
      if (sec == session::security::required) {
        s.stream.close();
        throw imap_exception(make_error_code(error::preauth_in_clear),
                             "PREAUTH greeting on a plaintext connection (STARTTLS impossible)", s.greet);
      }
      s.eng.tracer().info("PREAUTH on a plaintext connection: continuing WITHOUT encryption");
    } else {
      if (s.caps.empty() && sec == session::security::required) {
        // A CAPABILITY refused while TLS is required means STARTTLS cannot be had (curl: 64).
        std::optional<status_response> refused;
        try {
          co_await s.refresh_capabilities();
        } catch (const imap_exception& e) {
          if (e.code() != error::command_failed && e.code() != error::command_rejected) throw;
          refused = e.response();
        }
        if (refused) {
          s.stream.close();
          throw imap_exception(make_error_code(error::tls_required),
                               "CAPABILITY refused: STARTTLS unavailable (TLS policy: required)",
                               *refused);
        }
      }
      impl::starttls_adapter a(s);
      co_await session::upgrade(s.eng, sec, s.opts.tls, s.opts.host, a);
    }
  }
  if (s.caps.empty()) co_await s.refresh_capabilities();
  s.connected = true;
  s.authenticated = preauth;
  if (wants_auth && !preauth) co_await s.authenticate();
  if (!s.opts.client_id.empty() && s.has("ID")) co_await id(s.opts.client_id);
  std::vector<std::string> wanted;
  if (s.opts.enable_utf8 && s.has("UTF8=ACCEPT")) wanted.push_back("UTF8=ACCEPT");
  if (s.opts.enable_qresync && s.has("QRESYNC")) wanted.push_back("QRESYNC");
  else if ((s.opts.enable_condstore || s.opts.enable_qresync) && s.has("CONDSTORE")) wanted.push_back("CONDSTORE");
  if (!wanted.empty() && s.has("ENABLE") && s.authenticated) co_await enable(std::move(wanted));
  if (s.opts.compress && s.authenticated && s.has("COMPRESS=DEFLATE")) co_await compress();
}

awaitable<std::vector<std::string>> client::capability() {
  co_await impl_->refresh_capabilities();
  co_return impl_->caps;
}

awaitable<std::vector<response>> client::noop() {
  std::vector<response> seen;
  command_builder b(impl_->tag(), "NOOP");
  co_await impl_->run_ok(b.build(), [&](response& r) {
    seen.push_back(r);
    return false;  // the handler sees them too
  }, "NOOP");
  co_return seen;
}

awaitable<id_data> client::id(std::vector<std::pair<std::string, std::string>> fields) {
  impl& s = *impl_;
  if (!s.has("ID")) throw std::system_error(make_error_code(error::capability_missing), "ID (RFC 2971)");
  command_builder b(s.tag(), "ID", s.encoding());
  if (fields.empty()) {
    b.atom("NIL");
  } else {
    b.open();
    for (const auto& [k, v] : fields) b.string(k).string(v);
    b.close();
  }
  id_data out;
  co_await s.run_ok(b.build(), [&](response& r) {
    if (auto* d = std::get_if<id_data>(&r)) {
      out = std::move(*d);
      return true;
    }
    return false;
  }, "ID");
  co_return out;
}

awaitable<std::vector<std::string>> client::enable(std::vector<std::string> caps) {
  impl& s = *impl_;
  if (!s.has("ENABLE")) throw std::system_error(make_error_code(error::capability_missing), "ENABLE (RFC 5161)");
  command_builder b(s.tag(), "ENABLE");
  for (const auto& c : caps) b.atom(c);
  std::vector<std::string> enabled;
  co_await s.run_ok(b.build(), [&](response& r) {
    if (auto* e = std::get_if<enabled_data>(&r)) {
      enabled.insert(enabled.end(), e->capabilities.begin(), e->capabilities.end());
      return true;
    }
    return false;
  }, "ENABLE");
  for (const auto& e : enabled)
    if (iequals(e, "UTF8=ACCEPT")) {
      s.utf8 = true;
      s.prs.set_utf8_mailboxes(true);
    } else if (iequals(e, "QRESYNC")) {
      s.qresync = true;
    }
  co_return enabled;
}

awaitable<void> client::compress() {
  impl& s = *impl_;
  s.check_usable();
  if (!s.has("COMPRESS=DEFLATE"))
    throw std::system_error(make_error_code(error::capability_missing), "COMPRESS=DEFLATE (RFC 4978)");
  command_builder b(s.tag(), "COMPRESS");
  b.atom("DEFLATE");
  co_await s.run_ok(b.build(), {}, "COMPRESS DEFLATE");
  s.eng.start_compression();  // bytes behind the OK are already compressed (RFC 4978 §3)
}

awaitable<namespace_data> client::get_namespace() {
  impl& s = *impl_;
  command_builder b(s.tag(), "NAMESPACE");
  namespace_data out;
  co_await s.run_ok(b.build(), [&](response& r) {
    if (auto* n = std::get_if<namespace_data>(&r)) {
      out = std::move(*n);
      return true;
    }
    return false;
  }, "NAMESPACE");
  co_return out;
}

awaitable<void> client::logout() {
  impl& s = *impl_;
  if (!s.stream.is_open() || s.untrusted) {
    s.stream.close();
    co_return;
  }
  try {
    auto t = s.stream.get_timeouts();
    t.idle = std::min(t.idle, std::chrono::milliseconds(5000));
    s.stream.set_timeouts(t);
    command_builder b(s.tag(), "LOGOUT");
    co_await s.run(b.build(), [](response& r) {
      auto* st = std::get_if<status_response>(&r);
      return st && st->status == status_response::kind::bye;
    });
    co_await s.stream.graceful_close();
  } catch (const std::exception&) {
    s.stream.close();
  }
  s.connected = false;
  s.mailbox.reset();
}

awaitable<command_result> client::command(std::string line, byte_sink out,
                                          std::function<bool(std::string_view)> mirror,
                                          std::function<bool(const response&)> keep) {
  impl& s = *impl_;
  s.check_usable();
  if (!line::is_safe_argument(line) || line.empty())
    throw std::system_error(transport::make_error_code(transport::error::invalid_argument),
                            "raw IMAP command is empty or contains CR, LF or NUL");
  wire_command w;
  w.lines.push_back(s.tag() + " " + line);
  w.trace = s.eng.tracer().shown(w.lines.back());
  command_result result;
  s.raw_out = std::move(out);
  s.raw_filter = std::move(mirror);
  s.prs.set_stream_all_literals(true);
  struct restore {
    impl& s;
    ~restore() {
      s.raw_out = nullptr;
      s.raw_filter = nullptr;
      s.mirroring = false;
      s.prs.set_stream_all_literals(false);
    }
  } guard{s};
  result.status = co_await s.run(std::move(w), [&](response& r) {
    if (!keep || keep(r)) result.untagged.push_back(r);
    return !std::holds_alternative<status_response>(r);  // BYE/ALERT also reach the handler
  });
  co_return result;
}

void client::set_unsolicited_handler(std::function<void(const response&)> h) { impl_->handler = std::move(h); }
const std::vector<std::string>& client::capabilities() const noexcept { return impl_->caps; }
bool client::has_capability(std::string_view name) const noexcept { return impl_->has(name); }
const status_response& client::greeting() const noexcept { return impl_->greet; }
const std::optional<mailbox_info>& client::selected() const noexcept { return impl_->mailbox; }
bool client::is_tls() const noexcept { return impl_->stream.is_tls(); }
transport::tls_info client::tls_details() const { return impl_->stream.tls_details(); }
const std::string& client::authenticated_with() const noexcept { return impl_->auth_mech; }
bool client::utf8_enabled() const noexcept { return impl_->utf8; }
bool client::qresync_enabled() const noexcept { return impl_->qresync; }
bool client::compression_active() const noexcept { return impl_->stream.is_compressed(); }
void client::close() noexcept { impl_->stream.close(); }

}  // namespace inet::imap
