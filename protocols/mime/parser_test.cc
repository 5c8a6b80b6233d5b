#include "protocols/mime/parser.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "protocols/mime/address.hpp"
#include "protocols/mime/codecs.hpp"
#include "protocols/mime/error.hpp"
#include "protocols/mime/message.hpp"

namespace inet::mime {
namespace {

struct seen_part {
  std::string path, type, filename, encoding, data;
  bool multipart = false, message = false, ended = false;
};

struct result {
  std::vector<seen_part> parts;
  std::vector<parse_problem> problems;
  std::string events;  // "b<path> d<path> e<path>" in callback order (data coalesced)

  const seen_part& at(std::string_view path) const {
    for (const auto& p : parts)
      if (p.path == path) return p;
    ADD_FAILURE() << "no part " << path;
    static const seen_part none;
    return none;
  }
  bool has(error e) const {
    for (const auto& p : problems)
      if (p.code == make_error_code(e)) return true;
    return false;
  }
};

// Parses `msg` fed in pieces of `chunk` bytes (0: all at once).
result parse(std::string_view msg, std::size_t chunk = 0, parser_options o = {}) {
  result r;
  parser_callbacks cb;
  cb.on_part_begin = [&](const part& p) {
    r.parts.push_back({p.path_string(), p.content_type, p.filename, p.transfer_encoding, "",
                       p.is_multipart, p.is_message});
    r.events += "b" + p.path_string() + " ";
  };
  cb.on_data = [&](const part& p, std::string_view d) {
    for (auto it = r.parts.rbegin(); it != r.parts.rend(); ++it)
      if (it->path == p.path_string()) {
        it->data.append(d);
        break;
      }
    const std::string tag = "d" + p.path_string() + " ";
    if (r.events.size() < tag.size() || r.events.substr(r.events.size() - tag.size()) != tag)
      r.events += tag;
  };
  cb.on_part_end = [&](const part& p) {
    for (auto& s : r.parts)
      if (s.path == p.path_string()) s.ended = true;
    r.events += "e" + p.path_string() + " ";
  };
  parser ps(cb, o);
  if (chunk == 0) {
    ps.feed(msg);
  } else {
    for (std::size_t i = 0; i < msg.size(); i += chunk) {
      ps.feed(msg.substr(i, chunk));
      EXPECT_LE(ps.buffered(), 64 * 1024 + 1024 + chunk);
    }
  }
  ps.finish();
  r.problems = ps.problems();
  return r;
}

std::string read_file(const std::string& name) {
  std::ifstream in("protocols/mime/testdata/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string compose(message m) {
  compose_options o;
  int counter = 0;
  o.random = [counter](std::span<unsigned char> b) mutable {
    for (auto& c : b) c = static_cast<unsigned char>(++counter * 37);
  };
  message_source src(std::move(m), std::move(o));
  std::string out;
  std::array<char, 1000> buf;
  while (std::size_t n = src.read(buf)) out.append(buf.data(), n);
  return out;
}

const char* const simple_multipart =
    "From: a@example.com\r\n"
    "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--XX\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "first\r\n"
    "--XX \t\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "AAEC\r\n"
    "/w==\r\n"
    "--XX--\r\n"
    "epilogue\r\n";

TEST(MimeParser, SinglePartBodyAndHeaders) {
  const auto r =
      parse("Subject: =?UTF-8?Q?caf=C3=A9?=\r\n folded\r\nFrom: x@y.z\r\n\r\nline1\r\nline2\r\n");
  ASSERT_EQ(r.parts.size(), 1u);
  EXPECT_EQ(r.parts[0].path, "");
  EXPECT_EQ(r.parts[0].type, "text/plain");
  EXPECT_EQ(r.parts[0].encoding, "7bit");
  EXPECT_EQ(r.parts[0].data, "line1\r\nline2\r\n");
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.events, "b d e ");
}

TEST(MimeParser, HeaderFieldsAreUnfoldedAndDecodable) {
  header_section h;
  parser_callbacks cb;
  cb.on_part_begin = [&](const part& p) {
    if (p.depth == 0) h = p.headers;
  };
  parser ps(cb);
  ps.feed("Subject: =?UTF-8?Q?caf=C3=A9?=\r\n =?UTF-8?Q?_cr=C3=A8me?=\r\n"
          "To: \"Doe, John\" <john@example.com>,\r\n\tjane@example.com\r\n\r\n");
  ps.finish();
  ASSERT_EQ(h.fields.size(), 2u);
  EXPECT_EQ(h.find("subject")->value, "=?UTF-8?Q?caf=C3=A9?= =?UTF-8?Q?_cr=C3=A8me?=");
  EXPECT_EQ(decode_words(h.find("subject")->value), "café crème");
  const auto to = parse_address_list(h.find("to")->value);
  ASSERT_EQ(to.size(), 2u);
  EXPECT_EQ(to[0].display_name, "Doe, John");
  EXPECT_EQ(to[1].address, "jane@example.com");
  EXPECT_EQ(h.fields[1].raw, "To: \"Doe, John\" <john@example.com>,\r\n\tjane@example.com\r\n");
}

TEST(MimeParser, MultipartTreeSkipsPreambleAndEpilogue) {
  const auto r = parse(simple_multipart);
  ASSERT_EQ(r.parts.size(), 3u);
  EXPECT_TRUE(r.at("").multipart);
  EXPECT_EQ(r.at("").data, "");
  EXPECT_EQ(r.at("1").data, "first");  // the CRLF before the delimiter belongs to it
  EXPECT_EQ(r.at("2").data, std::string("\0\1\2\xff", 4));
  EXPECT_EQ(r.events, "b b1 d1 e1 b2 d2 e2 e ");
  EXPECT_TRUE(r.problems.empty());
}

TEST(MimeParser, BoundarySplitAtEveryBytePosition) {
  const std::string msg = simple_multipart;
  const auto whole = parse(msg);
  for (std::size_t chunk = 1; chunk <= msg.size(); ++chunk) {
    const auto r = parse(msg, chunk);
    ASSERT_EQ(r.events, whole.events) << chunk;
    EXPECT_EQ(r.at("1").data, "first") << chunk;
    EXPECT_EQ(r.at("2").data, whole.at("2").data) << chunk;
  }
  // Two pieces split at every position.
  for (std::size_t cut = 0; cut <= msg.size(); ++cut) {
    result r;
    std::string data2;
    parser_callbacks cb;
    cb.on_data = [&](const part& p, std::string_view d) {
      if (p.path_string() == "2") data2.append(d);
    };
    parser ps(cb);
    ps.feed(msg.substr(0, cut));
    ps.feed(msg.substr(cut));
    ps.finish();
    EXPECT_EQ(data2, std::string("\0\1\2\xff", 4)) << cut;
    EXPECT_TRUE(ps.problems().empty()) << cut;
  }
}

TEST(MimeParser, LfLineEndsAndBoundaryPrefixesInBody) {
  const auto r = parse(
      "Content-Type: multipart/mixed; boundary=abc\n\n--abc\n\n--abcd is not it\n--ab\n"
      "-- abc\n--abc--\n");
  EXPECT_EQ(r.at("1").data, "--abcd is not it\n--ab\n-- abc");
  EXPECT_TRUE(r.problems.empty());
}

TEST(MimeParser, QuotedPrintableAndCharsetConversion) {
  const std::string msg =
      "Content-Type: text/plain; charset=iso-8859-1\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
      "Gr=FC=DFe   \r\nsoft=\r\nbreak =3D ok\r\n";
  EXPECT_EQ(parse(msg).at("").data, "Gr\xFC\xDF" "e\r\nsoftbreak = ok\r\n");
  parser_options o;
  o.text_to_utf8 = true;
  for (std::size_t chunk : {0, 1, 3}) {
    const auto r = parse(msg, chunk, o);
    EXPECT_EQ(r.at("").data, "Grüße\r\nsoftbreak = ok\r\n") << chunk;
    EXPECT_TRUE(r.problems.empty());
  }
}

TEST(MimeParser, Utf8SplitAcrossChunksSurvivesConversion) {
  parser_options o;
  o.text_to_utf8 = true;
  const std::string msg = "Content-Type: text/plain; charset=utf-16be\r\n"
                          "Content-Transfer-Encoding: base64\r\n\r\nAGgA6Q==\r\n";
  for (std::size_t chunk : {0, 1, 2, 5}) EXPECT_EQ(parse(msg, chunk, o).at("").data, "hé");
}

TEST(MimeParser, UnknownCharsetPassesThroughReported) {
  parser_options o;
  o.text_to_utf8 = true;
  const auto r = parse("Content-Type: text/plain; charset=x-nope\r\n\r\nabc", 0, o);
  EXPECT_EQ(r.at("").data, "abc");
  EXPECT_TRUE(r.has(error::unknown_charset));
}

TEST(MimeParser, Rfc2231ParametersAndFilenames) {
  const auto v = parse_parameterized(
      "attachment; filename*0*=iso-8859-1'de'Gr%FC; filename*1=\"n e.txt\";"
      " filename=\"fallback.txt\"; size=12 (a comment); other=\"q\\\"x\"");
  EXPECT_EQ(v.value, "attachment");
  EXPECT_EQ(v.param("FILENAME"), "Grün e.txt");
  EXPECT_EQ(v.param("size"), "12");
  EXPECT_EQ(v.param("other"), "q\"x");
  EXPECT_FALSE(v.has_param("nothing"));
  const auto w = parse_parameterized("application/pdf; name=\"=?UTF-8?B?w6RiYy5wZGY=?=\"");
  EXPECT_EQ(w.value, "application/pdf");
  EXPECT_EQ(w.param("name"), "äbc.pdf");
  const auto x = parse_parameterized("Text/Plain;charset*=UTF-8''%E2%82%AC");
  EXPECT_EQ(x.value, "text/plain");
  EXPECT_EQ(x.param("charset"), "€");
}

TEST(MimeParser, NestedRfc822IsRecursed) {
  const auto r = parse(read_file("gmail_forward.eml"));
  EXPECT_EQ(r.events,
            "b b1 b1.1 d1.1 e1.1 b1.2 d1.2 e1.2 e1 b2 b2.1 b2.1.1 d2.1.1 e2.1.1 b2.1.2 d2.1.2 "
            "e2.1.2 e2.1 e2 e ");
  EXPECT_TRUE(r.at("2").message);
  EXPECT_EQ(r.at("2").filename, "Lunch.eml");
  EXPECT_TRUE(r.at("2.1").multipart);
  EXPECT_EQ(r.at("2.1.1").data, "Noon at the usual place?");
  EXPECT_EQ(r.at("2.1.2").filename, "menu.txt");
  EXPECT_EQ(r.at("2.1.2").data, "soup\r\nsalad");
  EXPECT_TRUE(r.problems.empty());
}

TEST(MimeParser, ThunderbirdStyleMessage) {
  const std::string msg = read_file("thunderbird.eml");
  const auto r = parse(msg);
  EXPECT_EQ(r.events, "b b1 b1.1 d1.1 e1.1 b1.2 d1.2 e1.2 e1 b2 d2 e2 e ");
  EXPECT_EQ(r.at("1.1").data, "Hallo Bob,\r\n\r\nanbei der Prüfbericht.\r\n");
  EXPECT_EQ(r.at("2").filename, "Prüfbericht Q4.pdf");
  std::string pdf;
  for (int i = 0; i < 3; ++i)
    for (int c = 0; c < 256; ++c) pdf += static_cast<char>(c);
  EXPECT_EQ(r.at("2").data, pdf);
  EXPECT_TRUE(r.problems.empty());
  for (std::size_t chunk : {1, 7, 64}) EXPECT_EQ(parse(msg, chunk).events, r.events);
}

TEST(MimeParser, OutlookStyleMessage) {
  parser_options o;
  o.text_to_utf8 = true;
  const auto r = parse(read_file("outlook.eml"), 0, o);
  EXPECT_EQ(r.events, "b b1 b1.1 d1.1 e1.1 b1.2 d1.2 e1.2 e1 b2 d2 e2 b3 d3 e3 e ");
  EXPECT_EQ(r.at("").type, "multipart/related");
  EXPECT_EQ(r.at("1.1").data, "Grüße aus Köln\r\n");
  EXPECT_NE(r.at("1.2").data.find("Grüße aus Köln €"), std::string::npos) << r.at("1.2").data;
  EXPECT_NE(r.at("1.2").data.find("café"), std::string::npos);
  EXPECT_EQ(r.at("2").filename, "image001.png");
  EXPECT_EQ(r.at("2").data.substr(0, 4), "\x89PNG");
  EXPECT_EQ(r.at("2").data.size(), 108u);
  EXPECT_EQ(r.at("3").filename, "Umsätze 2024.xlsx");
  EXPECT_EQ(r.at("3").data, std::string("PK\3\4\24\0\0\0\10\0", 10));
  EXPECT_TRUE(r.problems.empty());
}

TEST(MimeParser, ComposedMessagesParseBackByteIdentical) {
  message m;
  m.from = {"Zoë", "zoe@example.com"};
  m.to = {{"", "x@example.net"}};
  m.subject = "Attachments ✓";
  m.date = std::chrono::system_clock::time_point{};
  m.text_body = "Hello\nsecond line with ümlaut\n";
  m.html_body = "<p>Hello</p>\n";
  std::string bin;
  std::mt19937 rng(7);
  for (int i = 0; i < 100000; ++i) bin += static_cast<char>(rng());
  m.attachments.push_back({"bericht 2024 (final).bin", "", bin, "", false, ""});
  m.attachments.push_back({"Prüfung – sehr langer Dateiname mit Umlauten äöü und mehr.txt", "",
                           "text\r\nattachment\r\n", "text/plain", false, ""});
  m.attachments.push_back({"logo.png", "", std::string("\x89PNG\0\0", 6), "", true, "logo@x"});
  const std::string msg = compose(m);
  for (std::size_t chunk : {0, 1, 13, 4096}) {
    const auto r = parse(msg, chunk);
    EXPECT_TRUE(r.problems.empty()) << chunk;
    std::vector<const seen_part*> files;
    for (const auto& p : r.parts)
      if (!p.filename.empty()) files.push_back(&p);
    ASSERT_EQ(files.size(), 3u) << chunk;
    EXPECT_EQ(files[0]->filename, "logo.png");
    EXPECT_EQ(files[0]->data, std::string("\x89PNG\0\0", 6));
    EXPECT_EQ(files[1]->filename, "bericht 2024 (final).bin");
    EXPECT_EQ(files[1]->data, bin);
    EXPECT_EQ(files[2]->filename, m.attachments[1].filename);
    EXPECT_EQ(files[2]->data, "text\r\nattachment\r\n");
    bool text = false;
    for (const auto& p : r.parts)
      if (p.type == "text/plain" && p.filename.empty()) {
        EXPECT_EQ(p.data, "Hello\r\nsecond line with ümlaut\r\n");
        text = true;
      }
    EXPECT_TRUE(text);
  }
}

TEST(MimeParser, UnterminatedMultipartEndsAtEofReported) {
  const auto r = parse("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nlast part");
  EXPECT_EQ(r.at("1").data, "last part");
  EXPECT_TRUE(r.at("1").ended);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, make_error_code(error::unterminated_multipart));
  EXPECT_EQ(r.problems[0].path, "");
}

TEST(MimeParser, InnerMultipartClosedByOuterBoundaryIsReported) {
  const auto r = parse(
      "Content-Type: multipart/mixed; boundary=out\r\n\r\n--out\r\n"
      "Content-Type: multipart/alternative; boundary=in\r\n\r\n--in\r\n\r\ninner\r\n"
      "--out\r\n\r\nsecond\r\n--out--\r\n");
  EXPECT_EQ(r.at("1.1").data, "inner");
  EXPECT_EQ(r.at("2").data, "second");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].path, "1");
  EXPECT_TRUE(r.has(error::unterminated_multipart));
}

