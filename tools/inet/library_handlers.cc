#include "tools/inet/library_handlers.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <istream>
#include <memory>
#include <thread>

#include "protocols/http/cookie_jar.hpp"
#include "protocols/transfer/glob.hpp"
#include "protocols/transfer/registry.hpp"
#include "protocols/transfer/session.hpp"
#include "tools/inet/cli.hpp"
#include "tools/inet/extract.hpp"
#include "tools/inet/progress_meter.hpp"
#include "tools/inet/retry.hpp"
#include "tools/inet/write_out.hpp"
#include "tools/inet/transfer_support.hpp"
#include "transport/trace.hpp"

namespace inet::cli {
namespace {

/// The session of the current group and how many of its library URLs ran.
struct group_state {
  const transfer_options* group = nullptr;
  std::size_t calls = 0, total = 0;
  std::unique_ptr<transfer::blocking_session> session;
  std::shared_ptr<http::cookie_jar> jar;  // -b/-c: shared by the group's URLs
  std::optional<std::string> jar_out;     // -c FILE

  void close() {
    if (session) session->close();  // LOGOUT/QUIT on the cached connections
    session.reset();
    save_cookies();
  }
  void open_cookies(const transfer_options& o);
  void save_cookies();
};

// -b FILE (no '=': a file; curl ignores one that cannot be read) and/or -c turn the jar on.
void group_state::open_cookies(const transfer_options& o) {
  jar.reset();
  jar_out = o.cookie_jar;
  if (!o.cookie && !o.cookie_jar) return;
  jar = std::make_shared<http::cookie_jar>();
  if (o.cookie && o.cookie->find('=') == std::string::npos && !o.cookie->empty()) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(*o.cookie, ec);
    std::ifstream f(*o.cookie, std::ios::binary);
    if (ec || !f || size > 16 * 1024 * 1024) return;
    jar->load_netscape(std::string(std::istreambuf_iterator<char>(f), {}));
  }
}

// -c FILE: every live cookie in the Netscape format, as curl writes it at the end.
void group_state::save_cookies() {
  if (!jar || !jar_out) return;
  const std::string text = jar->netscape();
  jar.reset();
  if (*jar_out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  std::ofstream f(*jar_out, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f.flush()) std::fprintf(stderr, "inet: WARNING: failed to save cookies in %s\n",
                               jar_out->c_str());
}

group_state& state() {
  static group_state s;
  return s;
}

transfer::direction to_library(direction d) {
  return d == direction::get ? transfer::direction::get : transfer::direction::put;
}

bool handled(const std::string& text, direction d) {
  try {
    return transfer::find_handler(url::parse(text).scheme, to_library(d)) != nullptr;
  } catch (const std::system_error&) {
    return false;
  }
}

/// The URLs of the group the CLI will hand to the library (globs expanded as cli.cc does).
std::size_t library_urls_in(const transfer_options& o, direction d) {
  std::size_t n = 0;
  for (const auto& text : o.urls) {
    if (o.globoff) {
      n += handled(text, d);
      continue;
    }
    try {
      const transfer::url_glob g(text);
      for (std::size_t i = 0; i < g.size(); ++i) n += handled(g.at(i).url, d);
    } catch (const transfer::transfer_exception&) {
    }
  }
  return n;
}

/// The gets of the group the CLI will hand to the library, in order (session::plan_gets: a
/// handler may start them ahead, e.g. pipelined POP3 RETRs).
std::vector<transfer::planned_get> planned_gets(const transfer_options& o) {
  std::vector<transfer::planned_get> out;
  auto add = [&](const std::string& text) {
    try {
      url::parsed_url u = url::parse(text);
      if (!transfer::find_handler(u.scheme, transfer::direction::get)) return;
      // Only a handler that plans ahead needs the options; the others just separate its URLs.
      transfer::options t;
      if (transfer::plans_ahead(u.scheme, transfer::direction::get)) t = library_options(o, u);
      out.push_back({std::move(u), std::move(t)});
    } catch (const std::exception&) {
    }
  };
  for (const auto& text : o.urls) {
    if (o.globoff) {
      add(text);
      continue;
    }
    try {
      const transfer::url_glob g(text);
      for (std::size_t i = 0; i < g.size(); ++i) add(g.at(i).url);
    } catch (const std::exception&) {
    }
  }
  return out;
}

/// Registers this call with the group; returns true if it is the group's last library URL.
bool enter_group(const transfer_options& o, direction d) {
  group_state& g = state();
  if (g.group != &o || g.calls >= g.total) {
    g.close();
    g.group = &o;
    g.calls = 0;
    g.total = library_urls_in(o, d);
    g.session = std::make_unique<transfer::blocking_session>();
    if (d == direction::get && g.total > 1) g.session->plan_gets(planned_gets(o));
    g.open_cookies(o);
  }
  ++g.calls;
  return g.calls >= g.total;
}

/// A byte_source over an open stream (-T FILE, or stdin).
class stream_source final : public byte_source {
 public:
  stream_source(std::istream& in, std::string what) : in_(in), what_(std::move(what)) {}
  std::size_t read(std::span<char> buf) override {
    in_.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in_.bad())
      throw transfer::transfer_exception(make_error_code(transfer::error::read_error),
                                         "Failed to read " + what_);
    return static_cast<std::size_t>(in_.gcount());
  }

 private:
  std::istream& in_;
  std::string what_;
};

int report(const transfer_options& o, transfer_context& ctx, const std::error_code& ec,
           const transfer::result& r) {
  return report_failure(o, ctx, transfer::curl_exit_code(ec, r.failed_in), r.message);
}

/// True for imap(s)://…;UID=n and pop3(s)://…/n: one message, for --extract/--parts.
bool single_message(const url::parsed_url& u) {
  using url::scheme;
  if (u.scheme == scheme::imap || u.scheme == scheme::imaps) return u.param("UID").has_value();
  if (u.scheme == scheme::pop3 || u.scheme == scheme::pop3s)
    return u.path.find_first_not_of('/') != std::string::npos;
  return false;
}

/// --parts / --extract DIR: the message goes through mime::parser instead of to the output.
int run_extract(transfer::blocking_session& s, const transfer_options& o,
                const url::parsed_url& u, transfer::options t, transfer_context& ctx) {
  if (!single_message(u))
    return report_failure(o, ctx, exit_code::failed_init,
                          "--extract/--parts need one message: imap://…;UID=n or pop3://…/n");
  message_extractor x(ctx.out, o.parts, o.extract_dir.value_or(""), o.force);
  std::error_code ec;
  const transfer::result r = s.get(u, t, x.sink(), ec);
  if (ec) return report(o, ctx, ec, r);
  try {
    x.finish();
  } catch (const write_failure& e) {
    return report_failure(o, ctx, exit_code::write_error, e.what());
  }
  if (o.show_errors())
    for (const auto& p : x.problems())
      ctx.err << "inet: warning: part " << (p.path.empty() ? "message" : p.path) << ": "
              << p.code.message() << '\n';
  return 0;
}

/// -C -: the size of the output file (0 when there is none or it is stdout).
std::uint64_t local_size(const transfer_options& o, const transfer_context& ctx) {
  const std::string* name = ctx.output_name ? ctx.output_name : o.output ? &*o.output : nullptr;
  std::error_code ec;
  if (!name || *name == "-") return 0;
  const auto n = std::filesystem::file_size(*name, ec);
  return ec ? 0 : n;
}

bool is_http(const url::parsed_url& u) {
  return u.scheme == url::scheme::http || u.scheme == url::scheme::https;
}

/// One attempt of a get; nullopt when --retry says to try once more (after waiting).
std::optional<int> attempt_get(transfer::blocking_session& s, const transfer_options& o,
                               const url::parsed_url& u, const transfer::options& t,
                               transfer_context& ctx, retry_policy& retry) {
  const auto started = std::chrono::steady_clock::now();
  // curl's meter (or -# bar) on a terminal's stderr; drawn to its end before any error line.
  const std::unique_ptr<progress_meter> meter = make_progress_meter(o, ctx.out, ctx.err);
  transfer::options topt = t;
  if (meter) topt.progress = meter->download_fn();
  try {
    output out(o, ctx, t.resume_from.has_value());
    std::error_code ec;
    const transfer::result r = s.get(u, topt, out.sink(u.scheme == url::scheme::telnet), ec);
    out.flush();  // the output before any meter line, warning or error
    if (meter) meter->finish();
    std::string why;
    const auto code = transfer::curl_exit_code(ec, r.failed_in);
    if (const auto wait = retry.next(code, r.reply_code, is_http(u), why, r.retry_after)) {
      if (!o.silent) {
        ctx.err << retry_warning(why, *wait, retry.left() + 1) << '\n';
        if (r.bytes > 0 && (ctx.output_name || (o.output && *o.output != "-")))
          ctx.err << "Throwing away " << r.bytes << " bytes\n";
      }
      std::this_thread::sleep_for(*wait);
      return std::nullopt;
    }
    const auto took = std::chrono::steady_clock::now() - started;
    if (ec) {
      write_out(o, ctx, r, took);
      return report(o, ctx, ec, r);
    }
    out.finish();
    write_out(o, ctx, r, took);
    return 0;
  } catch (const write_failure& e) {
    if (meter) meter->finish();
    return report_failure(o, ctx, exit_code::write_error, e.what());
  }
}

int run_get(transfer::blocking_session& s, const transfer_options& o, const url::parsed_url& u,
            transfer::options t, transfer_context& ctx) {
  if (o.extract_dir || o.parts) return run_extract(s, o, u, std::move(t), ctx);
  if (o.resume_auto) {  // -C -: continue after what the output file already holds (curl)
    if (const std::uint64_t n = local_size(o, ctx); n > 0) t.resume_from = n;
    t.resume_auto = false;
  }
  retry_policy retry(o);
  for (;;) {
    if (const auto rc = attempt_get(s, o, u, t, ctx, retry)) return *rc;
  }
}

int run_put(transfer::blocking_session& s, const transfer_options& o, const url::parsed_url& u,
            transfer::options t, transfer_context& ctx) {
  const std::string name = o.upload_file.value_or("-");
  std::ifstream file;
  std::istream* in = &ctx.in;
  if (name != "-") {
    file.open(name, std::ios::in | std::ios::binary);
    std::error_code size_ec;
    t.upload_size = std::filesystem::file_size(name, size_ec);
    if (!file || size_ec)
      return report_failure(o, ctx, exit_code::read_error, "Can't open '" + name + "'");
    in = &file;
  }
  stream_source src(*in, name == "-" ? "stdin" : "'" + name + "'");
  const std::unique_ptr<progress_meter> meter = make_progress_meter(o, ctx.out, ctx.err);
  if (meter) t.progress = meter->upload_fn();
  try {
    // http(s): the response body goes to stdout or -o, as curl -T prints it.
    std::optional<output> response;
    if (is_http(u)) t.response_sink = response.emplace(o, ctx).sink();
    std::error_code ec;
    const transfer::result r = s.put(u, t, src, ec);
    if (response) response->flush();  // the response before any meter line or error
    if (meter) meter->finish();
    if (response && !ec) response->finish();
    write_out(o, ctx, r);
    return ec ? report(o, ctx, ec, r) : 0;
  } catch (const write_failure& e) {
    if (meter) meter->finish();
    return report_failure(o, ctx, exit_code::write_error, e.what());
  }
}

}  // namespace

