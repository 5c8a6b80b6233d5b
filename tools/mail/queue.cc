#include "tools/mail/queue.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "tools/mail/io.hpp"

namespace inet::mail {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

std::string random_hex(std::size_t bytes) {
  std::array<unsigned char, 16> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(bytes)) != 1)
    throw std::system_error(std::make_error_code(std::errc::io_error), "RAND_bytes");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    out.push_back(hex[raw[i] >> 4]);
    out.push_back(hex[raw[i] & 15]);
  }
  return out;
}

std::string new_id() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
  return std::string(stamp) + "-" + random_hex(8);
}

void fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw_errno("open " + p.string());
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) {
    errno = saved;
    throw_errno("fsync " + p.string());
  }
}

void fsync_dir(const fs::path& dir) { fsync_path(dir, O_RDONLY | O_DIRECTORY); }

int create_temp(const fs::path& dir, fs::path& out) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    out = dir / (".tmp-" + random_hex(8));
    const int fd = ::open(out.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    if (errno != EEXIST) throw_errno("create " + out.string());
  }
  throw_errno("create temporary file in " + dir.string());
}

// Writes `content` to a new temp file in `dir`, fsyncs it and renames it to `target`.
void write_file_atomically(const fs::path& dir, const fs::path& target,
                           const std::string& content) {
  fs::path temp;
  const int fd = create_temp(dir, temp);
  try {
    write_all(fd, content, temp.string());
    if (::fsync(fd) != 0) throw_errno("fsync " + temp.string());
    if (::close(fd) != 0) throw_errno("close " + temp.string());
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    throw_errno("rename " + temp.string() + " to " + target.string());
  }
}

// flock(LOCK_NB) on `fd`: true if taken, false if another open file holds a conflicting lock.
bool try_flock(int fd, int how, const std::string& what) {
  if (::flock(fd, how | LOCK_NB) == 0) return true;
  if (errno == EWOULDBLOCK) return false;
  throw_errno("lock " + what);
}

void check_field(const std::string& v) {
  if (v.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    throw std::invalid_argument("queue envelope: address contains CR, LF or NUL");
}

}  // namespace

spool_file::spool_file(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) {
    fs::create_directories(dir_, ec);
    if (ec) throw std::system_error(ec, "create queue directory " + dir_.string());
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  fd_ = create_temp(dir_, temp_);
  try {
    if (!try_flock(fd_, LOCK_EX, temp_.string())) throw_errno("lock " + temp_.string());
  } catch (...) {
    discard();
    throw;
  }
}

spool_file::~spool_file() { discard(); }

void spool_file::append(std::string_view bytes) {
  write_all(fd_, bytes, temp_.string());
  size_ += bytes.size();
}

std::uint64_t spool_file::copy_from(byte_source& src) {
  std::array<char, 64 * 1024> buf;
  std::uint64_t total = 0;
  for (;;) {
    const std::size_t n = src.read(buf);
    if (n == 0) return total;
    append(std::string_view(buf.data(), n));
    total += n;
  }
}

std::unique_ptr<byte_source> spool_file::open_source() const {
  const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("open " + temp_.string());
  return std::make_unique<fd_source>(fd, true, temp_.string());
}

queue_entry spool_file::commit(const queued_envelope& env) {
  const std::string env_text = format_envelope(env);
  if (::fsync(fd_) != 0) throw_errno("fsync " + temp_.string());
  queue_entry entry;
  entry.id = new_id();
  entry.message_path = dir_ / (entry.id + ".eml");
  entry.envelope_path = dir_ / (entry.id + ".env");
  entry.envelope = env;
  write_file_atomically(dir_, entry.envelope_path, env_text);
  if (::rename(temp_.c_str(), entry.message_path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(entry.envelope_path.c_str());
    errno = saved;
    throw_errno("rename " + temp_.string() + " to " + entry.message_path.string());
  }
  done_ = true;  // the descriptor (and its lock) stays open until discard()/destruction
  fsync_dir(dir_);
  return entry;
}

void spool_file::discard() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!done_) ::unlink(temp_.c_str());
  done_ = true;
}

queue_entry enqueue(const fs::path& dir, const queued_envelope& env, byte_source& message) {
  format_envelope(env);  // validate before writing anything
  spool_file spool(dir);
  spool.copy_from(message);
  return spool.commit(env);
}

std::string format_envelope(const queued_envelope& env) {
  check_field(env.from);
  if (env.recipients.empty()) throw std::invalid_argument("queue envelope: no recipients");
  check_field(env.held);
  std::string out = "inet-mail-queue 1\n";
  if (!env.held.empty()) out += "held " + env.held + "\n";
  out += "from " + env.from + "\n";
  for (const auto& r : env.recipients) {
    check_field(r);
    if (r.empty()) throw std::invalid_argument("queue envelope: empty recipient");
    out += "rcpt " + r + "\n";
  }
  return out;
}

