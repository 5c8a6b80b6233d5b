#include "protocols/mime/codecs.hpp"

#include <gtest/gtest.h>

#include <random>

#include "base/base64.hpp"

namespace inet::mime {
namespace {

std::vector<std::string> lines_of(std::string_view s) {  // split at CRLF, no trailing empty
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t p; (p = s.find("\r\n", start)) != std::string_view::npos; start = p + 2)
    out.emplace_back(s.substr(start, p - start));
  if (start < s.size()) out.emplace_back(s.substr(start));
  return out;
}

std::string qp_decode(std::string_view s) {  // RFC 2045 §6.7 decoder for round trips
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=') {
      out += s[i];
    } else if (s.substr(i + 1, 2) == "\r\n") {
      i += 2;
    } else {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(Base64Lines, LineLengthsAndRoundTrip) {
  const std::string data = random_bytes(1000, 1);
  const std::string enc = base64_encode_lines(data);
  auto lines = lines_of(enc);
  ASSERT_TRUE(enc.ends_with("\r\n"));
  std::string joined;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i + 1 < lines.size()) {
      EXPECT_EQ(lines[i].size(), 76u);
    }
    EXPECT_LE(lines[i].size(), 76u);
    joined += lines[i];
  }
  EXPECT_EQ(codec::base64_decode(joined).value(), data);
  EXPECT_EQ(base64_encode_lines(""), "");
  EXPECT_EQ(base64_encode_lines("foo"), "Zm9v\r\n");
  EXPECT_EQ(base64_encode_lines(std::string(57, 'a')).size(), 78u);
}

TEST(Base64Lines, ChunkingDoesNotMatter) {
  const std::string data = random_bytes(5000, 2);
  const std::string whole = base64_encode_lines(data);
  for (std::size_t step : {1u, 2u, 3u, 56u, 57u, 58u, 100u, 4096u}) {
    base64_encoder e;
    std::string out;
    for (std::size_t i = 0; i < data.size(); i += step) e.feed(data.substr(i, step), out);
    e.finish(out);
    EXPECT_EQ(out, whole) << step;
  }
}

TEST(QuotedPrintable, BasicRules) {
  EXPECT_EQ(qp_encode("hello"), "hello");
  EXPECT_EQ(qp_encode("a=b"), "a=3Db");
  EXPECT_EQ(qp_encode("caf\xC3\xA9"), "caf=C3=A9");
  EXPECT_EQ(qp_encode("trailing \r\nnext"), "trailing=20\r\nnext");
  EXPECT_EQ(qp_encode("tab\t\nx"), "tab=09\r\nx");
  EXPECT_EQ(qp_encode("end "), "end=20");
  EXPECT_EQ(qp_encode("mid space ok"), "mid space ok");
  EXPECT_EQ(qp_encode("a\nb"), "a\r\nb");
  EXPECT_EQ(qp_encode("a\rb"), "a=0Db");
  EXPECT_EQ(qp_encode("x\r"), "x=0D");
  EXPECT_EQ(qp_encode("line\r\n.\r\n"), "line\r\n=2E\r\n");
  EXPECT_EQ(qp_encode("x\r\nFrom me"), "x\r\n=46rom me");
  EXPECT_EQ(qp_encode(std::string("\0\x7f", 2)), "=00=7F");
}

TEST(QuotedPrintable, SoftBreaksKeepLinesShort) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += (i % 7 == 0) ? "\xC3\xA9 " : "word= ";
  text += "\r\n" + std::string(200, 'x') + " \r\n";
  const std::string enc = qp_encode(text);
  for (const auto& l : lines_of(enc)) {
    EXPECT_LE(l.size(), 76u) << l;
    EXPECT_FALSE(!l.empty() && (l.back() == ' ' || l.back() == '\t')) << l;
  }
  EXPECT_EQ(qp_decode(enc), text);
}

TEST(QuotedPrintable, RandomRoundTripAndChunking) {
  std::string data = random_bytes(20000, 3);
  // Canonical text: the encoder turns lone LF into CRLF, so make input CRLF-only.
  std::string canon;
  for (char c : data) {
    if (c == '\n') canon += '\r';
    if (c == '\r') continue;
    canon += c;
  }
  const std::string whole = qp_encode(canon);
  EXPECT_EQ(qp_decode(whole), canon);
  for (const auto& l : lines_of(whole)) EXPECT_LE(l.size(), 76u);
  for (std::size_t step : {1u, 2u, 75u, 1000u}) {
    qp_encoder e;
    std::string out;
    for (std::size_t i = 0; i < canon.size(); i += step) e.feed(canon.substr(i, step), out);
    e.finish(out);
    EXPECT_EQ(out, whole) << step;
  }
}

TEST(EncodedWords, ShortAsciiishUsesQ) {
  auto w = encode_words("caf\xC3\xA9 au lait");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "=?UTF-8?Q?caf=C3=A9_au_lait?=");
  EXPECT_EQ(decode_words(w[0]), "caf\xC3\xA9 au lait");
  EXPECT_TRUE(encode_words("").empty());
}

