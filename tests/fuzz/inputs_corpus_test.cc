// Replays the committed libFuzzer corpora of tests/fuzz/inputs_fuzz.cc (tests/fuzz/inputs/
// FAMILY/, reproducers included) through the same property checks, without clang/libFuzzer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/fuzz/inputs_fuzz.hpp"

namespace {

class InputsFuzzCorpus : public testing::TestWithParam<std::string_view> {};

TEST_P(InputsFuzzCorpus, ReplaysEveryInput) {
  const std::filesystem::path dir = std::filesystem::path("tests/fuzz/inputs") / GetParam();
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << std::filesystem::current_path() / dir;
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().string());
    EXPECT_TRUE(inet::fuzz::run_input(GetParam(), bytes));  // aborts if a property breaks
    ++n;
  }
  EXPECT_GE(n, 1u);
}

INSTANTIATE_TEST_SUITE_P(Families, InputsFuzzCorpus, testing::ValuesIn(inet::fuzz::input_families),
                         [](const auto& info) { return std::string(info.param); });

TEST(InputsFuzz, UnknownFamilyIsRefused) {
  EXPECT_FALSE(inet::fuzz::run_input("nope", "x"));
}

}  // namespace
