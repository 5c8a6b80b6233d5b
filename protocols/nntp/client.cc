// The NNTP client's operations, each written once as a coroutine (RFC 3977's story in order:
// greeting, CAPABILITIES, STARTTLS, MODE READER, AUTHINFO, then the reader commands).
#include <algorithm>
#include <cctype>

#include "protocols/line/dot_body.hpp"
#include "protocols/line/dot_encoder.hpp"
#include "protocols/nntp/client.hpp"
#include "protocols/nntp/internal.hpp"
#include "protocols/session/sasl_driver.hpp"
#include "protocols/session/tls_upgrade.hpp"

namespace inet::nntp {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

// RFC 3977 §3.1: a command line is at most 512 octets with its CRLF.
constexpr std::size_t max_command_line = 512;
constexpr std::size_t chunk_size = 16 * 1024;

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

struct client::impl {
  explicit impl(asio::any_io_executor ex) : stream(ex), eng(stream, "nntp", detail::redact_trace) {}

  transport::stream stream;
  line::engine eng;
  client_options opts;
  capabilities caps;
  reply greet;
  bool posting = false;
  std::string auth_mech;
  std::optional<std::vector<std::string>> overview_fmt;
  bool connected = false;

  void require_session(std::string_view what) const {
    if (!connected || !stream.is_open())
      throw std::system_error(make_error_code(error::not_connected), std::string(what));
  }

  awaitable<reply> read() {
    line::code_reply r;
    std::string bad;
    try {
      r = co_await eng.read_code_reply();
    } catch (const std::system_error& e) {
      if (e.code() != line::error::malformed_reply) throw;
      bad = e.what();
    }
    if (!bad.empty()) {
      stream.close();
      connected = false;
      throw std::system_error(make_error_code(error::malformed_reply), bad);
    }
    co_return detail::parse_reply(r);
  }

  awaitable<reply> transact(const line::command& c) {
    co_await eng.send(c);
    co_return co_await read();
  }

  /// Sends `c`; any code but `want` throws nntp_exception(code_for(reply, fallback)).
  awaitable<reply> expect(const line::command& c, int want, error fallback = error::unexpected_reply) {
    reply r = co_await transact(c);
    if (r.code != want) throw nntp_exception(code_for(r, fallback), std::string(c.trace_text()), r);
    co_return r;
  }

  /// Reads a dot block; a failure half-way closes the connection (no resync possible).
  awaitable<std::uint64_t> read_block(const byte_sink& sink, std::uint64_t max_bytes) {
    std::exception_ptr failure;
    std::uint64_t n = 0;
    try {
      n = co_await eng.read_dot_body(sink, max_bytes);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      stream.close();
      connected = false;
      std::rethrow_exception(failure);
    }
    co_return n;
  }

  /// A listing block as lines. A NUL in it is out of every listing's grammar: malformed_reply
  /// (the whole block has been read, so the session stays in step).
  awaitable<std::vector<std::string>> read_lines() {
    std::string body;
    co_await read_block(string_sink(body), opts.max_listing_bytes);
    if (body.find('\0') != std::string::npos)
      throw std::system_error(make_error_code(error::malformed_reply), "NUL in an NNTP listing");
    co_return line::split_body_lines(body);
  }

  /// `c` answered `want` then a block of lines.
  awaitable<std::vector<std::string>> listing(const line::command& c, int want) {
    co_await expect(c, want);
    co_return co_await read_lines();
  }

  awaitable<void> ask_capabilities() {
    caps = capabilities{};
    const reply r = co_await transact(line::command("CAPABILITIES"));
    if (r.code != 101) co_return;  // a pre-RFC 3977 server: nothing is known
    const std::vector<std::string> lines = co_await read_lines();
    caps = parse_capabilities(lines);
  }

  session::security sec() const {
    return session::resolve(opts.security == security::implicit_tls, opts.policy,
                            session::has_credentials(opts.credentials, opts.token_provider.get()));
  }

