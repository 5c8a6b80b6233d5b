// Durable outgoing-mail queue for `inet mail` (--queue DIR / the `queue` account key).
//
// Layout of DIR (created 0700; files 0600):
//   <id>.eml   the message, exactly the bytes to send
//   <id>.env   the envelope: "inet-mail-queue 1\n[held <why>\n]from <addr>\nrcpt <addr>\n..."
//              (LF lines). A "held" entry is never sent by --flush: it is being sent right now,
//              or its delivery is unconfirmed (it may already have been delivered); the user
//              checks and releases or deletes it.
//   .tmp-*     files being written: never listed; an unlocked one older than an hour is left
//              over from a crash (stale_spool_files)
// <id> is "<UTC yyyymmddTHHMMSS>-<16 hex random>", so names sort in queueing order.
//
// Crash safety: an entry becomes visible only when its .eml is renamed into place, after both
// files were written, fsync'ed, and the .env renamed; the directory is fsync'ed after the
// renames. remove() unlinks the .eml first. A .env without its .eml is an orphan and is ignored.
// A spool_file holds an exclusive flock on its message (temp file, then <id>.eml) for its whole
// life, so another process can tell a message in use from one left over by a crash.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "transport/body.hpp"

namespace inet::mail {

/// Sender and recipients of a queued message (addr-specs without angle brackets; "" sender =
/// null reverse-path). None may contain CR, LF or NUL.
struct queued_envelope {
  std::string from;
  std::vector<std::string> recipients;
  /// Non-empty: the entry is held, and this says since when and why (one line, no control
  /// bytes), e.g. "2024-05-01T12:00:00Z delivery unconfirmed: ...". See hold().
  std::string held;
  friend bool operator==(const queued_envelope&, const queued_envelope&) = default;
};

/// One complete queue entry.
struct queue_entry {
  std::string id;
  std::filesystem::path message_path;   ///< DIR/<id>.eml
  std::filesystem::path envelope_path;  ///< DIR/<id>.env
  queued_envelope envelope;
  std::string error;  ///< non-empty if the .env file is malformed (envelope is then empty)
};

/// A message being written into the queue directory under a temporary name. Write it with
/// append()/copy_from(), read it back with open_source() (for sending), then either commit()
/// it into the queue or let it be discarded (destructor / discard()).
class spool_file {
 public:
  /// Creates DIR (mode 0700, parents too) if missing and a temporary file in it.
  /// Throws std::system_error (errno) naming the path.
  explicit spool_file(std::filesystem::path dir);
  ~spool_file();
  spool_file(const spool_file&) = delete;
  spool_file& operator=(const spool_file&) = delete;

  /// Appends bytes. Throws std::system_error on write errors (disk full …).
  void append(std::string_view bytes);
  /// Streams `src` to the end of the file in 64 KiB chunks; returns the bytes copied.
  std::uint64_t copy_from(byte_source& src);
  /// Bytes written so far.
  std::uint64_t size() const noexcept { return size_; }
  /// A new independent reader of the bytes written so far (from the start). Flushes first.
  std::unique_ptr<byte_source> open_source() const;
  /// fsyncs the message, writes `env` to a temp .env, fsyncs it, renames the .env then the
  /// .eml into place and fsyncs DIR. Returns the entry. Throws std::system_error on failure
  /// (nothing is visible in the queue then) or std::invalid_argument for CR/LF/NUL in `env`.
  /// The lock on the message is kept until this object is destroyed.
  queue_entry commit(const queued_envelope& env);
  /// Unlinks the temporary file (idempotent; also done by the destructor unless committed).
  void discard() noexcept;
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path temp_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool done_ = false;
};

/// Queues `message` (streamed, never held whole in memory) with `env`; see spool_file::commit.
queue_entry enqueue(const std::filesystem::path& dir, const queued_envelope& env,
                    byte_source& message);

/// The complete entries in DIR, oldest first. A missing DIR is an empty queue. Temporary and
/// orphan files are skipped; a malformed .env gives an entry with `error` set.
/// Throws std::system_error if DIR exists but cannot be read.
std::vector<queue_entry> list(const std::filesystem::path& dir);

/// A reader of the entry's message. Throws std::system_error if it cannot be opened.
std::unique_ptr<byte_source> open_message(const queue_entry& entry);

/// Removes the entry (the .eml first, then the .env) and fsyncs the directory. A missing file
/// is not an error. Throws std::system_error on other unlink failures.
void remove(const queue_entry& entry);

/// Rewrites the entry's envelope (e.g. only the recipients still to be tried), atomically
/// (temp file + fsync + rename + directory fsync). Throws std::system_error.
void rewrite_envelope(queue_entry& entry, const queued_envelope& env);

/// "<UTC yyyy-mm-ddTHH:MM:SSZ> <reason>" with control bytes of `reason` replaced by '?': the
/// `held` text for a reason.
std::string held_marker(std::string_view reason);

/// Marks the entry held (see queued_envelope::held) with held_marker(reason), durably (as
/// rewrite_envelope). --flush does not send it until release(). Throws std::system_error.
void hold(queue_entry& entry, std::string_view reason);

/// Clears the held mark (the entry is sent by the next --flush). Throws std::system_error.
void release(queue_entry& entry);

/// A spool temporary file no process has locked and that was last written at least
/// `min_age` ago: the message of an `inet mail` that died before queueing it.
struct stale_spool {
  std::filesystem::path path;
  std::chrono::seconds age;
};

/// The stale spool files in DIR (oldest first). They are never deleted automatically: they may
/// hold the only copy of a message. A missing DIR has none.
std::vector<stale_spool> stale_spool_files(const std::filesystem::path& dir,
                                           std::chrono::seconds min_age = std::chrono::hours(1));

/// Serialized form of an envelope (the .env content) and its strict parser; the parser throws
/// std::invalid_argument naming the problem.
std::string format_envelope(const queued_envelope& env);
queued_envelope parse_envelope(std::string_view text);

/// An exclusive advisory lock (flock) on DIR/.lock, so two flushes do not send the same
/// message twice. try_lock() returns nullptr if another process holds it.
class queue_lock {
 public:
  static std::unique_ptr<queue_lock> try_lock(const std::filesystem::path& dir);
  ~queue_lock();

 private:
  explicit queue_lock(int fd) : fd_(fd) {}
  int fd_;
};

/// An exclusive advisory lock (flock) on one entry's .eml, as a spool_file holds on its own
/// message: try_lock() returns nullptr while another spool_file or entry_lock (in any process)
/// holds it, i.e. the message is being sent right now. Throws std::system_error if the .eml
/// cannot be opened.
class entry_lock {
 public:
  static std::unique_ptr<entry_lock> try_lock(const queue_entry& entry);
  ~entry_lock();
  entry_lock(const entry_lock&) = delete;
  entry_lock& operator=(const entry_lock&) = delete;

 private:
  explicit entry_lock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace inet::mail
