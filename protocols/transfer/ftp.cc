// ftp(s):// get and put on ftp::client's coroutines over a connection the session may cache.
// curl's reading of the URL (--ftp-method multicwd by default: CWD into each directory, then
// the command on the file name; nocwd: the whole path as one argument; singlecwd: one CWD).
//
//   ftp://host/dir/file         RETR file after CWD dir (TYPE I; ";type=a" in the URL: TYPE A)
//   ftp://host/dir/ , ftp://host/   LIST after CWD dir: the listing as the server sent it
//   -l (list_only) or ";type=d" NLST: names only
//   put ftp://host/dir/file     STOR file from the source; a URL ending in '/' gets the
//                               upload's file name appended (curl's -T rule); -C: APPE
//
// -Q commands go before the walk ("+CMD" after it, "-CMD" after the transfer). A directory that
// cannot be entered is curl's 9 (with --ftp-create-dirs it is made first). A download that ends
// before the server's 226, or shorter than its SIZE, is curl's 18. A cached connection remembers
// the directory it is in and goes back to the login directory (PWD) before another walk.
#include "protocols/ftp/client.hpp"
#include "protocols/transfer/builtin.hpp"
#include "protocols/transfer/session.hpp"
#include "protocols/transfer/settings.hpp"
#include "transport/error.hpp"

#include <algorithm>
#include <span>
#include <vector>

