// `inet get/put imap(s)://`: curl's request choice per URL, one shared connection per group.
#include <cctype>
#include "tools/imap/imap_cli.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <istream>
#include <memory>
#include <ostream>

#include "protocols/imap/client.hpp"
#include "protocols/imap/mutf7.hpp"
#include "tools/inet/progress_meter.hpp"
#include "tools/inet/transfer_support.hpp"
#include "transport/error.hpp"

namespace inet::imap_cli {

using cli::exit_code;
using cli::phase;

namespace {

/// curl's CURLE_QUOTE_ERROR (21): a LIST/SEARCH/custom command answered NO or BAD.
constexpr exit_code quote_error = exit_code::quote_error;

/// Which command failed decides curl's exit code for a NO/BAD.
enum class step { connect, select, fetch, listing, append };

std::optional<std::uint64_t> parse_number(const std::string& s, std::uint64_t max) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (UINT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

std::uint32_t number_param(const std::string& name, const std::string& value) {
  auto n = parse_number(value, UINT32_MAX);
  if (!n || *n == 0) throw plan_error{exit_code::remote_file_not_found, "Invalid " + name + " '" + value + "'"};
  return static_cast<std::uint32_t>(*n);
}

std::pair<std::uint64_t, std::uint64_t> partial_param(const std::string& value) {
  const auto dot = value.find('.');
  const auto origin = parse_number(value.substr(0, dot), UINT32_MAX);
  std::optional<std::uint64_t> length = std::uint64_t{UINT32_MAX};
  if (dot != std::string::npos) length = parse_number(value.substr(dot + 1), UINT32_MAX);
  if (!origin || !length || *length == 0)
    throw plan_error{exit_code::remote_file_not_found, "Invalid PARTIAL '" + value + "'"};
  return {*origin, *length};
}

bool is_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

std::string url_mailbox(const std::string& path) {
  if (is_ascii(path) && path.find('&') != std::string::npos) {
    if (auto utf8 = imap::mutf7_decode(path)) return *utf8;
  }
  return path;
}

}  // namespace

std::string list_line(const std::string& utf8_mailbox) {
  std::string wire = imap::mutf7_encode(utf8_mailbox).value_or(utf8_mailbox);
  std::string line = "LIST \"";
  for (char c : wire) {
    if (c == '\\' || c == '"') line += '\\';
    line += c;
  }
  return line + "\" *";
}

request plan_request(const cli::transfer_options& o, const url::parsed_url& u, bool upload) {
  request r;
  r.mailbox = url_mailbox(u.path);
  if (auto v = u.param("UIDVALIDITY")) r.uidvalidity = number_param("UIDVALIDITY", *v);
  if (upload) {
    r.what = request::kind::append;
    if (r.mailbox.empty() && o.upload_file && *o.upload_file != "-")  // curl: the file's name
      r.mailbox = std::filesystem::path(*o.upload_file).filename().string();
    if (r.mailbox.empty())
      throw plan_error{exit_code::url_malformat, "APPEND needs a mailbox in the URL"};
    return r;
  }
  const auto uid = u.param("UID");
  const auto index = u.param("MAILINDEX");
  if (uid) r.number = number_param("UID", *uid), r.by_uid = true;
  else if (index) r.number = number_param("MAILINDEX", *index);
  r.section = u.param("SECTION").value_or("");
  if (auto p = u.param("PARTIAL")) r.partial = partial_param(*p);
  if (o.request && !o.request->empty()) {
    r.what = request::kind::custom;
    r.line = *o.request;
  } else if (!r.mailbox.empty() && r.number != 0) {
    r.what = request::kind::fetch;
  } else if (!r.mailbox.empty() && !u.query.empty()) {
    r.what = request::kind::search;
    r.line = "SEARCH " + u.query;
  } else {
    r.what = request::kind::list;
    r.line = list_line(r.mailbox);
  }
  return r;
}

namespace {

exit_code imap_exit(imap::error e, step s) {
  using imap::error;
  switch (e) {
    case error::auth_failed:
    case error::auth_unavailable: return exit_code::login_denied;
    case error::tls_required:
    case error::preauth_in_clear: return exit_code::use_ssl_failed;
    case error::literal_too_large: return exit_code::filesize_exceeded;
    case error::command_failed:
    case error::command_rejected:
      switch (s) {
        case step::connect:
        case step::select: return exit_code::login_denied;  // curl: "Select failed" is 67
        case step::fetch: return exit_code::remote_file_not_found;
        case step::listing: return quote_error;
        case step::append: return exit_code::upload_failed;
      }
      break;
    case error::not_connected:
    case error::no_mailbox_selected: return exit_code::failed_init;
    default: break;
  }
  return exit_code::weird_server_reply;
}

exit_code exit_code_for(const std::error_code& ec, step s) {
  if (!ec) return exit_code::ok;
  if (ec.category() == imap::imap_category()) return imap_exit(static_cast<imap::error>(ec.value()), s);
  const phase p = s == step::connect ? phase::connect : phase::transfer;
  if (auto code = cli::common_exit_code(ec, p)) return *code;
  return s == step::connect ? exit_code::couldnt_connect : exit_code::recv_error;
}

imap::client_options make_options(const cli::transfer_options& o, const url::parsed_url& u,
                                  const cli::credentials& creds) {
  imap::client_options opts;
  opts.host = u.host;
  opts.port = u.port;
  opts.credentials.username = creds.user.value_or("");
  opts.credentials.password = creds.password.value_or("");
  opts.credentials.host = u.host;
  opts.credentials.port = u.port;
  if (o.oauth2_bearer) opts.credentials.oauth2_token = *o.oauth2_bearer;
  const bool sends_secret = !opts.credentials.username.empty() || o.oauth2_bearer.has_value();
  if (u.implicit_tls()) opts.security = imap::security::implicit_tls;
  else opts.policy = cli::to_policy(o.effective_tls(sends_secret));
  std::string mech = u.auth_mechanism.value_or("");
  if (mech.empty() && o.login_options && o.login_options->rfind("AUTH=", 0) == 0)
    mech = o.login_options->substr(5);
  if (mech != "*") opts.auth_mechanism = mech;
  opts.enable_utf8 = false;  // curl sends names and search keys as given: no ENABLE
  opts.compress = o.compressed;  // --compressed: COMPRESS=DEFLATE (RFC 4978) when offered
  cli::apply_transport_options(o, opts.tls, opts.connect);
  return opts;
}

/// One connection kept across the URLs of a group.
struct session {
  std::string key;  ///< origin + credentials: another URL may reuse the connection if equal
  imap::blocking_client client;
};

/// The connection cache: the current group (by address) and how many of its imap URLs ran.
struct group_cache {
  const cli::transfer_options* group = nullptr;
  std::size_t calls = 0, total = 0;
  std::unique_ptr<session> conn;

