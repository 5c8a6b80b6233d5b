// The POP3 client's operations, each written once as a coroutine (RFC 1939's story in order:
// greeting, CAPA, STLS, CAPA, login, TRANSACTION commands, QUIT and the UPDATE state).
#include <algorithm>
#include <cctype>

#include "protocols/codec/base64.hpp"
#include "protocols/pop3/client.hpp"
#include "protocols/pop3/internal.hpp"
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

// Splits a CRLF-delimited body into lines without CRLF.
std::vector<std::string> split_lines(std::string_view body) {
  std::vector<std::string> out;
  while (!body.empty()) {
    const std::size_t end = body.find("\r\n");
    out.emplace_back(body.substr(0, end));
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 2);
  }
  return out;
}

}  // namespace

struct client::impl {
  explicit impl(asio::any_io_executor ex) : stream(ex), eng(stream, "pop3") {}

  transport::stream stream;
  line::engine eng;
  client_options opts;
  capabilities caps;
  response greet;
  std::string auth_mech;
  std::set<std::uint32_t> pending;
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
    co_await eng.send(c);
    detail::status_line s = co_await read_status();
    co_return std::move(s.reply);
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

  awaitable<std::vector<std::string>> read_body_lines() {
    std::string body;
    co_await read_body(string_sink(body), opts.max_listing_bytes);
    co_return split_lines(body);
  }

  awaitable<void> capa() {
    caps = capabilities{};
    const response r = co_await transact(line::command("CAPA"));
    if (!r.ok) co_return;  // a pre-RFC 2449 server: nothing is known
    std::vector<std::string> lines = co_await read_body_lines();
    caps = parse_capabilities(lines);
  }

  transport::tls_policy policy() const {
    const bool wants_auth =
        !opts.credentials.username.empty() || !opts.credentials.oauth2_token.empty();
    return opts.policy.value_or(wants_auth ? transport::tls_policy::required
                                           : transport::tls_policy::opportunistic);
  }

  [[noreturn]] void refuse_without_tls(std::string why, const response* r) {
    stream.close();
    if (r) throw pop3_exception(make_error_code(error::tls_required), "STLS", *r);
    throw std::system_error(make_error_code(error::tls_required), why);
  }

  // Without TLS, only tls_policy::none (the caller's explicit opt-in) may reveal a password;
  // an opportunistic fallback to plaintext never does (a MITM can strip STLS).
  void require_private_channel(const std::string& what) {
    if (stream.is_tls() || policy() == transport::tls_policy::none) return;
    throw std::system_error(make_error_code(error::tls_required),
                            what + " would reveal the password on an unencrypted connection "
                                   "(use tls_policy::none to allow it)");
  }

  awaitable<void> stls_if_needed() {
    if (opts.security == security::implicit_tls) co_return;
    const auto pol = policy();
    if (pol == transport::tls_policy::none) co_return;
    // Without CAPA (a pre-RFC 2449 server) STLS may still work: try it.
    if (caps.known && !caps.stls) {
      if (pol == transport::tls_policy::required)
        refuse_without_tls("STLS is not offered by " + opts.host +
                               "; nothing was sent (TLS policy: required)",
                           nullptr);
      eng.tracer().info("STLS not offered: continuing WITHOUT encryption (opportunistic)");
      co_return;
    }
    const response r = co_await transact(line::command("STLS"));
    if (!r.ok) {
      if (pol == transport::tls_policy::required) refuse_without_tls({}, &r);
      eng.tracer().info("STLS refused: continuing WITHOUT encryption (opportunistic)");
      co_return;
    }
    co_await eng.start_tls(opts.tls, opts.host);
    // RFC 2595 §4: forget what was learned before TLS and ask CAPA again.
    co_await capa();
  }

