// imap(s):// get and put: curl's request choice per URL (moved from tools/imap/imap_cli.cc),
// run on imap::client's coroutines over a connection the session may cache.
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "protocols/imap/client.hpp"
#include "protocols/imap/mutf7.hpp"
#include "protocols/transfer/builtin.hpp"
#include "protocols/transfer/imap_url.hpp"
#include "protocols/transfer/session.hpp"
#include "protocols/transfer/settings.hpp"

namespace inet::transfer {
namespace imap_url {

namespace {

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

request plan_request(const options& o, const url::parsed_url& u, bool upload) {
  request r;
  r.mailbox = url_mailbox(u.path);
  if (auto v = u.param("UIDVALIDITY")) r.uidvalidity = number_param("UIDVALIDITY", *v);
  if (upload) {
    r.what = request::kind::append;
    if (r.mailbox.empty() && o.upload_name)  // curl: the file's name
      r.mailbox = std::filesystem::path(*o.upload_name).filename().string();
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
  if (o.custom_request && !o.custom_request->empty()) {
    r.what = request::kind::custom;
    r.line = *o.custom_request;
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

}  // namespace imap_url

namespace {

namespace asio = boost::asio;
using imap_url::request;

/// A cached IMAP connection: the client and nothing else (the selected mailbox is the
/// client's own state).
struct imap_connection final : connection {
  explicit imap_connection(asio::any_io_executor ex) : client(std::move(ex)) {}
  asio::awaitable<void> goodbye() override {
    try {
      co_await client.logout();
    } catch (...) {
    }
    client.close();
  }
  imap::client client;
};

imap::client_options make_options(const options& o, const url::parsed_url& u,
                                  const credentials& creds) {
  imap::client_options opts;
  opts.host = u.host;
  opts.port = u.port;
  opts.credentials.username = creds.user.value_or("");
  opts.credentials.password = creds.password.value_or("");
  opts.credentials.host = u.host;
  opts.credentials.port = u.port;
  if (o.oauth2_bearer) opts.credentials.oauth2_token = *o.oauth2_bearer;
  opts.token_provider = o.token_provider;
  const bool sends_secret = !opts.credentials.username.empty() || o.oauth2_bearer.has_value() ||
                            o.token_provider != nullptr;
  if (u.implicit_tls()) opts.security = imap::security::implicit_tls;
  else opts.policy = detail::to_policy(effective_tls(o, sends_secret));
  const std::string mech = detail::auth_mechanism(o, u);
  if (mech != "*") opts.auth_mechanism = mech;
  opts.enable_utf8 = false;  // curl sends names and search keys as given: no ENABLE
  opts.compress = o.compressed;  // COMPRESS=DEFLATE (RFC 4978) when offered
  detail::apply_transport_options(o, opts.tls, opts.connect);
  return opts;
}

[[noreturn]] void fail(exit_code code, std::string why) {
  throw transfer_exception(make_error_code(static_cast<error>(to_int(code))), std::move(why));
}

/// SELECT unless the mailbox is already selected on this connection (curl's reuse rule), then
/// the ;UIDVALIDITY= check (78 on mismatch).
asio::awaitable<void> select_mailbox(imap::client& c, const request& r) {
  const auto& sel = c.selected();
  if (!sel || !imap::iequals(sel->name, r.mailbox)) co_await c.select(r.mailbox);
  const auto& now = c.selected();
  if (r.uidvalidity && (!now || now->uidvalidity != r.uidvalidity))
    fail(exit_code::remote_file_not_found, "Mailbox UIDVALIDITY has changed");
}

asio::awaitable<void> run_fetch(imap::client& c, const request& r, call& cl) {
  imap::fetch_items items;
  items.uid = false;
  imap::section_spec sec;
  sec.section = r.section;
  sec.peek = false;  // curl sends BODY[...], which sets \Seen
  sec.partial = r.partial;
  items.sections.push_back(sec);
  imap::fetch_options fo;
  fo.by_uid = r.by_uid;
  fo.max_section_bytes = cl.opts.max_filesize.value_or(0);
  fo.sink = [&cl](const imap::section_ref& where, std::string_view chunk) {
    cl.expected_total = where.size;
    cl.sink(chunk);
  };
  const auto got = co_await c.fetch(imap::sequence_set(r.number), items, fo);
  for (const auto& f : got)
    for (const auto& s : f.sections) {
      if (s.nil) fail(exit_code::weird_server_reply, "Failed to parse FETCH response: NIL section");
      co_return;
    }
  fail(exit_code::remote_file_not_found,
       std::string("Failed to fetch: no message with ") + (r.by_uid ? "UID " : "index ") +
           std::to_string(r.number));
}

asio::awaitable<void> run_listing(imap::client& c, const request& r, call& cl) {
  const imap::command_result res =
      co_await c.command(r.line, cl.sink, [&r, &cl](std::string_view first) {
        const bool shown = imap_url::curl_prints_untagged(r, first);
        if (shown) cl.res.untagged.emplace_back(first);
        return shown;
      },
      [](const imap::response&) { return false; });  // written above or not at all: not kept
  cl.res.reply_text = res.status.summary();
  if (res.status.status != imap::status_response::kind::ok)
    fail(exit_code::quote_error,
         (r.what == request::kind::custom ? "Quote command returned error: "
                                          : "Command returned error: ") +
             res.status.summary());
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

/// The upload and its size: the caller's source as is when options::upload_size is given, else
/// spooled to a temporary file first (APPEND announces the size before the bytes).
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

void spool_upload(byte_source& src, upload& up) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "inet-imap-XXXXXX").string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) fail(exit_code::read_error, "cannot create a spool file for the upload");
  ::close(fd);
  up.spool = tmpl;
  up.file.open(tmpl, std::ios::in | std::ios::out | std::ios::binary | std::ios::trunc);
  char buf[16384];
  for (;;) {
    std::size_t n = 0;
    try {
      n = src.read(buf);
    } catch (const transfer_exception&) {
      throw;
    } catch (const std::exception& e) {
      fail(exit_code::read_error, e.what());
    }
    if (n == 0) break;
    up.file.write(buf, static_cast<std::streamsize>(n));
    up.size += n;
  }
  if (!up.file) fail(exit_code::read_error, "cannot write the spool file for the upload");
  up.file.seekg(0);
}

asio::awaitable<void> run_append(imap::client& c, const request& r, call& cl) {
  upload up;
  byte_source* src = cl.source;
  std::optional<stream_source> spooled;
  std::uint64_t size = 0;
  if (cl.opts.upload_size) {
    size = *cl.opts.upload_size;
  } else {
    spool_upload(*cl.source, up);
    spooled.emplace(up.file);
    src = &*spooled;
    size = up.size;
  }
  cl.where = stage::append;
  imap::append_options ao;
  ao.flags = {"\\Seen"};
  co_await c.append(r.mailbox, *src, size, ao);
  cl.moved(size, size);
}

asio::awaitable<void> run_request(imap::client& c, const request& r, call& cl) {
  if (r.what == request::kind::append) {
    co_await run_append(c, r, cl);
    co_return;
  }
  if (r.what != request::kind::list && !r.mailbox.empty()) {
    cl.where = stage::select;
    co_await select_mailbox(c, r);
  }
  if (r.what == request::kind::fetch) {
    cl.where = stage::fetch;
    co_await run_fetch(c, r, cl);
  } else {
    cl.where = stage::listing;
    co_await run_listing(c, r, cl);
  }
}

asio::awaitable<void> transfer(call& cl, bool upload) {
  request r;
  try {
    r = imap_url::plan_request(cl.opts, cl.url, upload);
  } catch (const imap_url::plan_error& e) {
    cl.keep = std::move(cl.cached);
    fail(e.code, e.why);
  }
  std::unique_ptr<imap_connection> conn(static_cast<imap_connection*>(cl.cached.release()));
  bool broken = false;  // the connection cannot be trusted for the next URL
  std::exception_ptr failure;
  try {
    if (!conn) {
      cl.where = stage::connect;
      conn = std::make_unique<imap_connection>(co_await asio::this_coro::executor);
      cl.opened();
      co_await conn->client.connect(make_options(cl.opts, cl.url, cl.creds));
    }
    co_await run_request(conn->client, r, cl);
  } catch (const transfer_exception& e) {
    broken = e.code() == error::write_error;
    failure = std::current_exception();
  } catch (const imap::imap_exception& e) {
    broken = cl.where == stage::connect || e.code() == imap::error::server_bye;
    failure = std::current_exception();
  } catch (...) {
    broken = true;
    failure = std::current_exception();
  }
  if (!broken) {
    // A custom command may change the selection behind the client's back: no reuse after it.
    if (r.what == request::kind::custom) co_await conn->goodbye();
    else cl.keep = std::move(conn);
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

namespace detail {

asio::awaitable<void> imap_get(call& c) { co_await transfer(c, false); }
asio::awaitable<void> imap_put(call& c) { co_await transfer(c, true); }

}  // namespace detail
}  // namespace inet::transfer
