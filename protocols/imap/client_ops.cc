// Mailbox and message commands of the IMAP client (RFC 3501 §6.3-6.4 and extensions), IDLE
// (the completion-token front and the blocking facade are generated in async.cc).
#include <boost/asio/steady_timer.hpp>

#include "protocols/imap/client.hpp"
#include "protocols/imap/internal.hpp"
#include "protocols/imap/mutf7.hpp"

namespace inet::imap {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

[[noreturn]] void invalid(const std::string& why) {
  throw std::system_error(transport::make_error_code(transport::error::invalid_argument), why);
}

std::optional<std::uint32_t> u32(const std::string& s) {
  auto set = sequence_set::parse(s);
  if (!set || set->ranges().size() != 1 || set->ranges()[0].first != set->ranges()[0].last) return std::nullopt;
  return set->ranges()[0].first;
}

void copyuid(const status_response& s, copy_result& out) {
  if (!s.has_code("COPYUID") || s.code->tokens.size() < 3) return;
  out.uidvalidity = u32(s.code->tokens[0]);
  out.source_uids = sequence_set::parse(s.code->tokens[1]);
  out.dest_uids = sequence_set::parse(s.code->tokens[2]);
}

// LIST patterns: list-mailbox (RFC 3501 §9) allows the wildcards % and * unquoted.
void list_pattern(command_builder& b, std::string_view pattern, bool utf8) {
  auto enc = mutf7_encode(pattern);
  if (!enc) invalid("LIST pattern is not valid UTF-8 or contains CR, LF or NUL");
  const std::string_view wire = utf8 ? pattern : std::string_view(*enc);
  bool plain = !wire.empty();
  for (char c : wire)
    if (!is_atom_char(c) && c != '%' && c != '*' && c != ']') plain = false;
  if (plain) b.raw(wire);
  else b.string(wire);
}

}  // namespace

std::string section_spec::to_string() const {
  for (char c : section)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && c != ' ' &&
        c != '(' && c != ')')
      invalid("invalid character in a FETCH section");
  std::string out = binary ? "BINARY" : "BODY";
  if (peek) out += ".PEEK";
  out += "[" + section + "]";
  if (partial) out += "<" + std::to_string(partial->first) + "." + std::to_string(partial->second) + ">";
  return out;
}

void client::impl::require_selected(const char* what) const {
  check_usable();
  if (!mailbox) throw std::system_error(make_error_code(error::no_mailbox_selected), what);
}

awaitable<void> client::impl::simple(const char* verb, std::string name) {
  command_builder b(tag(), verb, encoding());
  b.mailbox(name);
  co_await run_ok(b.build(), {}, std::string(verb) + " " + name);
}

awaitable<std::vector<list_data>> client::list(std::string reference, std::string pattern, list_options opts) {
  impl& s = *impl_;
  command_builder b(s.tag(), "LIST", s.encoding());
  if (opts.subscribed_only) {
    if (!s.has("LIST-EXTENDED")) throw std::system_error(make_error_code(error::capability_missing), "LIST (SUBSCRIBED) needs LIST-EXTENDED");
    b.open().atom("SUBSCRIBED").close();
  }
  b.mailbox(reference);
  list_pattern(b, pattern, s.utf8);
  if (opts.special_use && s.has("SPECIAL-USE")) b.atom("RETURN").open().atom("SPECIAL-USE").close();
  std::vector<list_data> out;
  co_await s.run_ok(b.build(), [&](response& r) {
    auto* l = std::get_if<list_data>(&r);
    if (!l || l->lsub) return false;
    out.push_back(std::move(*l));
    return true;
  }, "LIST");
  co_return out;
}

