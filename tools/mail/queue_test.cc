#include "tools/mail/queue.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace inet::mail {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

fs::path fresh_dir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path dir = fs::path(tmp ? tmp : "/tmp") / name;
  fs::remove_all(dir);
  return dir;
}

std::string read_all(byte_source& src) {
  std::string out;
  char buf[7];  // small chunks on purpose
  while (const std::size_t n = src.read(buf)) out.append(buf, n);
  return out;
}

// A source producing `total` bytes of a pattern without holding them.
class pattern_source final : public byte_source {
 public:
  explicit pattern_source(std::size_t total) : left_(total) {}
  std::size_t read(std::span<char> buf) override {
    const std::size_t n = std::min(buf.size(), left_);
    for (std::size_t i = 0; i < n; ++i) buf[i] = static_cast<char>('a' + (pos_++ % 26));
    left_ -= n;
    return n;
  }

 private:
  std::size_t left_;
  std::size_t pos_ = 0;
};

// A source that fails half way, like stdin closed by a crashing writer.
class failing_source final : public byte_source {
 public:
  std::size_t read(std::span<char> buf) override {
    if (calls_++ == 0) {
      buf[0] = 'x';
      return 1;
    }
    throw std::runtime_error("input failed");
  }

 private:
  int calls_ = 0;
};

TEST(Queue, EnqueueListOpenRemove) {
  const fs::path dir = fresh_dir("q1");
  const std::string msg = "Subject: hi\r\n\r\nbody\r\n";
  memory_source src(msg);
  const queued_envelope env{"me@x.org", {"a@y.org", "b@z.org"}};
  const queue_entry e = enqueue(dir, env, src);
  EXPECT_TRUE(fs::exists(e.message_path));
  EXPECT_EQ((fs::status(dir).permissions() & fs::perms::all), fs::perms::owner_all);
  EXPECT_EQ((fs::status(e.message_path).permissions() & fs::perms::all),
            fs::perms::owner_read | fs::perms::owner_write);

  const std::vector<queue_entry> entries = list(dir);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].id, e.id);
  EXPECT_EQ(entries[0].envelope, env);
  EXPECT_TRUE(entries[0].error.empty());
  EXPECT_EQ(read_all(*open_message(entries[0])), msg);

  remove(entries[0]);
  EXPECT_TRUE(list(dir).empty());
  EXPECT_FALSE(fs::exists(e.envelope_path));
  remove(entries[0]);  // idempotent
}

TEST(Queue, OrderedOldestFirstAndLargeMessagesStream) {
  const fs::path dir = fresh_dir("q2");
  pattern_source big(3 * 1024 * 1024 + 17);
  const queue_entry first = enqueue(dir, {"", {"a@y"}}, big);
  memory_source small("x");
  const queue_entry second = enqueue(dir, {"s@x", {"b@y"}}, small);
  const auto entries = list(dir);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_LE(entries[0].id, entries[1].id);
  EXPECT_EQ(fs::file_size(first.message_path), 3u * 1024 * 1024 + 17);
  EXPECT_EQ(entries[0].id == first.id ? entries[0].envelope.from : entries[1].envelope.from, "");
  (void)second;
}

TEST(Queue, MissingDirIsEmpty) { EXPECT_TRUE(list(fresh_dir("q-none")).empty()); }

TEST(Queue, TemporaryAndOrphanFilesAreNotListed) {
  const fs::path dir = fresh_dir("q3");
  {
    spool_file spool(dir);
    spool.append("partial message");
    // Simulates a crash before commit: the spool's temp file exists right now.
    EXPECT_TRUE(list(dir).empty());
    EXPECT_EQ(read_all(*spool.open_source()), "partial message");
  }
  // Destructor without commit removes the temp file.
  EXPECT_TRUE(fs::is_empty(dir));
  std::ofstream(dir / "20200101T000000-00.env") << "inet-mail-queue 1\nfrom a@b\nrcpt c@d\n";
  std::ofstream(dir / "20200101T000001-00.eml") << "no envelope";
  std::ofstream(dir / ".tmp-abc") << "junk";
  EXPECT_TRUE(list(dir).empty());
}

