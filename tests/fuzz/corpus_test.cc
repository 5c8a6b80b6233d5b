// Replays the committed libFuzzer seed corpus (tests/fuzz/corpus) through the fuzz target,
// so every reproducer added there is checked in CI without clang/libFuzzer.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

TEST(ParsersFuzzCorpus, ReplaysEveryInput) {
  const std::filesystem::path dir = "tests/fuzz/corpus";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << std::filesystem::current_path();
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
    ++n;
  }
  EXPECT_GE(n, 8u);
}

}  // namespace
