// Sendmail mode and composing mode: build the message and envelope, send, queue on failure.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>

#include "protocols/mime/address.hpp"
#include "protocols/mime/headers.hpp"
#include "protocols/mime/message.hpp"
#include "tools/mail/aliases.hpp"
#include "tools/mail/exit_status.hpp"
#include "tools/mail/internal.hpp"
#include "tools/mail/io.hpp"
#include "tools/mail/queue.hpp"
#include "transport/trace.hpp"

namespace inet::mail::detail {
namespace {

// The message to send: its bytes, and whatever those bytes are read through.
struct prepared {
  std::unique_ptr<byte_source> source;
  std::string from;
  std::vector<std::string> recipients;
};

void add_unique(std::vector<std::string>& to, const std::string& addr) {
  if (std::find(to.begin(), to.end(), addr) == to.end()) to.push_back(addr);
}

std::string read_file(const std::string& path, byte_source& input) {
  std::string out;
  std::array<char, 64 * 1024> buf;
  if (path == "-") {
    while (const std::size_t n = input.read(buf)) out.append(buf.data(), n);
    return out;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot read " + path);
  fd_source src(fd, true, path);
  while (const std::size_t n = src.read(buf)) out.append(buf.data(), n);
  return out;
}

std::vector<mime::mailbox> parse_list(const std::vector<std::string>& args, const char* role) {
  std::vector<mime::mailbox> out;
  for (const auto& a : args) {
    try {
      for (auto& m : mime::parse_address_list(a)) {
        check_address(m.address, role, false);
        out.push_back(std::move(m));
      }
    } catch (const std::system_error&) {
      throw setting_error(setting_error::kind::data, std::string("invalid ") + role +
                                                         " address '" +
                                                         transport::escape_control(a) + "'");
    }
  }
  return out;
}

// The sender: -f / `from`, else the first From header address (sendmail mode only).
std::string sender_from(const context& c, const mime::header_section* headers) {
  if (c.acct.from) return *c.acct.from;
  if (headers) {
    if (const auto* f = headers->find("From")) {
      try {
        const auto list = mime::parse_address_list(f->value);
        if (!list.empty()) return list.front().address;
      } catch (const std::system_error&) {
      }
    }
  }
  throw setting_error(setting_error::kind::usage,
                      "no sender address: set 'from' in the configuration or pass -f ADDRESS");
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

bool is_one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [&](auto n) { return iequals(name, n); });
}

// The display name of a From header we write: -F, else from_full_name.
std::string full_name(const context& c) {
  return c.opts.full_name.empty() ? c.acct.from_full_name : c.opts.full_name;
}

// Envelope recipients of sendmail mode: the arguments, plus with -t the To/Cc/Bcc headers;
// local names (no '@') replaced through the account's aliases file first (msmtp `aliases`).
std::vector<std::string> sendmail_recipients(const context& c, const mime::header_section& h) {
  alias_table aliases;
  if (!c.acct.aliases.empty()) aliases = load_aliases(c.acct.aliases);
  std::vector<std::string> args = c.opts.recipients;
  for (auto& a : args) a = expand_aliases(a, aliases);
  std::vector<std::string> out = parse_recipient_args(args);
  if (!c.opts.read_recipients) return out;
  mime::header_section copy = h;
  for (auto& f : copy.fields)
    if (is_one_of(f.name, {"To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"}))
      f.value = expand_aliases(f.value, aliases);
  for (const auto& r : mime::header_recipients(copy)) {
    check_address(r, "recipient", false);
    add_unique(out, r);
  }
  return out;
}

void drop_fields(mime::parsed_message_head& head, std::initializer_list<std::string_view> names) {
  auto& f = head.headers.fields;
  f.erase(std::remove_if(f.begin(), f.end(), [&](const auto& x) { return is_one_of(x.name, names); }),
          f.end());
}

// undisclosed_recipients: To/Cc/Bcc replaced by one "To: undisclosed-recipients:;" (msmtp).
void hide_recipients(mime::parsed_message_head& head) {
  drop_fields(head, {"To", "Cc", "Bcc"});
  head.headers.fields.push_back({"To", "undisclosed-recipients:;", "To: undisclosed-recipients:;"});
}

// The msmtp header keys: remove_bcc_headers, undisclosed_recipients, set_from_header,
// set_date_header, set_msgid_header.
mime::rewrite_options header_policy(const context& c, const std::string& from,
                                    mime::parsed_message_head& head) {
  const resolved_account& a = c.acct;
  mime::rewrite_options ro;
  ro.strip_bcc = a.remove_bcc_headers;
  if (a.undisclosed_recipients) hide_recipients(head);
  ro.add_date = a.set_date_header != "off";
  ro.add_message_id = a.set_msgid_header != "off";
  ro.message_id_domain = std::string(mime::address_domain(from));
  if (!from.empty() && a.set_from_header != "off") {
    if (a.set_from_header == "on") drop_fields(head, {"From"});
    ro.add_from = mime::mailbox{full_name(c), from};
  }
  return ro;
}

prepared prepare_sendmail(context& c) {
  prepared p;
  mime::parsed_message_head head =
      c.head ? std::move(*c.head) : mime::read_header_section(c.input);
  p.recipients = sendmail_recipients(c, head.headers);
  if (p.recipients.empty())
    throw setting_error(setting_error::kind::data,
                        "no recipients: none given and none found in To, Cc or Bcc");
  p.from = sender_from(c, &head.headers);
  check_address(p.from, "sender", true);
  const mime::rewrite_options ro = header_policy(c, p.from, head);
  p.source = mime::make_rewritten_source(std::move(head), c.input, ro);
  return p;
}

// A rewritten source together with the source it reads from.
class owning_source final : public byte_source {
 public:
  explicit owning_source(std::unique_ptr<byte_source> inner) : inner_(std::move(inner)) {
    mime::parsed_message_head head = mime::read_header_section(*inner_);
    hide_recipients(head);
    outer_ = mime::make_rewritten_source(std::move(head), *inner_, mime::rewrite_options{});
  }
  std::size_t read(std::span<char> buf) override { return outer_->read(buf); }