TEST(MimeParser, MissingBoundaryIsReadAsLeaf) {
  const auto r = parse("Content-Type: multipart/mixed\r\n\r\n--x\r\nbody\r\n");
  ASSERT_EQ(r.parts.size(), 1u);
  EXPECT_FALSE(r.at("").multipart);
  EXPECT_EQ(r.at("").data, "--x\r\nbody\r\n");
  EXPECT_TRUE(r.has(error::missing_boundary));
}

TEST(MimeParser, DepthBombIsBounded) {
  std::string msg;
  for (int i = 0; i < 5000; ++i)
    msg += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
           std::to_string(i) + "\r\n";
  msg += "\r\nleaf\r\n";
  parser_options o;
  o.limits.max_depth = 10;
  const auto r = parse(msg, 0, o);
  EXPECT_EQ(r.parts.size(), 11u);
  EXPECT_TRUE(r.has(error::depth_exceeded));
  EXPECT_TRUE(r.has(error::unterminated_multipart));
  std::size_t deepest = 0;
  for (const auto& p : r.parts) deepest = std::max(deepest, p.path.size());
  EXPECT_EQ(deepest, 2 * 10 - 1u);  // "1.1.1....": 10 dotted numbers
  // message/rfc822 nesting is bounded the same way.
  std::string nested;
  for (int i = 0; i < 1000; ++i) nested += "Content-Type: message/rfc822\r\n\r\n";
  EXPECT_EQ(parse(nested, 0, o).parts.size(), 11u);
}

