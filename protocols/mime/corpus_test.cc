// mime::parser over the corpus of real-shaped messages (testdata/corpus: Thunderbird, Outlook,
// Apple Mail, Mailman digest, Pipermail mbox, mutt/PGP, Gmail forward, many charsets, a
// truncated archive file). Each NAME.expected was computed by Python's email package
// (testdata/corpus/make_corpus.py), so this compares two independent readers: the part tree,
// content types, transfer encodings, file names, decoded subjects, and the SHA-256 of every
// leaf's decoded bytes (text converted to UTF-8), for several chunkings of the input.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "protocols/mime/codecs.hpp"
#include "protocols/mime/parser.hpp"

namespace inet::mime {
namespace {

namespace fs = std::filesystem;
const fs::path corpus = "protocols/mime/testdata/corpus";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << p;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string sha16(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

// The summary in the .expected format, for `message` fed in pieces of `chunk` bytes (0: whole).
std::string summarize(const std::string& message, std::size_t chunk) {
  struct entity {
    std::string head, subject, data;
    bool container = false;
  };
  std::vector<entity> entities;
  std::map<std::string, std::size_t> index;
  parser_callbacks cb;
  cb.on_part_begin = [&](const part& p) {
    const std::string path = p.path.empty() ? "-" : p.path_string();
    index[path] = entities.size();
    entity e;
    e.head = "part " + path + " " + p.content_type + " " + p.transfer_encoding +
             " file=" + p.filename;
    e.container = p.is_multipart || p.is_message;
    if (const auto* s = p.headers.find("subject")) e.subject = decode_words(s->value);
    entities.push_back(std::move(e));
  };
  cb.on_data = [&](const part& p, std::string_view d) {
    entities[index.at(p.path.empty() ? "-" : p.path_string())].data.append(d);
  };
  parser_options o;
  o.text_to_utf8 = true;
  parser ps(cb, o);
  if (chunk == 0) ps.feed(message);
  for (std::size_t i = 0; chunk && i < message.size(); i += chunk)
    ps.feed(std::string_view(message).substr(i, chunk));
  ps.finish();
  std::string out;
  for (const auto& e : entities) {
    out += e.head;
    out += e.container ? " bytes=0 sha256=-"
                       : " bytes=" + std::to_string(e.data.size()) + " sha256=" + sha16(e.data);
    if (!e.subject.empty()) out += " subject=" + e.subject;
    out += "\n";
  }
  for (const auto& pr : ps.problems())
    out += "problem " + (pr.path.empty() ? std::string("-") : pr.path) + " " +
           pr.code.message() + "\n";
  return out;
}

std::vector<fs::path> messages() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(corpus))
    if (e.path().extension() == ".eml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(MimeCorpus, EveryMessageMatchesPythonsEmailPackage) {
  const auto all = messages();
  ASSERT_GE(all.size(), 9u);
  for (const auto& eml : all) {
    fs::path expected = eml;
    expected.replace_extension(".expected");
    const std::string want = slurp(expected);
    const std::string msg = slurp(eml);
    for (std::size_t chunk : {0, 1, 7, 4096})
      EXPECT_EQ(summarize(msg, chunk), want) << eml.filename() << " in pieces of " << chunk;
  }
}

// What the corpus is there for, spelled out (the .expected files hold the full trees).
TEST(MimeCorpus, FileNamesAndSubjectsOfTheClients) {
  const auto has = [](const std::string& name, const std::string& line) {
    const std::string s = summarize(slurp(corpus / name), 0);
    return s.find(line) != std::string::npos;
  };
  // Thunderbird: RFC 2231 continuations with percent-encoded UTF-8.
  EXPECT_TRUE(has("thunderbird_rfc2231_pdf.eml",
                  "application/pdf base64 file=会議録 – Sitzung vom 3. Februar.pdf bytes=5026"));
  // Outlook: RFC 2047 words inside a quoted filename; multipart/related inside mixed.
  EXPECT_TRUE(has("outlook_mixed_related_alternative.eml", "file=CV Renée Lefèvre 2025.docx"));
  EXPECT_TRUE(has("outlook_mixed_related_alternative.eml", "part 1.2 image/png base64 file=image001.png"));
  // Apple Mail: attachments inside the HTML alternative.
  EXPECT_TRUE(has("apple_mail_alternative_mixed.eml",
                  "part 2.2 application/octet-stream base64 file=四半期レポート.numbers"));
  // Mailman: multipart/digest children default to message/rfc822 (RFC 2046 §5.1.5).
  EXPECT_TRUE(has("mailman_digest.eml", "part 2.2 message/rfc822 7bit"));
  EXPECT_TRUE(has("mailman_digest.eml", "subject=Re: Сборка"));
  // Mixed charsets in one Subject (ISO-2022-JP then windows-1252).
  EXPECT_TRUE(has("charsets_encoded_words.eml", "subject=とても大事なお知らせ “quoted” €"));
  // Forward as attachment: the inner message's parts are 2.1.x.
  EXPECT_TRUE(has("forwarded_rfc822_nested.eml",
                  "part 2.1.2 application/zip base64 file=quotation-signed.zip bytes=1029"));
  // A truncated archive file: the reader says so and keeps what it got.
  EXPECT_TRUE(has("truncated_archive_attachment.eml",
                  "problem - multipart without close delimiter"));
}

}  // namespace
}  // namespace inet::mime
