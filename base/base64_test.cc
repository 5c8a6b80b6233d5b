#include "base/base64.hpp"

#include <gtest/gtest.h>

using inet::codec::base64_decode;
using inet::codec::base64_encode;

TEST(Base64, Rfc4648Vectors) {
  // RFC 4648 §10 test vectors.
  const std::pair<const char*, const char*> v[] = {{"", ""},         {"f", "Zg=="},
                                                   {"fo", "Zm8="},   {"foo", "Zm9v"},
                                                   {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                   {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : v) {
    EXPECT_EQ(base64_encode(plain), enc);
    EXPECT_EQ(base64_decode(enc).value(), plain);
  }
}

TEST(Base64, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(base64_decode(base64_encode(all)).value(), all);
}

TEST(Base64, RejectsMalformed) {
  EXPECT_FALSE(base64_decode("Zm9"));        // length not a multiple of 4
  EXPECT_FALSE(base64_decode("Zm9v\r\n"));   // whitespace
  EXPECT_FALSE(base64_decode("Zm=v"));       // padding in the middle
  EXPECT_FALSE(base64_decode("Z!9v"));       // outside the alphabet
}