 private:
  std::unique_ptr<byte_source> inner_, outer_;
};

prepared prepare_composed(context& c) {
  const mail_options& o = c.opts;
  prepared p;
  p.from = sender_from(c, nullptr);
  check_address(p.from, "sender", true);
  mime::message m;
  m.from = {full_name(c), p.from};
  m.to = parse_list(o.to, "recipient");
  m.cc = parse_list(o.cc, "recipient");
  m.bcc = parse_list(o.bcc, "recipient");
  if (o.reply_to) m.reply_to = parse_list({*o.reply_to}, "Reply-To");
  m.subject = o.subject.value_or("");
  if (o.body) m.text_body = *o.body;
  if (o.body_file) m.text_body = read_file(*o.body_file, c.input);
  if (o.html_file) m.html_body = read_file(*o.html_file, c.input);
  for (const auto& a : o.attachments) {
    mime::attachment att;
    att.path = a;
    m.attachments.push_back(std::move(att));
  }
  p.recipients = mime::envelope_recipients(m);
  // 7-bit safe output (no SMTPUTF8/8BITMIME assumed), so the message can also be queued.
  p.source = std::make_unique<mime::message_source>(std::move(m), mime::compose_options{});
  if (c.acct.undisclosed_recipients) p.source = std::make_unique<owning_source>(std::move(p.source));
  return p;
}

smtp::envelope make_envelope(const context& c, const std::string& from,
                             const std::vector<std::string>& rcpts) {
  smtp::envelope env;
  env.mail_from = from;
  for (const auto& r : rcpts) env.recipients.push_back({r, c.acct.dsn_notify, {}});
  env.dsn_ret = c.acct.dsn_ret;
  return env;
}

// Reports the refused recipients on stderr; returns those refused with 4xx (worth a retry)
// and sets `permanent` if one was refused with 5xx.
std::vector<std::string> report_refused(context& c, const smtp::send_result& r, bool& permanent) {
  const auto rejected = r.rejected();
  std::vector<std::string> retry;
  permanent = false;
  if (rejected.empty()) return retry;
  for (const auto& x : rejected) {
    const smtp::reply& why = x.delivery ? *x.delivery : x.reply;  // LMTP: the delivery reply
    c.err << "inet mail: recipient " << printable(x.address)
          << (x.delivery ? " not delivered: " : " refused: ") << printable(why.summary()) << "\n";
    if (why.code >= 400 && why.code < 500) retry.push_back(x.address);
    else permanent = true;
  }
  c.err << "inet mail: the message was sent to the other "
        << (r.recipients.size() - rejected.size()) << " recipient(s)\n";
  return retry;
}

void report_unconfirmed(context& c, const std::string& why) {
  c.err << "inet mail: " << why << "\n"
        << "inet mail: the outcome is unknown: the server may have accepted the message; check "
           "whether it arrived before sending it again\n";
}

// The log record after connecting: was the session TLS, did it authenticate.
void record_session(context& c, const smtp::blocking_client& client) {
  c.record.tls = !client.tls_details().protocol.empty();
  c.record.auth = !client.authenticated_with().empty();
}

// A reply as the server wrote it ("250-first\n250 last"), for smtpmsg='...'.
std::string reply_text(const smtp::reply& r) {
  std::string out;
  for (std::size_t i = 0; i < r.lines.size(); ++i)
    out += (i ? "\n" : "") + std::to_string(r.code) + (i + 1 < r.lines.size() ? "-" : " ") +
           r.lines[i];
  return out;
}

void record_result(context& c, const smtp::send_result& r) {
  c.record.mailsize = r.message_bytes;
  c.record.smtp_status = r.final_reply.code;
  c.record.smtp_message = reply_text(r.final_reply);
  std::string refused;
  for (const auto& x : r.rejected())
    refused += (refused.empty() ? "" : "; ") +
               ("recipient " + x.address + (x.delivery ? " not delivered: " : " refused: ") +
                (x.delivery ? *x.delivery : x.reply).summary());
  c.record.error_message = refused;
}

void record_failure(context& c, const std::exception& e, const std::string& why) {
  c.record.error_message = why;
  if (const auto* s = dynamic_cast<const smtp::smtp_exception*>(&e)) {
    c.record.smtp_status = s->server_reply().code;
    c.record.smtp_message = reply_text(s->server_reply());
  }
}

// No queue: send, and report.
int send_direct(context& c, const smtp::envelope& env, byte_source& src) {
  smtp::blocking_client client;
  smtp::send_result result;
  try {
    connect(c, client);
    record_session(c, client);
    result = client.send(env, src);
  } catch (const std::exception& e) {
    if (c.meter) c.meter->end();  // finish a meter line before the error message
    client.quit();  // polite QUIT when the connection still works; never throws
    const std::string why = describe_failure(e, c.acct.server());
    record_failure(c, e, why);
    if (is_delivery_unconfirmed(e)) {
      report_unconfirmed(c, why);
      return ex_tempfail;
    }
    c.err << "inet mail: " << why << "; the message was not sent\n";
    return exit_code_for(e);
  }
  client.quit();
  record_result(c, result);
  bool permanent = false;
  const auto retry = report_refused(c, result, permanent);
  if (permanent) return ex_nouser;
  return retry.empty() ? ex_ok : ex_tempfail;
}

std::string how_to_release(const queue_entry& e) {
  return "check whether it arrived, then release it with `inet mail --flush --release " + e.id +
         "` (it is then sent again) or delete " + e.message_path.string() + " and " +
         e.envelope_path.string();
}

// The send failed; `entry` is the held queue copy.
int queued_failure(context& c, const std::exception& e, queue_entry& entry) {
  const std::string why = describe_failure(e, c.acct.server());
  record_failure(c, e, why);
  const std::string path = entry.message_path.string();
  if (is_delivery_unconfirmed(e)) {
    c.err << "inet mail: " << why << "\n";
    try {
      hold(entry, "delivery unconfirmed: " + why);
    } catch (const std::exception& w) {
      c.err << "inet mail: (could not record the reason in " << entry.envelope_path.string()
            << ": " << printable(w.what()) << ")\n";
    }
    c.err << "inet mail: the server may have accepted the message; it is held in " << path
          << " and will not be sent again automatically: " << how_to_release(entry) << "\n";
    return ex_tempfail;
  }
  if (is_queueable(e)) {
    try {
      release(entry);
    } catch (const std::exception& w) {
      c.err << "inet mail: server unavailable (" << why << "); the message was not sent and is "
            << "kept in " << path << ", but marking it for --flush failed ("
            << printable(w.what()) << "): release it with `inet mail --flush --release "
            << entry.id << "`\n";
      return ex_tempfail;
    }
    c.err << "inet mail: server unavailable (" << why << "); message queued in " << path << "\n";
    return ex_ok;
  }
  c.err << "inet mail: " << why << "; the message was not sent\n";
  try {
    remove(entry);  // not to be retried: the caller keeps the message, as without a queue
  } catch (const std::exception& w) {
    c.err << "inet mail: (its held copy " << path << " could not be removed: "
          << printable(w.what()) << "; delete it)\n";
  }
  return exit_code_for(e);
}

// The server took the message (for some or all recipients); `entry` is the held queue copy.
int queued_success(context& c, const smtp::send_result& result, queue_entry& entry) {
  bool permanent = false;
  const auto retry = report_refused(c, result, permanent);
  const int done = permanent ? ex_nouser : ex_ok;
  const std::string path = entry.message_path.string();
  if (retry.empty()) {
    try {
      remove(entry);
    } catch (const std::exception& w) {
      c.err << "inet mail: the message was sent, but removing its queue copy failed ("
            << printable(w.what()) << "); the copy stays held and will not be sent again: "
            << "delete " << path << " and " << entry.envelope_path.string() << "\n";
    }
    return done;
  }
  try {
    rewrite_envelope(entry, {entry.envelope.from, retry, {}});
  } catch (const std::exception& w) {
    c.err << "inet mail: queueing the message for the " << retry.size()
          << " temporarily refused recipient(s) failed (" << printable(w.what())
          << "): they did not get it. The copy " << path << " stays held with all the "
          << "original recipients; do not release it: the others already got it\n";
    return permanent ? ex_nouser : ex_tempfail;
  }
  c.err << "inet mail: message queued for the " << retry.size()
        << " temporarily refused recipient(s) in " << path << "\n";
  return done;
}

// With a queue: the message is committed as a held entry before connecting, so a crash at
// any point leaves it in the queue (held: --flush reports it, never resends it blindly).
int send_queued(context& c, prepared& p, smtp::envelope& env) {
  spool_file spool(*c.acct.queue);  // holds the entry's lock until we return
  spool.copy_from(*p.source);
  env.size_hint = spool.size();
  queue_entry entry = spool.commit({p.from, p.recipients, held_marker(sending_reason())});
  const std::unique_ptr<byte_source> src = open_message(entry);
  smtp::blocking_client client;
  smtp::send_result result;
  try {
    connect(c, client);
    record_session(c, client);
    result = client.send(env, *src);
  } catch (const std::exception& e) {
    if (c.meter) c.meter->end();
    client.quit();
    return queued_failure(c, e, entry);
  }
  client.quit();
  record_result(c, result);
  return queued_success(c, result, entry);
}

int send_prepared(context& c, prepared& p) {
  smtp::envelope env = make_envelope(c, p.from, p.recipients);
  if (c.acct.queue) return send_queued(c, p, env);
  return send_direct(c, env, *p.source);
}

}  // namespace

void check_address(const std::string& addr, const char* role, bool allow_empty) {
  if (addr.empty() && allow_empty) return;
  if (!mime::is_valid_addr_spec(addr))
    throw setting_error(setting_error::kind::data, std::string("invalid ") + role +
                                                       " address '" +
                                                       transport::escape_control(addr) + "'");
}

std::vector<std::string> parse_recipient_args(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& m : parse_list(args, "recipient")) add_unique(out, m.address);
  return out;
}