  awaitable<void> authenticate();
  awaitable<void> login_user_pass();
  awaitable<void> sasl_attempt(const std::string& mech_name, const sasl::credentials& creds);
  awaitable<void> login_apop();
  awaitable<void> login_sasl(const std::string& mech_name);
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

awaitable<void> client::impl::login_sasl(const std::string& mech_name) {
  if (sasl::make_mechanism(mech_name, opts.credentials)->sends_password_in_clear())
    require_private_channel("AUTH " + mech_name);
  sasl::credentials creds = opts.credentials;
  creds.host = opts.host;
  creds.port = opts.port;
  const bool oauth = mech_name == "XOAUTH2" || mech_name == "OAUTHBEARER";
  if (!oauth || !opts.token_provider) {
    co_await sasl_attempt(mech_name, creds);
    co_return;
  }
  // An OAuth2 access token may have expired: refresh it once and retry.
  try {
    co_await sasl_attempt(mech_name, creds);
    co_return;
  } catch (const pop3_exception& e) {
    if (e.code() != error::auth_failed) throw;
  }
  eng.tracer().info("OAuth2 token rejected; refreshing it and retrying AUTH once");
  creds.oauth2_token = opts.token_provider->token(true);
  co_await sasl_attempt(mech_name, creds);
}

awaitable<void> client::impl::sasl_attempt(const std::string& mech_name,
                                           const sasl::credentials& creds) {
  auto mech = sasl::make_mechanism(mech_name, creds);
  line::command cmd("AUTH");
  cmd.arg(mech->name());
  if (mech->has_initial_response()) {
    const std::string ir = mech->initial_response();
    const std::string enc = ir.empty() ? "=" : codec::base64_encode(ir);
    // Too long for one line: the server's first, empty challenge gets it (step("") below).
    if (cmd.text().size() + 1 + enc.size() + 2 <= max_auth_line) {
      cmd.arg(enc);
      cmd.redact_as("AUTH " + std::string(mech->name()) + " <credentials redacted>");
    } else {
      mech = sasl::make_mechanism(mech_name, creds);
    }
  }
  co_await eng.send(cmd);
  detail::status_line s = co_await read_status(true);
  while (s.continuation) {
    auto challenge = codec::base64_decode(s.challenge);
    std::string answer;
    std::exception_ptr failure;
    try {
      if (!challenge)
        throw std::system_error(make_error_code(error::malformed_response),
                                "AUTH: server challenge is not valid base64");
      answer = mech->step(*challenge);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      co_await eng.send(line::command("*"));  // RFC 5034 §4: cancel the exchange
      co_await read_status(true);
      std::rethrow_exception(failure);
    }
    line::command resp(answer.empty() ? std::string() : codec::base64_encode(answer));
    resp.redact_as("<credentials redacted>");
    co_await eng.send(resp);
    s = co_await read_status(true);
  }
  if (!s.reply.ok) {
    throw pop3_exception(code_for(s.reply, error::auth_failed), "AUTH " + mech_name, s.reply);
  }
  if (!mech->complete())
    throw std::system_error(make_error_code(sasl::error::server_signature_mismatch),
                            "AUTH " + mech_name + ": server did not prove its identity");
  auth_mech = mech_name;
}

awaitable<void> client::impl::authenticate() {
  if (opts.token_provider && opts.credentials.oauth2_token.empty())
    opts.credentials.oauth2_token = opts.token_provider->token();
  const auto& c = opts.credentials;
  if (c.username.empty() && c.oauth2_token.empty()) co_return;
  const std::string mode = upper(opts.auth_mechanism);
  if (mode == "+APOP" || mode == "APOP") {
    co_await login_apop();
    co_return;
  }
  if (mode == "USER" || mode == "+USER") {
    co_await login_user_pass();
    co_return;
  }
  if (!mode.empty() && mode != "*") {
    if (caps.known && std::find(caps.sasl.begin(), caps.sasl.end(), mode) == caps.sasl.end())
      throw std::system_error(make_error_code(error::auth_unavailable),
                              "the server does not offer SASL " + mode);
    co_await login_sasl(mode);
    co_return;
  }
  if (!caps.sasl.empty()) {
    if (auto chosen = sasl::choose_mechanism(caps.sasl, c)) {
      co_await login_sasl(*chosen);
      co_return;
    }
  }
  if (opts.allow_apop && !c.password.empty() && !apop_timestamp(greet.raw).empty()) {
    co_await login_apop();
    co_return;
  }
  if (c.username.empty() || c.password.empty())
    throw std::system_error(make_error_code(error::auth_unavailable),
                            "no common SASL mechanism and no password for USER/PASS");
  co_await login_user_pass();
}

awaitable<std::vector<std::uint64_t>> client::impl::retr_many(std::vector<std::uint32_t> numbers,
                                                              message_sink sink,
                                                              std::uint64_t max_bytes) {
  require_session("RETR");
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
          co_await read_body([&](std::string_view chunk) { sink(n, chunk); }, max_bytes);
      sizes.push_back(size);
    }
    if (refused) throw *refused;
  }
  co_return sizes;
}

awaitable<void> client::impl::dele_many(std::vector<std::uint32_t> numbers) {
  require_session("DELE");
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
  co_return out;
}

awaitable<message_info> client::list(std::uint32_t number) {
  impl_->require_session("LIST");
  const response r = co_await impl_->expect_ok(line::command("LIST").arg(std::to_string(number)));
  co_return detail::parse_scan_listing(r.raw);
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
  co_return co_await impl_->read_body(sink, max_bytes);
}

awaitable<std::uint64_t> client::top(std::uint32_t number, std::uint32_t lines, byte_sink sink,
                                     std::uint64_t max_bytes) {
  impl_->require_session("TOP");
  co_await impl_->expect_ok(
      line::command("TOP").arg(std::to_string(number)).arg(std::to_string(lines)));
  co_return co_await impl_->read_body(sink, max_bytes);
}

awaitable<std::vector<std::uint64_t>> client::retr_many(std::vector<std::uint32_t> numbers,
                                                        message_sink sink,
                                                        std::uint64_t max_bytes) {
  co_return co_await impl_->retr_many(std::move(numbers), std::move(sink), max_bytes);
}

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
                            transport::redact_credentials(line));
  co_return co_await impl_->transact(line::command(line));
}

awaitable<response> client::command_multiline(std::string line, byte_sink sink,
                                              std::uint64_t max_bytes) {
  if (!impl_->stream.is_open())
    throw std::system_error(make_error_code(error::not_connected),
                            transport::redact_credentials(line));
  const line::command c(line);
  response r = co_await impl_->expect_ok(c);
  co_await impl_->read_body(sink, max_bytes);
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
}

}  // namespace inet::pop3
