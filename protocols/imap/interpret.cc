// Generic values -> typed untagged responses (RFC 3501 §7.2-7.4, RFC 9051 §7, and the
// extensions named in types.hpp). Lenient about NIL and missing optional fields; strict about
// the numbers and shapes that decide what the client does next.
#include <algorithm>
#include <system_error>

#include "protocols/imap/mutf7.hpp"
#include "protocols/imap/parser.hpp"

namespace inet::imap {
namespace {

[[noreturn]] void bad(const std::string& why) {
  throw std::system_error(make_error_code(error::malformed_response), why);
}

std::uint64_t num(const value& v, const char* what) {
  auto n = v.number();
  if (!n) bad(std::string(what) + " is not a number: " + v.to_string().substr(0, 40));
  return *n;
}

std::uint32_t num32(const value& v, const char* what) {
  const std::uint64_t n = num(v, what);
  if (n > UINT32_MAX) bad(std::string(what) + " exceeds 32 bits");
  return static_cast<std::uint32_t>(n);
}

// nstring / astring contents: NIL, lists and streamed literals read as "".
std::string text(const value& v) {
  return v.is_atom() || v.is_string() ? v.text : std::string();
}

const value* at(const std::vector<value>& v, std::size_t i) { return i < v.size() ? &v[i] : nullptr; }

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string mailbox_name(const value& v, bool utf8) {
  std::string raw = text(v);
  if (utf8) return raw;
  auto decoded = mutf7_decode(raw);
  return decoded ? *decoded : raw;
}

std::optional<char> delimiter(const value& v) {
  if (!v.is_string() && !v.is_atom()) return std::nullopt;
  if (v.text.empty()) return std::nullopt;
  return v.text[0];
}

std::vector<std::string> strings_of(const value& v) {
  std::vector<std::string> out;
  if (v.is_list()) {
    for (const auto& i : v.items)
      if (i.is_atom() || i.is_string()) out.push_back(i.text);
  } else if (v.is_atom() || v.is_string()) {
    out.push_back(v.text);
  }
  return out;
}

// body-fld-param: ("name" "value" ...) or NIL. mail.ru sends ("boundary" NIL): value "".
std::vector<std::pair<std::string, std::string>> params_of(const value* v) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!v || !v->is_list()) return out;
  for (std::size_t i = 0; i + 1 < v->items.size(); i += 2)
    out.emplace_back(lower(text(v->items[i])), text(v->items[i + 1]));
  return out;
}

std::vector<address> addresses(const value* v) {
  std::vector<address> out;
  if (!v || !v->is_list()) return out;
  for (const auto& a : v->items) {
    if (!a.is_list()) continue;
    address x;
    if (auto p = at(a.items, 0)) x.name = text(*p);
    if (auto p = at(a.items, 1)) x.adl = text(*p);
    if (auto p = at(a.items, 2)) x.mailbox = text(*p);
    if (auto p = at(a.items, 3)) x.host = text(*p);
    out.push_back(std::move(x));
  }
  return out;
}

envelope parse_envelope(const value& v) {
  envelope e;
  if (!v.is_list()) return e;  // Exchange has been seen sending NIL here
  const auto& f = v.items;
  if (auto p = at(f, 0)) e.date = text(*p);
  if (auto p = at(f, 1)) e.subject = text(*p);
  e.from = addresses(at(f, 2));
  e.sender = addresses(at(f, 3));
  e.reply_to = addresses(at(f, 4));
  e.to = addresses(at(f, 5));
  e.cc = addresses(at(f, 6));
  e.bcc = addresses(at(f, 7));
  if (auto p = at(f, 8)) e.in_reply_to = text(*p);
  if (auto p = at(f, 9)) e.message_id = text(*p);
  return e;
}

// body-ext-1part / body-ext-mpart after the fixed fields, from index i.
void extensions(const std::vector<value>& f, std::size_t i, body_structure& b) {
  if (const value* d = at(f, i)) {
    if (d->is_list() && !d->items.empty()) {
      b.disposition = lower(text(d->items[0]));
      b.disposition_params = params_of(at(d->items, 1));
    } else if (d->is_string() || d->is_atom()) {
      b.disposition = lower(d->text);  // a bare string instead of a list (seen from Exchange)
    }
  }
  if (const value* l = at(f, i + 1)) b.language = strings_of(*l);
  if (const value* l = at(f, i + 2)) b.location = text(*l);
}