namespace inet::transfer {
namespace {

namespace asio = boost::asio;

struct ftp_connection final : connection {
  explicit ftp_connection(asio::any_io_executor ex) : client(std::move(ex)) {}
  asio::awaitable<void> goodbye() override {
    try {
      co_await client.quit();  // never throws on a dead connection; guard anyway
    } catch (...) {
    }
    client.close();
  }
  ftp::client client;
  std::optional<std::string> entry_path;  // PWD after login (multicwd/singlecwd walks)
  std::vector<std::string> dirs;          // where the walk left the connection
  bool moved = false;                     // CWD was sent since login
  bool settled = true;                    // the last walk completed: `dirs` is where it is
};

ftp::client_options make_options(const options& o, const url::parsed_url& u,
                                 const credentials& creds) {
  ftp::client_options opts;
  opts.host = u.host;
  opts.port = u.port;
  opts.user = creds.user.value_or("");
  opts.password = creds.password.value_or("");
  const bool sends_secret = !opts.user.empty() && opts.user != "anonymous";
  if (u.implicit_tls()) {
    opts.security = ftp::security::implicit_tls;
  } else {
    opts.policy = detail::to_policy(effective_tls(o, sends_secret));
  }
  detail::apply_transport_options(o, opts.tls, opts.connect);
  return opts;
}

/// The URL's ";type=" parameter, lower-cased ('\0' when absent).
char url_type(const url::parsed_url& u) {
  for (const auto& [name, value] : u.path_params)
    if (name == "TYPE" && value.size() == 1) return static_cast<char>(value[0] | 0x20);
  return '\0';
}

/// cl.sink, refusing more than --max-filesize bytes (curl's 63; nothing past it is written).
byte_sink limited_sink(call& cl) {
  if (!cl.opts.max_filesize) return cl.sink;
  return [&cl, max = *cl.opts.max_filesize, seen = std::uint64_t{0}](std::string_view chunk) mutable {
    seen += chunk.size();
    if (seen > max)
      throw std::system_error(transport::make_error_code(transport::error::body_too_large),
                              "more than --max-filesize " + std::to_string(max) + " bytes");
    cl.sink(chunk);
  };
}

/// The URL path as curl's --ftp-method sees it: the directories to enter and the file name.
struct ftp_path {
  std::vector<std::string> dirs;
  std::string file;  // empty for a directory URL
};

ftp_path split_path(const std::string& path, options::ftp_method m) {
  ftp_path p;
  const auto slash = path.find_last_of('/');
  p.file = slash == std::string::npos ? path : path.substr(slash + 1);
  if (slash == std::string::npos || m == options::ftp_method::nocwd) return p;
  const std::string dir = path.substr(0, slash);
  if (m == options::ftp_method::singlecwd) {
    p.dirs.push_back(dir.empty() ? "/" : dir);
    return p;
  }
  std::size_t at = 0;
  if (dir.empty() || dir[0] == '/') {  // "ftp://host//abs/...": start at the root
    p.dirs.push_back("/");
    at = 1;
  }
  while (at <= dir.size()) {
    const auto next = std::min(dir.find('/', at), dir.size());
    if (next > at) p.dirs.push_back(dir.substr(at, next - at));
    at = next + 1;
  }
  return p;
}

/// CWD `dir`: false when refused (a 421 still throws: the connection is gone).
asio::awaitable<bool> try_cwd(ftp::client& c, const std::string& dir) {
  const ftp::reply r = co_await c.command("CWD " + dir);
  if (r.code == 421)
    throw ftp::ftp_exception(make_error_code(ftp::error::service_unavailable), "CWD " + dir, r);
  co_return r.kind() == 2;
}

/// CWD into `want` (back to the login directory first when the connection is elsewhere).
asio::awaitable<void> walk(ftp_connection& conn, const std::vector<std::string>& want,
                           const options& o) {
  ftp::client& c = conn.client;
  if (conn.settled && conn.dirs == want) co_return;
  if (conn.moved) {
    if (!conn.entry_path) conn.entry_path = "/";
    co_await c.cwd(*conn.entry_path);
    conn.dirs.clear();
    conn.moved = false;
  }
  conn.settled = false;
  for (const auto& d : want) {
    conn.moved = true;
    if (!co_await try_cwd(c, d)) {
      bool ok = o.ftp_create_dirs;
      // curl: MKD, then CWD again; for singlecwd each part of the path in turn.
      const auto parts = o.ftp_cwd == options::ftp_method::singlecwd
                             ? split_path(d + "/", options::ftp_method::multicwd).dirs
                             : std::vector<std::string>{d};
      for (std::size_t i = 0; ok && i < parts.size(); ++i) {
        if (co_await try_cwd(c, parts[i])) continue;
        const ftp::reply m = co_await c.command("MKD " + parts[i]);
        ok = m.kind() == 2 && co_await try_cwd(c, parts[i]);
      }
      if (!ok)
        throw transfer_exception(make_error_code(error::remote_access_denied),
                                 "Server denied you to change to the given directory");
    }
    conn.dirs.push_back(d);
  }
  conn.settled = true;
}

/// The -Q commands of one phase: '\0' before the walk, '+' after it, '-' after the transfer.
asio::awaitable<void> run_quotes(ftp::client& c, const options& o, char phase) {
  for (const auto& q : o.quote) {
    std::string_view cmd = q;
    const char p = !cmd.empty() && (cmd[0] == '+' || cmd[0] == '-') ? cmd[0] : '\0';
    if (p != phase) continue;
    if (p) cmd.remove_prefix(1);
    const bool may_fail = !cmd.empty() && cmd[0] == '*';
    if (may_fail) cmd.remove_prefix(1);
    const ftp::reply r = co_await c.command(std::string(cmd));
    if (r.code >= 400 && !may_fail)
      throw transfer_exception(make_error_code(error::quote_error),
                               "QUOT command failed with " + std::to_string(r.code));
  }
}

/// -P ADDR: the active address and port range (curl's "ADDR[:PORT[-PORT]]"; "-" = control's).
void apply_data_mode(ftp::client& c, const options& o) {
  if (!o.ftp_port) return c.set_data_mode(false, o.ftp_epsv);
  std::string addr = *o.ftp_port == "-" ? std::string() : *o.ftp_port;
  transport::port_range ports;
  const auto colon = addr.rfind(':');
  const bool bracketed = !addr.empty() && addr[0] == '[';
  if (colon != std::string::npos && (bracketed ? addr[colon - 1] == ']' : addr.find(':') == colon)) {
    const std::string range = addr.substr(colon + 1);
    addr.resize(colon);
    const auto dash = range.find('-');
    try {
      ports.first = static_cast<std::uint16_t>(std::stoul(range.substr(0, dash)));
      ports.last = dash == std::string::npos ? ports.first
                                             : static_cast<std::uint16_t>(std::stoul(range.substr(dash + 1)));
    } catch (const std::exception&) {
      throw std::system_error(make_error_code(ftp::error::port_failed), "-P " + *o.ftp_port);
    }
  }
  if (bracketed && addr.size() >= 2 && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
  c.set_data_mode(true, o.ftp_epsv, addr, ports);
}

asio::awaitable<void> run_get(ftp_connection& conn, call& cl) {
  ftp::client& c = conn.client;
  cl.where = stage::transfer;
  const char type = url_type(cl.url);
  const ftp_path p = split_path(cl.url.path, cl.opts.ftp_cwd);
  co_await walk(conn, p.dirs, cl.opts);
  co_await run_quotes(c, cl.opts, '+');
  const std::string target = cl.opts.ftp_cwd == options::ftp_method::nocwd ? cl.url.path : p.file;
  const byte_sink sink = limited_sink(cl);
  // Listings go in TYPE A as curl sends them: CRLF arrives as "\n" (curl's output, byte for byte).
  if (cl.opts.list_only || type == 'd' || p.file.empty()) co_await c.set_type(ftp::transfer_type::ascii);
  if (cl.opts.list_only || type == 'd') {
    co_await c.name_list(target, sink);
  } else if (p.file.empty()) {
    // (a named argument: GCC 12 destroys a ?: temporary in a co_await twice)
    std::string dir;
    if (cl.opts.ftp_cwd == options::ftp_method::nocwd) dir = target;
    co_await c.list(dir, sink);
  } else {
    if (type == 'a') co_await c.set_type(ftp::transfer_type::ascii);
    if (cl.opts.max_filesize && c.server_features().has("SIZE")) {
      // curl refuses before RETR when SIZE already says too much (nothing is written).
      std::uint64_t size = 0;
      try {
        size = co_await c.size(target);
      } catch (const ftp::ftp_exception&) {
      }
      if (size > *cl.opts.max_filesize)
        throw std::system_error(transport::make_error_code(transport::error::body_too_large),
                                "Maximum file size exceeded");
    }
    const auto r = co_await c.retrieve(target, sink, cl.opts.resume_from.value_or(0));
    cl.res.reply_code = r.final_reply.code;
    cl.res.reply_text = r.final_reply.summary();
  }
  co_await run_quotes(c, cl.opts, '-');
}

/// Reads and drops the first `n` bytes of the caller's source (-C on a put).
void skip_source(call& cl, std::uint64_t n) {
  std::vector<char> buf(64 * 1024);
  while (n > 0) {
    const std::size_t k = cl.source->read(std::span<char>(buf.data(), std::min<std::uint64_t>(n, buf.size())));
    if (k == 0)
      throw transfer_exception(make_error_code(error::read_error),
                               "Could only read " + std::to_string(n) + " bytes less than the resume offset",
                               stage::append);
    n -= k;
  }
}

asio::awaitable<void> run_put(ftp_connection& conn, call& cl) {
  ftp::client& c = conn.client;
  cl.where = stage::append;
  std::string path = cl.url.path;
  if ((path.empty() || path.back() == '/') && cl.opts.upload_name) {
    const std::string& name = *cl.opts.upload_name;
    path += name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
  }
  const ftp_path p = split_path(path, cl.opts.ftp_cwd);
  co_await walk(conn, p.dirs, cl.opts);
  co_await run_quotes(c, cl.opts, '+');
  const std::string target = cl.opts.ftp_cwd == options::ftp_method::nocwd ? path : p.file;
  if (url_type(cl.url) == 'a') co_await c.set_type(ftp::transfer_type::ascii);
  std::optional<std::uint64_t> offset = cl.opts.resume_from;
  if (cl.opts.resume_auto) {
    try {  // curl: SIZE of the remote file; none there means start at 0
      offset = co_await c.size(target);
    } catch (const ftp::ftp_exception& e) {
      if (e.code() == ftp::error::service_unavailable) throw;
      offset = 0;
    }
  }
  if (offset && *offset > 0) skip_source(cl, *offset);
  counting_source src(cl, stage::append);
  const auto r = co_await c.store(target, src, offset.has_value() && *offset > 0);
  cl.res.reply_code = r.final_reply.code;
  cl.res.reply_text = r.final_reply.summary();
  co_await run_quotes(c, cl.opts, '-');
}

asio::awaitable<void> run(call& cl, bool put) {
  std::unique_ptr<ftp_connection> conn(static_cast<ftp_connection*>(cl.cached.release()));
  bool keep = false;
  std::exception_ptr failure;
  try {
    if (!conn) {
      cl.where = stage::connect;
      conn = std::make_unique<ftp_connection>(co_await asio::this_coro::executor);
      cl.opened();
      co_await conn->client.connect(make_options(cl.opts, cl.url, cl.creds));
      if (cl.opts.ftp_cwd != options::ftp_method::nocwd) {
        try {  // curl's PWD: where a reused connection returns to
          conn->entry_path = co_await conn->client.pwd();
        } catch (const ftp::ftp_exception&) {
        }
      }
    } else {
      co_await conn->client.set_type(ftp::transfer_type::binary);  // a ";type=a" may linger
    }
    apply_data_mode(conn->client, cl.opts);
    cl.where = put ? stage::append : stage::transfer;
    co_await run_quotes(conn->client, cl.opts, '\0');
    if (put) {
      co_await run_put(*conn, cl);
    } else {
      co_await run_get(*conn, cl);
    }
    keep = true;
  } catch (const transfer_exception&) {
    // CWD refused or a -Q command failed: the control connection is still in step.
    keep = conn && conn->client.is_connected();
    failure = std::current_exception();
  } catch (const ftp::ftp_exception& e) {
    // A refused RETR/STOR (550) or a resume past the end: the reply was read, still in step.
    keep = conn && conn->client.is_connected() &&
           (e.code() == ftp::error::file_unavailable || e.code() == ftp::error::resume_beyond_end);
    failure = std::current_exception();
  } catch (...) {
    // After a failed transfer the control connection may be out of step: never reused.
    failure = std::current_exception();
  }
  if (keep) cl.keep = std::move(conn);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

namespace detail {

asio::awaitable<void> ftp_get(call& cl) { co_await run(cl, false); }
asio::awaitable<void> ftp_put(call& cl) { co_await run(cl, true); }

}  // namespace detail
}  // namespace inet::transfer