TEST(MimeParser, EnormousHeadersThrow) {
  parser_options o;
  o.limits.max_header_bytes = 1000;
  std::string big = "Subject: " + std::string(2000, 'a') + "\r\n\r\n";
  try {
    parse(big, 100, o);
    FAIL();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::header_too_large));
  }
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "X: y\r\n";
  EXPECT_THROW(parse(many), std::system_error);
  parser_options line;
  line.limits.max_line_bytes = 500;
  EXPECT_THROW(parse(std::string(600, 'a'), 50, line), std::system_error);
}

TEST(MimeParser, TooManyPartsThrow) {
  std::string msg = "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 200; ++i) msg += "--b\r\n\r\nx\r\n";
  parser_options o;
  o.limits.max_parts = 100;
  try {
    parse(msg, 0, o);
    FAIL();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::too_many_parts));
  }
}

TEST(MimeParser, BadBase64IsReportedAndSkipped) {
  const auto r = parse("Content-Transfer-Encoding: base64\r\n\r\nAA*EC\r\n/w=x=\r\n");
  EXPECT_EQ(r.at("").data, std::string("\0\1\2", 3) + "\xff");
  EXPECT_TRUE(r.has(error::bad_encoding));
}

TEST(MimeParser, BadQuotedPrintableIsKeptLiterallyAndReported) {
  const auto r = parse("Content-Transfer-Encoding: Quoted-Printable\r\n\r\na=ZZb=4\r\nc=41\r\n");
  EXPECT_EQ(r.at("").data, "a=ZZb=4\r\ncA\r\n");
  EXPECT_TRUE(r.has(error::bad_encoding));
  EXPECT_TRUE(parse("Content-Transfer-Encoding: quoted-printable\r\n\r\nend=").problems.empty());
}