awaitable<std::vector<mailbox_listing>> client::list_status(std::string reference, std::string pattern,
                                                            std::vector<std::string> items, list_options opts) {
  impl& s = *impl_;
  if (items.empty()) invalid("list_status needs at least one STATUS item");
  for (const auto& i : items) detail::check_atom(i, "STATUS item");
  std::vector<mailbox_listing> out;
  const auto selectable = [](const list_data& l) {
    return !l.has_attribute("\\Noselect") && !l.has_attribute("\\NonExistent");
  };
  if (!s.has("LIST-STATUS")) {
    // (no co_await in a range-for initialiser: GCC 12 miscompiles it)
    std::vector<list_data> listed = co_await list(std::move(reference), std::move(pattern), opts);
    for (auto& l : listed) out.push_back({std::move(l), {}});
    for (auto& m : out) {
      if (!selectable(m.list)) continue;
      status_data st = co_await status(m.list.mailbox, items);
      m.status = std::move(st);
    }
    co_return out;
  }
  command_builder b(s.tag(), "LIST", s.encoding());
  if (opts.subscribed_only) {
    if (!s.has("LIST-EXTENDED")) throw std::system_error(make_error_code(error::capability_missing), "LIST (SUBSCRIBED) needs LIST-EXTENDED");
    b.open().atom("SUBSCRIBED").close();
  }
  b.mailbox(reference);
  list_pattern(b, pattern, s.utf8);
  b.atom("RETURN").open();
  if (opts.special_use && s.has("SPECIAL-USE")) b.atom("SPECIAL-USE");
  b.atom("STATUS").open();
  for (const auto& i : items) b.atom(i);
  b.close().close();
  std::vector<status_data> statuses;
  co_await s.run_ok(b.build(), [&](response& r) {
    if (auto* l = std::get_if<list_data>(&r); l && !l->lsub) {
      out.push_back({std::move(*l), {}});
      return true;
    }
    if (auto* st = std::get_if<status_data>(&r)) {  // RFC 5819 §2: follows its LIST response
      statuses.push_back(std::move(*st));
      return true;
    }
    return false;
  }, "LIST");
  for (auto& st : statuses)
    for (auto& m : out)
      if (m.list.mailbox == st.mailbox && !m.status) {
        m.status = std::move(st);
        break;
      }
  co_return out;
}

awaitable<std::vector<list_data>> client::lsub(std::string reference, std::string pattern) {
  impl& s = *impl_;
  command_builder b(s.tag(), "LSUB", s.encoding());
  b.mailbox(reference);
  list_pattern(b, pattern, s.utf8);
  std::vector<list_data> out;
  co_await s.run_ok(b.build(), [&](response& r) {
    auto* l = std::get_if<list_data>(&r);
    if (!l || !l->lsub) return false;
    out.push_back(std::move(*l));
    return true;
  }, "LSUB");
  co_return out;
}

awaitable<status_data> client::status(std::string mailbox, std::vector<std::string> items) {
  impl& s = *impl_;
  command_builder b(s.tag(), "STATUS", s.encoding());
  b.mailbox(mailbox).open();
  for (const auto& i : items) b.atom(i);
  b.close();
  status_data out;
  co_await s.run_ok(b.build(), [&](response& r) {
    auto* st = std::get_if<status_data>(&r);
    if (!st) return false;
    out = std::move(*st);
    return true;
  }, "STATUS " + mailbox);
  co_return out;
}

