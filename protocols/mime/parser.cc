// The streaming MIME reader (see parser.hpp). Lines are processed as they complete; a body
// line longer than max_delimiter_line cannot be a boundary delimiter and streams through
// without being buffered. The line end before a delimiter belongs to the delimiter (RFC 2046
// §5.1.1), so each body line's end is held back until the next line is known.
#include "protocols/mime/parser.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <system_error>

#include "protocols/mime/decode.hpp"
#include "protocols/mime/error.hpp"

namespace inet::mime {
namespace {

/// No delimiter line ("--" boundary(<=70) "--" transport padding) is longer than this.
constexpr std::size_t max_delimiter_line = 998;
constexpr std::size_t max_boundary = 200;
constexpr std::size_t feed_slice = 64 * 1024;

enum class state { headers, leaf, open_multipart, epilogue, encapsulated };
enum class encoding { identity, base64, qp };

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return r;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_wsp(s.front()) || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (is_wsp(s.back()) || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// "name" of a field line "name: ...", or nullopt (RFC 5322 §2.2; obsolete WSP before ':').
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

// True if `line` is "--boundary" or "--boundary--" followed only by whitespace.
bool is_delimiter(std::string_view line, std::string_view boundary, bool& close) {
  if (line.size() < boundary.size() + 2 || line.substr(2, boundary.size()) != boundary)
    return false;
  std::string_view rest = line.substr(boundary.size() + 2);
  close = rest.substr(0, 2) == "--";
  if (close) rest.remove_prefix(2);
  return std::all_of(rest.begin(), rest.end(), is_wsp);
}

struct frame {
  part p;
  state st = state::headers;
  std::string boundary;
  std::size_t children = 0;
  bool digest_child = false;  // default Content-Type message/rfc822 (RFC 2046 §5.1.5)
  encoding enc = encoding::identity;
  detail::base64_decoder b64;
  detail::qp_decoder qp;
  std::unique_ptr<detail::utf8_converter> conv;
};

}  // namespace

struct parser::impl {
  parser_callbacks cb;
  parser_options o;
  std::vector<std::unique_ptr<frame>> stack;
  std::string buf;          // the current incomplete line (plus an unprocessed slice)
  std::string pending_eol;  // line end of the last body line, held back
  std::size_t scanned = 0;  // buf[0, scanned) holds no LF (no rescans when fed byte by byte)
  bool at_line_start = true;
  bool finished = false;
  std::size_t parts = 0;
  std::vector<parse_problem> problems;
  std::string out, tmp;

  frame& top() { return *stack.back(); }

  void report(error e, const frame& f) {
    if (problems.size() < 1000) problems.push_back({make_error_code(e), f.p.path_string()});
  }

  void push(std::vector<std::size_t> path, bool digest_child) {
    if (++parts > o.limits.max_parts) throw std::system_error(error::too_many_parts);
    auto f = std::make_unique<frame>();
    f->p.depth = path.size();
    f->p.path = std::move(path);
    f->digest_child = digest_child;
    stack.push_back(std::move(f));
  }

  void deliver(frame& f) {
    if (f.conv) {
      tmp.clear();
      f.conv->feed(out, tmp);
      out.swap(tmp);
    }
    if (!out.empty() && cb.on_data) cb.on_data(f.p, out);
  }

  void emit(std::string_view data) {
    frame& f = top();
    if (f.st != state::leaf || data.empty()) return;
    out.clear();
    switch (f.enc) {
      case encoding::identity: out.assign(data); break;
      case encoding::base64: f.b64.feed(data, out); break;
      case encoding::qp: f.qp.feed(data, out); break;
    }
    deliver(f);
  }

  void finish_leaf(frame& f) {
    out.clear();
    if (f.enc == encoding::base64) f.b64.finish(out);
    if (f.enc == encoding::qp) f.qp.finish(out);
    deliver(f);
    if (f.conv) {
      out.clear();
      f.conv->finish(out);
      if (!out.empty() && cb.on_data) cb.on_data(f.p, out);
    }
    if (f.b64.bad() || f.qp.bad() || (f.conv && f.conv->bad())) report(error::bad_encoding, f);
  }