TEST(MimeParser, InvalidCharsetBytesBecomeReplacementCharacters) {
  parser_options o;
  o.text_to_utf8 = true;
  // UTF-16LE "h" then a lone byte at the end: U+FFFD, reported.
  const auto r = parse("Content-Type: text/plain; charset=UTF-16LE\r\n"
                       "Content-Transfer-Encoding: base64\r\n\r\naAB4\r\n", 1, o);
  EXPECT_EQ(r.at("").data, "h\xEF\xBF\xBD");
  EXPECT_TRUE(r.has(error::bad_encoding));
}

TEST(MimeParser, TruncatedHeaderAndMalformedLinesReported) {
  auto r = parse("From: a@b.c\r\nSubject: cut");
  EXPECT_TRUE(r.has(error::truncated_header));
  EXPECT_TRUE(r.at("").ended);
  r = parse(" continuation first\r\nnot a field\r\nX: y\r\n\r\nbody");
  EXPECT_TRUE(r.has(error::malformed_header));
  EXPECT_EQ(r.at("").data, "body");
  EXPECT_TRUE(parse("From someone Mon Jan 1\r\nX: y\r\n\r\n").problems.empty());
}

TEST(MimeParser, LongBodyLinesStreamInBoundedMemory) {
  const std::string line(1 << 20, 'z');
  const std::string msg = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n" + line +
                          "\r\n--b\r\n\r\n" + line + "\r--b--\r\n";
  const auto r = parse(msg, 4096);
  EXPECT_EQ(r.at("1").data, line);
  EXPECT_EQ(r.at("2").data, line + "\r--b--\r\n");  // not at a line start: data
  EXPECT_TRUE(r.has(error::unterminated_multipart));
}

TEST(MimeParser, DigestChildrenDefaultToRfc822) {
  const auto r = parse("Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\n"
                       "Subject: inner\r\n\r\nhello\r\n--d--\r\n");
  EXPECT_EQ(r.at("1").type, "message/rfc822");
  EXPECT_TRUE(r.at("1").message);
  EXPECT_EQ(r.at("1.1").data, "hello");
}

}  // namespace
}  // namespace inet::mime