  awaitable<article_ref> fetch(std::string_view verb, std::string which, const byte_sink* sink,
                               std::uint64_t max_bytes);
  awaitable<reply> send_article(const line::command& c, int go, int done, byte_source& article);
  awaitable<std::vector<std::string>> overview_format();
  awaitable<void> open(client_options o, client& self);
  awaitable<void> authenticate();
  awaitable<void> login_user_pass();
  class starttls_adapter;
  class sasl_adapter;
};

// STARTTLS (RFC 4642) for the session layer's upgrade policy.
class client::impl::starttls_adapter final : public session::upgrade_adapter {
 public:
  explicit starttls_adapter(client::impl& s) : s_(s) {}
  std::string_view command_word() const override { return "STARTTLS"; }
  awaitable<bool> offered() override { co_return !s_.caps.known || s_.caps.starttls; }
  awaitable<bool> request() override {
    refusal_ = co_await s_.transact(line::command("STARTTLS"));
    co_return refusal_.code == 382;  // RFC 4642 §2.2.2: 382 continue with TLS negotiation
  }
  [[noreturn]] void throw_refused() override {
    throw nntp_exception(make_error_code(error::tls_required), "STARTTLS", refusal_);
  }
  std::error_code tls_required_code() const override { return make_error_code(error::tls_required); }
  // RFC 4642 §2.2.2: discard what was learned before TLS and ask CAPABILITIES again.
  awaitable<void> forget_pre_tls_state() override { co_await s_.ask_capabilities(); }

 private:
  client::impl& s_;
  reply refusal_;
};

// AUTHINFO SASL (RFC 4643 §2.4) for the session layer's SASL driver.
class client::impl::sasl_adapter final : public session::sasl_adapter {
 public:
  explicit sasl_adapter(client::impl& s) : s_(s) {}
  std::string_view command_word() const override { return "AUTHINFO SASL"; }
  bool initial_response_fits(std::string_view mech, std::size_t n) const override {
    return 14 + mech.size() + 1 + n + 2 <= max_command_line;
  }
  awaitable<void> send_start(std::string_view mech, const std::optional<std::string>& ir) override {
    line::command cmd("AUTHINFO");
    cmd.arg("SASL").arg(mech);
    if (ir) cmd.arg(*ir).redact_as("AUTHINFO SASL " + std::string(mech) + " <redacted>");
    co_await s_.eng.send(cmd);
  }
  awaitable<session::server_step> read_step() override {
    last_ = co_await s_.read();
    using k = session::server_step::kind;
    if (last_.code == 383) co_return session::server_step{k::challenge, first_word(last_.text)};
    if (last_.code == 281) co_return session::server_step{k::success, first_word(last_.text)};
    // RFC 4643 §2.4.1: 283 = accepted with success data (SCRAM's server-final message), which
    // the mechanism must still verify.
    if (last_.code == 283)
      co_return session::server_step{k::success, std::string(last_.text.substr(0, last_.text.find(' ')))};
    co_return session::server_step{k::failure, {}};
  }
  awaitable<void> send_response(std::string_view b64) override {
    line::command resp(b64.empty() ? std::string_view("=") : b64);
    resp.redact_as("<redacted>");
    co_await s_.eng.send(resp);
  }
  awaitable<void> cancel() override {
    co_await s_.eng.send(line::command("*"));
    last_ = co_await s_.read();
  }
  [[noreturn]] void throw_failure(const std::string& what) override {
    throw nntp_exception(code_for(last_, error::auth_failed), what, last_);
  }
  std::error_code code(session::auth_error e) const override {
    switch (e) {
      case session::auth_error::auth_failed: return make_error_code(error::auth_failed);
      case session::auth_error::auth_unavailable: return make_error_code(error::auth_unavailable);
      case session::auth_error::tls_required: return make_error_code(error::tls_required);
      case session::auth_error::malformed: break;
    }
    return make_error_code(error::malformed_reply);
  }

 private:
  // 281/383 carry base64 data (or nothing) after the code; a human text never decodes as
  // the first word alone, so only an all-base64 word is taken as data.
  static std::string first_word(std::string_view t) {
    const std::size_t sp = t.find(' ');
    std::string_view w = t.substr(0, sp);
    const bool b64 = std::all_of(w.begin(), w.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '+' || c == '/' || c == '=';
    });
    return b64 && sp == std::string_view::npos ? std::string(w) : std::string();
  }
  client::impl& s_;
  reply last_;
};

