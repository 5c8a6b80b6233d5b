// cli::output: body chunks reach stdout in 256 KiB writes (not one write per chunk), flushed
// before the caller prints anything else; telnet's flush_each sink writes every chunk at once.
#include "tools/inet/transfer_support.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace inet::cli {
namespace {

/// Counts the writes that reach the "terminal".
class counting_buf : public std::stringbuf {
 public:
  int writes = 0;

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    ++writes;
    return std::stringbuf::xsputn(s, n);
  }
};

struct fixture {
  counting_buf buf;
  std::ostream out{&buf};
  std::ostringstream err;
  std::istringstream in;
  transfer_context ctx{out, err, in};
  transfer_options opts;
};

TEST(CliOutput, CollectsChunksIntoBufferSizedWrites) {
  fixture f;
  const std::string chunk(1000, 'm');  // one small message
  {
    output o(f.opts, f.ctx);
    auto sink = o.sink();
    for (int i = 0; i < 600; ++i) sink(chunk);  // 600,000 bytes
    EXPECT_EQ(f.buf.writes, 2);  // two full 256 KiB buffers, not 600 writes
    EXPECT_EQ(f.buf.str().size(), 526000u);  // 263 chunks fill each buffer
    o.flush();
    EXPECT_EQ(f.buf.str().size(), 600000u);
    sink("tail");
    o.finish();
  }
  EXPECT_EQ(f.buf.writes, 4);
  EXPECT_EQ(f.buf.str(), std::string(600000, 'm') + "tail");
}

TEST(CliOutput, LargeChunksAreWrittenAsTheyAreAfterWhatIsBuffered) {
  fixture f;
  const std::string big(128 * 1024, 'b');
  {
    output o(f.opts, f.ctx);
    auto sink = o.sink();
    sink("small");
    sink(big);  // the buffered "small" first, then the chunk itself (no copy)
    EXPECT_EQ(f.buf.writes, 2);
    sink(big);
    EXPECT_EQ(f.buf.writes, 3);
    o.finish();
  }
  EXPECT_EQ(f.buf.writes, 3);
  EXPECT_EQ(f.buf.str(), "small" + big + big);
}

TEST(CliOutput, WritesWhatIsBufferedWhenDestroyed) {
  fixture f;
  {
    output o(f.opts, f.ctx);
    o.sink()("partial");
    EXPECT_EQ(f.buf.str(), "");
  }
  EXPECT_EQ(f.buf.str(), "partial");
}

TEST(CliOutput, InteractiveSinkWritesEachChunkAtOnce) {
  fixture f;
  output o(f.opts, f.ctx);
  auto sink = o.sink(true);
  sink("a");
  EXPECT_EQ(f.buf.str(), "a");
  sink("b");
  EXPECT_EQ(f.buf.str(), "ab");
}

TEST(CliOutput, AFailedWriteThrowsWriteFailure) {
  fixture f;
  output o(f.opts, f.ctx);
  auto sink = o.sink();
  f.out.setstate(std::ios::badbit);
  EXPECT_THROW(sink(std::string(output::buffer_bytes, 'x')), write_failure);
  EXPECT_THROW(o.finish(), write_failure);
}

}  // namespace
}  // namespace inet::cli
