// The SMTP client's operations, each written once as a coroutine (RFC 5321's story in order:
// greeting, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT…, DATA/BDAT, QUIT).
#include <unistd.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <span>
#include <utility>

#include "protocols/smtp/client.hpp"
#include "protocols/session/sasl_driver.hpp"
#include "protocols/session/tls_upgrade.hpp"
#include "protocols/smtp/internal.hpp"

namespace inet::smtp {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr std::size_t chunk_size = 64 * 1024;
// RFC 4954 §4: an AUTH command line, initial response included, may be 12288 octets.
constexpr std::size_t max_auth_line = 12288;

std::string default_helo_name() {
  std::array<char, 256> buf{};
  if (::gethostname(buf.data(), buf.size() - 1) == 0 && buf[0] != '\0') {
    std::string name(buf.data());
    if (line::is_safe_argument(name) && name.find(' ') == std::string::npos) return name;
  }
  return "localhost";
}

// The message with its first read done ahead, before MAIL: a NUL or an over-long line found
// there is refused with nothing sent (error::invalid_message). Later reads pass through, so a
// message streams as before; a fault found in them aborts the transaction (send_data/bdat).
class read_ahead_source final : public byte_source {
 public:
  explicit read_ahead_source(byte_source& inner) : inner_(inner), head_(chunk_size, '\0') {
    head_.resize(inner_.read(std::span<char>(head_.data(), head_.size())));
    eof_ = head_.empty();
  }
  void check() const {
    detail::data_encoder probe(false);
    std::string scratch;
    probe.feed(head_, scratch);
  }
  std::size_t read(std::span<char> buf) override {
    if (pos_ == head_.size()) return eof_ ? 0 : inner_.read(buf);
    const std::size_t n = std::min(buf.size(), head_.size() - pos_);
    head_.copy(buf.data(), n, pos_);
    pos_ += n;
    return n;
  }

 private:
  byte_source& inner_;
  std::string head_;
  std::size_t pos_ = 0;
  bool eof_ = false;
};

}  // namespace

struct client::impl {
  explicit impl(asio::any_io_executor ex) : stream(ex), eng(stream, "smtp", detail::redact_trace) {}

  transport::stream stream;
  line::engine eng;
  client_options opts;
  capabilities caps;
  reply greet;
  std::string auth_mech;
  bool connected = false;
  bool end_of_data_sent = false;  // the current transaction's terminator was (being) written

  bool enhanced() const { return caps.has("ENHANCEDSTATUSCODES"); }

  awaitable<reply> read() {
    try {
      co_return detail::to_reply(co_await eng.read_code_reply(), enhanced());
    } catch (const std::system_error& e) {
      if (e.code() == line::error::malformed_reply)
        throw std::system_error(make_error_code(error::malformed_reply), e.what());
      throw;
    }
  }

  awaitable<reply> transact(const line::command& c) {
    co_await eng.send(c);
    co_return co_await read();
  }

  [[noreturn]] void fail(const std::string& what, const reply& r) {
    // 421: the server is closing the channel (RFC 5321 §3.8); nothing more is sent on it.
    if (r.code == 421) {
      stream.close();
      connected = false;
    }
    throw smtp_exception(detail::code_for(r), what, r);
  }

  awaitable<void> ehlo() {
    const std::string name = opts.helo_name.empty() ? default_helo_name() : opts.helo_name;
    caps = capabilities{};
    const char* verb = opts.lmtp ? "LHLO" : "EHLO";
    reply r = co_await transact(line::command(verb).arg(name));
    if (r.code == 250) {
      caps = detail::parse_ehlo(r);
      co_return;
    }
    if (r.code == 421 || opts.lmtp) fail(verb, r);  // RFC 2033 §4.1: no HELO in LMTP
    // RFC 5321 §3.2: a server that does not know EHLO answers 5xx; fall back to HELO.
    r = co_await transact(line::command("HELO").arg(name));
    if (r.code != 250) fail("HELO", r);
    caps.esmtp = false;
  }

  session::security sec() const {
    return session::resolve(opts.security == security::implicit_tls, opts.policy,
                            session::has_credentials(opts.credentials, opts.token_provider.get()));
  }