awaitable<mailbox_info> client::impl::open_mailbox(const char* verb, std::string name, select_options opts) {
  check_usable();
  if (opts.qresync) {  // refused before a tag is spent or a byte is sent
    const qresync_params& q = *opts.qresync;
    if (!qresync)
      throw std::system_error(make_error_code(error::capability_missing),
                              "SELECT (QRESYNC) needs ENABLE QRESYNC (client_options::enable_qresync)");
    if (q.uidvalidity == 0 || q.modseq == 0) invalid("QRESYNC needs the remembered UIDVALIDITY and HIGHESTMODSEQ");
    if (q.seq_match && (q.seq_match->first.empty() || q.seq_match->second.empty()))
      invalid("QRESYNC sequence match data needs both sets");
  }
  command_builder b(tag(), verb, encoding());
  b.mailbox(name);
  if (opts.qresync) {
    const qresync_params& q = *opts.qresync;
    // (QRESYNC (uidvalidity modseq [known-uids [(seq-match seq-uids)]])), RFC 7162 §3.2.5
    std::string p = "(QRESYNC (" + std::to_string(q.uidvalidity) + " " + std::to_string(q.modseq);
    if (q.known_uids && !q.known_uids->empty()) p += " " + q.known_uids->to_string();
    else if (q.seq_match) p += " 1:*";  // known-uids is required before the match data
    if (q.seq_match) p += " (" + q.seq_match->first.to_string() + " " + q.seq_match->second.to_string() + ")";
    p += "))";
    b.raw(p);
  } else if (opts.condstore) {
    b.open().atom("CONDSTORE").close();
  }
  mailbox_info info;
  info.name = name;
  info.read_only = std::string_view(verb) == "EXAMINE";
  mailbox.reset();  // RFC 3501 §6.3.1: a SELECT deselects first, even if it fails
  status_response done = co_await run_ok(b.build(), [&](response& r) {
    if (auto* f = std::get_if<flags_data>(&r)) {
      info.flags = f->flags;
      return true;
    }
    if (auto* c = std::get_if<count_data>(&r)) {
      (c->what == count_data::kind::exists ? info.exists : info.recent) = c->count;
      return true;
    }
    if (auto* v = std::get_if<vanished_data>(&r); v && v->earlier && opts.qresync) {
      if (!info.vanished) info.vanished.emplace();
      for (const auto& rg : v->uids.ranges()) info.vanished->add(rg.first, rg.last);
      return true;
    }
    if (auto* f = std::get_if<fetch_data>(&r); f && opts.qresync) {
      info.changed.push_back(std::move(*f));
      return true;
    }
    auto* st = std::get_if<status_response>(&r);
    if (!st || st->status != status_response::kind::ok || !st->code) return false;
    const auto& code = *st->code;
    const auto n = code.number();
    if (code.name == "PERMANENTFLAGS") info.permanent_flags = code.tokens;
    else if (code.name == "UIDVALIDITY" && n && *n <= UINT32_MAX) info.uidvalidity = static_cast<std::uint32_t>(*n);
    else if (code.name == "UIDNEXT" && n && *n <= UINT32_MAX) info.uidnext = static_cast<std::uint32_t>(*n);
    else if (code.name == "UNSEEN" && n && *n <= UINT32_MAX) info.unseen = static_cast<std::uint32_t>(*n);
    else if (code.name == "HIGHESTMODSEQ" && n) info.highest_modseq = *n;
    else if (code.name == "NOMODSEQ") info.highest_modseq.reset();
    else return false;
    return true;
  }, std::string(verb) + " " + name);
  if (done.has_code("READ-ONLY")) info.read_only = true;
  if (done.has_code("READ-WRITE")) info.read_only = false;
  mailbox = info;
  co_return info;
}

awaitable<mailbox_info> client::select(std::string mailbox, bool condstore) {
  co_return co_await impl_->open_mailbox("SELECT", std::move(mailbox), select_options{.condstore = condstore});
}
awaitable<mailbox_info> client::examine(std::string mailbox, bool condstore) {
  co_return co_await impl_->open_mailbox("EXAMINE", std::move(mailbox), select_options{.condstore = condstore});
}
awaitable<mailbox_info> client::select(std::string mailbox, select_options opts) {
  co_return co_await impl_->open_mailbox("SELECT", std::move(mailbox), std::move(opts));
}
awaitable<mailbox_info> client::examine(std::string mailbox, select_options opts) {
  co_return co_await impl_->open_mailbox("EXAMINE", std::move(mailbox), std::move(opts));
}
awaitable<void> client::create(std::string m) { co_await impl_->simple("CREATE", std::move(m)); }
awaitable<void> client::delete_mailbox(std::string m) { co_await impl_->simple("DELETE", std::move(m)); }
awaitable<void> client::subscribe(std::string m) { co_await impl_->simple("SUBSCRIBE", std::move(m)); }
awaitable<void> client::unsubscribe(std::string m) { co_await impl_->simple("UNSUBSCRIBE", std::move(m)); }

awaitable<void> client::rename(std::string from, std::string to) {
  impl& s = *impl_;
  command_builder b(s.tag(), "RENAME", s.encoding());
  b.mailbox(from).mailbox(to);
  co_await s.run_ok(b.build(), {}, "RENAME " + from);
}

