// The lexer/state machine of the response parser: lines and literals in, generic values out,
// handed to interpret.cc for the typed form. Status responses and continuations are parsed
// here directly, since their resp-text is free text (RFC 3501 §9 "resp-text").
#include "protocols/imap/parser.hpp"

#include <optional>

namespace inet::imap {
namespace {

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string escape(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(ch);
    } else {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::optional<status_response::kind> status_kind(std::string_view word) {
  if (iequals(word, "OK")) return status_response::kind::ok;
  if (iequals(word, "NO")) return status_response::kind::no;
  if (iequals(word, "BAD")) return status_response::kind::bad;
  if (iequals(word, "BYE")) return status_response::kind::bye;
  if (iequals(word, "PREAUTH")) return status_response::kind::preauth;
  return std::nullopt;
}

// resp-text = ["[" resp-text-code "]" SP] text (RFC 3501 §9). A "[" without "]" is plain text.
void parse_resp_text(std::string_view text, status_response& r) {
  text = trim(text);
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close != std::string_view::npos) {
      std::string_view inner = trim(text.substr(1, close - 1));
      const std::size_t sp = inner.find(' ');
      response_code code;
      code.name = to_upper(inner.substr(0, sp));
      code.args = std::string(sp == std::string_view::npos ? std::string_view() : trim(inner.substr(sp + 1)));
      std::string tok;
      for (char c : code.args) {
        if (c == '(' || c == ')') continue;
        if (c == ' ') {
          if (!tok.empty()) code.tokens.push_back(std::move(tok));
          tok.clear();
        } else {
          tok.push_back(c);
        }
      }
      if (!tok.empty()) code.tokens.push_back(std::move(tok));
      r.code = std::move(code);
      text = trim(text.substr(close + 1));
    }
  }
  r.text = std::string(text);
}

}  // namespace

struct parser::impl {
  parser_limits lim;
  bool failed = false;
  bool active = false;       // inside a multi-line (literal-bearing) untagged response
  bool utf8 = false;
  bool stream_all = false;
  bool stream_body = true;
  std::vector<value> top;
  std::vector<std::vector<value>*> stack;
  std::uint64_t base = 0;    // response bytes before the current line
  std::uint64_t kept = 0;    // bytes kept in memory for this response
  std::size_t items = 0;
  std::string_view line;     // current line (for excerpts)
  literal_request lit;
  std::uint64_t remaining = 0;
  value* lit_target = nullptr;
  std::optional<response> ready;

  [[noreturn]] void fail(error e, const std::string& why, std::size_t pos) {
    failed = true;
    const std::size_t from = pos > 32 ? pos - 32 : 0;
    throw parse_error(e, why, base + pos, escape(line.substr(std::min(from, line.size()), 64)));
  }

  void reset_response() {
    active = false;
    top.clear();
    stack.clear();
    base = kept = 0;
    items = 0;
    remaining = 0;
    lit_target = nullptr;
  }

  status start(std::string_view l);
  status tokenize(std::size_t pos);
  std::size_t quoted(std::size_t pos, std::vector<value>& into);
  std::size_t atom(std::size_t pos, std::vector<value>& into);
  status literal(std::size_t pos);
  bool body_context() const;
  status finish();
  void add_kept(std::uint64_t n, std::size_t pos) {
    kept += n;
    if (kept > lim.max_response_bytes)
      fail(error::response_too_large, "response keeps more than " +
                                          std::to_string(lim.max_response_bytes) + " bytes", pos);
  }
};

