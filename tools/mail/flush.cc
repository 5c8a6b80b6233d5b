// --flush: send every queued message over one connection (reconnecting after a broken one),
// as one smtp::client::send_batch (with PIPELINING one message's "." and the next message's
// envelope share a write; each entry is held before its envelope goes out).
// Held entries (being sent, or delivery unconfirmed) are reported, never sent: nothing the
// user gave us is lost or sent twice. --release ID un-holds an entry first.
#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <map>
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

// A queue file could not be written after the server was asked something: the flush stops
// (QUIT) after reporting exactly what state the entry is in.
struct queue_write_failed {
  int exit_code;
};

std::string release_hint(const queue_entry& e) {
  return "check whether it arrived, then release it with `inet mail --flush --release " + e.id +
         "` (it is then sent again) or delete " + e.message_path.string() + " and " +
         e.envelope_path.string();
}

struct flusher {
  context& c;
  std::unique_ptr<smtp::blocking_client> client;
  std::size_t sent = 0, kept = 0, held = 0;
  bool drop = false;  // the connection must not carry the next message: reconnect after the batch

  void ensure_connected() {
    if (client) return;
    auto fresh = std::make_unique<smtp::blocking_client>();
    connect(c, *fresh);
    client = std::move(fresh);
  }

  [[noreturn]] void stop(const queue_entry& e, const std::string& state, const std::exception& w) {
    c.err << "inet mail: " << e.id << ": " << state << " (" << printable(w.what())
          << "); stopping the flush\n";
    throw queue_write_failed{exit_code_for(w)};
  }

  void failed(queue_entry& e, const std::exception& ex) {
    const std::string why = describe_failure(ex, c.acct.server());
    if (is_delivery_unconfirmed(ex)) {
      drop = true;
      ++held;
      c.err << "inet mail: " << e.id << ": " << why << "\n";
      try {
        hold(e, "delivery unconfirmed: " + why);
      } catch (const std::exception& w) {
        stop(e, "the server may have accepted it; it stays held as being sent, but recording "
                "why failed", w);
      }
      c.err << "inet mail: " << e.id << ": the server may have accepted it; held, not sent "
            << "again: " << release_hint(e) << "\n";
      return;
    }
    ++kept;
    if (!connection_reusable(ex)) drop = true;
    try {
      release(e);
    } catch (const std::exception& w) {
      stop(e, "not sent (" + why + "); it stays held because returning it to the queue failed: "
              "release it with `inet mail --flush --release " + e.id + "`", w);
    }
    c.err << "inet mail: " << e.id << ": " << why << "; kept in the queue\n";
  }

  void delivered(queue_entry& e, const smtp::send_result& result) {
    std::vector<std::string> retry;
    for (const auto& r : result.rejected()) {
      const smtp::reply& why = r.delivery ? *r.delivery : r.reply;  // LMTP: the delivery reply
      c.err << "inet mail: " << e.id << ": recipient " << printable(r.address)
            << (r.delivery ? " not delivered: " : " refused: ") << printable(why.summary()) << "\n";
      if (why.code >= 400 && why.code < 500) retry.push_back(r.address);
    }
    if (retry.empty()) {
      ++sent;
      try {
        remove(e);
      } catch (const std::exception& w) {
        stop(e, "sent, but removing it from the queue failed; it stays held and will not be "
                "sent again: delete " + e.message_path.string() + " and " +
                e.envelope_path.string(), w);
      }
      return;
    }
    ++kept;
    try {
      rewrite_envelope(e, {e.envelope.from, retry, {}});
    } catch (const std::exception& w) {
      stop(e, "sent to the accepted recipient(s), but recording the " +
              std::to_string(retry.size()) + " temporarily refused one(s) failed; it stays "
              "held with all its recipients: do not release it", w);
    }
  }

