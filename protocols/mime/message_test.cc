#include "protocols/mime/message.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "base/base64.hpp"
#include "protocols/mime/codecs.hpp"
#include "protocols/mime/error.hpp"

namespace inet::mime {
namespace {

// 2000-01-01T00:00:00Z, a Saturday.
const auto y2k = std::chrono::system_clock::from_time_t(946684800);

class Compose : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }

  static compose_options fixed(unsigned char seed = 0xab) {
    compose_options o;
    auto counter = std::make_shared<unsigned char>(seed);
    o.random = [counter](std::span<unsigned char> b) {
      for (auto& c : b) c = *counter;
      ++*counter;
    };
    return o;
  }

  static message basic() {
    message m;
    m.from = {"Alice", "alice@example.com"};
    m.to = {{"", "bob@example.org"}};
    m.subject = "Hello";
    m.date = y2k;
    m.text_body = "Hi Bob,\nline two\n";
    return m;
  }

  static std::string compose(message m, compose_options o, std::size_t bufsize = 4096) {
    message_source src(std::move(m), std::move(o));
    std::string out, buf(bufsize, '\0');
    while (std::size_t n = src.read(buf)) out.append(buf.data(), n);
    return out;
  }

  static std::string temp_file(const std::string& name, const std::string& data) {
    const char* dir = std::getenv("TEST_TMPDIR");
    const std::string path = std::string(dir ? dir : "/tmp") + "/" + name;
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }

  static std::string header_section(const std::string& msg) {
    return msg.substr(0, msg.find("\r\n\r\n") + 2);
  }

  // The base64 body of the part whose headers contain `marker`, decoded.
  static std::string decoded_part(const std::string& msg, const std::string& marker) {
    const std::size_t h = msg.find(marker);
    const std::size_t start = msg.find("\r\n\r\n", h) + 4;
    const std::size_t end = msg.find("\r\n--", start);
    std::string b64;
    std::size_t line_start = start;
    for (std::size_t i = start; i < end; ++i) {
      if (msg[i] == '\r') {
        EXPECT_LE(i - line_start, 76u);
        line_start = i + 2;
        continue;
      }
      if (msg[i] != '\n') b64 += msg[i];
    }
    return codec::base64_decode(b64).value_or("<bad base64>");
  }

  static std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t p; (p = s.find("\r\n", start)) != std::string::npos; start = p + 2)
      out.push_back(s.substr(start, p - start));
    return out;
  }
};

TEST_F(Compose, TextOnlyExact) {
  const std::string expected =
      "Date: Sat, 01 Jan 2000 00:00:00 +0000\r\n"
      "From: Alice <alice@example.com>\r\n"
      "To: bob@example.org\r\n"
      "Subject: Hello\r\n"
      "Message-ID: <abababababababababababababababab@example.com>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: 7bit\r\n"
      "\r\n"
      "Hi Bob,\r\n"
      "line two\r\n";
  EXPECT_EQ(compose(basic(), fixed()), expected);
  message_source src(basic(), fixed());
  EXPECT_EQ(src.message_id(), "<abababababababababababababababab@example.com>");
}

TEST_F(Compose, NonAsciiSubjectEncodedAndFolded) {
  message m = basic();
  for (int i = 0; i < 12; ++i) m.subject += " Gr\xC3\xBC\xC3\x9F" "e aus K\xC3\xB6ln";
  const std::string out = compose(m, fixed());
  const std::string head = header_section(out);
  std::string subject;
  for (const auto& l : lines(head)) {
    EXPECT_LE(l.size(), 78u) << l;
    for (unsigned char c : l) EXPECT_LT(c, 0x80) << l;
    if (l.starts_with("Subject: ")) subject = l.substr(9);
    else if (!subject.empty() && (l.starts_with(" ") || l.starts_with("\t"))) subject += l;
  }
  EXPECT_NE(subject.find("=?UTF-8?"), std::string::npos);
  EXPECT_EQ(decode_words(subject), m.subject);

  compose_options o = fixed();
  o.utf8_headers = true;
  const std::string raw = header_section(compose(m, o));
  EXPECT_NE(raw.find("Gr\xC3\xBC\xC3\x9F" "e"), std::string::npos);
  EXPECT_EQ(raw.find("=?UTF-8?"), std::string::npos);
}

