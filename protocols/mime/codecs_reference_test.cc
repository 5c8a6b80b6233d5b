// The streaming base64 and quoted-printable encoders copy runs and write lines in place; their
// output must equal a byte-at-a-time reference (the encoders as first written) for every input
// and chunking, at every line-length boundary.
#include <gtest/gtest.h>

#include <random>

#include "base/base64.hpp"
#include "protocols/mime/codecs.hpp"

namespace inet::mime {
namespace {

// ---- references -------------------------------------------------------------------------------

std::string b64_reference(std::string_view data) {
  const std::string enc = codec::base64_encode(data);  // OpenSSL, one line
  std::string out;
  for (std::size_t i = 0; i < enc.size(); i += 76) out.append(enc, i, 76).append("\r\n");
  return out;
}

struct qp_reference {
  std::string line, out;
  bool cr = false;
  static bool wsp(char c) { return c == ' ' || c == '\t'; }
  void token(const std::string& t) {
    if (line.size() + t.size() > 75) out += line + "=\r\n", line.clear();
    line += t;
  }
  static std::string hex(unsigned char c) {
    static const char d[] = "0123456789ABCDEF";
    return {'=', d[c >> 4], d[c & 15]};
  }
  void put(unsigned char c) {
    const bool printable = wsp(static_cast<char>(c)) || (c >= 33 && c <= 126 && c != '=');
    auto literal = [&] { return printable && !(line.empty() && (c == '.' || c == 'F')); };
    if (line.size() + (literal() ? 1 : 3) > 75) out += line + "=\r\n", line.clear();
    line += literal() ? std::string(1, static_cast<char>(c)) : hex(c);
  }
  void trailing() {
    if (line.empty() || !wsp(line.back())) return;
    const auto c = static_cast<unsigned char>(line.back());
    line.pop_back();
    token(hex(c));
  }
  void hard() {
    trailing();
    out += line + "\r\n";
    line.clear();
  }
  std::string run(std::string_view data) {
    for (char ch : data) {
      const auto c = static_cast<unsigned char>(ch);
      if (cr) {
        cr = false;
        if (c == '\n') {
          hard();
          continue;
        }
        token("=0D");
      }
      if (c == '\r') cr = true;
      else if (c == '\n') hard();
      else put(c);
    }
    if (cr) token("=0D");
    trailing();
    return out + line;
  }
};

// ---- inputs -----------------------------------------------------------------------------------

// Text with runs of every length up to past a line, spaces and tabs near breaks, '.'/'F' that
// land at line starts after soft breaks, '=' and 8-bit bytes.
std::string qp_input(std::mt19937& rng, std::size_t n) {
  static const char pick[] = {' ', '\t', '.', 'F', '=', '\r', '\n', '\x80', '\xff', '\0', 'a', 'b'};
  std::string s;
  while (s.size() < n) {
    s.append(rng() % 90, static_cast<char>('a' + rng() % 26));
    s += pick[rng() % sizeof pick];
  }
  return s;
}

template <class Encoder>
std::string chunked(std::string_view in, std::mt19937& rng, std::size_t max_chunk) {
  Encoder e;
  std::string out;
  while (!in.empty()) {
    const std::size_t n = std::min<std::size_t>(in.size(), 1 + rng() % max_chunk);
    e.feed(in.substr(0, n), out);
    in.remove_prefix(n);
  }
  e.finish(out);
  return out;
}

// ---- tests ------------------------------------------------------------------------------------

TEST(Base64Lines, EqualsOpenSslSplitAt76ForEveryLengthAndChunking) {
  std::mt19937 rng(5);
  std::string data(3 * 57 + 5, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  for (std::size_t n = 0; n <= data.size(); ++n) {
    const std::string_view in(data.data(), n);
    const std::string want = b64_reference(in);
    ASSERT_EQ(base64_encode_lines(in), want) << n;
    for (std::size_t max_chunk : {std::size_t{1}, std::size_t{56}, std::size_t{58}, std::size_t{200}})
      ASSERT_EQ(chunked<base64_encoder>(in, rng, max_chunk), want) << n << " " << max_chunk;
  }
}

TEST(Base64Lines, EveryByteValueInEveryPosition) {
  std::string data;
  for (int i = 0; i < 3 * 256; ++i) data += static_cast<char>(i % 3 == 0 ? i / 3 : 255 - i / 3);
  EXPECT_EQ(base64_encode_lines(data), b64_reference(data));
}

TEST(QuotedPrintable, EqualsReferenceForRandomTextAndChunkings) {
  std::mt19937 rng(11);
  for (int round = 0; round < 400; ++round) {
    const std::string in = qp_input(rng, rng() % 700);
    const std::string want = qp_reference{}.run(in);
    ASSERT_EQ(qp_encode(in), want) << round;
    for (std::size_t max_chunk : {std::size_t{1}, std::size_t{3}, std::size_t{80}})
      ASSERT_EQ(chunked<qp_encoder>(in, rng, max_chunk), want) << round << " " << max_chunk;
  }
}

TEST(QuotedPrintable, LineLengthBoundaries) {
  // A run of n literal bytes followed by each interesting byte, for n around the 75-column limit.
  for (std::size_t n = 70; n <= 152; ++n)
    for (const char* tail : {"", " ", "\t", " \r\n", ".", "F", "=", "\xe9", "\r", "\r\nx", "\n.",
                             " F", "\rF"}) {
      const std::string in = std::string(n, 'x') + tail + std::string(n % 7, 'y');
      EXPECT_EQ(qp_encode(in), qp_reference{}.run(in)) << n << " [" << tail << "]";
    }
  EXPECT_EQ(qp_encode(std::string(75, 'x') + "."), std::string(75, 'x') + "=\r\n=2E");
  EXPECT_EQ(qp_encode(std::string(74, 'x') + " \n"), std::string(74, 'x') + "=\r\n=20\r\n");
}

}  // namespace
}  // namespace inet::mime
