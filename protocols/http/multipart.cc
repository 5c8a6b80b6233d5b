// multipart/form-data (RFC 7578) as a streaming byte_source. See multipart.hpp.
#include "protocols/http/multipart.hpp"

#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "protocols/http/error.hpp"
#include "protocols/mime/message.hpp"

namespace inet::http {
namespace {

[[noreturn]] void fail(error e, const std::string& what) {
  throw std::system_error(make_error_code(e), what);
}

bool has_crlfnul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// A quoted parameter value as browsers write it (RFC 7578 §2; HTML's form encoding).
std::string form_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += "%22";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out + "\"";
}

std::string random_boundary() {
  unsigned char b[8];
  if (RAND_bytes(b, sizeof b) != 1) fail(error::invalid_request, "no random bytes for a boundary");
  static constexpr char hex[] = "0123456789abcdef";
  std::string s(24, '-');
  for (unsigned char c : b) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

std::string last_component(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// One piece of the body: text held here, or a file's bytes.
struct segment {
  std::string text;
  std::string path;
  std::uint64_t size = 0;
};

}  // namespace

form_part parse_form_arg(std::string_view arg) {
  const auto eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0)
    fail(error::invalid_request, "form field without 'name=': " + std::string(arg.substr(0, 40)));
  form_part p;
  p.name = std::string(arg.substr(0, eq));
  std::string_view rest = arg.substr(eq + 1);
  const bool file = rest.starts_with('@'), content_from_file = rest.starts_with('<');
  if (file || content_from_file) {
    rest.remove_prefix(1);
    if (rest.starts_with('"') && rest.find('"', 1) != std::string_view::npos) {
      const auto close = rest.find('"', 1);
      p.path = std::string(rest.substr(1, close - 1));
      rest.remove_prefix(close + 1);
    } else {
      p.path = std::string(rest.substr(0, rest.find(';')));
      rest.remove_prefix(p.path.size());
    }
    if (p.path.empty()) fail(error::invalid_request, "form field " + p.name + " without a file");
    if (file) p.filename = last_component(p.path);
  } else {
    // A plain value ends where a ;type= or ;filename= attribute starts.
    std::size_t end = rest.size();
    for (std::string_view attr : {";type=", ";filename="}) end = std::min(end, rest.find(attr));
    p.value = std::string(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  while (rest.starts_with(';')) {
    rest.remove_prefix(1);
    const std::string_view item = rest.substr(0, rest.find(';'));
    rest.remove_prefix(item.size());
    if (item.starts_with("type="))
      p.content_type = std::string(item.substr(5));
    else if (item.starts_with("filename="))
      p.filename = std::string(item.substr(9));
  }
  if (has_crlfnul(p.content_type) || has_crlfnul(p.name))
    fail(error::invalid_request, "form field " + p.name + ": CR, LF or NUL in name or type");
  return p;
}

struct form_source::impl {
  std::string boundary;
  std::vector<segment> segments;
  std::uint64_t total = 0;
  std::size_t at = 0;        // current segment
  std::uint64_t offset = 0;  // bytes of it given
  std::ifstream file;

  void add_text(std::string s) {
    total += s.size();
    if (!segments.empty() && segments.back().path.empty())
      segments.back().text += s;
    else
      segments.push_back({std::move(s), {}, 0});
  }
  void add_file(const std::string& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    std::ifstream probe(path, std::ios::binary);
    if (ec || !probe)
      throw std::system_error(ec ? ec : std::error_code(errno, std::generic_category()),
                              "cannot read form file " + path);
    total += size;
    segments.push_back({{}, path, size});
  }
};

form_source::form_source(std::vector<form_part> parts, std::string boundary)
    : impl_(std::make_unique<impl>()) {
  impl_->boundary = boundary.empty() ? random_boundary() : std::move(boundary);
  if (impl_->boundary.size() > 70 || has_crlfnul(impl_->boundary))
    fail(error::invalid_request, "bad multipart boundary");
  for (form_part& p : parts) {
    if (p.name.empty() || has_crlfnul(p.content_type))
      fail(error::invalid_request, "form field with an empty name or CR/LF/NUL in its type");
    std::string head =
        "--" + impl_->boundary + "\r\nContent-Disposition: form-data; name=" + form_quoted(p.name);
    if (p.filename) head += "; filename=" + form_quoted(*p.filename);
    std::string type = p.content_type;
    if (type.empty() && p.filename) type = mime::guess_content_type(*p.filename);
    if (!type.empty()) head += "\r\nContent-Type: " + type;
    impl_->add_text(head + "\r\n\r\n");
    if (!p.path.empty())
      impl_->add_file(p.path);
    else
      impl_->add_text(std::move(p.value));
    impl_->add_text("\r\n");
  }
  impl_->add_text("--" + impl_->boundary + "--\r\n");
}

form_source::~form_source() = default;

std::string form_source::content_type() const {
  return "multipart/form-data; boundary=" + impl_->boundary;
}

std::uint64_t form_source::size() const noexcept { return impl_->total; }

std::size_t form_source::read(std::span<char> buf) {
  impl& m = *impl_;
  std::size_t n = 0;
  while (n < buf.size() && m.at < m.segments.size()) {
    segment& s = m.segments[m.at];
    const std::uint64_t len = s.path.empty() ? s.text.size() : s.size;
    if (m.offset == len) {
      if (!s.path.empty()) {
        if (m.file.peek() != std::char_traits<char>::eof())
          fail(error::body_size_mismatch, "form file " + s.path + " grew while it was sent");
        m.file.close();
      }
      ++m.at;
      m.offset = 0;
      continue;
    }
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buf.size() - n, len - m.offset));
    if (s.path.empty()) {
      std::memcpy(buf.data() + n, s.text.data() + m.offset, want);
    } else {
      if (!m.file.is_open()) m.file.open(s.path, std::ios::binary);
      m.file.read(buf.data() + n, static_cast<std::streamsize>(want));
      if (static_cast<std::size_t>(m.file.gcount()) != want)
        fail(error::body_size_mismatch, "form file " + s.path + " shrank while it was sent");
    }
    n += want;
    m.offset += want;
  }
  return n;
}

}  // namespace inet::http