TEST_F(Compose, DisplayNamesQuotedOrEncoded) {
  message m = basic();
  m.from = {"Doe, John", "john@example.com"};
  m.to = {{"Zo\xC3\xAB", "zoe@example.org"}, {"Plain Name", "p@example.org"}};
  m.cc = {{"\"Q\" Person", "q@example.org"}};
  m.reply_to = {{"", "reply@example.com"}};
  m.sender = mailbox{"", "sender@example.com"};
  const std::string head = header_section(compose(m, fixed()));
  EXPECT_NE(head.find("From: \"Doe, John\" <john@example.com>\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("To: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.org>, Plain Name <p@example.org>\r\n"),
            std::string::npos)
      << head;
  EXPECT_NE(head.find("Cc: \"\\\"Q\\\" Person\" <q@example.org>\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Reply-To: reply@example.com\r\n"), std::string::npos);
  EXPECT_NE(head.find("Sender: sender@example.com\r\n"), std::string::npos);
}

TEST_F(Compose, BccNeverAppearsButIsARecipient) {
  message m = basic();
  m.cc = {{"", "carol@example.org"}, {"", "bob@example.org"}};
  m.bcc = {{"Secret Person", "hidden-bcc@example.net"}};
  const std::string out = compose(m, fixed());
  EXPECT_EQ(out.find("hidden-bcc"), std::string::npos);
  EXPECT_EQ(out.find("Bcc"), std::string::npos);
  EXPECT_EQ(out.find("Secret"), std::string::npos);
  EXPECT_EQ(envelope_recipients(m),
            (std::vector<std::string>{"bob@example.org", "carol@example.org",
                                      "hidden-bcc@example.net"}));
  m.extra_headers = {{"BCC", "x@y"}};
  EXPECT_THROW(message_source(m, fixed()), std::system_error);
}

TEST_F(Compose, TransferEncodingChosenByContent) {
  auto encoding_of = [&](const std::string& text, bool eight_bit) {
    message m = basic();
    m.text_body = text;
    compose_options o = fixed();
    o.eight_bit = eight_bit;
    const std::string out = compose(m, o);
    const std::size_t p = out.find("Content-Transfer-Encoding: ");
    return out.substr(p + 27, out.find("\r\n", p) - p - 27);
  };
  EXPECT_EQ(encoding_of("plain ascii\n", false), "7bit");
  EXPECT_EQ(encoding_of(std::string(100, 'a'), false), "quoted-printable");
  EXPECT_EQ(encoding_of("Gr\xC3\xBC\xC3\x9F" "e aus dem sch\xC3\xB6nen K\xC3\xB6ln\n", false),
            "quoted-printable");
  EXPECT_EQ(encoding_of("Gr\xC3\xBC\xC3\x9F" "e\n", true), "8bit");
  std::string cyrillic;
  for (int i = 0; i < 50; ++i) cyrillic += "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 ";
  EXPECT_EQ(encoding_of(cyrillic, false), "base64");
  EXPECT_EQ(encoding_of(std::string("nul\0byte", 8), true), "quoted-printable");
}

TEST_F(Compose, QuotedPrintableBodyLines) {
  message m = basic();
  m.text_body.clear();
  for (int i = 0; i < 200; ++i) m.text_body += "caf\xC3\xA9 ";
  m.text_body += "\n.\nFrom here\n";
  const std::string out = compose(m, fixed());
  const std::string body = out.substr(out.find("\r\n\r\n") + 4);
  for (const auto& l : lines(body)) EXPECT_LE(l.size(), 76u) << l;
  EXPECT_NE(body.find("\r\n=2E\r\n=46rom here\r\n"), std::string::npos) << body;
}

TEST_F(Compose, HtmlAndTextAlternative) {
  message m = basic();
  m.html_body = "<p>Hi <b>Bob</b></p>";
  const std::string out = compose(m, fixed());
  EXPECT_NE(out.find("Content-Type: multipart/alternative;\r\n boundary=\"=_"), std::string::npos);
  const std::size_t plain = out.find("Content-Type: text/plain");
  const std::size_t html = out.find("Content-Type: text/html");
  ASSERT_NE(plain, std::string::npos);
  ASSERT_NE(html, std::string::npos);
  EXPECT_LT(plain, html);  // RFC 2046 §5.1.4: preferred (richest) last
  const std::size_t b = out.find("boundary=\"") + 10;
  const std::string boundary = out.substr(b, out.find('"', b) - b);
  EXPECT_TRUE(out.ends_with("--" + boundary + "--\r\n"));
  EXPECT_NE(out.find("\r\n--" + boundary + "\r\nContent-Type: text/html"), std::string::npos);
}

TEST_F(Compose, PartKeepsItsFinalLineBreakBeforeTheDelimiter) {
  // RFC 2046 §5.1.1: the CRLF before "--boundary" belongs to the delimiter, so a text part
  // ending in a line break must be followed by one more CRLF.
  message m = basic();
  m.text_body = "Hello\nbody\n";
  m.html_body = "<p>x</p>\n";
  const std::string out = compose(m, fixed());
  const std::size_t b = out.find("boundary=\"") + 10;
  const std::string boundary = out.substr(b, out.find('"', b) - b);
  EXPECT_NE(out.find("Hello\r\nbody\r\n\r\n--" + boundary + "\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("<p>x</p>\r\n\r\n--" + boundary + "--\r\n"), std::string::npos) << out;
}

TEST_F(Compose, InlineImageRelatedAndFileAttachmentMixed) {
  message m = basic();
  m.html_body = "<img src=\"cid:logo\">";
  m.attachments.push_back({"logo.png", "", "\x89PNG\r\n", "", true, "logo"});
  const std::string path = temp_file("report.bin", "PDFDATA");
  m.attachments.push_back({"\xC3\xA9t\xC3\xA9 r\xC3\xA9sum\xC3\xA9.pdf", path, "", "", false, ""});
  const std::string out = compose(m, fixed());
  const std::size_t mixed = out.find("multipart/mixed");
  const std::size_t alt = out.find("multipart/alternative");
  const std::size_t rel = out.find("multipart/related; type=\"text/html\";");
  ASSERT_NE(mixed, std::string::npos);
  ASSERT_NE(alt, std::string::npos);
  ASSERT_NE(rel, std::string::npos);
  EXPECT_LT(mixed, alt);
  EXPECT_LT(alt, rel);
  EXPECT_NE(out.find("Content-Type: image/png; name=logo.png\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Content-Disposition: inline; filename=logo.png\r\nContent-ID: <logo>\r\n"),
            std::string::npos);
  EXPECT_NE(out.find("Content-Type: application/pdf;"), std::string::npos);
  EXPECT_NE(out.find("filename*=UTF-8''%C3%A9t%C3%A9%20r%C3%A9sum%C3%A9.pdf"), std::string::npos)
      << out;
  EXPECT_EQ(decoded_part(out, "Content-ID: <logo>"), "\x89PNG\r\n");
  EXPECT_EQ(decoded_part(out, "application/pdf"), "PDFDATA");
  EXPECT_GT(out.find("application/pdf"), out.find("Content-ID: <logo>"));
}

TEST_F(Compose, StreamingBufferSizeDoesNotMatter) {
  message m = basic();
  m.html_body = "<p>x</p>";
  std::string big(200000, '\0');
  std::mt19937 rng(7);
  for (auto& c : big) c = static_cast<char>(rng());
  m.attachments.push_back({"a.bin", temp_file("stream.bin", big), "", "", false, ""});
  m.attachments.push_back({"b.txt", "", "memory data", "", false, ""});
  compose_options small = fixed();
  small.chunk_size = 1000;
  const std::string one = compose(m, small, 1);
  const std::string four_k = compose(m, fixed(), 4096);
  EXPECT_EQ(one, four_k);
  EXPECT_EQ(decoded_part(four_k, "name=a.bin"), big);
  EXPECT_EQ(decoded_part(four_k, "name=b.txt"), "memory data");
}

TEST_F(Compose, ThreeMebibyteAttachmentRoundTrips) {
  std::string big(3 * 1024 * 1024, '\0');
  std::mt19937 rng(42);
  for (auto& c : big) c = static_cast<char>(rng());
  message m = basic();
  m.attachments.push_back({"", temp_file("big.dat", big), "", "", false, ""});
  const std::string out = compose(m, fixed(), 65536);
  EXPECT_NE(out.find("Content-Type: application/octet-stream; name=big.dat\r\n"),
            std::string::npos);
  EXPECT_EQ(decoded_part(out, "name=big.dat"), big);
}

TEST_F(Compose, MissingFileNamesThePath) {
  message m = basic();
  m.attachments.push_back({"x.pdf", "/nonexistent/dir/x.pdf", "", "", false, ""});
  try {
    message_source src(m, fixed());
    ADD_FAILURE();
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::file_error);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/x.pdf"), std::string::npos);
  }
}

TEST_F(Compose, ExtraHeadersValidated) {
  auto with = [&](std::string name, std::string value) {
    message m = basic();
    m.extra_headers = {{std::move(name), std::move(value)}};
    return compose(m, fixed());
  };
  EXPECT_NE(with("X-Mailer", "inetpp").find("X-Mailer: inetpp\r\nMIME-Version"),
            std::string::npos);
  EXPECT_NE(with("Content-Language", "de").find("Content-Language: de\r\n"), std::string::npos);
  EXPECT_NE(with("X-Folded", "a\r\n b").find("X-Folded: a\r\n b\r\n"), std::string::npos);
  EXPECT_NE(with("X-Note", "\xC3\xA9t\xC3\xA9").find("X-Note: =?UTF-8?"), std::string::npos);
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"Bad Name", "v"}, {"Colon:", "v"}, {"", "v"}, {"X-\xC3\xA9", "v"},
           {"X-Inject", "v\r\nBcc: evil@x"}, {"X-Inject", "v\nTo: evil@x"}, {"X-CR", "v\rx"},
           {"X-Nul", std::string("a\0b", 3)}, {"Content-Type", "text/html"},
           {"content-transfer-encoding", "8bit"},
           {"Message-ID", "<x@y>"}, {"To", "x@y"}}) {
    try {
      with(name, value);
      ADD_FAILURE() << name;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::invalid_header) << name;
    }
  }
}

