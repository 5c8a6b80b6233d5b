#include "protocols/imap/command.hpp"

#include <stdexcept>
#include <system_error>

#include "protocols/imap/mutf7.hpp"
#include "base/error.hpp"

namespace inet::imap {
namespace {

constexpr std::size_t max_quoted = 1000;
constexpr std::uint64_t literal_minus_max = 4096;  // RFC 7888 §4

[[noreturn]] void refuse(const std::string& why) {
  throw std::system_error(transport::make_error_code(transport::error::invalid_argument), why);
}

bool has_8bit(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

}  // namespace

bool is_atom_char(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  if (c <= 0x20 || c >= 0x7F) return false;
  switch (c) {
    case '(': case ')': case '{': case '%': case '*': case '"': case '\\': case ']':
      return false;
    default:
      return true;
  }
}

command_builder::command_builder(std::string_view tag, std::string_view verb, encoding_options enc)
    : enc_(enc) {
  for (char c : tag)
    if (!is_atom_char(c) || c == '+') refuse("invalid IMAP tag");
  if (tag.empty()) refuse("empty IMAP tag");
  cur_ = std::string(tag);
  trace_ = cur_;
  need_space_ = true;
  atom(verb);
}

void command_builder::space() {
  if (need_space_) {
    cur_.push_back(' ');
    if (!redacted_) trace_.push_back(' ');
  }
  need_space_ = true;
}

command_builder& command_builder::atom(std::string_view a) {
  if (a.empty()) refuse("empty IMAP atom");
  for (char ch : a) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || c == '(' || c == ')' || c == '{' || c == '"')
      refuse("invalid character in IMAP atom");
  }
  space();
  cur_ += a;
  if (!redacted_) trace_ += a;
  return *this;
}

command_builder& command_builder::raw(std::string_view s) {
  if (s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    refuse("CR, LF or NUL in IMAP command syntax");
  space();
  cur_ += s;
  if (!redacted_) trace_ += s;
  return *this;
}

command_builder& command_builder::number(std::uint64_t n) { return raw(std::to_string(n)); }
command_builder& command_builder::set(const sequence_set& s) { return raw(s.to_string()); }

void command_builder::literal(std::string_view data) {
  const bool sync = !(enc_.literal_plus || (enc_.literal_minus && data.size() <= literal_minus_max));
  const std::string ann = "{" + std::to_string(data.size()) + (sync ? "}" : "+}");
  cur_ += ann;
  if (!redacted_) trace_ += ann + "<" + std::to_string(data.size()) + " bytes>";
  out_.lines.push_back(std::move(cur_));
  cur_.clear();
  out_.literals.push_back({std::string(data), data.size(), sync, false});
}

command_builder& command_builder::string(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) refuse("NUL in an IMAP string");
  space();
  const bool needs_literal = s.find_first_of("\r\n") != std::string_view::npos ||
                             (!enc_.utf8_accept && has_8bit(s)) || s.size() > max_quoted;
  if (needs_literal) {
    literal(s);
    return *this;
  }
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q.push_back('\\');
    q.push_back(c);
  }
  q.push_back('"');
  cur_ += q;
  if (!redacted_) trace_ += q;
  return *this;
}

command_builder& command_builder::astring(std::string_view s) {
  bool plain = !s.empty();
  for (char c : s)
    if (!is_atom_char(c) && c != ']') plain = false;
  if (!plain) return string(s);
  space();
  cur_ += s;
  if (!redacted_) trace_ += s;
  return *this;
}

command_builder& command_builder::mailbox(std::string_view utf8) {
  if (iequals(utf8, "INBOX")) return astring("INBOX");
  auto encoded = mutf7_encode(utf8);
  if (!encoded) refuse("mailbox name is not valid UTF-8 or contains CR, LF or NUL");
  return astring(enc_.utf8_accept ? utf8 : std::string_view(*encoded));
}

command_builder& command_builder::external_literal(std::uint64_t size, bool literal8) {
  space();
  const bool sync = !(enc_.literal_plus || (enc_.literal_minus && size <= literal_minus_max));
  const std::string ann = std::string(literal8 ? "~{" : "{") + std::to_string(size) + (sync ? "}" : "+}");
  cur_ += ann;
  if (!redacted_) trace_ += ann;
  out_.lines.push_back(std::move(cur_));
  cur_.clear();
  out_.literals.push_back({std::string(), size, sync, true});
  return *this;
}

command_builder& command_builder::open() {
  space();
  cur_.push_back('(');
  if (!redacted_) trace_.push_back('(');
  need_space_ = false;
  return *this;
}

command_builder& command_builder::close() {
  cur_.push_back(')');
  if (!redacted_) trace_.push_back(')');
  need_space_ = true;
  return *this;
}

command_builder& command_builder::redact(std::string_view shown) {
  if (!redacted_) {
    trace_.push_back(' ');
    trace_ += shown;
  }
  redacted_ = true;
  return *this;
}

wire_command command_builder::build() {
  out_.lines.push_back(std::move(cur_));
  out_.trace = std::move(trace_);
  return std::move(out_);
}

// ---- SEARCH ----

std::string date::to_string() const {
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1 || year > 9999)
    throw std::invalid_argument("date out of range");
  return std::to_string(day) + "-" + months[month - 1] + "-" + std::to_string(year);
}

search_key search_key::word(std::string_view w) {
  search_key k;
  k.tokens_.push_back({false, std::string(w)});
  return k;
}

