// The libFuzzer entry point of tests/fuzz/inputs_fuzz.cc: $INET_FUZZ_TARGET names the family
// (run_inputs.sh sets it). Only the clang fuzz build links this file.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/inputs_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const char* family = std::getenv("INET_FUZZ_TARGET");
  if (!family || !inet::fuzz::run_input(family, {})) {
    std::fprintf(stderr, "set INET_FUZZ_TARGET to one of the families in inputs_fuzz.hpp\n");
    std::abort();
  }
  inet::fuzz::run_input(family, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