TEST(Queue, FailingSourceLeavesNothingVisible) {
  const fs::path dir = fresh_dir("q4");
  failing_source bad;
  EXPECT_THROW(enqueue(dir, {"a@b", {"c@d"}}, bad), std::runtime_error);
  EXPECT_TRUE(list(dir).empty());
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(Queue, SpoolThenCommitKeepsBytes) {
  const fs::path dir = fresh_dir("q5");
  spool_file spool(dir);
  memory_source src("line1\r\nline2\r\n");
  EXPECT_EQ(spool.copy_from(src), 14u);
  EXPECT_EQ(spool.size(), 14u);
  const queue_entry e = spool.commit({"a@b", {"c@d"}});
  EXPECT_EQ(read_all(*open_message(e)), "line1\r\nline2\r\n");
  EXPECT_EQ(list(dir).size(), 1u);
}

TEST(Queue, MalformedEnvelopeReported) {
  const fs::path dir = fresh_dir("q6");
  fs::create_directories(dir);
  std::ofstream(dir / "x.eml") << "msg";
  std::ofstream(dir / "x.env") << "inet-mail-queue 1\nfrom a@b\n";  // no recipients
  const auto entries = list(dir);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(entries[0].error, HasSubstr("x.env"));
}

TEST(Queue, EnvelopeFormatRoundTripAndRejections) {
  const queued_envelope env{"a@b", {"c@d", "\"q u\"@e"}};
  EXPECT_EQ(parse_envelope(format_envelope(env)), env);
  EXPECT_THROW(format_envelope({"a@b\r\nrcpt evil@x", {"c@d"}}), std::invalid_argument);
  EXPECT_THROW(format_envelope({"a@b", {"c@d\nrcpt e@f"}}), std::invalid_argument);
  EXPECT_THROW(format_envelope({"a@b", {}}), std::invalid_argument);
  EXPECT_THROW(parse_envelope("inet-mail-queue 2\nfrom a\nrcpt b\n"), std::invalid_argument);
  EXPECT_THROW(parse_envelope("inet-mail-queue 1\nrcpt b\nfrom a\n"), std::invalid_argument);
  EXPECT_THROW(parse_envelope("inet-mail-queue 1\nfrom a\nrcpt b"), std::invalid_argument);
  EXPECT_THROW(parse_envelope("inet-mail-queue 1\nfrom a\nrcpt b\r\n"), std::invalid_argument);
  EXPECT_THROW(parse_envelope("inet-mail-queue 1\nfrom a\nrcpt \n"), std::invalid_argument);
}

TEST(Queue, EnqueueRejectsInjectionBeforeWriting) {
  const fs::path dir = fresh_dir("q7");
  memory_source src("x");
  EXPECT_THROW(enqueue(dir, {"a@b", {"c\r\n@d"}}, src), std::invalid_argument);
  EXPECT_TRUE(list(dir).empty());
}

TEST(Queue, RewriteEnvelope) {
  const fs::path dir = fresh_dir("q8");
  memory_source src("x");
  queue_entry e = enqueue(dir, {"a@b", {"c@d", "e@f"}}, src);
  rewrite_envelope(e, {"a@b", {"e@f"}});
  EXPECT_THAT(list(dir).at(0).envelope.recipients, ElementsAre("e@f"));
}

TEST(Queue, HeldMarkRoundTripsAndIsOnlyTheSecondLine) {
  const queued_envelope held{"a@b", {"c@d"}, "2024-05-01T12:00:00Z delivery unconfirmed: x"};
  EXPECT_EQ(format_envelope(held),
            "inet-mail-queue 1\nheld 2024-05-01T12:00:00Z delivery unconfirmed: x\nfrom a@b\n"
            "rcpt c@d\n");
  EXPECT_EQ(parse_envelope(format_envelope(held)), held);
  EXPECT_THROW(parse_envelope("inet-mail-queue 1\nfrom a\nheld x\nrcpt b\n"),
               std::invalid_argument);
  EXPECT_THROW(parse_envelope("inet-mail-queue 1\nheld \nfrom a\nrcpt b\n"),
               std::invalid_argument);
  EXPECT_THROW(format_envelope({"a@b", {"c@d"}, "x\nrcpt evil@x"}), std::invalid_argument);
  // A reason with control bytes (server text) cannot break the line format.
  const std::string m = held_marker("bad\r\nrcpt evil@x\x1b");
  EXPECT_THAT(m, HasSubstr(" bad??rcpt evil@x?"));
  EXPECT_EQ(m.size(), 21u + std::string("bad??rcpt evil@x?").size());
}

TEST(Queue, HoldAndReleaseAreDurableRewrites) {
  const fs::path dir = fresh_dir("q10");
  memory_source src("x");
  queue_entry e = enqueue(dir, {"a@b", {"c@d"}}, src);
  hold(e, "delivery unconfirmed: eof");
  EXPECT_THAT(list(dir).at(0).envelope.held, HasSubstr("Z delivery unconfirmed: eof"));
  EXPECT_THAT(e.envelope.held, HasSubstr("delivery unconfirmed"));
  release(e);
  EXPECT_EQ(list(dir).at(0).envelope, (queued_envelope{"a@b", {"c@d"}}));
}

TEST(Queue, SpoolLocksItsEntryUntilDestroyed) {
  const fs::path dir = fresh_dir("q11");
  queue_entry e;
  {
    spool_file spool(dir);
    spool.append("x");
    e = spool.commit({"a@b", {"c@d"}});
    EXPECT_EQ(entry_lock::try_lock(e), nullptr);  // in use by the spool
  }
  auto lock = entry_lock::try_lock(e);
  ASSERT_NE(lock, nullptr);
  EXPECT_EQ(entry_lock::try_lock(e), nullptr);
}

TEST(Queue, StaleSpoolFilesAreUnlockedAndOld) {
  const fs::path dir = fresh_dir("q12");
  spool_file live(dir);  // locked: never stale, whatever its age
  live.append("being written");
  std::ofstream(dir / ".tmp-dead") << "left by a crash";
  std::ofstream(dir / "unrelated") << "y";
  EXPECT_TRUE(stale_spool_files(dir).empty());  // younger than an hour
  const auto found = stale_spool_files(dir, std::chrono::seconds(0));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].path, dir / ".tmp-dead");
  EXPECT_TRUE(fs::exists(dir / ".tmp-dead"));
  EXPECT_TRUE(stale_spool_files(fresh_dir("q-missing")).empty());
}

TEST(Queue, LockIsExclusive) {
  const fs::path dir = fresh_dir("q9");
  fs::create_directories(dir);
  auto first = queue_lock::try_lock(dir);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(queue_lock::try_lock(dir), nullptr);
  first.reset();
  EXPECT_NE(queue_lock::try_lock(dir), nullptr);
}

}  // namespace
}  // namespace inet::mail