  awaitable<void> starttls_if_needed();
  class starttls_adapter;
  class auth_adapter;
  awaitable<void> authenticate();
  awaitable<send_result> send(envelope env, byte_source& message);
  std::vector<line::command> build_commands(const envelope& env) const;
  awaitable<send_result> send_transaction(envelope env, std::vector<line::command> cmds,
                                          byte_source& message);
  awaitable<void> read_group(const envelope& env, reply& mail_reply, send_result& result,
                             std::optional<reply>* data_reply);
  std::exception_ptr refusal(const envelope& env, const reply& mail_reply, send_result& result,
                             const std::optional<reply>& data_reply) const;
  awaitable<std::string> stream_content(byte_source& message, send_result& result);
  awaitable<void> send_data(byte_source& message, send_result& result,
                            std::optional<reply> data_reply);
  awaitable<void> end_refused_group(const std::optional<reply>& data_reply);
  awaitable<void> send_bdat(byte_source& message, send_result& result);
  void drop_connection() noexcept;
  // send_batch (RFC 2920 §3.1 across messages); see batch section below.
  struct pending_end;
  struct batch_entry;
  struct batch_outcome;
  awaitable<void> send_each(message_batch& batch);
  awaitable<void> send_pipelined_batch(message_batch& batch);
  awaitable<void> write_group(const std::string& lead, std::string_view lead_note,
                              std::span<const line::command> cmds);
  awaitable<void> finish_pending(pending_end& p, std::vector<batch_outcome>& ready);
  std::optional<batch_entry> take(message_batch& batch, std::size_t& taken,
                                  std::vector<batch_outcome>& ready);
  static void report(message_batch& batch, std::vector<batch_outcome>& ready);
};

namespace {
// `failure` as `code`, its text in parentheses after `what`.
std::exception_ptr wrapped(std::exception_ptr failure, error code, const std::string& what) {
  std::string why;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    why = e.what();
  } catch (...) {
    why = "unknown error";
  }
  return std::make_exception_ptr(
      std::system_error(make_error_code(code), what + " (" + why + ")"));
}
// A failure after the end of data was (being) written: the server may have the message.
std::exception_ptr unconfirmed(std::exception_ptr failure) {
  return wrapped(failure, error::delivery_unconfirmed, "no reply after the end of the message");
}
}  // namespace

// STARTTLS (RFC 3207) for the session layer's upgrade policy.
class client::impl::starttls_adapter final : public session::upgrade_adapter {
 public:
  explicit starttls_adapter(client::impl& s) : s_(s) {}
  std::string_view command_word() const override { return "STARTTLS"; }
  awaitable<bool> offered() override { co_return s_.caps.has("STARTTLS"); }
  awaitable<bool> request() override {
    refusal_ = co_await s_.transact(line::command("STARTTLS"));
    co_return refusal_.code == 220;
  }
  [[noreturn]] void throw_refused() override {
    throw smtp_exception(make_error_code(error::tls_required), "STARTTLS", refusal_);
  }
  std::error_code tls_required_code() const override { return make_error_code(error::tls_required); }
  awaitable<void> forget_pre_tls_state() override {
    // RFC 3207 §4.2: forget everything learned before TLS, then EHLO again.
    s_.caps = capabilities{};
    co_await s_.ehlo();
  }

 private:
  client::impl& s_;
  reply refusal_;
};