  // Prepares one entry (its lock held by the caller) for sending: held while on the wire, so a
  // crash cannot lead to a second delivery. Null when it cannot be sent (reported).
  std::unique_ptr<byte_source> prepare(queue_entry& e, smtp::envelope& env) {
    try {
      hold(e, sending_reason());
    } catch (const std::exception& w) {
      stop(e, "not sent: marking it as being sent failed", w);
    }
    env.mail_from = e.envelope.from;
    for (const auto& r : e.envelope.recipients) env.recipients.push_back({r, c.acct.dsn_notify, {}});
    env.dsn_ret = c.acct.dsn_ret;
    std::error_code size_ec;
    const auto size = std::filesystem::file_size(e.message_path, size_ec);
    if (!size_ec) env.size_hint = size;  // SIZE=, and an oversize entry is refused before MAIL
    // `timeout` bounds each message, not the whole flush: a long queue over one connection
    // must not run out of time part-way through a message and leave it unconfirmed.
    if (c.acct.timeout) {
      transport::timeouts t = client->timeouts();
      t.deadline = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::milliseconds>(*c.acct.timeout);
      client->set_timeouts(t);
    }
    try {
      return open_message(e);
    } catch (const std::exception& ex) {
      if (c.meter) c.meter->end();
      failed(e, ex);
      return nullptr;
    }
  }

  void outcome(queue_entry& e, smtp::send_result* result, std::exception_ptr failure) {
    if (result) return delivered(e, *result);
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& ex) {
      if (c.meter) c.meter->end();
      failed(e, ex);
    }
  }
};

// The queue entries todo[pos…] as an smtp::message_batch. Its callbacks never throw: a
// queue_write_failed or a failed lock is kept and ends the batch (the messages in flight still
// get their outcomes recorded), and run_flush() rethrows it.
class flush_batch final : public smtp::message_batch {
 public:
  flush_batch(flusher& f, std::vector<queue_entry*>& todo, std::size_t& pos,
              std::unique_ptr<entry_lock> first_lock)
      : f_(f), todo_(todo), pos_(pos), first_lock_(std::move(first_lock)) {}

  bool next(smtp::batch_message& out) override {
    try {
      while (!stopped && !f_.drop && pos_ < todo_.size()) {
        queue_entry& e = *todo_[pos_++];
        auto lock = first_lock_ ? std::move(first_lock_) : entry_lock::try_lock(e);
        if (!lock) continue;  // another process is sending it
        smtp::envelope env;
        auto msg = f_.prepare(e, env);
        if (!msg) continue;
        out.env = std::move(env);
        out.message = msg.get();
        in_flight_.emplace(taken_++, slot{&e, std::move(lock), std::move(msg)});
        return true;
      }
    } catch (const queue_write_failed& w) {
      stopped = w;
    } catch (...) {
      aborted = std::current_exception();
      stopped = queue_write_failed{0};
    }
    return false;
  }

  void done(std::size_t index, smtp::send_result* result, std::exception_ptr failure) override {
    const auto it = in_flight_.find(index);
    if (it == in_flight_.end()) return;
    slot s = std::move(it->second);
    in_flight_.erase(it);
    try {
      f_.outcome(*s.entry, result, failure);
    } catch (const queue_write_failed& w) {
      if (!stopped) stopped = w;
    } catch (...) {
      if (!aborted) aborted = std::current_exception();
      if (!stopped) stopped = queue_write_failed{0};
    }
  }

  std::optional<queue_write_failed> stopped;
  std::exception_ptr aborted;  // not a queue write: rethrown as it is

 private:
  struct slot {
    queue_entry* entry;
    std::unique_ptr<entry_lock> lock;  // held until the outcome is recorded
    std::unique_ptr<byte_source> message;
  };
  flusher& f_;
  std::vector<queue_entry*>& todo_;
  std::size_t& pos_;
  std::unique_ptr<entry_lock> first_lock_;
  std::size_t taken_ = 0;
  std::map<std::size_t, slot> in_flight_;
};

// Reports a held entry; true if it counts as held (not one another process is sending now).
bool report_held(context& c, const queue_entry& e) {
  if (is_sending_marker(e.envelope.held)) {
    try {
      if (!entry_lock::try_lock(e)) return false;  // being sent right now: not our business
    } catch (const std::system_error&) {
      return false;  // sent and removed meanwhile
    }
    c.err << "inet mail: " << e.id << " was being sent when inet mail stopped (held "
          << printable(e.envelope.held) << "): it may already have been delivered; "
          << release_hint(e) << "\n";
    return true;
  }
  c.err << "inet mail: " << e.id << " is held (" << printable(e.envelope.held)
        << "): it may already have been delivered; " << release_hint(e) << "\n";
  return true;
}

