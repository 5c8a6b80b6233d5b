#include "protocols/mime/headers.hpp"

#include <algorithm>
#include <cstring>

#include "protocols/mime/codecs.hpp"
#include "protocols/mime/error.hpp"
#include "protocols/mime/message.hpp"

namespace inet::mime {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_wsp(s.front()) || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (is_wsp(s.back()) || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Name of a field line "name:...", or nullopt if the line is not one (RFC 5322 §2.2, with
// obsolete whitespace before the colon tolerated).
std::optional<std::string> field_name(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view name = line.substr(0, colon);
  while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
  if (name.empty()) return std::nullopt;
  for (unsigned char c : name)
    if (c < 33 || c > 126) return std::nullopt;
  return std::string(name);
}

void finish_field(header_field& f) {
  std::string_view raw = f.raw;
  raw.remove_prefix(raw.find(':') + 1);
  std::string v;
  for (char c : raw)
    if (c != '\r' && c != '\n') v += c;  // unfolding: drop the line breaks, keep the WSP
  f.value = std::string(trim(v));
}

class reader {
 public:
  explicit reader(inet::byte_source& src) : src_(src) {}

  parsed_message_head run() {
    parsed_message_head head;
    bool first = true;
    for (;;) {
      const std::size_t nl = buf_.find('\n', pos_);
      if (nl == std::string::npos) {
        if (buf_.size() - pos_ > max_header_line_bytes) too_large("line");
        if (fill()) continue;
        if (pos_ < buf_.size()) line(head, buf_.size(), first);  // last line without LF
        break;
      }
      if (nl + 1 - pos_ > max_header_line_bytes) too_large("line");
      if (nl + 1 > max_header_section_bytes) too_large("section");
      if (first) head.lf_only = nl == 0 || buf_[nl - 1] != '\r';
      if (!line(head, nl + 1, first)) break;
      first = false;
    }
    close(head);
    head.headers.size_bytes = pos_;
    head.rest_prefix = buf_.substr(rest_);
    return head;
  }

 private:
  [[noreturn]] static void too_large(const char* what) {
    throw std::system_error(make_error_code(error::header_too_large),
                            std::string("header ") + what + " over the limit");
  }

  bool fill() {
    if (eof_) return false;
    char tmp[4096];
    const std::size_t n = src_.read(tmp);
    if (n == 0) {
      eof_ = true;
      return false;
    }
    buf_.append(tmp, n);
    return true;
  }

  void close(parsed_message_head& head) {
    if (!open_) return;
    finish_field(head.headers.fields.back());
    open_ = false;
  }

  // Handles the line buf_[pos_, end). Returns false when the header section is over.
  bool line(parsed_message_head& head, std::size_t end, bool first) {
    const std::string_view text = trim_eol(std::string_view(buf_).substr(pos_, end - pos_));
    auto& fields = head.headers.fields;
    if (text.empty()) {  // the empty line: consumed, the body follows
      pos_ = rest_ = end;
      return false;
    }
    // mbox "From " separator line: dropped. "From : x" (obsolete WSP before the colon, RFC
    // 5322 §4.5.3) is the From field, not a separator: a separator is never a valid field.
    if (first && text.starts_with("From ") && !field_name(text)) {
      pos_ = rest_ = end;
      return true;
    }
    if (is_wsp(text.front())) {
      if (first)
        throw std::system_error(make_error_code(error::malformed_header),
                                "header section starts with a continuation line");
      if (open_) {
        fields.back().raw.append(buf_, pos_, end - pos_);
        pos_ = rest_ = end;
        return true;
      }
    }
    auto name = field_name(text);
    if (!name) {  // not a header: the body starts here
      rest_ = pos_;
      return false;
    }
    close(head);
    fields.push_back({std::move(*name), "", buf_.substr(pos_, end - pos_)});
    open_ = true;
    pos_ = rest_ = end;
    return true;
  }

  static std::string_view trim_eol(std::string_view s) {
    if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }

  inet::byte_source& src_;
  std::string buf_;
  std::size_t pos_ = 0;   // start of the next unparsed line
  std::size_t rest_ = 0;  // start of the body bytes
  bool eof_ = false;
  bool open_ = false;  // the last field may still get continuation lines
};

class prefixed_source final : public inet::byte_source {
 public:
  prefixed_source(std::string prefix, inet::byte_source& rest)
      : prefix_(std::move(prefix)), rest_(rest) {}
  std::size_t read(std::span<char> buf) override {
    if (pos_ < prefix_.size()) {
      const std::size_t n = std::min(buf.size(), prefix_.size() - pos_);
      std::memcpy(buf.data(), prefix_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    return rest_.read(buf);
  }

 private:
  std::string prefix_;
  std::size_t pos_ = 0;
  inet::byte_source& rest_;
};

std::string with_eol(std::string field, bool lf_only) {  // field ends in CRLF
  if (lf_only) {
    std::string out;
    for (char c : field)
      if (c != '\r') out += c;
    return out;
  }
  return field;
}

}  // namespace

const header_field* header_section::find(std::string_view name) const {
  for (const auto& f : fields)
    if (iequals(f.name, name)) return &f;
  return nullptr;
}

parsed_message_head read_header_section(inet::byte_source& src) { return reader(src).run(); }

std::vector<std::string> header_recipients(const header_section& h, bool use_resent) {
  bool resent = false;
  if (use_resent)
    for (const auto& f : h.fields)
      resent = resent || iequals(f.name, "Resent-To") || iequals(f.name, "Resent-Cc") ||
               iequals(f.name, "Resent-Bcc");
  const std::string_view prefix = resent ? "Resent-" : "";
  std::vector<std::string> out;
  for (const auto& f : h.fields) {
    const std::string_view n = f.name;
    if (n.size() < prefix.size() || !iequals(n.substr(0, prefix.size()), prefix)) continue;
    const std::string_view rest = n.substr(prefix.size());
    if (!iequals(rest, "To") && !iequals(rest, "Cc") && !iequals(rest, "Bcc")) continue;
    for (auto& m : parse_address_list(f.value))
      if (std::find(out.begin(), out.end(), m.address) == out.end()) out.push_back(m.address);
  }
  return out;
}

std::unique_ptr<inet::byte_source> make_rewritten_source(parsed_message_head head,
                                                         inet::byte_source& rest,
                                                         const rewrite_options& opts) {
  const std::string eol = head.lf_only ? "\n" : "\r\n";
  std::string prefix;
  for (const auto& f : head.headers.fields) {
    if (opts.strip_bcc && (iequals(f.name, "Bcc") || iequals(f.name, "Resent-Bcc"))) continue;
    prefix += f.raw;
    if (!f.raw.ends_with('\n')) prefix += eol;
  }
  const header_section& h = head.headers;
  if (opts.add_from && !h.find("From"))
    prefix += with_eol(fold_header("From", format_mailbox(*opts.add_from, opts.utf8_headers)),
                       head.lf_only);
  if (opts.add_date && !h.find("Date"))
    prefix += "Date: " + format_date(std::chrono::system_clock::now()) + eol;
  if (opts.add_message_id && !h.find("Message-ID"))
    prefix += "Message-ID: " + make_message_id(opts.message_id_domain) + eol;
  prefix += eol;
  prefix += head.rest_prefix;
  return std::make_unique<prefixed_source>(std::move(prefix), rest);
}

}  // namespace inet::mime
