// The POP3 client's operations, each written once as a coroutine (RFC 1939's story in order:
// greeting, CAPA, STLS, CAPA, login, TRANSACTION commands, QUIT and the UPDATE state).
#include <algorithm>
#include <cctype>
#include <deque>
#include <map>

#include "protocols/line/dot_body.hpp"
#include "protocols/pop3/client.hpp"
#include "protocols/pop3/internal.hpp"
#include "protocols/session/sasl_driver.hpp"
#include "protocols/session/tls_upgrade.hpp"
#include "transport/blocking.hpp"
#include "transport/trace.hpp"

namespace inet::pop3 {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

// RFC 5034 §4: an AUTH command with its initial response may be at most 255 octets (CRLF too).
constexpr std::size_t max_auth_line = 255;

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

struct client::impl {
  explicit impl(asio::any_io_executor ex) : stream(ex), eng(stream, "pop3", detail::redact_trace) {}

  transport::stream stream;
  line::engine eng;
  client_options opts;
  capabilities caps;
  response greet;
  std::string auth_mech;
  std::set<std::uint32_t> pending;
  std::map<std::uint32_t, std::uint64_t> listed_sizes;  // from LIST: progress totals
  std::deque<std::uint32_t> ahead;  // RETRs sent by retr_ahead(), replies unread, oldest first
  bool connected = false;

  awaitable<detail::status_line> read_status(bool allow_continuation = false) {
    std::string_view l;
    std::string bad;  // a NUL or CR in the line (line::check_reply_line)
    try {
      l = co_await eng.read_line();
    } catch (const std::system_error& e) {
      if (e.code() != line::error::malformed_reply) throw;
      bad = e.what();
    }
    if (!bad.empty()) throw std::system_error(make_error_code(error::malformed_response), bad);
    co_return detail::parse_status_line(l, allow_continuation);
  }

  awaitable<response> transact(const line::command& c) {
    // A RETR already sent by retr_ahead(): its reply is next on the wire.
    if (!(co_await catch_up(c.text()))) co_await eng.send(c);
    detail::status_line s = co_await read_status();
    co_return std::move(s.reply);
  }

  /// Reads and discards the replies of RETRs sent ahead until the oldest one is `text`; true
  /// when it is (then removed from `ahead`: the caller reads its reply). "" discards them all.
  awaitable<bool> catch_up(std::string_view text) {
    while (!ahead.empty()) {
      const std::uint32_t n = ahead.front();
      ahead.pop_front();
      if (!text.empty() && text == "RETR " + std::to_string(n)) co_return true;
      std::exception_ptr failure;
      try {
        const detail::status_line s = co_await read_status();
        if (s.reply.ok) co_await read_body([](std::string_view) {}, UINT64_MAX);
      } catch (...) {
        failure = std::current_exception();
      }
      if (failure) {  // out of step: the session cannot continue
        stream.close();
        connected = false;
        ahead.clear();
        std::rethrow_exception(failure);
      }
    }
    co_return false;
  }

  /// Sends `c`; a -ERR throws pop3_exception with code_for(reply, fallback).
  awaitable<response> expect_ok(const line::command& c, error fallback = error::negative_response) {
    response r = co_await transact(c);
    if (!r.ok) throw pop3_exception(code_for(r, fallback), std::string(c.trace_text()), r);
    co_return r;
  }

  void require_session(std::string_view what) const {
    if (!connected || !stream.is_open())
      throw std::system_error(make_error_code(error::not_connected), std::string(what));
  }

