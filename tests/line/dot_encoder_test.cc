// line::dot_encoder: output, error offsets and the partial output before an error must equal a
// byte-at-a-time reference for every input and every chunking (the encoder scans runs of 8
// bytes and copies whole runs, so boundaries inside a run are where it could go wrong).
#include "protocols/line/dot_encoder.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace {

using inet::line::dot_encoder;
using inet::line::max_text_line_octets;

const std::error_code invalid = std::make_error_code(std::errc::bad_message);

struct result {
  std::string out;
  std::string error;  // what() of the thrown error, "" if none
};

// The specification, one byte at a time (the encoder as it was before the fast path).
result reference(std::string_view in, bool stuff) {
  result r;
  bool start = true, cr = false;
  std::size_t octets = 0;
  for (std::size_t at = 0; at < in.size(); ++at) {
    const char c = in[at];
    if (c == '\0') {
      r.error = "NUL byte at offset " + std::to_string(at) + " of the message";
      return r;
    }
    if (cr) {
      cr = false;
      r.out += "\r\n";
      start = true;
      octets = 0;
      if (c == '\n') continue;
    }
    if (c == '\r') {
      cr = true;
      continue;
    }
    if (c == '\n') {
      r.out += "\r\n";
      start = true;
      octets = 0;
      continue;
    }
    if (++octets > max_text_line_octets) {
      r.error = "line longer than " + std::to_string(max_text_line_octets) + " octets at offset " +
                std::to_string(at) + " of the message";
      return r;
    }
    if (start && c == '.' && stuff) r.out += '.';
    start = false;
    r.out += c;
  }
  if (cr || !start) r.out += "\r\n";
  return r;
}

result encode(std::string_view in, bool stuff, std::mt19937& rng, std::size_t max_chunk) {
  result r;
  dot_encoder e(stuff, invalid);
  try {
    while (!in.empty()) {
      const std::size_t n = std::min<std::size_t>(in.size(), 1 + rng() % max_chunk);
      e.feed(in.substr(0, n), r.out);
      in.remove_prefix(n);
    }
    e.finish(r.out);
  } catch (const std::system_error& err) {
    EXPECT_EQ(err.code(), invalid);
    r.error = err.what();
    r.error = r.error.substr(0, r.error.find(':'));  // system_error appends ": <message>"
  }
  return r;
}

// Random text over a small alphabet rich in the bytes that matter.
std::string random_input(std::mt19937& rng, std::size_t n, bool with_nul, std::size_t line_max) {
  static const char alphabet[] = {'a', 'b', '.', '.', ' ', '\r', '\n', 'x', 'y', 'z', '.', 'F'};
  std::string s;
  std::size_t since_break = 0;
  while (s.size() < n) {
    char c = alphabet[rng() % sizeof alphabet];
    if (with_nul && rng() % 500 == 0) c = '\0';
    if (c == '\r' || c == '\n') {
      since_break = 0;
    } else if (++since_break > line_max) {
      c = '\n';
      since_break = 0;
    }
    if (rng() % 40 == 0) {  // a long ordinary run, crossing 8-byte blocks
      const std::size_t run = rng() % 40;
      s.append(run, 'r');
      since_break += run;
    }
    s += c;
  }
  return s;
}

TEST(DotEncoder, MatchesReferenceForRandomInputsAndChunkings) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    const bool stuff = round % 3 != 0;
    const std::string in = random_input(rng, rng() % 300, round % 5 == 0, 1200);
    const result want = reference(in, stuff);
    for (std::size_t max_chunk : {std::size_t{1}, std::size_t{3}, std::size_t{9}, std::size_t{4096}}) {
      const result got = encode(in, stuff, rng, max_chunk);
      ASSERT_EQ(got.error, want.error) << "round " << round;
      ASSERT_EQ(got.out, want.out) << "round " << round << " chunk " << max_chunk;
    }
  }
}

TEST(DotEncoder, LineLengthLimitIsExactAcrossRuns) {
  std::mt19937 rng(7);
  for (std::size_t len : {max_text_line_octets - 1, max_text_line_octets, max_text_line_octets + 1}) {
    std::string in = "." + std::string(len - 1, 'a') + "\r\n.b\r\n";
    const result want = reference(in, true);
    for (std::size_t max_chunk : {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{5000}}) {
      const result got = encode(in, true, rng, max_chunk);
      EXPECT_EQ(got.out, want.out) << len << " " << max_chunk;
      EXPECT_EQ(got.error.empty(), want.error.empty()) << len;
    }
  }
  // 998 octets pass; the 999th is refused at its offset, after the 998 before it.
  const result over = encode(std::string(999, 'a'), true, rng, 5000);
  EXPECT_EQ(over.error, "line longer than 998 octets at offset 998 of the message");
  EXPECT_EQ(over.out, std::string(998, 'a'));
}

TEST(DotEncoder, NulAfterCarriageReturnIsRefusedAtItsOffset) {
  std::mt19937 rng(1);
  const result r = encode(std::string("ab\r\0c", 5), true, rng, 100);
  EXPECT_EQ(r.error, "NUL byte at offset 3 of the message");
  EXPECT_EQ(r.out, "ab");
}

TEST(DotEncoder, CrAtChunkEndThenLfIsOneLineBreak) {
  dot_encoder e(true, invalid);
  std::string out;
  e.feed("a\r", out);
  e.feed("\n.b\r", out);
  e.feed(".c", out);
  e.finish(out);
  EXPECT_EQ(out, "a\r\n..b\r\n..c\r\n");
}

}  // namespace