std::uint64_t lenient_num(const value* v) {
  if (!v) return 0;
  auto n = v->number();
  return n ? *n : 0;  // NIL or garbage in a size field: unknown size
}

body_structure parse_body(const value& v);

body_structure parse_multipart(const std::vector<value>& f) {
  body_structure b;
  b.type = "multipart";
  std::size_t i = 0;
  for (; i < f.size() && f[i].is_list(); ++i) b.parts.push_back(parse_body(f[i]));
  if (i < f.size()) b.subtype = lower(text(f[i++]));
  b.params = params_of(at(f, i));
  extensions(f, i + 1, b);
  return b;
}

body_structure parse_body(const value& v) {
  body_structure b;
  if (!v.is_list() || v.items.empty()) return b;  // "()" parts (seen from broken servers)
  const auto& f = v.items;
  if (f[0].is_list()) return parse_multipart(f);
  b.type = lower(text(f[0]));
  if (auto p = at(f, 1)) b.subtype = lower(text(*p));
  b.params = params_of(at(f, 2));
  if (auto p = at(f, 3)) b.id = text(*p);
  if (auto p = at(f, 4)) b.description = text(*p);
  if (auto p = at(f, 5)) b.encoding = to_upper(text(*p));
  b.size = lenient_num(at(f, 6));
  std::size_t ext = 7;
  if (b.type == "message" && (b.subtype == "rfc822" || b.subtype == "global") && at(f, 7) &&
      at(f, 8) && at(f, 8)->is_list()) {
    b.message_envelope = parse_envelope(f[7]);
    b.parts.push_back(parse_body(f[8]));
    b.lines = lenient_num(at(f, 9));
    ext = 10;
  } else if (b.type == "text") {
    b.lines = lenient_num(at(f, 7));
    ext = 8;
  }
  if (auto p = at(f, ext)) b.md5 = text(*p);
  extensions(f, ext + 1, b);
  return b;
}

std::string join(const std::string& path, std::size_t n) {
  return path.empty() ? std::to_string(n) : path + "." + std::to_string(n);
}

void assign_sections(body_structure& b, const std::string& path) {
  b.section = path;
  if (b.is_multipart()) {
    for (std::size_t i = 0; i < b.parts.size(); ++i) assign_sections(b.parts[i], join(path, i + 1));
  } else if (!b.parts.empty()) {  // message/rfc822: the encapsulated body
    auto& inner = b.parts.front();
    assign_sections(inner, inner.is_multipart() ? path : join(path, 1));
  }
}

void add_section(fetch_data& d, const std::string& key, const value& v) {
  section_data s;
  s.item = key;
  const std::size_t open = key.find('[');
  s.kind = key.substr(0, open);
  if (s.kind == "BODY.PEEK") s.kind = "BODY";
  if (open != std::string::npos) {
    const std::size_t close = key.rfind(']');
    s.section = key.substr(open + 1, close - open - 1);
    const std::size_t lt = key.find('<', close);
    if (lt != std::string::npos) {
      auto o = value{value::kind::atom, key.substr(lt + 1, key.size() - lt - 2), {}, 0, false}.number();
      if (!o || key.back() != '>') bad("bad <origin> in " + key);
      s.origin = *o;
    }
  }
  s.nil = v.is_nil();
  s.streamed = v.type == value::kind::streamed;
  if (s.streamed) {
    s.size = v.size;
  } else if (!s.nil) {
    s.data = text(v);
    s.size = s.data.size();
  }
  d.sections.push_back(std::move(s));
}