  void unfold(frame& f) {
    for (auto& field : f.p.headers.fields) {
      std::string_view raw = field.raw;
      raw.remove_prefix(raw.find(':') + 1);
      std::string v;
      for (char c : raw)
        if (c != '\r' && c != '\n') v += c;
      field.value = std::string(trim(v));
    }
  }

  void classify(frame& f) {
    const header_field* ct = f.p.headers.find("Content-Type");
    if (ct) f.p.type = parse_parameterized(ct->value);
    const std::string& t = f.p.type.value;
    const std::size_t slash = t.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == t.size()) {
      f.p.type = parse_parameterized(f.digest_child ? "message/rfc822"
                                                    : "text/plain; charset=us-ascii");
    }
    f.p.content_type = f.p.type.value;
    const header_field* cte = f.p.headers.find("Content-Transfer-Encoding");
    f.p.transfer_encoding = cte ? lower(trim(cte->value)) : "7bit";
    if (const header_field* cd = f.p.headers.find("Content-Disposition"))
      f.p.disposition = parse_parameterized(cd->value);
    f.p.filename = f.p.disposition.param("filename");
    if (f.p.filename.empty()) f.p.filename = f.p.type.param("name");
  }

  bool identity_encoding(const frame& f) const {
    const auto& e = f.p.transfer_encoding;
    return e == "7bit" || e == "8bit" || e == "binary";
  }

  // The header section of the top frame is complete: classify, call on_part_begin, and set
  // up what follows (children, an encapsulated message, or leaf data).
  void end_headers(bool allow_children) {
    frame& f = top();
    unfold(f);
    classify(f);
    const std::string& t = f.p.content_type;
    const bool deep = f.p.depth >= o.limits.max_depth;
    f.st = state::leaf;
    if (allow_children && t.rfind("multipart/", 0) == 0) {
      f.boundary = f.p.type.param("boundary");
      if (f.boundary.empty() || f.boundary.size() > max_boundary) {
        report(error::missing_boundary, f);
      } else if (deep) {
        report(error::depth_exceeded, f);
      } else {
        f.st = state::open_multipart;
        f.p.is_multipart = true;
      }
    } else if (allow_children && (t == "message/rfc822" || t == "message/global") &&
               identity_encoding(f)) {
      if (deep) {
        report(error::depth_exceeded, f);
      } else {
        f.st = state::encapsulated;
        f.p.is_message = true;
      }
    }
    if (f.st != state::open_multipart) f.boundary.clear();
    if (f.st == state::leaf) setup_leaf(f);
    pending_eol.clear();
    if (cb.on_part_begin) cb.on_part_begin(f.p);
    if (f.st == state::encapsulated) {
      auto path = f.p.path;
      path.push_back(1);
      push(std::move(path), false);
    }
  }

  void setup_leaf(frame& f) {
    const auto& e = f.p.transfer_encoding;
    f.enc = e == "base64" ? encoding::base64
            : e == "quoted-printable" ? encoding::qp
                                      : encoding::identity;
    const std::string cs = f.p.type.param("charset");
    if (o.text_to_utf8 && f.p.content_type.rfind("text/", 0) == 0 && !detail::is_utf8_label(cs)) {
      f.conv = std::make_unique<detail::utf8_converter>(cs);
      if (!f.conv->ok()) {
        report(error::unknown_charset, f);
        f.conv.reset();
      }
    }
  }

  void pop() {
    frame& f = top();
    if (f.st == state::headers) end_headers(false);
    if (f.st == state::leaf) finish_leaf(f);
    if (f.p.is_multipart && f.st != state::epilogue) report(error::unterminated_multipart, f);
    if (cb.on_part_end) cb.on_part_end(f.p);
    stack.pop_back();
  }

  void on_boundary(std::size_t k, bool close) {
    while (stack.size() > k + 1) pop();
    frame& f = top();
    pending_eol.clear();
    if (close) {
      f.st = state::epilogue;
      return;
    }
    auto path = f.p.path;
    path.push_back(++f.children);
    push(std::move(path), f.p.content_type == "multipart/digest");
  }