// AUTH (RFC 4954) for the session layer's SASL driver.
class client::impl::auth_adapter final : public session::sasl_adapter {
 public:
  explicit auth_adapter(client::impl& s) : s_(s) {}
  std::string_view command_word() const override { return "AUTH"; }
  bool initial_response_fits(std::string_view mech, std::size_t n) const override {
    // RFC 4954 §4: "AUTH mech ir" may be 12288 octets (without CRLF, as the client counts).
    return 5 + mech.size() + 1 + n <= max_auth_line;
  }
  awaitable<void> send_start(std::string_view mech, const std::optional<std::string>& ir) override {
    line::command cmd("AUTH");
    cmd.arg(mech);
    if (ir) cmd.arg(*ir).redact_as("AUTH " + std::string(mech) + " <credentials redacted>");
    co_await s_.eng.send(cmd);
  }
  awaitable<session::server_step> read_step() override {
    last_ = co_await s_.read();
    if (last_.code == 334)
      co_return session::server_step{session::server_step::kind::challenge,
                                     last_.lines.empty() ? std::string() : last_.lines.front()};
    co_return session::server_step{last_.code == 235 ? session::server_step::kind::success
                                                     : session::server_step::kind::failure,
                                   {}};
  }
  awaitable<void> send_response(std::string_view b64) override {
    line::command resp(b64);
    resp.redact_as("<credentials redacted>");
    co_await s_.eng.send(resp);
  }
  awaitable<void> cancel() override {
    co_await s_.eng.send(line::command("*"));  // RFC 4954 §4
    last_ = co_await s_.read();
  }
  bool retry_with_new_token(bool token_rejected) const override {
    return token_rejected || last_.code == 535;
  }
  [[noreturn]] void throw_failure(const std::string& what) override {
    // 4xx (but 432, "password transition needed") is transient; 421 also closes.
    if (last_.code >= 400 && last_.code < 500 && last_.code != 432) s_.fail(what, last_);
    throw smtp_exception(make_error_code(error::auth_failed), what, last_);
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
  client::impl& s_;
  reply last_;
};

awaitable<void> client::impl::starttls_if_needed() {
  starttls_adapter a(*this);
  co_await session::upgrade(eng, sec(), opts.tls, opts.host, a);
}

awaitable<void> client::impl::authenticate() {
  // No credentials: no AUTH. A token provider alone is enough for OAUTHBEARER (RFC 7628
  // §3.1: the authzid is optional), so it counts as credentials even without a user name.
  if (!session::has_credentials(opts.credentials, opts.token_provider.get())) co_return;
  sasl::credentials creds = opts.credentials;
  creds.host = opts.host;
  creds.port = opts.port;
  if (opts.token_provider) creds.oauth2_token = co_await session::fetch_token(*opts.token_provider);
  if (caps.auth_mechanisms.empty())
    throw std::system_error(make_error_code(error::auth_unavailable),
                            "the server offers no AUTH mechanism (RFC 4954)");
  auth_adapter a(*this);
  const auto mech = session::pick_mechanism(a, caps.auth_mechanisms, opts.auth_mechanism, creds);
  if (!mech)
    throw std::system_error(make_error_code(error::auth_unavailable),
                            "no common AUTH mechanism (server offers: " + caps.keywords["AUTH"] +
                                ")");
  // Without TLS, a password-revealing mechanism needs the caller's explicit opt-in
  // (tls_policy::none); opportunistic fallback to plaintext never reveals a password.
  session::check_clear_text(a, *mech, creds, session::clear_text_allowed(stream.is_tls(), sec()));
  co_await session::run_exchange(a, *mech, std::move(creds), opts.token_provider.get(),
                                 eng.tracer());
  auth_mech = *mech;
}

// RFC 2920 §3.1: a refused transaction whose DATA was pipelined ends with a single "." when
// the server accepted DATA anyway (354), otherwise with RSET.
awaitable<void> client::impl::end_refused_group(const std::optional<reply>& data_reply) {
  if (data_reply && data_reply->code == 354) {
    co_await eng.send_bytes(".\r\n", "[no recipient accepted: empty message ended]\n> .");
    co_await read();  // the reply to an empty transaction; nothing was delivered
  } else {
    co_await transact(line::command("RSET"));
  }
}

// Writes the message content (dot-stuffed, CRLF-normalised) in writes of at least chunk_size
// bytes, and returns the rest with the terminating ".\r\n", unwritten: the caller writes it
// alone (send) or as the head of the next pipelined group (send_batch). A message below
// chunk_size thus needs no write of its own.
awaitable<std::string> client::impl::stream_content(byte_source& message, send_result& result) {
  detail::data_encoder enc;
  std::vector<char> in(chunk_size);
  std::string out;
  out.reserve(3 * chunk_size + 8);
  for (;;) {
    std::size_t n = 0;
    std::exception_ptr source_failed;
    try {
      n = message.read(std::span<char>(in.data(), in.size()));
    } catch (...) {
      source_failed = std::current_exception();
    }
    if (source_failed) {
      // What was read still goes out, as when every read was written at once; the caller
      // then closes the connection without the terminator.
      try {
        if (!out.empty()) co_await eng.send_bytes(out);
      } catch (...) {
      }
      std::rethrow_exception(source_failed);
    }
    const std::size_t before = out.size();
    if (n == 0) {
      enc.finish(out);
      result.message_bytes += out.size() - before;
      out += ".\r\n";
      co_return out;
    }
    enc.feed(std::string_view(in.data(), n), out);
    result.message_bytes += out.size() - before;
    if (out.size() >= chunk_size) {
      co_await eng.send_bytes(out);
      out.clear();
    }
  }
}

// `data_reply`: the reply to a DATA already sent in the pipelined group; otherwise DATA is sent.
awaitable<void> client::impl::send_data(byte_source& message, send_result& result,
                                        std::optional<reply> data_reply) {
  if (!data_reply) data_reply = co_await transact(line::command("DATA"));
  const reply r = std::move(*data_reply);
  if (r.code != 354) {
    // Close the open transaction so the connection can carry the next message.
    if (r.code != 421) co_await transact(line::command("RSET"));
    fail("DATA", r);
  }
  const std::string tail = co_await stream_content(message, result);
  end_of_data_sent = true;
  co_await eng.send_bytes(tail, "[end of message: " + std::to_string(result.message_bytes) +
                                    " bytes sent]\n> .");
  if (!opts.lmtp) {
    result.final_reply = co_await read();
    co_return;
  }
  // RFC 2033 §4.2: one reply per accepted recipient, in RCPT order.
  std::optional<reply> first_ok, first_failure;
  for (auto& rc : result.recipients) {
    if (!rc.accepted) continue;
    reply r = co_await read();
    if (r.code == 421) fail("end of message data (LMTP)", r);
    rc.accepted = r.code == 250;
    if (rc.accepted && !first_ok) first_ok = r;
    if (!rc.accepted && !first_failure) first_failure = r;
    rc.delivery = std::move(r);
  }
  result.final_reply = first_ok ? *first_ok : first_failure.value_or(reply{});
}

awaitable<void> client::impl::send_bdat(byte_source& message, send_result& result) {
  // RFC 3030: BDAT chunks carry exact octet counts, so no dot-stuffing; line endings are
  // still normalised to CRLF.
  detail::data_encoder enc(false);
  std::vector<char> in(chunk_size);
  std::string out;
  bool last = false;
  while (!last) {
    const std::size_t n = message.read(std::span<char>(in.data(), in.size()));
    out.clear();
    if (n == 0) {
      enc.finish(out);
      last = true;
    } else {
      enc.feed(std::string_view(in.data(), n), out);
    }
    line::command cmd("BDAT");
    cmd.arg(std::to_string(out.size()));
    if (last) {
      cmd.arg("LAST");
      end_of_data_sent = true;
    }
    co_await eng.send(cmd);
    co_await eng.send_bytes(out);
    result.message_bytes += out.size();
    reply r = co_await read();
    if (r.code != 250) {
      result.final_reply = r;
      co_return;
    }
    if (last) result.final_reply = r;
  }
}

awaitable<send_result> client::impl::send(envelope env, byte_source& message) {
  if (!connected) throw std::system_error(make_error_code(error::not_connected), "send");
  // Envelope, then the first read of the content: refused with nothing sent, connection kept.
  std::vector<line::command> cmds = build_commands(env);
  read_ahead_source content(message);
  content.check();
  end_of_data_sent = false;
  std::exception_ptr failure;
  try {
    co_return co_await send_transaction(std::move(env), std::move(cmds), content);
  } catch (const smtp_exception&) {
    throw;  // a complete reply was read: the conversation is in step
  } catch (const std::system_error& e) {
    // Validation errors are thrown before anything is written; keep the connection then.
    if (e.code() == error::invalid_address || e.code() == error::smtputf8_unsupported ||
        e.code() == error::message_too_large || e.code() == error::no_recipients_accepted)
      throw;
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  // Anything else (transport error, malformed reply, a throwing message source) may leave half
  // a transaction on the wire: never reuse this connection.
  drop_connection();
  std::rethrow_exception(end_of_data_sent ? unconfirmed(failure) : failure);
}

void client::impl::drop_connection() noexcept {
  connected = false;
  stream.close();
}

// Validates `env` and builds MAIL and one RCPT per recipient; throws before anything is
// written. Without SMTPUTF8 on the server, internationalised domains go out as A-labels and
// only a non-ASCII local part (or an explicit env.smtputf8) is refused (RFC 6531 §3.2).
std::vector<line::command> client::impl::build_commands(const envelope& env) const {
  detail::check_address(env.mail_from, true);
  if (env.auth) detail::check_address(*env.auth, true);
  if (env.recipients.empty())
    throw std::system_error(make_error_code(error::no_recipients_accepted), "no recipients given");
  for (const auto& rc : env.recipients) {
    detail::check_address(rc.address, false);
    if (!detail::valid_dsn_notify(rc.notify) || !line::is_safe_argument(rc.orcpt))
      throw std::system_error(make_error_code(error::invalid_address),
                              "DSN NOTIFY must be NEVER or a list of SUCCESS,FAILURE,DELAY");
  }
  if (!env.dsn_ret.empty() && env.dsn_ret != "FULL" && env.dsn_ret != "HDRS")
    throw std::system_error(make_error_code(error::invalid_address),
                            "DSN RET must be FULL or HDRS (RFC 3461 §4.3)");
  const bool server_utf8 = caps.has("SMTPUTF8");
  if (env.smtputf8 && !server_utf8)
    throw std::system_error(make_error_code(error::smtputf8_unsupported),
                            "SMTPUTF8 was requested (RFC 6531), but the server lacks it");
  bool utf8 = env.smtputf8 || (server_utf8 && !detail::is_ascii(env.mail_from));
  for (const auto& rc : env.recipients) utf8 = utf8 || (server_utf8 && !detail::is_ascii(rc.address));
  auto wire = [&](const std::string& a) { return server_utf8 ? a : detail::ascii_address(a); };
  if (env.size_hint && caps.size_limit && *env.size_hint > *caps.size_limit)
    throw std::system_error(make_error_code(error::message_too_large),
                            "message of " + std::to_string(*env.size_hint) +
                                " bytes exceeds the server's SIZE limit of " +
                                std::to_string(*caps.size_limit) + " bytes (RFC 1870)");

  line::command mail("MAIL");
  mail.append(" FROM:<").append(wire(env.mail_from)).append(">");
  if (env.auth && !auth_mech.empty()) mail.arg("AUTH=" + detail::xtext("<" + wire(*env.auth) + ">"));
  if (env.size_hint && caps.has("SIZE")) mail.arg("SIZE=" + std::to_string(*env.size_hint));
  if (env.eight_bit && caps.has("8BITMIME")) mail.arg("BODY=8BITMIME");
  if (utf8) mail.arg("SMTPUTF8");
  const bool dsn = caps.has("DSN");
  if (dsn && !env.dsn_ret.empty()) mail.arg("RET=" + env.dsn_ret);
  if (dsn && !env.dsn_envid.empty()) mail.arg("ENVID=" + detail::xtext(env.dsn_envid));

  std::vector<line::command> cmds{mail};
  for (const auto& rc : env.recipients) {
    line::command rcpt("RCPT");
    rcpt.append(" TO:<").append(wire(rc.address)).append(">");
    if (dsn && !rc.notify.empty()) rcpt.arg("NOTIFY=" + rc.notify);
    const std::string orcpt = server_utf8 ? rc.orcpt : detail::ascii_orcpt(rc.orcpt);
    if (dsn && !orcpt.empty()) rcpt.arg("ORCPT=" + detail::xtext(orcpt));
    cmds.push_back(std::move(rcpt));
  }
  return cmds;
}

// Reads the replies to a pipelined group: MAIL, one per RCPT (into result.recipients) and, when
// `data_reply` is given, DATA. A 421 is thrown at once (the server is closing, RFC 5321 §3.8;
// report it rather than the EOF that follows).
awaitable<void> client::impl::read_group(const envelope& env, reply& mail_reply,
                                         send_result& result, std::optional<reply>* data_reply) {
  mail_reply = co_await read();
  if (mail_reply.code == 421) fail("MAIL FROM:<" + env.mail_from + ">", mail_reply);
  for (const auto& rc : env.recipients) {
    // (co_await kept out of braced initialisers: GCC 12 miscompiles temporaries there.)
    reply r = co_await read();
    if (r.code == 421) fail("RCPT TO:<" + rc.address + ">", r);
    result.recipients.push_back(recipient_result{rc.address, false, std::move(r)});
  }
  if (data_reply) {
    reply r = co_await read();
    if (r.code == 421) fail("DATA", r);
    *data_reply = std::move(r);
  }
}

// After a transaction's envelope replies (a 421 among them already thrown): marks the accepted
// recipients and returns what send() throws when the content must not follow — MAIL refused,
// no recipient accepted, or a pipelined DATA refused — or null. The caller then ends the
// refused transaction (end_refused_group).
std::exception_ptr client::impl::refusal(const envelope& env, const reply& mail_reply,
                                         send_result& result,
                                         const std::optional<reply>& data_reply) const {
  if (mail_reply.code != 250)
    return std::make_exception_ptr(smtp_exception(
        detail::code_for(mail_reply), "MAIL FROM:<" + env.mail_from + ">", mail_reply));
  std::size_t accepted = 0;
  for (auto& r : result.recipients) {
    r.accepted = r.reply.code == 250 || r.reply.code == 251;
    accepted += r.accepted;
  }
  if (accepted == 0) {
    std::string why;
    for (const auto& r : result.recipients) why += (why.empty() ? "" : "; ") + r.address + ": " + r.reply.summary();
    return std::make_exception_ptr(smtp_exception(make_error_code(error::no_recipients_accepted),
                                                  "RCPT TO (" + why + ")",
                                                  result.recipients.front().reply));
  }
  if (data_reply && data_reply->code != 354)
    return std::make_exception_ptr(smtp_exception(detail::code_for(*data_reply), "DATA", *data_reply));
  return nullptr;
}

awaitable<send_result> client::impl::send_transaction(envelope env,
                                                      std::vector<line::command> cmds,
                                                      byte_source& message) {
  const bool use_bdat = opts.chunking && !opts.lmtp && caps.has("CHUNKING");
  send_result result;
  reply mail_reply;
  const bool pipelined = opts.pipelining && caps.has("PIPELINING");
  std::optional<reply> data_reply;  // DATA's reply when it went in the pipelined group
  if (pipelined) {
    // RFC 2920 §3.1: MAIL, every RCPT and DATA (BDAT goes later) in one write; the replies
    // come back in order and every one of them is checked.
    if (!use_bdat) cmds.push_back(line::command("DATA"));
    co_await eng.send_pipelined(cmds);
    co_await read_group(env, mail_reply, result, use_bdat ? nullptr : &data_reply);
  } else {
    mail_reply = co_await transact(cmds[0]);
    if (mail_reply.code == 250)
      for (std::size_t i = 0; i < env.recipients.size(); ++i) {
        reply r = co_await transact(cmds[i + 1]);
        if (r.code == 421) fail("RCPT TO:<" + env.recipients[i].address + ">", r);
        result.recipients.push_back(recipient_result{env.recipients[i].address, false, std::move(r)});
      }
  }
  if (mail_reply.code == 421) fail("MAIL FROM:<" + env.mail_from + ">", mail_reply);
  if (std::exception_ptr why = refusal(env, mail_reply, result, data_reply)) {
    co_await end_refused_group(data_reply);
    std::rethrow_exception(why);
  }
  transport::progress_reporter meter(opts.progress, env.size_hint);
  transport::progress_source counted(message, meter);
  byte_source& body = meter.active() ? static_cast<byte_source&>(counted) : message;
  if (use_bdat)
    co_await send_bdat(body, result);
  else
    co_await send_data(body, result, std::move(data_reply));
  meter.finish();
  if (result.final_reply.code != 250) {
    if (result.final_reply.code != 421 && use_bdat) co_await transact(line::command("RSET"));
    fail("end of message data", result.final_reply);
  }
  co_return result;
}

// ---- send_batch ----------------------------------------------------------------------------

// The end of a transaction whose reply is still to come: a message's "." (its outcome is that
// reply), or the RSET / lone "." that closed a refused transaction (reply only read).
struct client::impl::pending_end {
  bool awaiting = false;  // written (or to be written) and its reply not read yet
  bool counts = false;    // the reply is the message's end-of-data reply
  std::size_t index = 0;
  send_result result;
  std::unique_ptr<transport::progress_reporter> meter;
};

// A message taken from the batch and checked; its envelope not written yet.
struct client::impl::batch_entry {
  std::size_t index = 0;
  envelope env;
  std::vector<line::command> cmds;  // MAIL, RCPT…, DATA
  std::unique_ptr<read_ahead_source> content;
};

// An outcome known but not reported yet: batch.done() is called right after the next write,
// so what the caller does there (a queue's fsync) overlaps the server's work.
struct client::impl::batch_outcome {
  std::size_t index = 0;
  std::optional<send_result> result;
  std::exception_ptr failure;
};

// Writes `lead` (the previous transaction's end) and `cmds` in one write, traced in order.
awaitable<void> client::impl::write_group(const std::string& lead, std::string_view lead_note,
                                          std::span<const line::command> cmds) {
  std::string wire = lead;
  if (!lead_note.empty()) eng.tracer().info(lead_note);
  for (const auto& c : cmds) {
    eng.tracer().sent(c.text(), c.trace_text() == c.text() ? std::string_view() : c.trace_text());
    wire += c.text();
    wire += "\r\n";
  }
  co_await stream.write(asio::buffer(wire));
}

// Reads the reply that ends `p` and queues a message's outcome. A 421 closes the connection and
// is thrown, so the messages in flight behind it fail with it.
awaitable<void> client::impl::finish_pending(pending_end& p, std::vector<batch_outcome>& ready) {
  if (!p.awaiting) co_return;
  reply r = co_await read();
  p.awaiting = false;
  const int code = r.code;
  std::exception_ptr failure;
  if (code != 250)
    failure = std::make_exception_ptr(smtp_exception(detail::code_for(r), "end of message data", r));
  if (p.counts) {
    if (p.meter) p.meter->finish();
    p.result.final_reply = std::move(r);
    ready.push_back({p.index, failure ? std::nullopt : std::optional(std::move(p.result)), failure});
  }
  if (code == 421) {
    drop_connection();
    std::rethrow_exception(failure);
  }
}

// The next message that passes send()'s checks (nothing written); one that fails them gets
// its outcome at once, as send() would refuse it, and the connection carries on.
std::optional<client::impl::batch_entry> client::impl::take(message_batch& batch,
                                                            std::size_t& taken,
                                                            std::vector<batch_outcome>& ready) {
  batch_message m;
  while (batch.next(m)) {
    batch_entry e;
    e.index = taken++;
    try {
      e.cmds = build_commands(m.env);
      e.content = std::make_unique<read_ahead_source>(*m.message);
      e.content->check();
      e.cmds.push_back(line::command("DATA"));
      e.env = std::move(m.env);
      return e;
    } catch (...) {
      ready.push_back({e.index, std::nullopt, std::current_exception()});
    }
    m = batch_message{};
  }
  return std::nullopt;
}

void client::impl::report(message_batch& batch, std::vector<batch_outcome>& ready) {
  for (auto& o : ready) batch.done(o.index, o.result ? &*o.result : nullptr, o.failure);
  ready.clear();
}

// Without pipelining: send() for each message, stopping when the connection is gone.
awaitable<void> client::impl::send_each(message_batch& batch) {
  batch_message m;
  for (std::size_t i = 0; batch.next(m); ++i) {
    std::exception_ptr failure;
    std::optional<send_result> r;
    try {
      r = co_await send(std::move(m.env), *m.message);
    } catch (...) {
      failure = std::current_exception();
    }
    batch.done(i, r ? &*r : nullptr, failure);
    if (failure && !connected) std::rethrow_exception(failure);
    m = batch_message{};
  }
}

// RFC 2920 §3.1 across messages. Per message: one write of [the previous message's last
// content and "." | RSET | a lone "."] + MAIL + RCPT… + DATA; then the outcomes known so far are
// reported and the next message taken (both while the server works); then the previous end's
// reply, this group's replies, and this message's content (its tail kept for the next write).
awaitable<void> client::impl::send_pipelined_batch(message_batch& batch) {
  std::string lead, lead_note;  // the previous transaction's end, not yet written
  bool lead_rset = false;       // ... or RSET, which closes a refused transaction
  pending_end prev;
  std::vector<batch_outcome> ready;
  std::size_t taken = 0;
  std::optional<batch_entry> cur = take(batch, taken, ready), nxt;
  try {
    while (cur || prev.awaiting) {
      std::vector<line::command> cmds;
      if (cur) cmds = std::move(cur->cmds);
      if (std::exchange(lead_rset, false)) cmds.insert(cmds.begin(), line::command("RSET"));
      co_await write_group(lead, lead_note, cmds);
      report(batch, ready);
      if (cur) nxt = take(batch, taken, ready);
      co_await finish_pending(prev, ready);
      if (!cur) break;
      pending_end p;
      p.index = cur->index;
      reply mail_reply;
      std::optional<reply> data_reply;
      co_await read_group(cur->env, mail_reply, p.result, &data_reply);
      if (std::exception_ptr why = refusal(cur->env, mail_reply, p.result, data_reply)) {
        ready.push_back({p.index, std::nullopt, why});
        lead_rset = !(data_reply && data_reply->code == 354);
        lead = lead_rset ? "" : ".\r\n";
        lead_note = lead_rset ? "" : "[no recipient accepted: empty message ended]\n> .";
      } else {
        p.counts = true;
        p.meter = std::make_unique<transport::progress_reporter>(opts.progress, cur->env.size_hint);
        transport::progress_source counted(*cur->content, *p.meter);
        byte_source& body = p.meter->active() ? static_cast<byte_source&>(counted) : *cur->content;
        lead = co_await stream_content(body, p.result);
        lead_note = "[end of message: " + std::to_string(p.result.message_bytes) + " bytes sent]\n> .";
      }
      p.awaiting = true;
      prev = std::move(p);
      cur = std::move(nxt);
      nxt.reset();
    }
  } catch (...) {
    // The connection is unusable: whatever is in flight fails with what ended it.
    const std::exception_ptr failure = std::current_exception();
    drop_connection();
    if (prev.awaiting && prev.counts) ready.push_back({prev.index, std::nullopt, unconfirmed(failure)});
    if (cur) ready.push_back({cur->index, std::nullopt, failure});
    if (nxt)  // taken ahead, nothing of it written
      ready.push_back({nxt->index, std::nullopt,
                       wrapped(failure, error::not_connected, "not sent: the connection was closed")});
    report(batch, ready);
    throw;
  }
  report(batch, ready);
}

awaitable<void> client::send_batch(message_batch& batch) {
  impl& s = *impl_;
  if (!s.connected) throw std::system_error(make_error_code(error::not_connected), "send_batch");
  const bool pipelined = s.opts.pipelining && s.caps.has("PIPELINING");
  const bool bdat = s.opts.chunking && s.caps.has("CHUNKING");
  if (!pipelined || s.opts.lmtp || bdat) co_return co_await s.send_each(batch);
  co_await s.send_pipelined_batch(batch);
}

client::client(asio::any_io_executor ex) : impl_(std::make_unique<impl>(std::move(ex))) {}
client::~client() = default;

awaitable<void> client::connect(client_options opts) {
  impl& s = *impl_;
  s.opts = std::move(opts);
  s.eng.set_limits(s.opts.limits);
  // Nothing from an earlier connection carries over.
  s.caps = capabilities{};
  s.greet = reply{};
  s.auth_mech.clear();
  s.connected = false;
  if (!line::is_safe_argument(s.opts.helo_name) || s.opts.helo_name.find(' ') != std::string::npos)
    throw std::system_error(make_error_code(transport::error::invalid_argument),
                            "EHLO name contains a space, CR, LF or NUL");
  co_await s.stream.connect(s.opts.host, s.opts.port, s.opts.connect);
  if (s.opts.security == security::implicit_tls) co_await s.stream.handshake(s.opts.tls, s.opts.host);
  s.greet = co_await s.read();
  if (s.greet.code != 220) {
    s.stream.close();
    throw smtp_exception(make_error_code(s.greet.code == 554 || s.greet.code == 421
                                             ? error::service_unavailable
                                             : error::bad_greeting),
                         "greeting from " + s.opts.host, s.greet);
  }
  co_await s.ehlo();
  co_await s.starttls_if_needed();
  s.connected = true;
  co_await s.authenticate();
}

awaitable<send_result> client::send(envelope env, byte_source& message) {
  co_return co_await impl_->send(std::move(env), message);
}

awaitable<reply> client::noop() { co_return co_await impl_->transact(line::command("NOOP")); }
awaitable<reply> client::reset() { co_return co_await impl_->transact(line::command("RSET")); }

awaitable<void> client::quit() {
  impl& s = *impl_;
  if (!s.stream.is_open()) co_return;
  try {
    auto t = s.stream.get_timeouts();
    t.idle = std::min(t.idle, std::chrono::milliseconds(5000));
    s.stream.set_timeouts(t);
    co_await s.transact(line::command("QUIT"));
    co_await s.stream.graceful_close();
  } catch (const std::exception&) {
    s.stream.close();
  }
  s.connected = false;
}

awaitable<reply> client::command(std::string line) {
  co_return co_await impl_->transact(line::command(line));
}

const capabilities& client::server_capabilities() const noexcept { return impl_->caps; }
const reply& client::greeting() const noexcept { return impl_->greet; }
bool client::is_tls() const noexcept { return impl_->stream.is_tls(); }
transport::tls_info client::tls_details() const { return impl_->stream.tls_details(); }
const std::string& client::authenticated_with() const noexcept { return impl_->auth_mech; }
const transport::timeouts& client::timeouts() const noexcept {
  return impl_->stream.get_timeouts();
}
void client::set_timeouts(const transport::timeouts& t) noexcept { impl_->stream.set_timeouts(t); }
void client::close() noexcept { impl_->stream.close(); }
asio::any_io_executor client::get_executor() const noexcept { return impl_->stream.get_executor(); }

}  // namespace inet::smtp