awaitable<void> client::impl::login_user_pass() {
  if (!session::clear_text_allowed(stream.is_tls(), sec()))
    throw std::system_error(make_error_code(error::tls_required),
                            "AUTHINFO USER/PASS would reveal the password on an unencrypted "
                            "connection (use tls_policy::none to allow it)");
  const auto& c = opts.credentials;
  detail::check_token(c.username, "user name");
  const reply r = co_await transact(line::command("AUTHINFO").arg("USER").arg(c.username));
  if (r.code != 281) {
    if (r.code != 381) throw nntp_exception(code_for(r, error::auth_failed), "AUTHINFO USER", r);
    line::command pass("AUTHINFO");
    pass.arg("PASS").arg(c.password).redact_as("AUTHINFO PASS <redacted>");
    const reply p = co_await transact(pass);
    if (p.code != 281) throw nntp_exception(code_for(p, error::auth_failed), "AUTHINFO PASS", p);
  }
  auth_mech = "USER";
}

awaitable<void> client::impl::authenticate() {
  sasl::credentials creds = opts.credentials;
  creds.host = opts.host;
  creds.port = opts.port;
  if (opts.token_provider && creds.oauth2_token.empty())
    creds.oauth2_token = co_await session::fetch_token(*opts.token_provider);
  if (!session::has_credentials(creds, opts.token_provider.get())) co_return;
  const std::string mode = upper(opts.auth_mechanism);
  if (mode != "USER") {
    sasl_adapter a(*this);
    const std::string forced = mode == "*" ? std::string() : mode;
    if (!forced.empty() || !caps.sasl.empty()) {
      if (auto mech = session::pick_mechanism(a, caps.sasl, forced, creds, caps.known)) {
        session::check_clear_text(a, *mech, creds,
                                  session::clear_text_allowed(stream.is_tls(), sec()));
        co_await session::run_exchange(a, *mech, creds, opts.token_provider.get(), eng.tracer());
        auth_mech = *mech;
        co_return;
      }
    }
  }
  if (creds.username.empty() || creds.password.empty())
    throw std::system_error(make_error_code(error::auth_unavailable),
                            "no common SASL mechanism and no password for AUTHINFO USER");
  co_await login_user_pass();
}

awaitable<article_ref> client::impl::fetch(std::string_view verb, std::string which,
                                           const byte_sink* sink, std::uint64_t max_bytes) {
  require_session(verb);
  detail::check_which(which);
  line::command c(verb);
  if (!which.empty()) c.arg(which);
  const int want = verb == "ARTICLE" ? 220 : verb == "HEAD" ? 221 : verb == "BODY" ? 222 : 223;
  const reply r = co_await expect(c, want);
  article_ref a = detail::parse_article_ref(r.text);
  if (sink) co_await read_block(*sink, max_bytes);
  co_return a;
}