  void header_line(std::string_view line, std::string_view eol) {
    frame& f = top();
    auto& h = f.p.headers;
    h.size_bytes += line.size() + eol.size();
    if (h.size_bytes > o.limits.max_header_bytes) throw std::system_error(error::header_too_large);
    if (line.empty()) return end_headers(true);
    if (is_wsp(line[0])) {
      if (h.fields.empty()) return report(error::malformed_header, f);
      h.fields.back().raw.append(line).append(eol);
      return;
    }
    const auto name = field_name(line);
    if (!name) {
      if (!(f.p.depth == 0 && h.fields.empty() && line.rfind("From ", 0) == 0))
        report(error::malformed_header, f);  // an mbox "From " line is skipped silently
      return;
    }
    if (h.fields.size() >= o.limits.max_header_fields)
      throw std::system_error(error::header_too_large);
    header_field field;
    field.name = *name;
    field.raw.assign(line).append(eol);
    h.fields.push_back(std::move(field));
  }

  void on_line(std::string_view line, std::string_view eol) {
    if (line.size() >= 2 && line[0] == '-' && line[1] == '-') {
      for (std::size_t k = stack.size(); k-- > 0;) {
        const frame& f = *stack[k];
        bool close = false;
        if (f.st != state::epilogue && !f.boundary.empty() && is_delimiter(line, f.boundary, close))
          return on_boundary(k, close);
      }
    }
    switch (top().st) {
      case state::headers: return header_line(line, eol);
      case state::leaf:
        emit(pending_eol);
        emit(line);
        pending_eol.assign(eol);
        return;
      default: return;  // preamble, epilogue
    }
  }

  void process() {
    std::size_t pos = 0;
    for (;;) {
      const std::size_t nl = buf.find('\n', std::max(pos, scanned));
      if (nl == std::string::npos) break;
      std::string_view line(buf.data() + pos, nl - pos);
      std::string_view eol = "\n";
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
        eol = "\r\n";
      }
      if (at_line_start) {
        on_line(line, eol);
      } else {
        emit(line);
        pending_eol.assign(eol);
        at_line_start = true;
      }
      pos = nl + 1;
    }
    buf.erase(0, pos);
    if (top().st == state::headers) {
      if (buf.size() > o.limits.max_line_bytes) throw std::system_error(error::header_too_large);
    } else if (buf.size() > max_delimiter_line) {
      // Too long for a delimiter: body data up to a CR that may start the line end.
      const std::size_t n = buf.size() - (buf.back() == '\r' ? 1 : 0);
      if (at_line_start) emit(pending_eol);
      pending_eol.clear();
      emit(std::string_view(buf).substr(0, n));
      buf.erase(0, n);
      at_line_start = false;
    }
    scanned = buf.size();
  }
};

parser::parser(parser_callbacks cb, parser_options opts) : impl_(std::make_unique<impl>()) {
  impl_->cb = std::move(cb);
  impl_->o = opts;
  impl_->push({}, false);
}

parser::~parser() = default;

void parser::feed(std::string_view data) {
  auto& m = *impl_;
  if (m.finished) return;
  try {
    while (!data.empty()) {
      const std::size_t n = std::min(data.size(), feed_slice);
      m.buf.append(data.substr(0, n));
      data.remove_prefix(n);
      m.process();
    }
  } catch (...) {
    m.finished = true;  // a limit or a callback threw: the parser is done
    throw;
  }
}

void parser::finish() {
  auto& m = *impl_;
  if (m.finished) return;
  m.finished = true;
  m.scanned = 0;
  if (!m.buf.empty()) {
    std::string last;
    last.swap(m.buf);
    if (m.at_line_start) {
      m.on_line(last, "");
    } else {
      m.emit(last);
    }
  }
  if (m.top().st == state::leaf) m.emit(m.pending_eol);
  if (m.top().st == state::headers) m.report(error::truncated_header, m.top());
  while (!m.stack.empty()) m.pop();
}

const std::vector<parse_problem>& parser::problems() const { return impl_->problems; }

std::size_t parser::buffered() const { return impl_->buf.size(); }

}  // namespace inet::mime