  /// Reads a multi-line body; any failure half-way closes the connection (no resync possible).
  awaitable<std::uint64_t> read_body(const byte_sink& sink, std::uint64_t max_bytes) {
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

  /// read_body of a message, reporting to opts.progress (see client_options::progress).
  awaitable<std::uint64_t> read_message(const byte_sink& sink, std::uint64_t max_bytes,
                                        std::optional<std::uint32_t> number = std::nullopt) {
    if (!opts.progress) co_return co_await read_body(sink, max_bytes);
    std::optional<std::uint64_t> total;
    if (auto it = number ? listed_sizes.find(*number) : listed_sizes.end();
        it != listed_sizes.end())
      total = it->second;
    transport::progress_reporter meter(opts.progress, total);
    const byte_sink counted = transport::progress_sink(sink, meter);
    const std::uint64_t n = co_await read_body(counted, max_bytes);
    meter.finish();
    co_return n;
  }

  awaitable<std::vector<std::string>> read_body_lines() {
    std::string body;
    co_await read_body(string_sink(body), opts.max_listing_bytes);
    co_return line::split_body_lines(body);
  }

  awaitable<void> capa() {
    caps = capabilities{};
    const response r = co_await transact(line::command("CAPA"));
    if (!r.ok) co_return;  // a pre-RFC 2449 server: nothing is known
    std::vector<std::string> lines = co_await read_body_lines();
    caps = parse_capabilities(lines);
  }

  session::security sec() const {
    return session::resolve(opts.security == security::implicit_tls, opts.policy,
                            session::has_credentials(opts.credentials, opts.token_provider.get()));
  }

  // Without TLS, only tls_policy::none (the caller's explicit opt-in) may reveal a password;
  // an opportunistic fallback to plaintext never does (a MITM can strip STLS).
  void require_private_channel(const std::string& what) {
    if (session::clear_text_allowed(stream.is_tls(), sec())) return;
    throw std::system_error(make_error_code(error::tls_required),
                            what + " would reveal the password on an unencrypted connection "
                                   "(use tls_policy::none to allow it)");
  }

  awaitable<void> stls_if_needed();
  class stls_adapter;
  class auth_adapter;
  awaitable<void> authenticate();
  awaitable<void> login_user_pass();
  awaitable<void> login_apop();
  awaitable<void> login_sasl(const std::string& mech_name, const sasl::credentials& creds);
  awaitable<std::vector<std::uint64_t>> retr_many(std::vector<std::uint32_t> numbers,
                                                  message_sink sink, std::uint64_t max_bytes);
  awaitable<void> dele_many(std::vector<std::uint32_t> numbers);
};

awaitable<void> client::impl::login_user_pass() {
  require_private_channel("USER/PASS");
  const auto& c = opts.credentials;
  co_await expect_ok(line::command("USER").arg(c.username), error::auth_failed);
  line::command pass("PASS");
  pass.arg(c.password).redact_as("PASS <redacted>");
  co_await expect_ok(pass, error::auth_failed);
  auth_mech = "USER";
}

awaitable<void> client::impl::login_apop() {
  // A man in the middle chooses the APOP challenge: offline MD5 attacks (RFC 6151).
  require_private_channel("APOP");
  const std::string ts = apop_timestamp(greet.raw);
  if (ts.empty())
    throw std::system_error(make_error_code(error::apop_unavailable),
                            "APOP: the greeting carries no <timestamp> (RFC 1939 §7)");
  line::command apop("APOP");
  apop.arg(opts.credentials.username)
      .arg(apop_digest(ts, opts.credentials.password))
      .redact_as("APOP " + opts.credentials.username + " <digest redacted>");
  co_await expect_ok(apop, error::auth_failed);
  auth_mech = "APOP";
}

// STLS (RFC 2595 §4) for the session layer's upgrade policy.
class client::impl::stls_adapter final : public session::upgrade_adapter {
 public:
  explicit stls_adapter(client::impl& s) : s_(s) {}
  std::string_view command_word() const override { return "STLS"; }
  // Without CAPA (a pre-RFC 2449 server) STLS may still work: try it.
  awaitable<bool> offered() override { co_return !s_.caps.known || s_.caps.stls; }
  awaitable<bool> request() override {
    refusal_ = co_await s_.transact(line::command("STLS"));
    co_return refusal_.ok;
  }
  [[noreturn]] void throw_refused() override {
    throw pop3_exception(make_error_code(error::tls_required), "STLS", refusal_);
  }
  std::error_code tls_required_code() const override { return make_error_code(error::tls_required); }
  // RFC 2595 §4: forget what was learned before TLS and ask CAPA again.
  awaitable<void> forget_pre_tls_state() override { co_await s_.capa(); }