awaitable<void> client::close_mailbox() {
  impl& s = *impl_;
  s.require_selected("CLOSE");
  command_builder b(s.tag(), "CLOSE");
  co_await s.run_ok(b.build(), {}, "CLOSE");
  s.mailbox.reset();
}

awaitable<void> client::unselect() {
  impl& s = *impl_;
  s.require_selected("UNSELECT");
  if (!s.has("UNSELECT")) throw std::system_error(make_error_code(error::capability_missing), "UNSELECT (RFC 3691)");
  command_builder b(s.tag(), "UNSELECT");
  co_await s.run_ok(b.build(), {}, "UNSELECT");
  s.mailbox.reset();
}

awaitable<std::vector<fetch_data>> client::fetch(sequence_set set, fetch_items items, fetch_options opts) {
  impl& s = *impl_;
  s.require_selected("FETCH");
  if (opts.vanished) {
    if (!opts.by_uid || !opts.changed_since) invalid("FETCH (VANISHED) needs UID FETCH with CHANGEDSINCE");
    if (!s.qresync)
      throw std::system_error(make_error_code(error::capability_missing),
                              "FETCH (VANISHED) needs ENABLE QRESYNC (client_options::enable_qresync)");
  }
  std::vector<std::string> atoms;
  if (items.uid) atoms.emplace_back("UID");
  if (items.flags) atoms.emplace_back("FLAGS");
  if (items.internal_date) atoms.emplace_back("INTERNALDATE");
  if (items.rfc822_size) atoms.emplace_back("RFC822.SIZE");
  if (items.envelope) atoms.emplace_back("ENVELOPE");
  if (items.body_structure) atoms.emplace_back("BODYSTRUCTURE");
  if (items.modseq) atoms.emplace_back("MODSEQ");
  for (const auto& sec : items.sections) {
    if (sec.binary && !s.has("BINARY"))
      throw std::system_error(make_error_code(error::capability_missing),
                              "FETCH BINARY[...] needs the BINARY capability (RFC 3516)");
    atoms.push_back(sec.to_string());
  }
  for (const auto& x : items.extra) {
    detail::check_atom(x, "FETCH item");
    atoms.push_back(x);
  }
  if (atoms.empty()) invalid("FETCH needs at least one item");
  std::string list = "(";
  for (const auto& a : atoms) list += (list.size() > 1 ? " " : "") + a;
  list += ")";
  command_builder b(s.tag(), opts.by_uid ? "UID" : "FETCH");
  if (opts.by_uid) b.atom("FETCH");
  b.set(set).raw(list);
  if (opts.changed_since)
    b.raw("(CHANGEDSINCE " + std::to_string(*opts.changed_since) + (opts.vanished ? " VANISHED)" : ")"));

  const std::uint64_t max = opts.max_section_bytes ? opts.max_section_bytes : (opts.sink ? (1ull << 32) : (1u << 20));
  std::vector<std::string> kept;
  std::uint64_t left = 0;
  s.prs.set_max_streamed_literal(max);
  auto deliver = [&](const parser::literal_request& lit, std::string_view chunk) {
    if (opts.sink) {
      opts.sink(section_ref{lit.seq, lit.item, lit.size}, chunk);
      return;
    }
    if (left == 0) {
      kept.emplace_back();
      left = lit.size;
    }
    kept.back().append(chunk);
    left -= chunk.size();
  };
  std::optional<transport::progress_reporter> meter;  // the section being read
  s.literal_sink = [&](const parser::literal_request& lit, std::string_view chunk) {
    if (!opts.progress) return deliver(lit, chunk);
    if (!meter || meter->finished()) meter.emplace(opts.progress, lit.size);
    deliver(lit, chunk);
    meter->add(chunk.size());
    if (meter->done() >= lit.size) meter->finish();
  };
  s.keep_streamed = !opts.sink;  // kept sections count as kept bytes in the command's budget
  struct restore {
    impl& s;
    ~restore() {
      s.literal_sink = nullptr;
      s.keep_streamed = false;
      s.prs.set_max_streamed_literal(s.opts.parser.max_streamed_literal);
    }
  } guard{s};
  std::vector<fetch_data> out;
  co_await s.run_ok(b.build(), [&](response& r) {
    if (auto* v = std::get_if<vanished_data>(&r); v && v->earlier && opts.vanished) {
      if (opts.on_vanished) opts.on_vanished(v->uids);
      return true;
    }
    auto* f = std::get_if<fetch_data>(&r);
    if (!f) return false;
    std::size_t k = 0;
    for (auto& sec : f->sections)
      if (sec.streamed && !opts.sink && sec.size > 0 && k < kept.size()) {
        sec.data = std::move(kept[k++]);
        sec.streamed = false;
      }
    kept.clear();
    const bool ours = opts.by_uid ? (f->uid && set.contains(*f->uid)) : set.contains(f->seq);
    if (!ours) return false;
    if (opts.on_message) opts.on_message(*f);
    else out.push_back(std::move(*f));
    return true;
  }, "FETCH");
  co_return out;
}

