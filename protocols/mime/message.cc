#include "protocols/mime/message.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "protocols/mime/codecs.hpp"
#include "protocols/mime/error.hpp"

namespace inet::mime {
namespace {

enum class encoding { seven_bit, eight_bit, quoted_printable, base64 };

const char* encoding_name(encoding e) {
  switch (e) {
    case encoding::seven_bit: return "7bit";
    case encoding::eight_bit: return "8bit";
    case encoding::quoted_printable: return "quoted-printable";
    case encoding::base64: return "base64";
  }
  return "7bit";
}

// One piece of the body: literal bytes, or attachment number `attachment` to stream as base64.
struct step {
  std::string literal;
  int attachment = -1;
};

struct part {
  std::string headers;  // Content-* fields, each ending in CRLF
  std::vector<step> body;
};

[[noreturn]] void fail(error e, const std::string& what) {
  throw std::system_error(make_error_code(e), what);
}

// Text with every lone LF turned into CRLF (RFC 2046 §4.1.1 canonical form).
std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

encoding choose_encoding(std::string_view text, bool eight_bit_ok) {
  std::size_t non_ascii = 0, unsafe = 0, line = 0, max_line = 0;
  bool lone_cr = false, nul = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      max_line = std::max(max_line, line);
      line = 0;
      ++i;
      continue;
    }
    ++line;
    if (c >= 0x80) ++non_ascii;
    if (c == '\r') lone_cr = true;
    if (c == 0) nul = true;
    if (c >= 0x80 || c == '=' || (c < 32 && c != '\t')) ++unsafe;
  }
  max_line = std::max(max_line, line);
  if (!lone_cr && !nul) {
    if (non_ascii == 0 && max_line <= fold_width) return encoding::seven_bit;
    if (eight_bit_ok && non_ascii != 0 && max_line <= 998) return encoding::eight_bit;
  }
  // Mostly-ASCII text (at most a third of the bytes need escaping) stays readable as QP;
  // beyond that QP grows past 1.67x and base64 (1.33x) wins.
  return 3 * unsafe <= text.size() ? encoding::quoted_printable : encoding::base64;
}

std::string basename_of(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool reserved_header(std::string_view name) {
  static constexpr std::string_view names[] = {
      "from",         "sender",       "reply-to",          "to",
      "cc",           "bcc",          "subject",           "date",
      "message-id",   "mime-version", "content-type",      "content-transfer-encoding",
      "content-id",   "content-disposition"};
  for (auto n : names)
    if (iequals(name, n)) return true;
  return false;
}

void check_token_text(std::string_view what, std::string_view v, std::string_view forbidden) {
  for (unsigned char c : v)
    if (c <= 32 || c >= 127 || forbidden.find(static_cast<char>(c)) != std::string_view::npos)
      fail(error::invalid_header, "invalid " + std::string(what) + ": " + std::string(v));
}

}  // namespace

struct message_source::impl {
  message msg;
  compose_options opt;
  std::string message_id;
  std::vector<std::string> texts;  // encoded text bodies, for the boundary check
  std::vector<step> steps;
  std::size_t next_step = 0;
  std::string out;
  std::size_t out_pos = 0;
  // The attachment being streamed.
  bool streaming = false;
  const attachment* cur = nullptr;
  std::FILE* file = nullptr;
  std::size_t mem_pos = 0;
  base64_encoder encoder;
  std::string chunk;

  ~impl() {
    if (file) std::fclose(file);
  }