  void drop(bool polite) {
    if (conn && polite) conn->client.logout();  // never throws
    conn.reset();
  }
};

group_cache& cache() {
  static group_cache c;
  return c;
}

std::size_t imap_urls_in(const cli::transfer_options& o) {
  std::size_t n = 0;
  for (const auto& text : o.urls) {
    try {
      const auto s = url::parse(text).scheme;
      if (s == url::scheme::imap || s == url::scheme::imaps) ++n;
    } catch (const std::system_error&) {
    }
  }
  return n;
}

/// Registers this call with the group cache; returns true if it is the group's last imap URL.
bool enter_group(const cli::transfer_options& o) {
  group_cache& c = cache();
  if (c.group != &o || c.calls >= c.total) {
    c.drop(true);
    c.group = &o;
    c.calls = 0;
    c.total = imap_urls_in(o);
  }
  ++c.calls;
  return c.calls >= c.total;
}

/// Scheme, host, port, credentials and login options; TLS policy and verification settings are
/// per --next group, and a group's connection is closed at its end, so they always match.
std::string session_key(const url::parsed_url& u, const cli::credentials& cr) {
  return u.origin() + '\n' + cr.user.value_or("") + '\n' + cr.password.value_or("") + '\n' +
         u.auth_mechanism.value_or("");
}

/// The connected session for `u`, reusing the group's connection when it matches.
session& connect(const cli::transfer_options& o, const url::parsed_url& u) {
  group_cache& c = cache();
  const cli::credentials creds = cli::resolve_credentials(o, u);
  const std::string key = session_key(u, creds);
  if (c.conn && c.conn->key == key) return *c.conn;
  c.drop(true);
  auto s = std::make_unique<session>();
  s->key = key;
  s->client.connect(make_options(o, u, creds));
  c.conn = std::move(s);
  return *c.conn;
}

/// SELECT unless the mailbox is already selected on this connection (curl's reuse rule), then
/// the ;UIDVALIDITY= check. Returns an exit code (ok or 78).
exit_code select_mailbox(imap::blocking_client& c, const request& r, std::string& why) {
  const auto& sel = c.selected();
  if (!sel || !imap::iequals(sel->name, r.mailbox)) c.select(r.mailbox);
  const auto& now = c.selected();
  if (r.uidvalidity && (!now || now->uidvalidity != r.uidvalidity)) {
    why = "Mailbox UIDVALIDITY has changed";
    return exit_code::remote_file_not_found;
  }
  return exit_code::ok;
}

exit_code run_fetch(imap::blocking_client& c, const request& r, cli::output& out,
                    const cli::transfer_options& o, std::string& why,
                    cli::progress_meter* meter) {
  imap::fetch_items items;
  items.uid = false;
  imap::section_spec sec;
  sec.section = r.section;
  sec.peek = false;  // curl sends BODY[...], which sets \Seen
  sec.partial = r.partial;
  items.sections.push_back(sec);
  imap::fetch_options fo;
  fo.by_uid = r.by_uid;
  fo.max_section_bytes = o.max_filesize.value_or(0);
  byte_sink sink = out.sink();
  fo.sink = [&sink](const imap::section_ref&, std::string_view chunk) { sink(chunk); };
  if (meter) fo.progress = meter->download_fn();
  const auto got = c.fetch(imap::sequence_set(r.number), items, fo);
  for (const auto& f : got)
    for (const auto& s : f.sections) {
      if (s.nil) {
        why = "Failed to parse FETCH response: NIL section";
        return exit_code::weird_server_reply;
      }
      return exit_code::ok;
    }
  why = std::string("Failed to fetch: no message with ") + (r.by_uid ? "UID " : "index ") +
        std::to_string(r.number);
  return exit_code::remote_file_not_found;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (std::tolower(x) != std::tolower(y)) return false;
  }
  return true;
}

// curl 7.88's imap_matchresp(): after "* " and an optional number and space, the response
// name `name` (any case) followed by a space or the end of the line.
bool names_response(std::string_view first_line, std::string_view name) {
  std::string_view l = first_line.substr(std::min<std::size_t>(2, first_line.size()));
  if (!l.empty() && l[0] >= '0' && l[0] <= '9') {
    std::size_t i = 0;
    while (i < l.size() && l[i] >= '0' && l[i] <= '9') ++i;
    if (i == l.size() || l[i] != ' ') return false;
    l.remove_prefix(i + 1);
  }
  if (l.size() < name.size() || !iequals_ascii(l.substr(0, name.size()), name)) return false;
  return l.size() == name.size() || l[name.size()] == ' ';
}

}  // namespace

bool curl_prints_untagged(const request& r, std::string_view first_line) {
  if (r.what == request::kind::list) return names_response(first_line, "LIST");
  if (r.what == request::kind::search) return names_response(first_line, "SEARCH");
  // -X: curl keeps the command word (up to the first space) and prints the untagged responses
  // named after it; for these commands, whose responses have other names, it prints them all.
  const std::string_view word = std::string_view(r.line).substr(0, r.line.find(' '));
  static constexpr std::string_view print_all[] = {"SELECT", "EXAMINE", "SEARCH", "EXPUNGE",
                                                   "LSUB",   "UID",     "GETQUOTAROOT", "NOOP"};
  for (std::string_view w : print_all)
    if (iequals_ascii(word, w)) return true;
  if (iequals_ascii(word, "STORE") && names_response(first_line, "FETCH")) return true;
  return names_response(first_line, word);
}

namespace {

exit_code run_listing(imap::blocking_client& c, const request& r, cli::output& out,
                      std::string& why, cli::progress_meter* meter) {
  transport::progress_reporter counted(meter ? meter->download_fn() : nullptr);
  const byte_sink sink = meter ? transport::progress_sink(out.sink(), counted) : out.sink();
  const imap::command_result res = c.command(
      r.line, sink, [&r](std::string_view first) { return curl_prints_untagged(r, first); });
  counted.finish();
  if (res.status.status != imap::status_response::kind::ok) {
    why = (r.what == request::kind::custom ? "Quote command returned error: "
                                           : "Command returned error: ") + res.status.summary();
    return quote_error;
  }
  return exit_code::ok;
}

/// A byte_source over an open stream (a file, or stdin spooled to a temporary file).
class stream_source final : public byte_source {
 public:
  explicit stream_source(std::istream& in) : in_(in) {}
  std::size_t read(std::span<char> buf) override {
    in_.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in_.bad()) throw std::system_error(std::make_error_code(std::errc::io_error), "read upload");
    return static_cast<std::size_t>(in_.gcount());
  }