awaitable<search_result> client::search(search_key key, bool by_uid) {
  impl& s = *impl_;
  s.require_selected("SEARCH");
  const bool esearch = s.has("ESEARCH");
  search_result out;
  command_builder b2(s.tag(), by_uid ? "UID" : "SEARCH", s.encoding());
  if (by_uid) b2.atom("SEARCH");
  if (esearch) b2.atom("RETURN").open().atom("MIN").atom("MAX").atom("COUNT").atom("ALL").close();
  if (key.needs_utf8() && !s.utf8) b2.atom("CHARSET").atom("UTF-8");
  key.append_to(b2);
  co_await s.run_ok(b2.build(), [&](response& r) {
    if (auto* d = std::get_if<search_data>(&r)) {
      out.ids.insert(out.ids.end(), d->numbers.begin(), d->numbers.end());
      if (d->modseq) out.modseq = d->modseq;
      return true;
    }
    if (auto* e = std::get_if<esearch_data>(&r)) {
      if (e->all) {
        auto ids = e->all->expand(10'000'000);
        if (!ids) throw std::system_error(make_error_code(error::response_too_large), "ESEARCH ALL has too many numbers");
        out.ids = std::move(*ids);
      }
      out.min = e->min;
      out.max = e->max;
      out.count = e->count;
      out.modseq = e->modseq;
      return true;
    }
    return false;
  }, "SEARCH");
  co_return out;
}

awaitable<store_result> client::store(sequence_set set, store_action action, bool by_uid) {
  impl& s = *impl_;
  s.require_selected("STORE");
  command_builder b(s.tag(), by_uid ? "UID" : "STORE");
  if (by_uid) b.atom("STORE");
  b.set(set);
  if (action.unchanged_since) b.raw("(UNCHANGEDSINCE " + std::to_string(*action.unchanged_since) + ")");
  std::string item = action.what == store_action::op::add ? "+FLAGS"
                     : action.what == store_action::op::remove ? "-FLAGS" : "FLAGS";
  if (action.silent) item += ".SILENT";
  b.atom(item).open();
  for (const auto& f : action.flags) {
    detail::check_atom(f, "flag");
    b.atom(f);
  }
  b.close();
  store_result out;
  status_response done = co_await s.run_ok(b.build(), [&](response& r) {
    auto* f = std::get_if<fetch_data>(&r);
    if (!f) return false;
    out.updated.push_back(std::move(*f));
    return true;
  }, "STORE");
  if (done.has_code("MODIFIED") && !done.code->tokens.empty()) out.modified = sequence_set::parse(done.code->tokens[0]);
  co_return out;
}

awaitable<copy_result> client::impl::copy_or_move(const char* verb, sequence_set set, std::string mailbox,
                                                  bool by_uid) {
  require_selected(verb);
  command_builder b(tag(), by_uid ? "UID" : verb, encoding());
  if (by_uid) b.atom(verb);
  b.set(set).mailbox(mailbox);
  copy_result out;
  const bool move = std::string_view(verb) == "MOVE";
  status_response done = co_await run_ok(b.build(), [&](response& r) {
    if (auto* st = std::get_if<status_response>(&r); st && st->has_code("COPYUID")) {
      copyuid(*st, out);  // MOVE sends it untagged (RFC 6851 §4.3)
      return true;
    }
    if (auto* e = std::get_if<expunge_data>(&r); e && move) {
      out.expunged.push_back(e->seq);
      return true;
    }
    if (auto* v = std::get_if<vanished_data>(&r); v && !v->earlier && move) {
      if (!out.vanished) out.vanished.emplace();
      for (const auto& rg : v->uids.ranges()) out.vanished->add(rg.first, rg.last);
      return true;
    }
    return false;
  }, std::string(verb) + " " + mailbox);
  copyuid(done, out);
  co_return out;
}