awaitable<reply> client::impl::send_article(const line::command& c, int go, int done,
                                            byte_source& article) {
  const reply r = co_await expect(c, go, error::posting_failed);
  line::dot_encoder enc(true, make_error_code(error::invalid_article));
  std::vector<char> in(chunk_size);
  std::string out;
  std::exception_ptr failure;
  try {
    for (;;) {
      const std::size_t n = article.read(std::span<char>(in.data(), in.size()));
      out.clear();
      if (n == 0) {
        enc.finish(out);
        out += ".\r\n";
        co_await eng.send_bytes(out, "[end of article]\n> .");
        break;
      }
      enc.feed(std::string_view(in.data(), n), out);
      co_await eng.send_bytes(out, "[" + std::to_string(out.size()) + " bytes of article]");
    }
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {  // half an article is on the wire: the session cannot go on
    stream.close();
    connected = false;
    std::rethrow_exception(failure);
  }
  const reply fin = co_await read();
  if (fin.code != done) throw nntp_exception(code_for(fin, error::posting_failed), c.text(), fin);
  co_return fin;
}

awaitable<std::vector<std::string>> client::impl::overview_format() {
  if (overview_fmt) co_return *overview_fmt;
  std::vector<std::string> fmt;
  const bool listed = !caps.known || std::find(caps.list.begin(), caps.list.end(),
                                               "OVERVIEW.FMT") != caps.list.end();
  if (listed) {
    const reply r = co_await transact(line::command("LIST").arg("OVERVIEW.FMT"));
    if (r.code == 215) fmt = co_await read_lines();
  }
  if (fmt.empty())  // RFC 3977 §8.4: the mandatory fields
    fmt = {"Subject:", "From:", "Date:", "Message-ID:", "References:", ":bytes", ":lines"};
  overview_fmt = fmt;
  co_return fmt;
}

client::client(asio::any_io_executor ex) : impl_(std::make_unique<impl>(std::move(ex))) {}
client::~client() = default;

// A connect that fails half-way (a refused login, a server signature SCRAM cannot verify, a
// timeout) closes the connection: nothing may use a session in an unknown state.
awaitable<void> client::connect(client_options opts) {
  std::exception_ptr failure;
  try {
    co_await impl_->open(std::move(opts), *this);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    close();
    std::rethrow_exception(failure);
  }
}

awaitable<void> client::impl::open(client_options o, client& self) {
  impl& s = *this;
  s.opts = std::move(o);
  s.auth_mech.clear();
  s.overview_fmt.reset();
  s.connected = false;
  s.eng.set_limits(s.opts.limits);
  co_await s.stream.connect(s.opts.host, s.opts.port, s.opts.connect);
  if (s.opts.security == security::implicit_tls) {
    transport::tls_options tls = s.opts.tls;
    if (tls.alpn.empty()) tls.alpn = {"nntp"};  // IANA ALPN id (RFC 7301): no cross-protocol
    co_await s.stream.handshake(tls, s.opts.host);
  }
  s.greet = co_await s.read();
  if (s.greet.code != 200 && s.greet.code != 201) {
    s.stream.close();
    throw nntp_exception(make_error_code(error::service_unavailable),
                         "greeting from " + s.opts.host, s.greet);
  }
  s.posting = s.greet.code == 200;
  co_await s.ask_capabilities();
  impl::starttls_adapter up(s);
  co_await session::upgrade(s.eng, s.sec(), s.opts.tls, s.opts.host, up);
  s.connected = true;
  // RFC 4643 §2.2: MODE READER comes before AUTHINFO.
  if (s.opts.mode_reader && s.caps.mode_reader && !s.caps.reader) {
    co_await self.mode_reader();
    co_await s.ask_capabilities();
  }
  const std::string before = s.auth_mech;
  co_await s.authenticate();
  if (s.auth_mech != before) co_await s.ask_capabilities();  // RFC 4643 §2.2: may change
  if (s.opts.compress && s.caps.compress_deflate) co_await self.compress();
}

awaitable<void> client::compress() {
  impl& s = *impl_;
  s.require_session("COMPRESS");
  if (s.stream.is_compressed())
    throw std::system_error(make_error_code(error::compression_unavailable), "already active");
  if (s.caps.known && !s.caps.compress_deflate)
    throw std::system_error(make_error_code(error::compression_unavailable),
                            "COMPRESS DEFLATE not advertised (RFC 8054)");
  co_await s.expect(line::command("COMPRESS").arg("DEFLATE"), 206, error::compression_unavailable);
  s.eng.start_compression();  // RFC 8054 §2.2.2: the server compresses right after its 206
}

awaitable<capabilities> client::refresh_capabilities() {
  impl_->require_session("CAPABILITIES");
  co_await impl_->ask_capabilities();
  co_return impl_->caps;
}

awaitable<reply> client::mode_reader() {
  impl_->require_session("MODE READER");
  reply r = co_await impl_->transact(line::command("MODE").arg("READER"));
  if (r.code != 200 && r.code != 201)
    throw nntp_exception(code_for(r, error::service_unavailable), "MODE READER", r);
  impl_->posting = r.code == 200;
  co_return r;
}

awaitable<group_info> client::group(std::string name) {
  impl_->require_session("GROUP");
  if (!valid_group_name(name))
    throw std::system_error(make_error_code(error::invalid_argument), "group name");
  const reply r = co_await impl_->expect(line::command("GROUP").arg(name), 211);
  co_return parse_group(r.text);
}

awaitable<std::vector<std::uint64_t>> client::listgroup(std::string name, std::string range) {
  impl_->require_session("LISTGROUP");
  if (!name.empty() && !valid_group_name(name))
    throw std::system_error(make_error_code(error::invalid_argument), "group name");
  detail::check_range(range, false);
  if (name.empty() && !range.empty())
    throw std::system_error(make_error_code(error::invalid_argument), "LISTGROUP range without group");
  line::command c("LISTGROUP");
  if (!name.empty()) c.arg(name);
  if (!range.empty()) c.arg(range);
  const auto lines = co_await impl_->listing(c, 211);
  std::vector<std::uint64_t> out;
  for (const auto& l : lines) {
    auto n = detail::parse_number(l);
    if (!n) throw std::system_error(make_error_code(error::malformed_reply), "LISTGROUP line");
    out.push_back(*n);
  }
  co_return out;
}

awaitable<article_ref> client::next() {
  impl_->require_session("NEXT");
  const reply r = co_await impl_->expect(line::command("NEXT"), 223);
  co_return detail::parse_article_ref(r.text);
}

awaitable<article_ref> client::last() {
  impl_->require_session("LAST");
  const reply r = co_await impl_->expect(line::command("LAST"), 223);
  co_return detail::parse_article_ref(r.text);
}

awaitable<article_ref> client::stat(std::string which) {
  co_return co_await impl_->fetch("STAT", std::move(which), nullptr, 0);
}
awaitable<article_ref> client::article(std::string which, byte_sink sink, std::uint64_t max) {
  co_return co_await impl_->fetch("ARTICLE", std::move(which), &sink, max);
}
awaitable<article_ref> client::head(std::string which, byte_sink sink, std::uint64_t max) {
  co_return co_await impl_->fetch("HEAD", std::move(which), &sink, max);
}
awaitable<article_ref> client::body(std::string which, byte_sink sink, std::uint64_t max) {
  co_return co_await impl_->fetch("BODY", std::move(which), &sink, max);
}

awaitable<std::vector<overview>> client::over(std::string range) {
  impl_->require_session("OVER");
  detail::check_range(range, true);
  const std::vector<std::string> fmt = co_await impl_->overview_format();
  line::command c(impl_->caps.known && !impl_->caps.over ? "XOVER" : "OVER");
  if (!range.empty()) c.arg(range);
  const auto lines = co_await impl_->listing(c, 224);
  std::vector<overview> out;
  for (const auto& l : lines) out.push_back(parse_overview(l, fmt));
  co_return out;
}

awaitable<std::vector<header_value>> client::hdr(std::string field, std::string range) {
  impl_->require_session("HDR");
  detail::check_token(field, "header field name");
  detail::check_range(range, true);
  const bool x = impl_->caps.known && !impl_->caps.hdr;
  line::command c(x ? "XHDR" : "HDR");
  c.arg(field);
  if (!range.empty()) c.arg(range);
  const auto lines = co_await impl_->listing(c, x ? 221 : 225);
  std::vector<header_value> out;
  for (const auto& l : lines) {
    const std::size_t sp = l.find(' ');
    const std::string_view num = std::string_view(l).substr(0, sp);
    header_value h;
    if (num != "0") {
      auto n = detail::parse_number(num);
      if (!n) throw std::system_error(make_error_code(error::malformed_reply), "HDR line");
      h.number = *n;
    }
    if (sp != std::string::npos) h.value = l.substr(sp + 1);
    out.push_back(std::move(h));
  }
  co_return out;
}

awaitable<std::vector<active_group>> client::list_active(std::string wildmat) {
  impl_->require_session("LIST ACTIVE");
  line::command c("LIST");
  c.arg("ACTIVE");
  if (!wildmat.empty()) {
    detail::check_token(wildmat, "wildmat");
    c.arg(wildmat);
  }
  const auto lines = co_await impl_->listing(c, 215);
  std::vector<active_group> out;
  for (const auto& l : lines) out.push_back(detail::parse_active(l));
  co_return out;
}

awaitable<std::vector<group_description>> client::list_newsgroups(std::string wildmat) {
  impl_->require_session("LIST NEWSGROUPS");
  line::command c("LIST");
  c.arg("NEWSGROUPS");
  if (!wildmat.empty()) {
    detail::check_token(wildmat, "wildmat");
    c.arg(wildmat);
  }
  const auto lines = co_await impl_->listing(c, 215);
  std::vector<group_description> out;
  for (const auto& l : lines) {
    const std::size_t sep = l.find_first_of(" \t");
    group_description d{l.substr(0, sep), {}};
    if (sep != std::string::npos) {
      const std::size_t v = l.find_first_not_of(" \t", sep);
      if (v != std::string::npos) d.description = l.substr(v);
    }
    out.push_back(std::move(d));
  }
  co_return out;
}

awaitable<std::vector<std::string>> client::list_overview_fmt() {
  impl_->require_session("LIST OVERVIEW.FMT");
  co_return co_await impl_->listing(line::command("LIST").arg("OVERVIEW.FMT"), 215);
}

awaitable<std::vector<std::string>> client::list_headers() {
  impl_->require_session("LIST HEADERS");
  co_return co_await impl_->listing(line::command("LIST").arg("HEADERS"), 215);
}

awaitable<std::vector<std::string>> client::newnews(std::string wildmat, std::string when) {
  impl_->require_session("NEWNEWS");
  detail::check_token(wildmat, "wildmat");
  line::command c("NEWNEWS");
  c.arg(wildmat);
  std::string_view w = when;
  const std::size_t sp = w.find(' ');
  detail::check_token(w.substr(0, sp), "date");
  c.arg(w.substr(0, sp));
  if (sp != std::string_view::npos) c.arg(w.substr(sp + 1));
  c.arg("GMT");
  co_return co_await impl_->listing(c, 230);
}

awaitable<std::vector<active_group>> client::newgroups(std::string when) {
  impl_->require_session("NEWGROUPS");
  line::command c("NEWGROUPS");
  std::string_view w = when;
  const std::size_t sp = w.find(' ');
  detail::check_token(w.substr(0, sp), "date");
  c.arg(w.substr(0, sp));
  if (sp != std::string_view::npos) c.arg(w.substr(sp + 1));
  c.arg("GMT");
  const auto lines = co_await impl_->listing(c, 231);
  std::vector<active_group> out;
  for (const auto& l : lines) out.push_back(detail::parse_active(l));
  co_return out;
}

awaitable<std::string> client::date() {
  impl_->require_session("DATE");
  const reply r = co_await impl_->expect(line::command("DATE"), 111);
  co_return r.text.substr(0, r.text.find(' '));
}

awaitable<reply> client::post(byte_source& article) {
  impl_->require_session("POST");
  co_return co_await impl_->send_article(line::command("POST"), 340, 240, article);
}

awaitable<reply> client::ihave(std::string message_id, byte_source& article) {
  impl_->require_session("IHAVE");
  if (!valid_message_id(message_id))
    throw std::system_error(make_error_code(error::invalid_argument), "message-id");
  co_return co_await impl_->send_article(line::command("IHAVE").arg(message_id), 335, 235, article);
}

awaitable<reply> client::quit() {
  impl& s = *impl_;
  reply r;
  try {
    if (s.stream.is_open()) r = co_await s.transact(line::command("QUIT"));
    co_await s.stream.graceful_close();
  } catch (const std::exception&) {
  }
  s.stream.close();
  s.connected = false;
  co_return r;
}

awaitable<reply> client::command(std::string line) {
  impl_->require_session("command");
  co_return co_await impl_->transact(line::command(line));
}

awaitable<reply> client::command_multiline(std::string line, byte_sink sink, std::uint64_t max) {
  impl_->require_session("command");
  const reply r = co_await impl_->transact(line::command(line));
  if (r.code >= 100 && r.code < 300) co_await impl_->read_block(sink, max);
  co_return r;
}

const capabilities& client::server_capabilities() const noexcept { return impl_->caps; }
const reply& client::greeting() const noexcept { return impl_->greet; }
bool client::posting_allowed() const noexcept { return impl_->posting; }
bool client::is_tls() const noexcept { return impl_->stream.is_tls(); }
bool client::compression_active() const noexcept { return impl_->stream.is_compressed(); }
const std::string& client::authenticated_with() const noexcept { return impl_->auth_mech; }
void client::close() noexcept {
  impl_->stream.close();
  impl_->connected = false;
}
boost::asio::any_io_executor client::get_executor() const noexcept {
  return impl_->stream.get_executor();
}

}  // namespace inet::nntp
