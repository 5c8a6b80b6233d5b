// The FTP client's control-connection operations, each written once as a coroutine (RFC 959's
// story in order: greeting, FEAT, AUTH TLS / PBSZ / PROT, USER / PASS / ACCT, commands, QUIT).
// Data transfers are in transfer.cc.
#include <algorithm>
#include <cctype>

#include "protocols/ftp/impl.hpp"
#include "protocols/session/tls_upgrade.hpp"

namespace inet::ftp {

namespace asio = boost::asio;
using asio::awaitable;

namespace {
constexpr const char* anonymous_user = "anonymous";
constexpr const char* anonymous_password = "ftp@example.com";  // what curl sends
constexpr int max_wait_replies = 10;                           // 120 "ready in n minutes"
}  // namespace

awaitable<reply> client::impl::read() {
  try {
    co_return detail::to_reply(co_await eng.read_code_reply());
  } catch (const std::system_error& e) {
    if (e.code() == line::error::malformed_reply)
      throw std::system_error(make_error_code(error::malformed_reply), e.what());
    throw;
  }
}

awaitable<reply> client::impl::transact(const line::command& c) {
  if (!stream.is_open()) throw std::system_error(make_error_code(error::not_connected), std::string(c.trace_text()));
  co_await eng.send(c);
  co_return co_await read();
}

void client::impl::fail(const std::string& what, const reply& r) {
  fail_as(detail::code_for(r), what, r);
}

void client::impl::fail_as(std::error_code ec, const std::string& what, const reply& r) {
  // 421: the server is closing the control connection (RFC 959 §4.2); nothing more goes on it.
  if (r.code == 421) {
    stream.close();
    connected = false;
    ec = make_error_code(error::service_unavailable);
  }
  throw ftp_exception(ec, what, r);
}

awaitable<reply> client::impl::expect_kind(const line::command& c, int kind, const std::string& what) {
  reply r = co_await transact(c);
  if (r.kind() != kind) fail(what, r);
  co_return r;
}

session::security client::impl::sec() const {
  const bool named_user = !opts.user.empty() && opts.user != anonymous_user;
  return session::resolve(opts.security == security::implicit_tls, opts.policy, named_user);
}

awaitable<void> client::impl::feat() {
  feats = features{};
  feats = detail::parse_feat(co_await transact(line::command("FEAT")));
}

// AUTH TLS (RFC 4217 §4) for the session layer's upgrade policy.
class client::impl::auth_tls_adapter final : public session::upgrade_adapter {
 public:
  explicit auth_tls_adapter(client::impl& s) : s_(s) {}
  std::string_view command_word() const override { return "AUTH TLS"; }
  awaitable<bool> offered() override {
    // Without FEAT the offer cannot be known: try the command (RFC 4217 §6 predates FEAT).
    if (!s_.feats.feat_supported) co_return true;
    auto it = s_.feats.items.find("AUTH");
    if (it == s_.feats.items.end()) co_return false;
    std::string v = it->second;
    std::transform(v.begin(), v.end(), v.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    co_return v.find("TLS") != std::string::npos;
  }
  awaitable<bool> request() override {
    refusal_ = co_await s_.transact(line::command("AUTH").arg("TLS"));
    co_return refusal_.code == 234;
  }
  [[noreturn]] void throw_refused() override {
    throw ftp_exception(make_error_code(error::tls_required), "AUTH TLS", refusal_);
  }
  std::error_code tls_required_code() const override { return make_error_code(error::tls_required); }
  awaitable<void> forget_pre_tls_state() override {
    co_await s_.protect();
    co_await s_.feat();
  }

 private:
  client::impl& s_;
  reply refusal_;
};

awaitable<void> client::impl::protect() {
  // RFC 4217 §8-9: PBSZ 0 then PROT P, so data connections are TLS too.
  co_await expect_kind(line::command("PBSZ").arg("0"), 2, "PBSZ 0");
  co_await expect_kind(line::command("PROT").arg("P"), 2, "PROT P");
}

awaitable<void> client::impl::greeting() {
  greet = co_await read();
  for (int i = 0; greet.code == 120 && i < max_wait_replies; ++i) greet = co_await read();
  if (greet.code == 220) co_return;
  stream.close();
  throw ftp_exception(make_error_code(greet.code == 421 ? error::service_unavailable
                                                         : error::bad_greeting),
                      "greeting from " + opts.host, greet);
}

awaitable<void> client::impl::login() {
  const bool anonymous = opts.user.empty();
  const std::string user = anonymous ? anonymous_user : opts.user;
  const std::string pass = anonymous ? anonymous_password : opts.password;
  if (!anonymous && user != anonymous_user && !session::clear_text_allowed(stream.is_tls(), sec())) {
    stream.close();
    throw std::system_error(make_error_code(error::tls_required),
                            "AUTH TLS failed: refusing to send a password in clear text");
  }
  line::command acct("ACCT");
  acct.arg(opts.account);  // checked before anything is sent
  reply r = co_await transact(line::command("USER").arg(user));
  if (r.code == 331) r = co_await transact(line::command("PASS").arg(pass));
  if (r.code == 332) {
    if (opts.account.empty()) fail_as(make_error_code(error::login_failed), "ACCT (no account given)", r);
    r = co_await transact(acct);
  }
  if (r.code == 230 || r.code == 202) co_return;
  fail_as(r.code == 421 || r.kind() == 4 ? detail::code_for(r) : make_error_code(error::login_failed),
          "login as " + user, r);
}

client::client(asio::any_io_executor ex) : impl_(std::make_unique<impl>(std::move(ex))) {}
client::~client() = default;

awaitable<void> client::connect(client_options opts) {
  impl& s = *impl_;
  // Credentials and account are checked before anything is sent.
  line::command probe("USER");
  probe.arg(opts.user).arg(opts.password).arg(opts.account);
  s.opts = std::move(opts);
  if (s.opts.tls.alpn.empty()) s.opts.tls.alpn = {"ftp"};
  s.eng.set_limits(s.opts.limits);
  s.feats = features{};
  s.greet = reply{};
  s.connected = false;
  s.epsv_refused = false;
  s.type_sent.reset();
  s.data_resume = {};
  co_await s.stream.connect(s.opts.host, s.opts.port, s.opts.connect);
  if (s.opts.security == security::implicit_tls) co_await s.stream.handshake(s.opts.tls, s.opts.host);
  co_await s.greeting();
  co_await s.feat();
  if (s.opts.security == security::implicit_tls) {
    co_await s.protect();
  } else {
    impl::auth_tls_adapter a(s);
    co_await session::upgrade(s.eng, s.sec(), s.opts.tls, s.opts.host, a);
  }
  if (s.opts.send_host && s.feats.has("HOST")) {
    // RFC 7151 §3: HOST before USER names the virtual host; a refusal is not fatal (§3.2).
    const reply h = co_await s.transact(line::command("HOST").arg(s.opts.host));
    if (h.code == 421) s.fail("HOST", h);
  }
  co_await s.login();
  s.connected = true;
  if (s.opts.utf8 && s.feats.has("UTF8")) co_await s.transact(line::command("OPTS").arg("UTF8").arg("ON"));
}

awaitable<reply> client::noop() { co_return co_await impl_->expect_kind(line::command("NOOP"), 2, "NOOP"); }

awaitable<std::string> client::system_type() {
  const reply r = co_await impl_->expect_kind(line::command("SYST"), 2, "SYST");
  co_return r.lines.empty() ? std::string() : r.lines.front();
}

awaitable<std::string> client::pwd() {
  const reply r = co_await impl_->expect_kind(line::command("PWD"), 2, "PWD");
  co_return detail::parse_257(r);
}

awaitable<reply> client::cwd(std::string path) {
  co_return co_await impl_->expect_kind(line::command("CWD").arg(path), 2, "CWD " + path);
}

awaitable<reply> client::cdup() { co_return co_await impl_->expect_kind(line::command("CDUP"), 2, "CDUP"); }

awaitable<std::string> client::mkd(std::string path) {
  const reply r = co_await impl_->expect_kind(line::command("MKD").arg(path), 2, "MKD " + path);
  co_return detail::parse_257(r);
}

awaitable<reply> client::rmd(std::string path) {
  co_return co_await impl_->expect_kind(line::command("RMD").arg(path), 2, "RMD " + path);
}

awaitable<reply> client::dele(std::string path) {
  co_return co_await impl_->expect_kind(line::command("DELE").arg(path), 2, "DELE " + path);
}

awaitable<reply> client::rename(std::string from, std::string to) {
  line::command rnto("RNTO");
  rnto.arg(to);  // checked before RNFR goes out
  co_await impl_->expect_kind(line::command("RNFR").arg(from), 3, "RNFR " + from);
  co_return co_await impl_->expect_kind(rnto, 2, "RNTO " + to);
}

awaitable<std::uint64_t> client::size(std::string path) {
  line::command cmd("SIZE");
  cmd.arg(path);                  // checked before TYPE goes out
  co_await impl_->ensure_type();  // RFC 3659 §4: the size depends on TYPE
  const reply r = co_await impl_->expect_kind(cmd, 2, "SIZE " + path);
  const auto v = detail::parse_size(r);
  if (!v) throw ftp_exception(make_error_code(error::malformed_reply), "SIZE " + path, r);
  co_return *v;
}

awaitable<std::string> client::mdtm(std::string path) {
  const reply r = co_await impl_->expect_kind(line::command("MDTM").arg(path), 2, "MDTM " + path);
  const std::string t = r.lines.empty() ? std::string() : r.lines.front();
  // RFC 3659 §2.3: time-val = 14DIGIT [ "." 1*DIGIT ]
  const bool ok = r.code == 213 && t.size() >= 14 &&
                  std::all_of(t.begin(), t.begin() + 14,
                              [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (!ok) throw ftp_exception(make_error_code(error::malformed_reply), "MDTM " + path, r);
  co_return t.substr(0, t.find(' '));
}

awaitable<reply> client::site(std::string args) {
  co_return co_await impl_->expect_kind(line::command("SITE").arg(args), 2, "SITE " + args);
}

awaitable<reply> client::set_type(transfer_type t) {
  impl& s = *impl_;
  const char* code = t == transfer_type::binary ? "I" : "A";
  reply r = co_await s.transact(line::command("TYPE").arg(code));
  if (r.kind() != 2)
    s.fail_as(r.code == 421 ? detail::code_for(r) : make_error_code(error::type_failed),
              std::string("TYPE ") + code, r);
  s.type_sent = t;
  s.type_wanted = t;
  co_return r;
}

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

const features& client::server_features() const noexcept { return impl_->feats; }
const reply& client::greeting() const noexcept { return impl_->greet; }
bool client::is_tls() const noexcept { return impl_->stream.is_tls(); }
bool client::is_connected() const noexcept { return impl_->connected && impl_->stream.is_open(); }
transport::tls_info client::tls_details() const { return impl_->stream.tls_details(); }
void client::close() noexcept {
  impl_->stream.close();
  impl_->connected = false;
}
asio::any_io_executor client::get_executor() const noexcept { return impl_->stream.get_executor(); }

}  // namespace inet::ftp