void report_stale(context& c, const std::filesystem::path& dir) {
  for (const auto& s : stale_spool_files(dir)) {
    c.err << "inet mail: orphaned spool file " << s.path.string() << " ("
          << s.age.count() / 60 << " min old; from a crash?): kept, it may be the only copy "
          << "of a message that was never queued: look at it, then delete it\n";
  }
}

// --release ID...: un-holds the entries. Returns 0 or an exit code.
int release_entries(context& c, std::vector<queue_entry>& entries) {
  for (const auto& id : c.opts.release) {
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&](const queue_entry& e) { return e.id == id; });
    if (it == entries.end()) {
      c.err << "inet mail: --release: no message " << printable(id) << " in the queue\n";
      return ex_noinput;
    }
    const auto lock = entry_lock::try_lock(*it);
    if (!lock) {
      c.err << "inet mail: --release: " << id << " is being sent right now; not released\n";
      return ex_tempfail;
    }
    if (it->envelope.held.empty()) continue;
    release(*it);
    c.err << "inet mail: released " << id << "\n";
  }
  return ex_ok;
}

int run_flush(context& c, std::vector<queue_entry>& entries, const std::filesystem::path& dir) {
  flusher f{c, nullptr};
  std::vector<queue_entry*> todo;
  for (auto& e : entries) {
    if (!e.error.empty()) {
      c.err << "inet mail: skipping " << e.message_path.string() << ": " << printable(e.error)
            << "\n";
      ++f.kept;
    } else if (!e.envelope.held.empty()) {
      if (report_held(c, e)) ++f.held;
    } else {
      todo.push_back(&e);
    }
  }
  int rc = ex_ok;
  try {
    for (std::size_t pos = 0; pos < todo.size();) {
      auto lock = entry_lock::try_lock(*todo[pos]);
      if (!lock) {  // another process is sending it
        ++pos;
        continue;
      }
      try {
        f.ensure_connected();
      } catch (const std::exception& ex) {
        c.err << "inet mail: " << describe_failure(ex, c.acct.server()) << "; "
              << (todo.size() - pos) << " message(s) kept in " << dir.string() << "\n";
        f.kept += todo.size() - pos;
        if (f.sent == 0 && !is_queueable(ex)) rc = exit_code_for(ex);
        break;
      }
      flush_batch batch(f, todo, pos, std::move(lock));
      transport::async_error_code ec;  // every message taken has its outcome recorded
      f.client->send_batch(batch, ec);
      if (batch.aborted) std::rethrow_exception(batch.aborted);
      if (batch.stopped) throw *batch.stopped;
      if (ec || f.drop) f.client.reset();  // reconnect for the rest
      f.drop = false;
    }
  } catch (const queue_write_failed& w) {
    rc = w.exit_code;
  }
  if (f.client) f.client->quit();
  if (rc != ex_ok) return rc;
  if (f.kept == 0 && f.held == 0) return ex_ok;
  c.err << "inet mail: " << f.sent << " message(s) sent, " << f.kept << " kept, " << f.held
        << " held in " << dir.string() << "\n";
  return ex_tempfail;
}

}  // namespace

int do_flush(context& c) {
  if (!c.acct.queue) {
    c.err << "inet mail: --flush needs a queue: pass --queue DIR or set 'queue' in the account\n";
    return ex_usage;
  }
  const std::filesystem::path dir = *c.acct.queue;
  report_stale(c, dir);
  std::vector<queue_entry> entries = list(dir);
  if (entries.empty()) return c.opts.release.empty() ? ex_ok : release_entries(c, entries);
  const auto lock = queue_lock::try_lock(dir);
  if (!lock) {
    c.err << "inet mail: the queue " << dir.string() << " is being flushed by another process\n";
    return ex_tempfail;
  }
  entries = list(dir);  // re-read under the lock
  if (const int rc = release_entries(c, entries); rc != ex_ok) return rc;
  return run_flush(c, entries, dir);
}

}  // namespace inet::mail::detail