void connect(context& c, smtp::blocking_client& client) {
  load_secrets(c.acct, c.run_command);
  if (c.acct.cleartext_auth_allowed)
    c.err << "inet mail: warning: sending credentials to " << c.acct.server()
          << " WITHOUT TLS (--tls=off)\n";
  arm_timeouts(c.acct, std::chrono::steady_clock::now());
  // msmtp shows no progress; inet mail shows curl's meter for large or slow messages, only on
  // a terminal and never with -v (the trace owns stderr then).
  if (!c.meter && !c.opts.verbose && &c.err == &std::cerr && ::isatty(STDERR_FILENO) == 1)
    c.meter = std::make_shared<cli::large_upload_meter>(c.err);
  if (c.meter) c.acct.client.progress = c.meter->fn();
  client.connect(c.acct.client);
}

std::string sending_reason() {
  return "sending (inet mail pid " + std::to_string(::getpid()) + ")";
}

bool is_sending_marker(const std::string& held) {
  const std::size_t space = held.find(' ');
  return space != std::string::npos && held.compare(space + 1, 8, "sending ") == 0;
}

// One log line per message (msmtp `logfile` / `syslog`), also when it was not sent.
int do_send(context& c) {
  log_record& r = c.record;
  r.host = c.acct.client.host;
  r.user = c.acct.client.credentials.username;
  r.from = c.acct.from.value_or("");
  r.recipients = c.opts.recipients;
  int rc = ex_ok;
  try {
    prepared p = c.opts.compose_mode() ? prepare_composed(c) : prepare_sendmail(c);
    r.from = p.from;
    r.recipients = p.recipients;
    rc = send_prepared(c, p);
  } catch (const std::exception& e) {
    if (r.error_message.empty()) r.error_message = e.what();
    r.exit_code = exit_code_of(e);
    write_log(c.acct.log, r, c.out, c.err, c.syslog);
    throw;
  }
  r.exit_code = rc;
  write_log(c.acct.log, r, c.out, c.err, c.syslog);
  return rc;
}

}  // namespace inet::mail::detail