 private:
  std::istream& in_;
};

/// The upload and its size: -T FILE directly; stdin copied to a temporary file first (APPEND
/// announces the size before the bytes). Throws plan_error(26) when the input cannot be read.
struct upload {
  std::fstream file;
  std::uint64_t size = 0;
  std::filesystem::path spool;
  ~upload() {
    if (!spool.empty()) {
      std::error_code ec;
      std::filesystem::remove(spool, ec);
    }
  }
};

void open_upload(const cli::transfer_options& o, cli::transfer_context& ctx, upload& up) {
  const std::string name = o.upload_file.value_or("-");
  if (name != "-") {
    up.file.open(name, std::ios::in | std::ios::binary);
    std::error_code ec;
    up.size = std::filesystem::file_size(name, ec);
    if (!up.file || ec) throw plan_error{exit_code::read_error, "Can't open '" + name + "'"};
    return;
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "inet-imap-XXXXXX").string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw plan_error{exit_code::read_error, "cannot create a spool file for stdin"};
  ::close(fd);
  up.spool = tmpl;
  up.file.open(tmpl, std::ios::in | std::ios::out | std::ios::binary | std::ios::trunc);
  char buf[16384];
  while (ctx.in.read(buf, sizeof buf) || ctx.in.gcount() > 0) {
    up.file.write(buf, ctx.in.gcount());
    up.size += static_cast<std::uint64_t>(ctx.in.gcount());
  }
  if (ctx.in.bad() || !up.file) throw plan_error{exit_code::read_error, "Failed to read stdin"};
  up.file.seekg(0);
}

exit_code run_request(session& s, const request& r, const cli::transfer_options& o,
                      cli::transfer_context& ctx, step& st, std::string& why,
                      cli::progress_meter* meter) {
  imap::blocking_client& c = s.client;
  if (r.what == request::kind::append) {
    upload up;
    open_upload(o, ctx, up);
    stream_source src(up.file);
    st = step::append;
    imap::append_options ao;
    ao.flags = {"\\Seen"};
    if (meter) ao.progress = meter->upload_fn();
    c.append(r.mailbox, src, up.size, ao);
    return exit_code::ok;
  }
  cli::output out(o, ctx);
  if (r.what != request::kind::list && !r.mailbox.empty()) {
    st = step::select;
    if (exit_code e = select_mailbox(c, r, why); e != exit_code::ok) return e;
  }
  exit_code e = exit_code::ok;
  if (r.what == request::kind::fetch) {
    st = step::fetch;
    e = run_fetch(c, r, out, o, why, meter);
  } else {
    st = step::listing;
    e = run_listing(c, r, out, why, meter);
  }
  out.finish();
  return e;
}

int transfer(const cli::transfer_options& o, const url::parsed_url& u,
             cli::transfer_context& ctx, bool upload) {
  const bool last = enter_group(o);
  group_cache& c = cache();
  step st = step::connect;
  std::string why;
  exit_code code = exit_code::ok;
  bool broken = false;  // the connection cannot be trusted for the next URL
  // curl's meter (or -# bar) on a terminal's stderr; drawn to its end before any error line.
  const std::unique_ptr<cli::progress_meter> meter =
      cli::make_progress_meter(o, ctx.out, ctx.err);
  try {
    const request r = plan_request(o, u, upload);
    session& s = connect(o, u);
    code = run_request(s, r, o, ctx, st, why, meter.get());
    // A custom command may change the selection behind the client's back: no reuse after it.
    if (r.what == request::kind::custom) c.drop(true);
  } catch (const plan_error& e) {
    code = e.code;
    why = e.why;
  } catch (const cli::write_failure& e) {
    code = exit_code::write_error;
    why = e.what();
    broken = true;
  } catch (const imap::imap_exception& e) {
    code = exit_code_for(e.code(), st);
    why = e.what();
    broken = st == step::connect || e.code() == imap::error::server_bye;
  } catch (const std::system_error& e) {
    code = exit_code_for(e.code(), st);
    why = e.what();
    broken = true;
    if (code == exit_code::partial_file)
      why = "Transfer closed before the end of the response: " + why;
  }
  if (broken) c.drop(false);
  if (last) c.drop(true);
  if (meter) meter->finish();
  if (code == exit_code::ok) return 0;
  return cli::report_failure(o, ctx, code, why);
}

int get_handler(const cli::transfer_options& o, const url::parsed_url& u,
                cli::transfer_context& ctx) {
  return transfer(o, u, ctx, false);
}

int put_handler(const cli::transfer_options& o, const url::parsed_url& u,
                cli::transfer_context& ctx) {
  return transfer(o, u, ctx, true);
}

}  // namespace

int imap_get(const cli::transfer_options& o, const url::parsed_url& u,
             cli::transfer_context& ctx) {
  return get_handler(o, u, ctx);
}

int imap_put(const cli::transfer_options& o, const url::parsed_url& u,
             cli::transfer_context& ctx) {
  return put_handler(o, u, ctx);
}

namespace {

const cli::handler_registrar imap_get_registrar{cli::direction::get, url::scheme::imap, &imap_get};
const cli::handler_registrar imaps_get_registrar{cli::direction::get, url::scheme::imaps, &imap_get};
const cli::handler_registrar imap_put_registrar{cli::direction::put, url::scheme::imap, &imap_put};
const cli::handler_registrar imaps_put_registrar{cli::direction::put, url::scheme::imaps, &imap_put};

}  // namespace

}  // namespace inet::imap_cli