queued_envelope parse_envelope(std::string_view text) {
  if (text.find('\0') != std::string_view::npos || text.find('\r') != std::string_view::npos)
    throw std::invalid_argument("NUL or CR in envelope file");
  queued_envelope env;
  bool header = false, from = false;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) throw std::invalid_argument("truncated envelope file");
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    ++line_no;
    if (line_no == 1) {
      if (line != "inet-mail-queue 1") throw std::invalid_argument("unknown envelope format");
      header = true;
    } else if (line_no == 2 && line.starts_with("held ") && line.size() > 5) {
      env.held = std::string(line.substr(5));
    } else if (line.starts_with("from ") && !from && env.recipients.empty()) {
      env.from = std::string(line.substr(5));
      from = true;
    } else if (line.starts_with("rcpt ") && from && line.size() > 5) {
      env.recipients.emplace_back(line.substr(5));
    } else {
      throw std::invalid_argument("envelope line " + std::to_string(line_no) + " is malformed");
    }
  }
  if (!header || !from || env.recipients.empty())
    throw std::invalid_argument("envelope file lacks a sender or recipients");
  return env;
}

std::vector<queue_entry> list(const fs::path& dir) {
  std::vector<queue_entry> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& de : fs::directory_iterator(dir)) {
    const fs::path p = de.path();
    const std::string name = p.filename().string();
    if (name.empty() || name[0] == '.' || p.extension() != ".eml") continue;
    queue_entry e;
    e.id = p.stem().string();
    e.message_path = p;
    e.envelope_path = dir / (e.id + ".env");
    std::ifstream in(e.envelope_path, std::ios::binary);
    if (!in) continue;  // being removed, or a foreign .eml: not an entry
    std::ostringstream text;
    text << in.rdbuf();
    try {
      if (text.str().size() > 1024 * 1024) throw std::invalid_argument("envelope file too large");
      e.envelope = parse_envelope(text.str());
    } catch (const std::invalid_argument& err) {
      e.error = e.envelope_path.string() + ": " + err.what();
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const queue_entry& a, const queue_entry& b) { return a.id < b.id; });
  return out;
}

std::unique_ptr<byte_source> open_message(const queue_entry& entry) {
  const int fd = ::open(entry.message_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("open " + entry.message_path.string());
  return std::make_unique<fd_source>(fd, true, entry.message_path.string());
}

void remove(const queue_entry& entry) {
  for (const fs::path& p : {entry.message_path, entry.envelope_path}) {
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) throw_errno("remove " + p.string());
  }
  fsync_dir(entry.message_path.parent_path());
}

void rewrite_envelope(queue_entry& entry, const queued_envelope& env) {
  write_file_atomically(entry.envelope_path.parent_path(), entry.envelope_path,
                        format_envelope(env));
  fsync_dir(entry.envelope_path.parent_path());
  entry.envelope = env;
}

std::string held_marker(std::string_view reason) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string out = std::string(stamp) + " ";
  for (const char ch : reason) {
    const auto u = static_cast<unsigned char>(ch);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : ch);
  }
  return out;
}

void hold(queue_entry& entry, std::string_view reason) {
  queued_envelope env = entry.envelope;
  env.held = held_marker(reason);
  rewrite_envelope(entry, env);
}

void release(queue_entry& entry) {
  queued_envelope env = entry.envelope;
  env.held.clear();
  rewrite_envelope(entry, env);
}

std::vector<stale_spool> stale_spool_files(const fs::path& dir, std::chrono::seconds min_age) {
  std::vector<stale_spool> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  const std::time_t now = std::time(nullptr);
  for (const auto& de : fs::directory_iterator(dir)) {
    const fs::path p = de.path();
    if (!p.filename().string().starts_with(".tmp-")) continue;
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;  // gone meanwhile (committed or discarded)
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    const std::chrono::seconds age(now - st.st_mtime);
    bool unlocked = false;
    if (regular && age >= min_age) unlocked = ::flock(fd, LOCK_SH | LOCK_NB) == 0;
    ::close(fd);
    if (unlocked) out.push_back({p, age});
  }
  std::sort(out.begin(), out.end(),
            [](const stale_spool& a, const stale_spool& b) { return a.age > b.age; });
  return out;
}

std::unique_ptr<entry_lock> entry_lock::try_lock(const queue_entry& entry) {
  const int fd = ::open(entry.message_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("open " + entry.message_path.string());
  try {
    if (!try_flock(fd, LOCK_EX, entry.message_path.string())) {
      ::close(fd);
      return nullptr;
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  return std::unique_ptr<entry_lock>(new entry_lock(fd));
}

entry_lock::~entry_lock() { ::close(fd_); }

std::unique_ptr<queue_lock> queue_lock::try_lock(const fs::path& dir) {
  const fs::path p = dir / ".lock";
  const int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw_errno("open " + p.string());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int saved = errno;
    ::close(fd);
    if (saved == EWOULDBLOCK) return nullptr;
    errno = saved;
    throw_errno("lock " + p.string());
  }
  return std::unique_ptr<queue_lock>(new queue_lock(fd));
}

queue_lock::~queue_lock() { ::close(fd_); }

}  // namespace inet::mail