TEST_F(Compose, InvalidAddressesAndIdsRefused) {
  message m = basic();
  m.to = {{"", "bob@example.org>\r\nRCPT TO:<x@y"}};
  EXPECT_THROW(message_source(m, fixed()), std::system_error);
  m = basic();
  m.from = {};
  EXPECT_THROW(message_source(m, fixed()), std::system_error);
  m = basic();
  m.message_id = "<a b@c>";
  EXPECT_THROW(message_source(m, fixed()), std::system_error);
  m.message_id = "given@example.com";
  EXPECT_NE(compose(m, fixed()).find("Message-ID: <given@example.com>\r\n"), std::string::npos);
  m = basic();
  m.attachments.push_back({"x", "", "d", "text/plain\r\nX: y", false, ""});
  EXPECT_THROW(message_source(m, fixed()), std::system_error);
}

// RFC 6531 §3.2: without utf8_headers every address header carries A-label domains, and the
// generated Message-ID uses the From domain's A-label; with utf8_headers raw UTF-8 stays.
TEST_F(Compose, InternationalDomainsInAddressHeaders) {
  message m = basic();
  m.from = {"", "info@bücher.example"};
  m.sender = mailbox{"", "desk@bücher.example"};
  m.reply_to = {{"", "help@bücher.example"}};
  m.to = {{"Bob", "bob@münchen.de"}};
  m.cc = {{"", "carol@example.org"}};
  const std::string out = compose(m, fixed());
  for (const char* line : {"From: info@xn--bcher-kva.example\r\n",
                           "Sender: desk@xn--bcher-kva.example\r\n",
                           "Reply-To: help@xn--bcher-kva.example\r\n",
                           "To: Bob <bob@xn--mnchen-3ya.de>\r\n", "Cc: carol@example.org\r\n"})
    EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
  EXPECT_NE(out.find("@xn--bcher-kva.example>\r\n"), std::string::npos) << out;  // Message-ID
  EXPECT_EQ(out.find("ü"), std::string::npos) << out;
  compose_options utf8 = fixed();
  utf8.utf8_headers = true;
  EXPECT_NE(compose(m, utf8).find("To: Bob <bob@münchen.de>\r\n"), std::string::npos);
  m.to = {{"", "jörg@münchen.de"}};
  EXPECT_THROW(message_source(m, fixed()), std::system_error);
  EXPECT_NE(compose(m, utf8).find("To: jörg@münchen.de\r\n"), std::string::npos);
}