void fetch_item(fetch_data& d, const std::string& key, const value& v) {
  if (key == "FLAGS") {
    d.flags = strings_of(v);
  } else if (key == "UID") {
    d.uid = num32(v, "UID");
  } else if (key == "INTERNALDATE") {
    d.internal_date = text(v);
  } else if (key == "RFC822.SIZE") {
    if (!v.is_nil()) d.rfc822_size = num(v, "RFC822.SIZE");
  } else if (key == "MODSEQ") {
    const value* m = v.is_list() ? at(v.items, 0) : &v;
    if (m) d.modseq = num(*m, "MODSEQ");
  } else if (key == "ENVELOPE") {
    d.envelope = parse_envelope(v);
  } else if (key == "BODYSTRUCTURE" || key == "BODY") {
    body_structure b = parse_body(v);
    assign_sections(b, b.is_multipart() ? std::string() : std::string("1"));
    d.body = std::move(b);
  } else if (key.rfind("BINARY.SIZE[", 0) == 0) {
    const std::size_t close = key.rfind(']');
    d.binary_sizes[key.substr(12, close == std::string::npos ? 0 : close - 12)] = num(v, key.c_str());
  } else if (key.rfind("BODY[", 0) == 0 || key.rfind("BINARY[", 0) == 0 ||
             key.rfind("BODY.PEEK[", 0) == 0 || key == "RFC822" || key == "RFC822.TEXT" ||
             key == "RFC822.HEADER") {
    add_section(d, key, v);
  } else {
    d.other.emplace_back(key, v);
  }
}

fetch_data parse_fetch(std::uint32_t seq, std::vector<value>& t) {
  fetch_data d;
  d.seq = seq;
  if (t.size() < 3 || !t[2].is_list()) bad("FETCH without a parenthesised item list");
  auto& items = t[2].items;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    if (!items[i].is_atom()) bad("FETCH item name is not an atom: " + items[i].to_string().substr(0, 40));
    fetch_item(d, to_upper(items[i].text), items[i + 1]);
  }
  return d;
}

list_data parse_list(std::vector<value>& t, bool lsub, bool utf8) {
  list_data l;
  l.lsub = lsub;
  if (t.size() < 4) bad("LIST needs attributes, delimiter and name");
  l.attributes = strings_of(t[1]);
  l.delimiter = delimiter(t[2]);
  if (t[3].is_list()) bad("LIST mailbox name is a list");
  l.raw_mailbox = text(t[3]);
  l.mailbox = mailbox_name(t[3], utf8);
  if (const value* ext = at(t, 4); ext && ext->is_list()) {
    for (std::size_t i = 0; i + 1 < ext->items.size(); i += 2)
      if (iequals(text(ext->items[i]), "OLDNAME") && ext->items[i + 1].is_list() &&
          !ext->items[i + 1].items.empty())
        l.old_name = mailbox_name(ext->items[i + 1].items[0], utf8);
  }
  return l;
}

status_data parse_status(std::vector<value>& t, bool utf8) {
  status_data s;
  if (t.size() < 3 || !t[2].is_list()) bad("STATUS needs a mailbox and an item list");
  s.mailbox = mailbox_name(t[1], utf8);
  const auto& items = t[2].items;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2)
    s.items[to_upper(text(items[i]))] = num(items[i + 1], "STATUS value");
  return s;
}

search_data parse_search(std::vector<value>& t) {
  search_data s;
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (t[i].is_list()) {  // (MODSEQ n), RFC 7162 §3.1.5
      if (t[i].items.size() == 2 && iequals(text(t[i].items[0]), "MODSEQ"))
        s.modseq = num(t[i].items[1], "MODSEQ");
      continue;
    }
    s.numbers.push_back(num32(t[i], "SEARCH result"));
  }
  return s;
}

esearch_data parse_esearch(std::vector<value>& t) {
  esearch_data e;
  std::size_t i = 1;
  if (i < t.size() && t[i].is_list()) {
    const auto& c = t[i].items;
    if (c.size() >= 2 && iequals(text(c[0]), "TAG")) e.tag = text(c[1]);
    ++i;
  }
  if (i < t.size() && t[i].is_atom() && iequals(t[i].text, "UID")) {
    e.uid = true;
    ++i;
  }
  for (; i + 1 < t.size(); i += 2) {
    const std::string key = to_upper(text(t[i]));
    const value& v = t[i + 1];
    if (key == "MIN") e.min = num32(v, "MIN");
    else if (key == "MAX") e.max = num32(v, "MAX");
    else if (key == "COUNT") e.count = num(v, "COUNT");
    else if (key == "MODSEQ") e.modseq = num(v, "MODSEQ");
    else if (key == "ALL") {
      e.all = sequence_set::parse(text(v));
      if (!e.all) bad("ESEARCH ALL is not a sequence set");
    }
  }
  return e;
}