int library_transfer(direction d, const transfer_options& o, const url::parsed_url& u,
                     transfer_context& ctx) {
  const bool last = enter_group(o, d);
  group_state& g = state();
  // -v: the trace goes to the CLI's stderr stream (tests capture it), until the group's
  // connections are closed.
  struct trace_off {
    bool on;
    ~trace_off() {
      if (on) transport::set_trace_sink(nullptr);
    }
  } const untrace{last && o.verbosity > 0};
  int rc = 0;
  try {
    transfer::options t = library_options(o, u);
    if (o.verbosity > 0)
      t.trace_sink = [err = &ctx.err](std::string_view line) { *err << line << '\n'; };
    t.cookies = g.jar;
    rc = d == direction::get ? run_get(*g.session, o, u, t, ctx)
                             : run_put(*g.session, o, u, t, ctx);
  } catch (...) {
    if (last) g.close();
    throw;  // reported by the CLI (exit 2, or 27 for bad_alloc)
  }
  if (last) g.close();
  return rc;
}

namespace {

/// Every scheme the library handles, registered with the CLI at start-up.
const bool registered = [] {
  for (auto d : {direction::get, direction::put}) {
    for (url::scheme s : transfer::supported_schemes(to_library(d))) {
      handler_registrar{d, s, [d](const transfer_options& o, const url::parsed_url& u,
                                  transfer_context& ctx) { return library_transfer(d, o, u, ctx); }};
    }
  }
  return true;
}();

}  // namespace

}  // namespace inet::cli