  void random_bytes(std::span<unsigned char> b) {
    if (opt.random)
      opt.random(b);
    else if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1)
      throw std::runtime_error("RAND_bytes failed");
  }

  std::string new_boundary() {
    for (;;) {
      std::array<unsigned char, 12> b{};
      random_bytes(b);
      static constexpr char hex[] = "0123456789abcdef";
      std::string s = "=_";
      for (unsigned char c : b) {
        s += hex[c >> 4];
        s += hex[c & 15];
      }
      if (std::none_of(texts.begin(), texts.end(),
                       [&](const std::string& t) { return t.find(s) != std::string::npos; }))
        return s;
    }
  }

  std::string address_header(std::string_view name, const std::vector<mailbox>& list) {
    std::string v;
    for (const auto& m : list) {
      if (!v.empty()) v += ", ";
      v += format_mailbox(m, opt.utf8_headers);
    }
    return fold_header(name, v);
  }

  part text_part(std::string_view subtype, std::string_view text) {
    std::string canon = to_crlf(text);
    const encoding e = choose_encoding(canon, opt.eight_bit);
    std::string body;
    if (e == encoding::quoted_printable)
      body = qp_encode(canon);
    else if (e == encoding::base64)
      body = base64_encode_lines(canon);
    else
      body = std::move(canon);
    if (!body.empty() && !body.ends_with("\r\n")) body += "\r\n";
    texts.push_back(body);
    part p;
    p.headers = "Content-Type: text/" + std::string(subtype) + "; charset=utf-8\r\n" +
                "Content-Transfer-Encoding: " + encoding_name(e) + "\r\n";
    p.body.push_back({std::move(body)});
    return p;
  }

  part attachment_part(int index) {
    attachment& a = msg.attachments[static_cast<std::size_t>(index)];
    if (a.filename.empty() && !a.path.empty()) a.filename = basename_of(a.path);
    if (a.content_type.empty()) a.content_type = guess_content_type(a.filename);
    validate_header("Content-Type", a.content_type);
    if (a.content_type.find('/') == std::string::npos || a.content_type.find('\r') != a.content_type.npos)
      fail(error::invalid_header, "invalid content type: " + a.content_type);
    if (!a.content_id.empty()) check_token_text("Content-ID", a.content_id, "<>\"\\()[],;:");
    if (!a.path.empty()) {
      std::FILE* f = std::fopen(a.path.c_str(), "rb");
      if (!f) fail(error::file_error, "cannot open attachment " + a.path + ": " + std::strerror(errno));
      std::fclose(f);
    }
    std::string type = a.content_type, disp = a.inline_part ? "inline" : "attachment";
    if (!a.filename.empty()) {
      type += "; " + format_parameter("name", a.filename);
      disp += "; " + format_parameter("filename", a.filename);
    }
    part p;
    p.headers = fold_header("Content-Type", type) + "Content-Transfer-Encoding: base64\r\n" +
                fold_header("Content-Disposition", disp);
    if (!a.content_id.empty()) p.headers += "Content-ID: <" + a.content_id + ">\r\n";
    p.body.push_back({"", index});
    return p;
  }

  part multipart(std::string_view subtype, std::vector<part> children, std::string_view extra) {
    const std::string b = new_boundary();
    part p;
    p.headers = "Content-Type: multipart/" + std::string(subtype) + ";" + std::string(extra) +
                "\r\n boundary=\"" + b + "\"\r\n";
    // RFC 2046 §5.1.1: the CRLF before "--boundary" belongs to the delimiter, so each part's
    // own final line break is kept by writing one more CRLF before every later delimiter.
    bool first = true;
    for (auto& c : children) {
      p.body.push_back({std::string(first ? "" : "\r\n") + "--" + b + "\r\n" + c.headers + "\r\n"});
      first = false;
      for (auto& s : c.body) p.body.push_back(std::move(s));
    }
    p.body.push_back({"\r\n--" + b + "--\r\n"});
    return p;
  }

  part build_body() {
    std::vector<part> related, mixed;
    const bool has_html = !msg.html_body.empty();
    for (std::size_t i = 0; i < msg.attachments.size(); ++i) {
      const auto& a = msg.attachments[i];
      auto& dest = (a.inline_part && !a.content_id.empty() && has_html) ? related : mixed;
      dest.push_back(attachment_part(static_cast<int>(i)));
    }
    std::optional<part> text, html;
    if (!msg.text_body.empty() || !has_html) text = text_part("plain", msg.text_body);
    if (has_html) html = text_part("html", msg.html_body);
    if (html && !related.empty()) {
      related.insert(related.begin(), std::move(*html));
      html = multipart("related", std::move(related), " type=\"text/html\";");
    }
    part body;
    if (text && html) {
      std::vector<part> alt;
      alt.push_back(std::move(*text));
      alt.push_back(std::move(*html));
      body = multipart("alternative", std::move(alt), "");
    } else {
      body = text ? std::move(*text) : std::move(*html);
    }
    if (!mixed.empty()) {
      mixed.insert(mixed.begin(), std::move(body));
      body = multipart("mixed", std::move(mixed), "");
    }
    return body;
  }

  // The From domain for the Message-ID, an internationalised one as A-labels (RFC 5890);
  // "" (make_message_id then uses "localhost") when it is not a valid IDN.
  std::string message_id_domain() const {
    try {
      return std::string(address_domain(ascii_domain_address("x@" + std::string(
          address_domain(msg.from.address)))));
    } catch (const std::system_error&) {
      return {};
    }
  }

  std::string build_headers() {
    if (msg.from.address.empty()) fail(error::bad_address, "message has no From address");
    for (const auto& m : msg.bcc)
      if (!is_valid_addr_spec(m.address)) fail(error::bad_address, "invalid Bcc address");
    std::string h = "Date: " + format_date(msg.date.value_or(std::chrono::system_clock::now())) +
                    "\r\n";
    h += address_header("From", {msg.from});
    if (msg.sender) h += address_header("Sender", {*msg.sender});
    if (!msg.reply_to.empty()) h += address_header("Reply-To", msg.reply_to);
    if (!msg.to.empty()) h += address_header("To", msg.to);
    if (!msg.cc.empty()) h += address_header("Cc", msg.cc);
    if (!msg.subject.empty())
      h += fold_header("Subject", encode_unstructured("Subject", msg.subject, opt.utf8_headers));
    message_id = msg.message_id;
    if (message_id.empty()) {
      message_id = make_message_id(message_id_domain(),
                                   [this](std::span<unsigned char> b) { random_bytes(b); });
    } else {
      if (!message_id.starts_with('<')) message_id = "<" + message_id + ">";
      if (message_id.size() < 3) fail(error::invalid_header, "empty Message-ID");
      check_token_text("Message-ID", std::string_view(message_id).substr(1, message_id.size() - 2),
                       "<>\\()[],;:");
      if (!message_id.ends_with('>')) fail(error::invalid_header, "invalid Message-ID");
    }
    h += "Message-ID: " + message_id + "\r\n";
    for (const auto& [name, value] : msg.extra_headers) {
      validate_header(name, value);
      if (reserved_header(name))
        fail(error::invalid_header, "header '" + name + "' is set by the composer");
      if (value.find('\r') != std::string::npos)
        h += name + ": " + value + "\r\n";  // already folded by the caller
      else
        h += fold_header(name, encode_unstructured(name, value, opt.utf8_headers));
    }
    return h + "MIME-Version: 1.0\r\n";
  }

  // Makes more output available in `out`; false at the end of the message.
  bool advance() {
    if (streaming) {
      pump();
      return true;
    }
    if (next_step >= steps.size()) return false;
    step& s = steps[next_step];
    if (s.attachment < 0) {
      out = std::move(s.literal);
      ++next_step;
      return true;
    }
    cur = &msg.attachments[static_cast<std::size_t>(s.attachment)];
    mem_pos = 0;
    if (!cur->path.empty()) {
      file = std::fopen(cur->path.c_str(), "rb");
      if (!file)
        fail(error::file_error, "cannot open attachment " + cur->path + ": " + std::strerror(errno));
    }
    streaming = true;
    return true;
  }

  void pump() {  // one chunk of the current attachment through the base64 encoder
    std::size_t n = 0;
    if (file) {
      chunk.resize(opt.chunk_size);
      n = std::fread(chunk.data(), 1, chunk.size(), file);
      if (n == 0 && std::ferror(file))
        fail(error::file_error, "cannot read attachment " + cur->path + ": " + std::strerror(errno));
      encoder.feed(std::string_view(chunk.data(), n), out);
    } else {
      n = std::min(opt.chunk_size, cur->data.size() - mem_pos);
      encoder.feed(std::string_view(cur->data).substr(mem_pos, n), out);
      mem_pos += n;
    }
    if (n != 0) return;
    encoder.finish(out);
    if (file) std::fclose(file);
    file = nullptr;
    streaming = false;
    ++next_step;
  }
};