awaitable<copy_result> client::copy(sequence_set set, std::string mailbox, bool by_uid) {
  co_return co_await impl_->copy_or_move("COPY", std::move(set), std::move(mailbox), by_uid);
}

awaitable<copy_result> client::move(sequence_set set, std::string mailbox, bool by_uid) {
  if (!impl_->has("MOVE")) throw std::system_error(make_error_code(error::capability_missing), "MOVE (RFC 6851)");
  co_return co_await impl_->copy_or_move("MOVE", std::move(set), std::move(mailbox), by_uid);
}

awaitable<std::vector<std::uint32_t>> client::expunge() {
  impl& s = *impl_;
  s.require_selected("EXPUNGE");
  command_builder b(s.tag(), "EXPUNGE");
  std::vector<std::uint32_t> out;
  co_await s.run_ok(b.build(), [&](response& r) {
    auto* e = std::get_if<expunge_data>(&r);
    if (!e) return false;
    out.push_back(e->seq);
    return true;
  }, "EXPUNGE");
  co_return out;
}

awaitable<sequence_set> client::expunge_uids() {
  impl& s = *impl_;
  s.require_selected("EXPUNGE");
  if (!s.qresync) throw std::system_error(make_error_code(error::capability_missing), "expunge_uids() needs QRESYNC enabled");
  command_builder b(s.tag(), "EXPUNGE");
  sequence_set out;
  co_await s.run_ok(b.build(), [&](response& r) {
    auto* v = std::get_if<vanished_data>(&r);
    if (!v || v->earlier) return false;
    for (const auto& rg : v->uids.ranges()) out.add(rg.first, rg.last);
    return true;
  }, "EXPUNGE");
  co_return out;
}

awaitable<std::vector<std::uint32_t>> client::uid_expunge(sequence_set uids) {
  impl& s = *impl_;
  s.require_selected("UID EXPUNGE");
  if (!s.has("UIDPLUS")) throw std::system_error(make_error_code(error::capability_missing), "UID EXPUNGE (UIDPLUS)");
  command_builder b(s.tag(), "UID");
  b.atom("EXPUNGE").set(uids);
  std::vector<std::uint32_t> out;
  co_await s.run_ok(b.build(), [&](response& r) {
    auto* e = std::get_if<expunge_data>(&r);
    if (!e) return false;
    out.push_back(e->seq);
    return true;
  }, "UID EXPUNGE");
  co_return out;
}

awaitable<append_result> client::append(std::string mailbox, byte_source& message, std::uint64_t size,
                                        append_options opts) {
  impl& s = *impl_;
  s.check_usable();
  command_builder b(s.tag(), "APPEND", s.encoding());
  b.mailbox(mailbox);
  if (!opts.flags.empty()) {
    b.open();
    for (const auto& f : opts.flags) {
      detail::check_atom(f, "flag");
      b.atom(f);
    }
    b.close();
  }
  if (!opts.internal_date.empty()) b.string(opts.internal_date);
  b.external_literal(size);
  transport::progress_reporter meter(opts.progress, size);
  transport::progress_source counted(message, meter);
  byte_source* body = meter.active() ? static_cast<byte_source*>(&counted) : &message;
  status_response done = co_await s.run_ok(b.build(), {}, "APPEND " + mailbox, body);
  meter.finish();
  append_result out;
  if (done.has_code("APPENDUID") && done.code->tokens.size() >= 2) {
    out.uidvalidity = u32(done.code->tokens[0]);
    out.uids = sequence_set::parse(done.code->tokens[1]);
  }
  co_return out;
}