TEST(EncodedWords, NonLatinUsesBAndNeverSplitsSequences) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "\xD0\x9F\xD1\x80\xD0\xB8\xE2\x82\xAC\xF0\x9F\x98\x80";
  auto words = encode_words(text, 30);
  ASSERT_GT(words.size(), 3u);
  EXPECT_LE(words[0].size(), 30u);
  std::string joined;
  for (const auto& w : words) {
    EXPECT_LE(w.size(), 75u);
    EXPECT_TRUE(w.starts_with("=?UTF-8?B?")) << w;
    const std::string d = decode_words(w);
    // Each word decodes to whole characters: it must start with a lead byte and end complete.
    ASSERT_FALSE(d.empty());
    EXPECT_NE(static_cast<unsigned char>(d[0]) & 0xC0, 0x80);
    if (!joined.empty()) joined += ' ';
    joined += w;
  }
  EXPECT_EQ(decode_words(joined), text);
  // Each word decodes on its own to a prefix that is a whole number of characters.
  std::string concat;
  for (const auto& w : words) concat += decode_words(w);
  EXPECT_EQ(concat, text);
}

TEST(EncodedWords, DecodeKeepsPlainTextAndMalformedWords) {
  EXPECT_EQ(decode_words("a =?UTF-8?Q?x?= =?utf-8?b?eQ==?= b"), "a xy b");
  EXPECT_EQ(decode_words("=?UTF-8?X?bad?= =?nope"), "=?UTF-8?X?bad?= =?nope");
}

TEST(EncodedWords, Rfc2047Section8Examples) {
  // RFC 2047 §8, "encoded form" -> "displayed as".
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?=)"), "(a)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
  EXPECT_EQ(decode_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
  // RFC 2047 §8's header examples: Keld's name in ISO-8859-1, André's, and Olle's.
  EXPECT_EQ(decode_words("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?="), "Keld J\xC3\xB8rn Simonsen");
  EXPECT_EQ(decode_words("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "Andr\xC3\xA9 Pirard");
  EXPECT_EQ(decode_words("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= "
                         "=?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="),
            "If you can read this you understand the example.");
  // RFC 2231 §5 language suffix.
  EXPECT_EQ(decode_words("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
}

TEST(EncodedWords, CharsetsBecomeUtf8) {
  EXPECT_EQ(decode_words("=?koi8-r?B?8NLJ18XU?="), "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");  // Привет
  EXPECT_EQ(decode_words("=?windows-1252?Q?=80_5?="), "\xE2\x82\xAC 5");
  // A UTF-8 character split across two words (real mailers do it) survives.
  EXPECT_EQ(decode_words("=?UTF-8?B?w6TD?= =?UTF-8?B?tg==?="), "\xC3\xA4\xC3\xB6");
  // Unknown charset or invalid bytes: the decoded bytes, unconverted.
  EXPECT_EQ(decode_words("=?x-unknown?Q?a=FFb?="), "a\xFF" "b");
  EXPECT_EQ(decode_words("=?shift_jis?B?gg==?="), "\x82");
}

TEST(Parameters, TokenQuotedAndRfc2231) {
  EXPECT_EQ(format_parameter("filename", "report.pdf"), "filename=report.pdf");
  EXPECT_EQ(format_parameter("filename", "my \"q\\\" file.txt"),
            "filename=\"my \\\"q\\\\\\\" file.txt\"");
  EXPECT_EQ(format_parameter("filename", "\xC3\xA9t\xC3\xA9 1.txt"),
            "filename*=UTF-8''%C3%A9t%C3%A9%201.txt");
  std::string long_name;
  for (int i = 0; i < 30; ++i) long_name += "\xE6\x97\xA5";
  const std::string p = format_parameter("filename", long_name + ".txt");
  EXPECT_TRUE(p.starts_with("filename*0*=UTF-8''%E6%97%A5")) << p;
  EXPECT_NE(p.find("; filename*1*=%E6"), std::string::npos) << p;  // not split mid-char
  EXPECT_EQ(p.find("filename*="), std::string::npos);
}

TEST(Folding, FoldsAtWhitespaceWithin78) {
  std::string v;
  for (int i = 0; i < 40; ++i) v += "word" + std::to_string(i) + " ";
  v += "end";
  const std::string h = fold_header("Subject", v);
  ASSERT_TRUE(h.ends_with("\r\n"));
  std::string unfolded;
  for (const auto& l : lines_of(h)) {
    EXPECT_LE(l.size(), 78u) << l;
    EXPECT_FALSE(l.find_first_not_of(" \t") == std::string::npos) << "whitespace-only line";
    unfolded += l;
  }
  EXPECT_EQ(unfolded, "Subject: " + v);
}

TEST(Folding, LongWordIsNotBroken) {
  const std::string word(120, 'x');
  const std::string h = fold_header("X-Long", "a " + word + " b");
  EXPECT_EQ(h, "X-Long: a\r\n " + word + "\r\n b\r\n");
  EXPECT_EQ(fold_header("Short", "v"), "Short: v\r\n");
}

TEST(Unstructured, EncodesNonAsciiAndFitsFirstLine) {
  std::string subject;
  for (int i = 0; i < 20; ++i) subject += "Gr\xC3\xBC\xC3\x9F" "e ";
  const std::string v = encode_unstructured("Subject", subject, false);
  EXPECT_TRUE(is_printable_ascii(v));
  EXPECT_EQ(decode_words(v), subject);
  for (const auto& l : lines_of(fold_header("Subject", v))) EXPECT_LE(l.size(), 78u) << l;
  EXPECT_EQ(encode_unstructured("Subject", subject, true), subject);
  EXPECT_EQ(encode_unstructured("Subject", "a\r\nBcc: x", false), "a  Bcc: x");
}

}  // namespace
}  // namespace inet::mime