namespace_data parse_namespace(std::vector<value>& t) {
  namespace_data n;
  std::vector<namespace_data::entry>* groups[] = {&n.personal, &n.other_users, &n.shared};
  for (std::size_t g = 0; g < 3; ++g) {
    const value* v = at(t, g + 1);
    if (!v || !v->is_list()) continue;
    for (const auto& e : v->items) {
      if (!e.is_list() || e.items.empty()) continue;
      groups[g]->push_back({text(e.items[0]), e.items.size() > 1 ? delimiter(e.items[1]) : std::nullopt});
    }
  }
  return n;
}

}  // namespace

response interpret_untagged(std::vector<value>& t, bool utf8) {
  if (t.empty()) bad("empty untagged response");
  if (auto n = t[0].number(); n && t.size() >= 2 && t[1].is_atom()) {
    if (*n > UINT32_MAX) bad("message number exceeds 32 bits");
    const auto seq = static_cast<std::uint32_t>(*n);
    const std::string name = to_upper(t[1].text);
    if (name == "EXISTS") return count_data{count_data::kind::exists, seq};
    if (name == "RECENT") return count_data{count_data::kind::recent, seq};
    if (name == "EXPUNGE") return expunge_data{seq};
    if (name == "FETCH") return parse_fetch(seq, t);
    unknown_data u{name, seq, {}};
    u.args.assign(std::make_move_iterator(t.begin() + 2), std::make_move_iterator(t.end()));
    return u;
  }
  if (!t[0].is_atom()) bad("untagged response does not start with an atom");
  const std::string name = to_upper(t[0].text);
  if (name == "CAPABILITY") {
    capability_data c;
    for (std::size_t i = 1; i < t.size(); ++i)
      if (t[i].is_atom() || t[i].is_string()) c.capabilities.push_back(t[i].text);
    return c;
  }
  if (name == "FLAGS") return flags_data{t.size() > 1 ? strings_of(t[1]) : std::vector<std::string>()};
  if (name == "LIST" || name == "XLIST") return parse_list(t, false, utf8);
  if (name == "LSUB") return parse_list(t, true, utf8);
  if (name == "STATUS") return parse_status(t, utf8);
  if (name == "SEARCH" || name == "SORT") return parse_search(t);
  if (name == "ESEARCH") return parse_esearch(t);
  if (name == "NAMESPACE") return parse_namespace(t);
  if (name == "ENABLED") {
    enabled_data e;
    for (std::size_t i = 1; i < t.size(); ++i) e.capabilities.push_back(text(t[i]));
    return e;
  }
  if (name == "ID") {
    id_data d;
    if (t.size() > 1 && t[1].is_list())
      for (std::size_t i = 0; i + 1 < t[1].items.size(); i += 2) {
        const value& v = t[1].items[i + 1];
        d.fields.emplace_back(text(t[1].items[i]),
                              v.is_nil() ? std::nullopt : std::optional<std::string>(text(v)));
      }
    return d;
  }
  if (name == "VANISHED") {
    vanished_data v;
    std::size_t i = 1;
    if (i < t.size() && t[i].is_list()) {
      v.earlier = !t[i].items.empty() && iequals(text(t[i].items[0]), "EARLIER");
      ++i;
    }
    auto set = i < t.size() ? sequence_set::parse(text(t[i])) : std::nullopt;
    if (!set) bad("VANISHED without a UID set");
    v.uids = std::move(*set);
    return v;
  }
  unknown_data u{name, std::nullopt, {}};
  u.args.assign(std::make_move_iterator(t.begin() + 1), std::make_move_iterator(t.end()));
  return u;
}

}  // namespace inet::imap