namespace {

// Arms the IDLE timer with a longer stream idle timeout; on every path out (timeout, event,
// error) cancels the timer and restores the caller's timeouts.
class idle_timer {
 public:
  idle_timer(transport::stream& st, std::chrono::milliseconds timeout)
      : st_(st), saved_(st.get_timeouts()), timer_(st.get_executor()) {
    transport::timeouts longer = saved_;
    longer.idle = std::max(saved_.idle, timeout + std::chrono::seconds(30));
    st_.set_timeouts(longer);
    timer_.expires_after(timeout);
    timer_.async_wait([state = state_, s = &st_](const boost::system::error_code& ec) {
      if (ec || !state->armed) return;  // disarmed: its expiry was queued after IDLE ended
      state->fired = true;
      s->cancel();  // may find no read pending: the loop checks fired() before each read
    });
  }
  ~idle_timer() {
    state_->armed = false;
    timer_.cancel();
    st_.set_timeouts(saved_);
  }
  idle_timer(const idle_timer&) = delete;
  idle_timer& operator=(const idle_timer&) = delete;
  bool fired() const noexcept { return state_->fired; }

 private:
  struct state {
    bool armed = true, fired = false;
  };
  transport::stream& st_;
  transport::timeouts saved_;
  asio::steady_timer timer_;
  std::shared_ptr<state> state_ = std::make_shared<state>();
};

}  // namespace

awaitable<std::vector<response>> client::idle(std::chrono::milliseconds timeout, bool return_on_first) {
  impl& s = *impl_;
  s.check_usable();
  if (!s.has("IDLE")) throw std::system_error(make_error_code(error::capability_missing), "IDLE (RFC 2177)");
  s.begin_command();
  const std::string t = s.tag();
  std::vector<response> seen;
  auto keep = [&](response& x) {
    seen.push_back(x);
    return true;
  };
  // One response for all three loops, read in place: each local and each co_await result of a
  // coroutine has its own place in its frame (~1.2 KB per response), and an idling connection
  // keeps this frame alive.
  response r;
  co_await s.eng.send(line::command(t + " IDLE"));
  for (;;) {  // until "+ idling"
    co_await s.read_response_into(r);
    if (std::holds_alternative<continuation>(r)) break;
    if (auto* st = std::get_if<status_response>(&r); st && !st->tag.empty()) {
      if (st->tag != t) s.violation(make_error_code(error::unexpected_tag), "tagged response for unknown tag " + st->tag);
      throw imap_exception(detail::code_for(*st), "IDLE", *st);
    }
    s.dispatch(r, keep);
  }
  if (!(return_on_first && !seen.empty())) {
    idle_timer timer(s.stream, timeout);
    // The timer may fire after a read completed but before this loop resumed: its cancel then
    // hits nothing, so look at the flag before every read.
    while (!timer.fired()) {
      try {
        // Between responses, wait for the next one holding no read buffer (the connection may
        // idle for many minutes); the read after it allocates the buffer again.
        if (!s.prs.in_response()) co_await s.eng.reader().wait_idle();
        co_await s.read_response_into(r);
        if (auto* x = std::get_if<status_response>(&r); x && !x->tag.empty())
          s.violation(make_error_code(error::unexpected_tag), "tagged response during IDLE");
        s.dispatch(r, keep);
        if (return_on_first) break;
      } catch (const std::system_error& e) {
        if (!timer.fired() || e.code() != transport::make_error_code(transport::error::operation_aborted)) throw;
        if (s.prs.in_response()) s.violation(make_error_code(error::connection_untrusted), "IDLE timed out mid-response");
        break;
      }
    }
  }
  co_await s.eng.send(line::command("DONE"));
  for (;;) {
    co_await s.read_response_into(r);
    if (auto* x = std::get_if<status_response>(&r); x && !x->tag.empty()) {
      if (x->tag != t) s.violation(make_error_code(error::unexpected_tag), "tagged response for unknown tag " + x->tag);
      if (x->status != status_response::kind::ok) throw imap_exception(detail::code_for(*x), "IDLE", *x);
      break;
    }
    s.dispatch(r, keep);
  }
  co_return seen;
}

}  // namespace inet::imap