 private:
  client::impl& s_;
  response refusal_;
};

// AUTH (RFC 5034) for the session layer's SASL driver.
class client::impl::auth_adapter final : public session::sasl_adapter {
 public:
  explicit auth_adapter(client::impl& s) : s_(s) {}
  std::string_view command_word() const override { return "AUTH"; }
  bool initial_response_fits(std::string_view mech, std::size_t n) const override {
    // RFC 5034 §4: the AUTH command with its initial response, CRLF included, <= 255 octets.
    return 5 + mech.size() + 1 + n + 2 <= max_auth_line;
  }
  awaitable<void> send_start(std::string_view mech, const std::optional<std::string>& ir) override {
    line::command cmd("AUTH");
    cmd.arg(mech);
    if (ir) cmd.arg(*ir).redact_as("AUTH " + std::string(mech) + " <credentials redacted>");
    co_await s_.eng.send(cmd);
  }
  awaitable<session::server_step> read_step() override {
    detail::status_line l = co_await s_.read_status(true);
    if (l.continuation)
      co_return session::server_step{session::server_step::kind::challenge, l.challenge};
    last_ = std::move(l.reply);
    co_return session::server_step{last_.ok ? session::server_step::kind::success
                                            : session::server_step::kind::failure,
                                   {}};
  }
  awaitable<void> send_response(std::string_view b64) override {
    line::command resp(b64);
    resp.redact_as("<credentials redacted>");
    co_await s_.eng.send(resp);
  }
  awaitable<void> cancel() override {
    co_await s_.eng.send(line::command("*"));  // RFC 5034 §4: cancel the exchange
    co_await s_.read_status(true);
  }
  bool retry_with_new_token(bool) const override {
    return code_for(last_, error::auth_failed) == error::auth_failed;
  }
  [[noreturn]] void throw_failure(const std::string& what) override {
    throw pop3_exception(code_for(last_, error::auth_failed), what, last_);
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

 private:
  client::impl& s_;
  response last_;
};

awaitable<void> client::impl::stls_if_needed() {
  stls_adapter a(*this);
  co_await session::upgrade(eng, sec(), opts.tls, opts.host, a);
}

awaitable<void> client::impl::login_sasl(const std::string& mech_name,
                                         const sasl::credentials& creds) {
  auth_adapter a(*this);
  session::check_clear_text(a, mech_name, creds, session::clear_text_allowed(stream.is_tls(), sec()));
  co_await session::run_exchange(a, mech_name, creds, opts.token_provider.get(), eng.tracer());
  auth_mech = mech_name;
}

awaitable<void> client::impl::authenticate() {
  sasl::credentials creds = opts.credentials;
  creds.host = opts.host;
  creds.port = opts.port;
  if (opts.token_provider && creds.oauth2_token.empty())
    creds.oauth2_token = co_await session::fetch_token(*opts.token_provider);
  if (!session::has_credentials(creds, opts.token_provider.get())) co_return;
  const std::string mode = upper(opts.auth_mechanism);
  if (mode == "+APOP" || mode == "APOP") {
    co_await login_apop();
    co_return;
  }
  if (mode == "USER" || mode == "+USER") {
    co_await login_user_pass();
    co_return;
  }
  auth_adapter a(*this);
  // A forced mechanism is tried when the server's list is unknown (no CAPA).
  const std::string forced = mode == "*" ? std::string() : mode;
  if (!forced.empty() || !caps.sasl.empty()) {
    if (auto mech = session::pick_mechanism(a, caps.sasl, forced, creds, caps.known)) {
      co_await login_sasl(*mech, creds);
      co_return;
    }
  }
  // No SASL exchange has happened: a non-SASL login is not a downgrade.
  if (opts.allow_apop && !creds.password.empty() && !apop_timestamp(greet.raw).empty()) {
    co_await login_apop();
    co_return;
  }
  if (creds.username.empty() || creds.password.empty())
    throw std::system_error(make_error_code(error::auth_unavailable),
                            "no common SASL mechanism and no password for USER/PASS");
  co_await login_user_pass();
}

awaitable<std::vector<std::uint64_t>> client::impl::retr_many(std::vector<std::uint32_t> numbers,
                                                              message_sink sink,
                                                              std::uint64_t max_bytes) {
  require_session("RETR");
  co_await catch_up({});
  std::vector<std::uint64_t> sizes;
  const bool pipelined = opts.pipelining && caps.pipelining;
  const std::size_t depth = pipelined ? std::max<std::size_t>(1, opts.pipeline_depth) : 1;
  for (std::size_t first = 0; first < numbers.size(); first += depth) {
    const std::size_t last = std::min(numbers.size(), first + depth);
    std::vector<line::command> batch;
    for (std::size_t i = first; i < last; ++i)
      batch.push_back(line::command("RETR").arg(std::to_string(numbers[i])));
    co_await eng.send_pipelined(batch);
    std::optional<pop3_exception> refused;
    for (std::size_t i = first; i < last; ++i) {
      detail::status_line s = co_await read_status();
      if (!s.reply.ok) {
        if (!refused) refused.emplace(code_for(s.reply, error::negative_response),
                                      batch[i - first].text(), s.reply);
        continue;
      }
      const std::uint32_t n = numbers[i];
      const std::uint64_t size =
          co_await read_message([&](std::string_view chunk) { sink(n, chunk); }, max_bytes, n);
      sizes.push_back(size);
    }
    if (refused) throw *refused;
  }
  co_return sizes;
}

awaitable<void> client::impl::dele_many(std::vector<std::uint32_t> numbers) {
  require_session("DELE");
  co_await catch_up({});
  const bool pipelined = opts.pipelining && caps.pipelining;
  const std::size_t depth = pipelined ? std::max<std::size_t>(1, opts.pipeline_depth) : 1;
  for (std::size_t first = 0; first < numbers.size(); first += depth) {
    const std::size_t last = std::min(numbers.size(), first + depth);
    std::vector<line::command> batch;
    for (std::size_t i = first; i < last; ++i)
      batch.push_back(line::command("DELE").arg(std::to_string(numbers[i])));
    co_await eng.send_pipelined(batch);
    std::optional<pop3_exception> refused;
    for (std::size_t i = first; i < last; ++i) {
      detail::status_line s = co_await read_status();
      if (s.reply.ok) {
        pending.insert(numbers[i]);
      } else if (!refused) {
        refused.emplace(code_for(s.reply, error::negative_response), batch[i - first].text(),
                        s.reply);
      }
    }
    if (refused) throw *refused;
  }
}

client::client(asio::any_io_executor ex) : impl_(std::make_unique<impl>(std::move(ex))) {}
client::~client() = default;

awaitable<void> client::connect(client_options opts) {
  impl& s = *impl_;
  s.opts = std::move(opts);
  s.pending.clear();
  s.listed_sizes.clear();
  s.ahead.clear();
  s.auth_mech.clear();
  co_await s.stream.connect(s.opts.host, s.opts.port, s.opts.connect);
  if (s.opts.security == security::implicit_tls) {
    transport::tls_options tls = s.opts.tls;
    if (tls.alpn.empty()) tls.alpn = {"pop3"};  // IANA ALPN id (RFC 7301): no cross-protocol
    co_await s.stream.handshake(tls, s.opts.host);
  }
  detail::status_line g = co_await s.read_status();
  s.greet = g.reply;
  if (!s.greet.ok) {
    s.stream.close();
    throw pop3_exception(code_for(s.greet, error::bad_greeting), "greeting from " + s.opts.host,
                         s.greet);
  }
  co_await s.capa();
  co_await s.stls_if_needed();
  s.connected = true;
  co_await s.authenticate();
}

awaitable<maildrop_stat> client::stat() {
  impl_->require_session("STAT");
  const response r = co_await impl_->expect_ok(line::command("STAT"));
  co_return detail::parse_stat(r.raw);
}

awaitable<std::vector<message_info>> client::list() {
  impl_->require_session("LIST");
  co_await impl_->expect_ok(line::command("LIST"));
  std::vector<message_info> out;
  // (the co_await result is held in a named variable: GCC 12 mishandles coroutine temporaries)
  const auto lines = co_await impl_->read_body_lines();
  for (const auto& l : lines) out.push_back(detail::parse_scan_listing(l));
  for (const auto& m : out) impl_->listed_sizes[m.number] = m.octets;
  co_return out;
}

awaitable<message_info> client::list(std::uint32_t number) {
  impl_->require_session("LIST");
  const response r = co_await impl_->expect_ok(line::command("LIST").arg(std::to_string(number)));
  const message_info m = detail::parse_scan_listing(r.raw);
  impl_->listed_sizes[m.number] = m.octets;
  co_return m;
}

awaitable<std::vector<unique_id>> client::uidl() {
  impl_->require_session("UIDL");
  co_await impl_->expect_ok(line::command("UIDL"));
  std::vector<unique_id> out;
  const auto lines = co_await impl_->read_body_lines();
  for (const auto& l : lines) out.push_back(detail::parse_uid_listing(l));
  co_return out;
}

awaitable<unique_id> client::uidl(std::uint32_t number) {
  impl_->require_session("UIDL");
  const response r = co_await impl_->expect_ok(line::command("UIDL").arg(std::to_string(number)));
  co_return detail::parse_uid_listing(r.raw);
}

awaitable<std::uint64_t> client::retr(std::uint32_t number, byte_sink sink,
                                      std::uint64_t max_bytes) {
  impl_->require_session("RETR");
  co_await impl_->expect_ok(line::command("RETR").arg(std::to_string(number)));
  co_return co_await impl_->read_message(sink, max_bytes, number);
}

awaitable<std::uint64_t> client::top(std::uint32_t number, std::uint32_t lines, byte_sink sink,
                                     std::uint64_t max_bytes) {
  impl_->require_session("TOP");
  co_await impl_->expect_ok(
      line::command("TOP").arg(std::to_string(number)).arg(std::to_string(lines)));
  co_return co_await impl_->read_message(sink, max_bytes);
}

awaitable<std::vector<std::uint64_t>> client::retr_many(std::vector<std::uint32_t> numbers,
                                                        message_sink sink,
                                                        std::uint64_t max_bytes) {
  co_return co_await impl_->retr_many(std::move(numbers), std::move(sink), max_bytes);
}

awaitable<std::size_t> client::retr_ahead(std::vector<std::uint32_t> numbers) {
  impl& s = *impl_;
  s.require_session("RETR");
  if (!s.opts.pipelining || !s.caps.pipelining) co_return 0;
  const std::size_t depth = std::max<std::size_t>(1, s.opts.pipeline_depth);
  const std::size_t room = depth > s.ahead.size() ? depth - s.ahead.size() : 0;
  numbers.resize(std::min(room, numbers.size()));
  if (numbers.empty()) co_return 0;
  std::vector<line::command> batch;
  batch.reserve(numbers.size());
  for (const std::uint32_t n : numbers) batch.push_back(line::command("RETR").arg(std::to_string(n)));
  std::exception_ptr failure;
  try {
    co_await s.eng.send_pipelined(batch);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {  // some of the commands may be on the wire: the session is out of step
    close();
    std::rethrow_exception(failure);
  }
  s.ahead.insert(s.ahead.end(), numbers.begin(), numbers.end());
  co_return numbers.size();
}

const std::deque<std::uint32_t>& client::retrs_ahead() const noexcept { return impl_->ahead; }

awaitable<void> client::dele(std::uint32_t number) {
  impl_->require_session("DELE");
  co_await impl_->expect_ok(line::command("DELE").arg(std::to_string(number)));
  impl_->pending.insert(number);
}

awaitable<void> client::dele_many(std::vector<std::uint32_t> numbers) {
  co_await impl_->dele_many(std::move(numbers));
}

awaitable<response> client::rset() {
  impl_->require_session("RSET");
  response r = co_await impl_->expect_ok(line::command("RSET"));
  impl_->pending.clear();
  co_return r;
}

awaitable<response> client::noop() {
  impl_->require_session("NOOP");
  co_return co_await impl_->expect_ok(line::command("NOOP"));
}

awaitable<quit_result> client::quit() {
  impl& s = *impl_;
  quit_result result;
  result.deletions = s.pending.size();
  if (!s.stream.is_open()) {
    s.pending.clear();
    co_return result;
  }
  try {
    auto t = s.stream.get_timeouts();
    t.idle = std::min(t.idle, std::chrono::milliseconds(30'000));
    s.stream.set_timeouts(t);
    result.reply = co_await s.transact(line::command("QUIT"));
    result.committed = result.reply.ok;
    co_await s.stream.graceful_close();
  } catch (const std::exception&) {
    s.stream.close();
  }
  s.pending.clear();
  s.connected = false;
  co_return result;
}

awaitable<response> client::command(std::string line) {
  if (!impl_->stream.is_open())
    throw std::system_error(make_error_code(error::not_connected),
                            impl_->eng.tracer().shown(line));
  co_return co_await impl_->transact(line::command(line));
}

awaitable<response> client::command_multiline(std::string line, byte_sink sink,
                                              std::uint64_t max_bytes) {
  if (!impl_->stream.is_open())
    throw std::system_error(make_error_code(error::not_connected),
                            impl_->eng.tracer().shown(line));
  const line::command c(line);
  response r = co_await impl_->expect_ok(c);
  co_await impl_->read_message(sink, max_bytes);
  co_return r;
}

const std::set<std::uint32_t>& client::pending_deletions() const noexcept { return impl_->pending; }
const capabilities& client::server_capabilities() const noexcept { return impl_->caps; }
const response& client::greeting() const noexcept { return impl_->greet; }
bool client::is_tls() const noexcept { return impl_->stream.is_tls(); }
transport::tls_info client::tls_details() const { return impl_->stream.tls_details(); }
const std::string& client::authenticated_with() const noexcept { return impl_->auth_mech; }
void client::close() noexcept {
  impl_->stream.close();
  impl_->connected = false;
  impl_->ahead.clear();
}
const transport::timeouts& client::timeouts() const noexcept {
  return impl_->stream.get_timeouts();
}
void client::set_timeouts(const transport::timeouts& t) noexcept { impl_->stream.set_timeouts(t); }
boost::asio::any_io_executor client::get_executor() const noexcept {
  return impl_->stream.get_executor();
}

}  // namespace inet::pop3