parser::status parser::impl::start(std::string_view l) {
  if (l.empty()) return status::need_line;  // stray blank line: nothing to misread
  if (l[0] == '+') {
    std::string_view t = l.substr(1);
    if (!t.empty() && t[0] == ' ') t.remove_prefix(1);
    ready = continuation{std::string(t)};
    return status::response_ready;
  }
  if (l[0] == '*') {
    if (l.size() > 1 && l[1] != ' ') fail(error::malformed_response, "expected a space after \"*\"", 1);
    std::size_t p = 1;
    while (p < l.size() && l[p] == ' ') ++p;
    const std::size_t sp = l.find(' ', p);
    const std::string_view word = l.substr(p, sp == std::string_view::npos ? l.npos : sp - p);
    if (auto k = status_kind(word)) {
      status_response r;
      r.status = *k;
      parse_resp_text(sp == std::string_view::npos ? std::string_view() : l.substr(sp + 1), r);
      ready = std::move(r);
      return status::response_ready;
    }
    if (word.empty()) fail(error::malformed_response, "untagged response without a name", p);
    active = true;
    top.clear();
    stack.assign(1, &top);
    return tokenize(p);
  }
  const std::size_t sp = l.find(' ');
  if (sp == std::string_view::npos || sp == 0)
    fail(error::malformed_response, "expected \"tag SP status\"", 0);
  const std::string_view tag = l.substr(0, sp);
  for (std::size_t i = 0; i < tag.size(); ++i) {
    const auto c = static_cast<unsigned char>(tag[i]);
    if (c <= 0x20 || c >= 0x7F || c == '(' || c == ')' || c == '{' || c == '"' || c == '\\' ||
        c == '%' || c == '*' || c == '+')
      fail(error::malformed_response, "invalid character in tag", i);
  }
  std::size_t p = sp;
  while (p < l.size() && l[p] == ' ') ++p;
  const std::size_t sp2 = l.find(' ', p);
  const std::string_view word = l.substr(p, sp2 == std::string_view::npos ? l.npos : sp2 - p);
  const auto k = status_kind(word);
  if (!k || *k == status_response::kind::bye || *k == status_response::kind::preauth)
    fail(error::malformed_response, "tagged response is not OK, NO or BAD", p);
  status_response r;
  r.tag = std::string(tag);
  r.status = *k;
  parse_resp_text(sp2 == std::string_view::npos ? std::string_view() : l.substr(sp2 + 1), r);
  ready = std::move(r);
  return status::response_ready;
}

std::size_t parser::impl::quoted(std::size_t pos, std::vector<value>& into) {
  value v;
  v.type = value::kind::string;
  std::size_t i = pos + 1;
  for (;;) {
    // Copy the run up to the next quote or backslash in one go.
    std::size_t stop = i;
    while (stop < line.size() && line[stop] != '"' && line[stop] != '\\') ++stop;
    if (stop == line.size()) fail(error::malformed_response, "unterminated quoted string", pos);
    v.text.append(line.substr(i, stop - i));
    i = stop;
    if (line[i] == '"') break;
    if (++i >= line.size()) fail(error::malformed_response, "unterminated quoted string", pos);
    v.text.push_back(line[i++]);  // RFC: only \" and \\; others kept leniently
  }
  add_kept(v.text.size(), pos);
  into.push_back(std::move(v));
  return i + 1;
}

std::size_t parser::impl::atom(std::size_t pos, std::vector<value>& into) {
  std::size_t i = pos;
  while (i < line.size()) {
    const char c = line[i];
    if (c == ' ' || c == '(' || c == ')' || c == '"') break;
    if (c == '[') {  // section spec: "BODY[HEADER.FIELDS (TO CC)]<0>" is one atom
      int depth = 0;
      for (; i < line.size(); ++i) {
        if (line[i] == '[') ++depth;
        if (line[i] == ']' && --depth == 0) break;
      }
      if (i >= line.size()) fail(error::malformed_response, "unterminated \"[\" in atom", pos);
    }
    ++i;
  }
  value v;
  const std::string_view text = line.substr(pos, i - pos);
  if (iequals(text, "NIL")) {
    v.type = value::kind::nil;
  } else {
    v.type = value::kind::atom;
    v.text = std::string(text);
  }
  add_kept(text.size(), pos);
  into.push_back(std::move(v));
  return i;
}