search_key search_key::with_string(std::string_view w, std::string_view s) {
  if (s.find('\0') != std::string_view::npos) refuse("NUL in a SEARCH string");
  search_key k = word(w);
  k.tokens_.push_back({true, std::string(s)});
  return k;
}

search_key search_key::all() { return word("ALL"); }
search_key search_key::answered() { return word("ANSWERED"); }
search_key search_key::deleted() { return word("DELETED"); }
search_key search_key::draft() { return word("DRAFT"); }
search_key search_key::flagged() { return word("FLAGGED"); }
search_key search_key::seen() { return word("SEEN"); }
search_key search_key::unanswered() { return word("UNANSWERED"); }
search_key search_key::undeleted() { return word("UNDELETED"); }
search_key search_key::undraft() { return word("UNDRAFT"); }
search_key search_key::unflagged() { return word("UNFLAGGED"); }
search_key search_key::unseen() { return word("UNSEEN"); }
search_key search_key::recent() { return word("RECENT"); }
search_key search_key::new_messages() { return word("NEW"); }
search_key search_key::old() { return word("OLD"); }

search_key search_key::keyword(std::string_view flag) {
  for (char c : flag)
    if (!is_atom_char(c)) refuse("KEYWORD must be an atom");
  if (flag.empty()) refuse("empty KEYWORD");
  search_key k = word("KEYWORD");
  k.tokens_.push_back({false, std::string(flag)});
  return k;
}
search_key search_key::unkeyword(std::string_view flag) {
  search_key k = keyword(flag);
  k.tokens_[0].text = "UNKEYWORD";
  return k;
}
search_key search_key::from(std::string_view s) { return with_string("FROM", s); }
search_key search_key::to(std::string_view s) { return with_string("TO", s); }
search_key search_key::cc(std::string_view s) { return with_string("CC", s); }
search_key search_key::bcc(std::string_view s) { return with_string("BCC", s); }
search_key search_key::subject(std::string_view s) { return with_string("SUBJECT", s); }
search_key search_key::body(std::string_view s) { return with_string("BODY", s); }
search_key search_key::text(std::string_view s) { return with_string("TEXT", s); }
search_key search_key::header(std::string_view field, std::string_view s) {
  search_key k = with_string("HEADER", field);
  if (s.find('\0') != std::string_view::npos) refuse("NUL in a SEARCH string");
  k.tokens_.push_back({true, std::string(s)});
  return k;
}
search_key search_key::before(date d) { return word("BEFORE " + d.to_string()); }
search_key search_key::on(date d) { return word("ON " + d.to_string()); }
search_key search_key::since(date d) { return word("SINCE " + d.to_string()); }
search_key search_key::sent_before(date d) { return word("SENTBEFORE " + d.to_string()); }
search_key search_key::sent_on(date d) { return word("SENTON " + d.to_string()); }
search_key search_key::sent_since(date d) { return word("SENTSINCE " + d.to_string()); }
search_key search_key::larger(std::uint64_t n) { return word("LARGER " + std::to_string(n)); }
search_key search_key::smaller(std::uint64_t n) { return word("SMALLER " + std::to_string(n)); }
search_key search_key::uid(const sequence_set& s) { return word("UID " + s.to_string()); }
search_key search_key::seq(const sequence_set& s) { return word(s.to_string()); }
search_key search_key::modseq(std::uint64_t m) { return word("MODSEQ " + std::to_string(m)); }

bool search_key::is_single() const noexcept { return keys_ == 1; }

search_key operator&&(search_key a, search_key b) {
  a.tokens_.insert(a.tokens_.end(), b.tokens_.begin(), b.tokens_.end());
  a.keys_ += b.keys_;
  return a;
}

search_key operator||(search_key a, search_key b) {
  search_key k = search_key::word("OR");
  for (search_key* x : {&a, &b}) {
    if (!x->is_single()) k.tokens_.push_back({false, "("});
    k.tokens_.insert(k.tokens_.end(), x->tokens_.begin(), x->tokens_.end());
    if (!x->is_single()) k.tokens_.push_back({false, ")"});
  }
  return k;
}

search_key operator!(search_key a) {
  search_key k = search_key::word("NOT");
  if (!a.is_single()) k.tokens_.push_back({false, "("});
  k.tokens_.insert(k.tokens_.end(), a.tokens_.begin(), a.tokens_.end());
  if (!a.is_single()) k.tokens_.push_back({false, ")"});
  return k;
}

bool search_key::needs_utf8() const noexcept {
  for (const auto& t : tokens_)
    if (t.is_string && has_8bit(t.text)) return true;
  return false;
}

void search_key::append_to(command_builder& b) const {
  for (const auto& t : tokens_) {
    if (t.is_string) b.astring(t.text);
    else if (t.text == "(") b.open();
    else if (t.text == ")") b.close();
    else b.raw(t.text);
  }
}

std::string search_key::to_string() const {
  command_builder b("t", "SEARCH", encoding_options{true, false, true});
  append_to(b);
  std::string out;
  wire_command w = b.build();
  for (std::size_t i = 0; i < w.lines.size(); ++i) {
    out += w.lines[i];
    if (i < w.literals.size()) out += "\r\n" + w.literals[i].data;
  }
  return out.substr(std::string_view("t SEARCH ").size());
}

}  // namespace inet::imap
