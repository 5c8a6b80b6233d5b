#include "protocols/mime/headers.hpp"

#include <gtest/gtest.h>

#include "protocols/mime/error.hpp"

namespace inet::mime {
namespace {

// A source that hands out at most `step` bytes per read, to exercise chunk boundaries.
class trickle_source final : public inet::byte_source {
 public:
  trickle_source(std::string data, std::size_t step) : data_(std::move(data)), step_(step) {}
  std::size_t read(std::span<char> buf) override {
    const std::size_t n = std::min({buf.size(), step_, data_.size() - pos_});
    data_.copy(buf.data(), n, pos_);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  std::size_t step_;
  std::size_t pos_ = 0;
};

std::string drain(inet::byte_source& s) {
  std::string out;
  char buf[7];
  while (std::size_t n = s.read(buf)) out.append(buf, n);
  return out;
}

const std::string crlf_message =
    "From: Alice <alice@example.com>\r\n"
    "To: bob@example.org,\r\n"
    "  \"Doe, Carol\" <carol@example.org>\r\n"
    "Bcc: hidden1@example.net,\r\n"
    "\thidden2@example.net\r\n"
    "Subject: test\r\n"
    "Cc: team: dave@example.org;\r\n"
    "bcc: hidden3@example.net\r\n"
    "\r\n"
    "Body line 1\r\n"
    "Bcc: not-a-header@example.net\r\n";

TEST(ReadHeaderSection, FieldsValuesRawAndRest) {
  for (std::size_t step : {1u, 3u, 4096u}) {
    trickle_source src(crlf_message, step);
    auto head = read_header_section(src);
    const auto& f = head.headers.fields;
    ASSERT_EQ(f.size(), 6u);
    EXPECT_EQ(f[1].name, "To");
    EXPECT_EQ(f[1].value, "bob@example.org,  \"Doe, Carol\" <carol@example.org>");
    EXPECT_EQ(f[1].raw, "To: bob@example.org,\r\n  \"Doe, Carol\" <carol@example.org>\r\n");
    EXPECT_EQ(f[2].value, "hidden1@example.net,\thidden2@example.net");
    EXPECT_EQ(head.headers.size_bytes, crlf_message.find("\r\n\r\n") + 4);
    EXPECT_FALSE(head.lf_only);
    const std::string rest = head.rest_prefix + drain(src);
    EXPECT_EQ(rest, "Body line 1\r\nBcc: not-a-header@example.net\r\n") << step;
    EXPECT_EQ(head.headers.find("SUBJECT")->value, "test");
    EXPECT_EQ(head.headers.find("Date"), nullptr);
  }
}

TEST(ReadHeaderSection, RecipientsFromAllFields) {
  memory_source src(crlf_message);
  auto head = read_header_section(src);
  EXPECT_EQ(header_recipients(head.headers),
            (std::vector<std::string>{"bob@example.org", "carol@example.org",
                                      "hidden1@example.net", "hidden2@example.net",
                                      "dave@example.org", "hidden3@example.net"}));
}

TEST(ReadHeaderSection, ResentFieldsTakePrecedence) {
  memory_source src("To: a@x\r\nResent-To: r@x\r\nResent-Bcc: rb@x\r\n\r\n");
  auto head = read_header_section(src);
  EXPECT_EQ(header_recipients(head.headers), (std::vector<std::string>{"r@x", "rb@x"}));
  EXPECT_EQ(header_recipients(head.headers, false), (std::vector<std::string>{"a@x"}));
}

TEST(RewrittenSource, StripsFoldedBccCrlf) {
  trickle_source src(crlf_message, 5);
  auto out = make_rewritten_source(read_header_section(src), src, {});
  EXPECT_EQ(drain(*out),
            "From: Alice <alice@example.com>\r\n"
            "To: bob@example.org,\r\n"
            "  \"Doe, Carol\" <carol@example.org>\r\n"
            "Subject: test\r\n"
            "Cc: team: dave@example.org;\r\n"
            "\r\n"
            "Body line 1\r\n"
            "Bcc: not-a-header@example.net\r\n");
}

TEST(RewrittenSource, LfOnlyInputAndAddedFields) {
  const std::string lf =
      "To: bob@example.org\n"
      "Bcc: x@example.net,\n"
      " y@example.net\n"
      "Subject: hi\n"
      "\n"
      "body\n";
  memory_source src(lf);
  auto head = read_header_section(src);
  EXPECT_TRUE(head.lf_only);
  EXPECT_EQ(header_recipients(head.headers),
            (std::vector<std::string>{"bob@example.org", "x@example.net", "y@example.net"}));
  rewrite_options o;
  o.add_date = true;
  o.add_message_id = true;
  o.message_id_domain = "example.com";
  o.add_from = mailbox{"Me", "me@example.com"};
  const std::string out = drain(*make_rewritten_source(std::move(head), src, o));
  EXPECT_TRUE(out.starts_with("To: bob@example.org\nSubject: hi\nFrom: Me <me@example.com>\n"
                              "Date: "))
      << out;
  EXPECT_NE(out.find("\nMessage-ID: <"), std::string::npos);
  EXPECT_NE(out.find("@example.com>\n\nbody\n"), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find("x@example.net"), std::string::npos);
}

// The From added by `inet mail -t` (rewrite_options::add_from) follows format_mailbox: an
// internationalised domain as its A-label in 7-bit headers, raw UTF-8 with utf8_headers.
TEST(RewrittenSource, AddedFromWithInternationalDomain) {
  for (const bool utf8 : {false, true}) {
    memory_source src("To: bob@example.org\r\n\r\nbody\r\n");
    auto head = read_header_section(src);
    rewrite_options o;
    o.add_from = mailbox{"", "info@bücher.example"};
    o.utf8_headers = utf8;
    const std::string out = drain(*make_rewritten_source(std::move(head), src, o));
    EXPECT_EQ(out, std::string("To: bob@example.org\r\nFrom: ") +
                       (utf8 ? "info@bücher.example" : "info@xn--bcher-kva.example") +
                       "\r\n\r\nbody\r\n");
  }
}

TEST(ReadHeaderSection, EdgeCases) {
  {  // no empty line: a non-header line starts the body
    memory_source src("To: a@x\nThis is body text\nmore\n");
    auto head = read_header_section(src);
    ASSERT_EQ(head.headers.fields.size(), 1u);
    EXPECT_EQ(head.rest_prefix + drain(src), "This is body text\nmore\n");
    auto out = make_rewritten_source(std::move(head), src, {});
    EXPECT_EQ(drain(*out), "To: a@x\n\nThis is body text\nmore\n");
  }
  {  // headers only, last line without a newline; mbox separator dropped
    memory_source src("From alice Mon Jan  1 00:00:00 2024\nTo: a@x\nSubject: s");
    auto head = read_header_section(src);
    ASSERT_EQ(head.headers.fields.size(), 2u);
    EXPECT_EQ(head.headers.fields[1].value, "s");
    EXPECT_EQ(drain(*make_rewritten_source(std::move(head), src, {})), "To: a@x\nSubject: s\n\n");
  }
  {  // fuzz finding: "From :" (obsolete WSP before the colon) first is a field, not mbox's
     // separator: it was dropped, and re-reading the rewritten message lost the next fields
    for (std::string_view sep : {"", "From alice Mon Jan  1 00:00:00 2024\n"}) {
      const std::string text = std::string(sep) + "From : a@x\nTo: b@y\n\nbody\n";
      memory_source src(text);
      auto head = read_header_section(src);
      ASSERT_EQ(head.headers.fields.size(), 2u) << sep;
      EXPECT_EQ(head.headers.fields[0].name, "From");
      EXPECT_EQ(head.headers.fields[0].value, "a@x");
      const std::string out = drain(*make_rewritten_source(std::move(head), src, {}));
      EXPECT_EQ(out, "From : a@x\nTo: b@y\n\nbody\n");
      memory_source again(out);
      EXPECT_EQ(read_header_section(again).headers.fields.size(), 2u);
    }
  }
  {
    memory_source src(" continuation first\r\n\r\n");
    try {
      read_header_section(src);
      ADD_FAILURE();
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::malformed_header);
    }
  }
  {
    memory_source src("To: not an address list <\r\n\r\n");
    auto head = read_header_section(src);
    EXPECT_THROW(header_recipients(head.headers), std::system_error);
  }
}

TEST(ReadHeaderSection, TooLarge) {
  std::string many;
  while (many.size() < 2 * 1024 * 1024) many += "X-Filler: 0123456789012345678901234567890123\r\n";
  many += "\r\nbody";
  for (const std::string& input : {many, "X-Long: " + std::string(100 * 1024, 'a') + "\r\n\r\n",
                                   std::string(2 * 1024 * 1024, 'a')}) {
    trickle_source src(input, 4096);
    try {
      read_header_section(src);
      ADD_FAILURE();
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::header_too_large);
    }
  }
  // Just under the limits is fine.
  std::string ok = "X-Long: " + std::string(60 * 1024, 'a') + "\r\n\r\n";
  memory_source src(ok);
  EXPECT_EQ(read_header_section(src).headers.fields.at(0).value.size(), 60u * 1024);
}

}  // namespace
}  // namespace inet::mime