message_source::message_source(message m, compose_options o) : impl_(std::make_unique<impl>()) {
  impl_->msg = std::move(m);
  impl_->opt = std::move(o);
  if (impl_->opt.chunk_size == 0) impl_->opt.chunk_size = 48 * 1024;
  std::string head = impl_->build_headers();
  part body = impl_->build_body();
  impl_->steps.push_back({head + body.headers + "\r\n"});
  for (auto& s : body.body) impl_->steps.push_back(std::move(s));
  impl_->texts.clear();
}

message_source::~message_source() = default;

std::size_t message_source::read(std::span<char> buf) {
  impl& d = *impl_;
  std::size_t n = 0;
  while (n < buf.size()) {
    if (d.out_pos < d.out.size()) {
      const std::size_t k = std::min(buf.size() - n, d.out.size() - d.out_pos);
      std::memcpy(buf.data() + n, d.out.data() + d.out_pos, k);
      n += k;
      d.out_pos += k;
      continue;
    }
    d.out.clear();
    d.out_pos = 0;
    if (!d.advance()) break;
  }
  return n;
}

const std::string& message_source::message_id() const { return impl_->message_id; }

std::vector<std::string> envelope_recipients(const message& m) {
  std::vector<std::string> out;
  for (const auto* list : {&m.to, &m.cc, &m.bcc})
    for (const auto& mb : *list)
      if (std::find(out.begin(), out.end(), mb.address) == out.end()) out.push_back(mb.address);
  return out;
}

}  // namespace inet::mime