bool parser::impl::body_context() const {
  if (stream_all) return true;
  if (!stream_body) return false;
  if (stack.size() != 2 || top.size() != 3) return false;
  if (!top[0].number() || !top[1].is_atom() || !iequals(top[1].text, "FETCH")) return false;
  const auto& items_ = *stack.back();
  if (items_.size() % 2 != 1 || !items_.back().is_atom()) return false;
  const std::string key = to_upper(items_.back().text);
  return key.rfind("BODY[", 0) == 0 || key.rfind("BINARY[", 0) == 0 ||
         key.rfind("BODY.PEEK[", 0) == 0 || key == "RFC822" || key == "RFC822.TEXT" ||
         key == "RFC822.HEADER";
}

parser::status parser::impl::literal(std::size_t pos) {
  literal_request r;
  std::size_t p = pos;
  if (line[p] == '~') {
    r.literal8 = true;
    ++p;
  }
  const std::size_t close = line.find('}', p);
  if (close == std::string_view::npos) fail(error::malformed_response, "unterminated literal size", pos);
  if (close + 1 != line.size())
    fail(error::malformed_response, "a literal announcement must end the line", close + 1);
  std::string_view digits = line.substr(p + 1, close - p - 1);
  if (!digits.empty() && digits.back() == '+') {
    r.non_synchronizing = true;
    digits.remove_suffix(1);
  }
  if (!is_digits(digits)) fail(error::malformed_response, "literal size is not a number", p + 1);
  std::uint64_t n = 0;
  for (char c : digits) {
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10)
      fail(error::literal_too_large, "literal size overflows 64 bits", p + 1);
    n = n * 10 + d;
  }
  r.size = n;
  r.streamed = body_context();
  auto& into = *stack.back();
  if (r.streamed) {
    if (n > lim.max_streamed_literal)
      fail(error::literal_too_large, "literal of " + std::to_string(n) + " bytes exceeds the limit of " +
                                         std::to_string(lim.max_streamed_literal), p + 1);
    if (stack.size() == 2 && !into.empty() && into.back().is_atom()) r.item = to_upper(into.back().text);
    if (top.size() == 3 && top[0].number()) r.seq = static_cast<std::uint32_t>(*top[0].number());
  } else {
    if (n > lim.max_collected_literal)
      fail(error::literal_too_large, "literal of " + std::to_string(n) + " bytes exceeds the limit of " +
                                         std::to_string(lim.max_collected_literal), p + 1);
    add_kept(n, p + 1);
  }
  if (++items > lim.max_items) fail(error::response_too_large, "too many items in one response", pos);
  value v;
  v.type = r.streamed ? value::kind::streamed : value::kind::string;
  v.size = n;
  v.literal = true;
  into.push_back(std::move(v));
  lit_target = &into.back();
  lit = std::move(r);
  remaining = n;
  base += line.size() + 2;
  line = {};
  return remaining ? status::need_literal : status::need_line;
}

parser::status parser::impl::tokenize(std::size_t pos) {
  while (pos < line.size()) {
    const char c = line[pos];
    if (c == ' ') {
      ++pos;
      continue;
    }
    auto& into = *stack.back();
    if (c == '(') {
      if (stack.size() > lim.max_depth)
        fail(error::nesting_too_deep, "lists nested deeper than " + std::to_string(lim.max_depth), pos);
      value v;
      v.type = value::kind::list;
      into.push_back(std::move(v));
      stack.push_back(&into.back().items);
      ++pos;
    } else if (c == ')') {
      if (stack.size() == 1) fail(error::malformed_response, "unbalanced \")\"", pos);
      stack.pop_back();
      ++pos;
    } else if (c == '"') {
      pos = quoted(pos, into);
    } else if (c == '{' || (c == '~' && pos + 1 < line.size() && line[pos + 1] == '{')) {
      return literal(pos);
    } else {
      pos = atom(pos, into);
    }
    if (++items > lim.max_items) fail(error::response_too_large, "too many items in one response", pos);
  }
  if (stack.size() != 1) fail(error::malformed_response, "unterminated list at end of response", line.size());
  return finish();
}

