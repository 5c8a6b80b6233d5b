// Replays the committed line-engine corpus (tests/fuzz/line_corpus, merged from a 10-minute
// ASan+UBSan run of tests/fuzz/run_line.sh) through tests/fuzz/line_fuzz.cc, whose properties
// abort on violation, so every input there is checked in CI without clang/libFuzzer.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

TEST(LineFuzzCorpus, ReplaysEveryInput) {
  const std::filesystem::path dir = "tests/fuzz/line_corpus";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << std::filesystem::current_path();
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
    ++n;
  }
  EXPECT_GE(n, 100u);
}

}  // namespace
