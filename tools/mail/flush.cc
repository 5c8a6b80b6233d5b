// --flush: send every queued message over one connection (reconnecting after a broken one).
#include <memory>
#include <optional>

#include "tools/mail/exit_status.hpp"
#include "tools/mail/internal.hpp"
#include "tools/mail/queue.hpp"
#include "transport/trace.hpp"

namespace inet::mail::detail {
namespace {

// After these the connection can carry the next message (the client sent RSET).
bool connection_reusable(const std::exception& e) {
  const auto* s = dynamic_cast<const smtp::smtp_exception*>(&e);
  if (!s) return false;
  const int code = s->server_reply().code;
  return code != 421 && s->code() != smtp::error::service_unavailable;
}

struct flusher {
  context& c;
  std::unique_ptr<smtp::blocking_client> client;
  std::size_t sent = 0, kept = 0;
  bool server_down = false;

  void ensure_connected() {
    if (client) return;
    auto fresh = std::make_unique<smtp::blocking_client>();
    connect(c, *fresh);
    client = std::move(fresh);
  }

  // Sends one entry; returns normally in every case except a failure to connect.
  void send_one(queue_entry& e) {
    if (!e.error.empty()) {
      c.err << "inet mail: skipping " << e.message_path.string() << ": " << e.error << "\n";
      ++kept;
      return;
    }
    smtp::envelope env;
    env.mail_from = e.envelope.from;
    for (const auto& r : e.envelope.recipients) env.recipients.push_back({r, c.acct.dsn_notify, {}});
    env.dsn_ret = c.acct.dsn_ret;
    std::unique_ptr<byte_source> msg = open_message(e);
    smtp::send_result result;
    try {
      result = client->send(env, *msg);
    } catch (const std::exception& ex) {
      c.err << "inet mail: " << e.id << ": " << describe_failure(ex, c.acct.server())
            << "; kept in the queue\n";
      ++kept;
      if (!connection_reusable(ex)) client.reset();
      return;
    }
    std::vector<std::string> retry;
    for (const auto& r : result.rejected()) {
      c.err << "inet mail: " << e.id << ": recipient " << transport::escape_control(r.address)
            << " refused: " << transport::escape_control(r.reply.summary()) << "\n";
      if (r.reply.code >= 400 && r.reply.code < 500) retry.push_back(r.address);
    }
    if (retry.empty()) {
      remove(e);
      ++sent;
      return;
    }
    rewrite_envelope(e, {e.envelope.from, retry});
    ++kept;
  }
};

}  // namespace

int do_flush(context& c) {
  if (!c.acct.queue) {
    c.err << "inet mail: --flush needs a queue: pass --queue DIR or set 'queue' in the account\n";
    return ex_usage;
  }
  const std::filesystem::path dir = *c.acct.queue;
  std::vector<queue_entry> entries = list(dir);
  if (entries.empty()) return ex_ok;
  const auto lock = queue_lock::try_lock(dir);
  if (!lock) {
    c.err << "inet mail: the queue " << dir.string() << " is being flushed by another process\n";
    return ex_tempfail;
  }
  entries = list(dir);  // re-read under the lock
  flusher f{c, nullptr};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    try {
      f.ensure_connected();
    } catch (const std::exception& ex) {
      c.err << "inet mail: " << describe_failure(ex, c.acct.server()) << "; "
            << (entries.size() - i) << " message(s) kept in " << dir.string() << "\n";
      f.kept += entries.size() - i;
      if (f.sent == 0 && !is_queueable(ex)) return exit_code_for(ex);
      break;
    }
    f.send_one(entries[i]);
  }
  if (f.client) f.client->quit();
  if (f.kept == 0) return ex_ok;
  c.err << "inet mail: " << f.sent << " message(s) sent, " << f.kept << " kept in "
        << dir.string() << "\n";
  return ex_tempfail;
}

}  // namespace inet::mail::detail