parser::status parser::impl::finish() {
  try {
    ready = interpret_untagged(top, utf8);
  } catch (const parse_error&) {
    throw;
  } catch (const std::system_error& e) {
    fail(error::malformed_response, e.what(), line.size());
  }
  reset_response();
  return status::response_ready;
}

parser::parser(parser_limits limits) : impl_(std::make_unique<impl>()) { impl_->lim = limits; }
parser::~parser() = default;
parser::parser(parser&&) noexcept = default;
parser& parser::operator=(parser&&) noexcept = default;

parser::status parser::feed_line(std::string_view l) {
  impl& s = *impl_;
  if (s.failed)
    throw std::system_error(make_error_code(error::connection_untrusted),
                            "the IMAP response stream was malformed earlier");
  if (s.remaining)
    s.fail(error::malformed_response, "a line was fed while literal bytes are expected", 0);
  if (s.ready) s.ready.reset();
  s.line = l;
  if (!s.active) {
    s.base = 0;
    return s.start(l);
  }
  return s.tokenize(0);
}

parser::status parser::feed_literal(std::string_view chunk) {
  impl& s = *impl_;
  if (s.failed)
    throw std::system_error(make_error_code(error::connection_untrusted),
                            "the IMAP response stream was malformed earlier");
  if (chunk.size() > s.remaining)
    s.fail(error::malformed_response, "more literal bytes fed than announced", 0);
  if (!s.lit.streamed && s.lit_target) s.lit_target->text.append(chunk);
  s.remaining -= chunk.size();
  s.base += chunk.size();
  return s.remaining ? status::need_literal : status::need_line;
}

const parser::literal_request& parser::pending_literal() const noexcept { return impl_->lit; }
std::uint64_t parser::literal_remaining() const noexcept { return impl_->remaining; }

response parser::take_response() {
  if (!impl_->ready)
    throw std::system_error(make_error_code(error::malformed_response), "no response is ready");
  response r = std::move(*impl_->ready);
  impl_->ready.reset();
  return r;
}

void parser::set_utf8_mailboxes(bool on) noexcept { impl_->utf8 = on; }
void parser::set_stream_all_literals(bool on) noexcept { impl_->stream_all = on; }
void parser::set_stream_body_literals(bool on) noexcept { impl_->stream_body = on; }
void parser::set_max_streamed_literal(std::uint64_t bytes) noexcept {
  impl_->lim.max_streamed_literal = bytes;
}
const parser_limits& parser::limits() const noexcept { return impl_->lim; }
bool parser::failed() const noexcept { return impl_->failed; }
bool parser::in_response() const noexcept { return impl_->active; }

response parse_response(std::string_view wire, parser_limits limits) {
  parser p(limits);
  p.set_stream_body_literals(false);
  std::size_t pos = 0;
  for (;;) {
    const std::size_t lf = wire.find('\n', pos);
    if (lf == std::string_view::npos)
      throw std::system_error(make_error_code(error::malformed_response), "response does not end in CRLF");
    std::string_view l = wire.substr(pos, lf - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    pos = lf + 1;
    auto st = p.feed_line(l);
    while (st == parser::status::need_literal) {
      const std::uint64_t n = p.literal_remaining();
      if (wire.size() - pos < n)
        throw std::system_error(make_error_code(error::malformed_response), "literal truncated");
      st = p.feed_literal(wire.substr(pos, static_cast<std::size_t>(n)));
      pos += static_cast<std::size_t>(n);
    }
    if (st == parser::status::response_ready) {
      if (pos != wire.size())
        throw std::system_error(make_error_code(error::malformed_response),
                                "bytes after the end of the response");
      return p.take_response();
    }
    if (pos >= wire.size())
      throw std::system_error(make_error_code(error::malformed_response), "response is incomplete");
  }
}

}  // namespace inet::imap