TEST_F(Compose, BoundaryAvoidsTextContent) {
  message m = basic();
  m.message_id = "<fixed@example.com>";
  // The first boundary candidate (bytes 0x00) appears in the 7bit text: it must be skipped.
  m.text_body = "see =_000000000000000000000000 here\n";
  m.attachments.push_back({"a.txt", "", "x", "", false, ""});
  const std::string out = compose(m, fixed(0x00));
  EXPECT_NE(out.find("boundary=\"=_010101010101010101010101\""), std::string::npos) << out;
}

TEST(ContentTypes, Guessing) {
  EXPECT_EQ(guess_content_type("a.PDF"), "application/pdf");
  EXPECT_EQ(guess_content_type("photo.jpeg"), "image/jpeg");
  EXPECT_EQ(guess_content_type("x.tar.gz"), "application/gzip");
  EXPECT_EQ(guess_content_type("noext"), "application/octet-stream");
  EXPECT_EQ(guess_content_type("a.unknownext"), "application/octet-stream");
}

TEST(DateFormat, Rfc5322) {
  EXPECT_EQ(format_date(y2k, true), "Sat, 01 Jan 2000 00:00:00 +0000");
  EXPECT_EQ(format_date(std::chrono::system_clock::from_time_t(1751378589), true),
            "Tue, 01 Jul 2025 14:03:09 +0000");
}

}  // namespace
}  // namespace inet::mime
