#include "tools/inet/library_handlers.hpp"

#include <filesystem>
#include <fstream>
#include <istream>
#include <memory>

#include "protocols/transfer/glob.hpp"
#include "protocols/transfer/registry.hpp"
#include "protocols/transfer/session.hpp"
#include "tools/inet/cli.hpp"
#include "tools/inet/extract.hpp"
#include "tools/inet/progress_meter.hpp"
#include "tools/inet/transfer_support.hpp"

namespace inet::cli {
namespace {

/// The session of the current group and how many of its library URLs ran.
struct group_state {
  const transfer_options* group = nullptr;
  std::size_t calls = 0, total = 0;
  std::unique_ptr<transfer::blocking_session> session;

  void close() {
    if (session) session->close();  // LOGOUT/QUIT on the cached connections
    session.reset();
  }
};

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

/// Registers this call with the group; returns true if it is the group's last library URL.
bool enter_group(const transfer_options& o, direction d) {
  group_state& g = state();
  if (g.group != &o || g.calls >= g.total) {
    g.close();
    g.group = &o;
    g.calls = 0;
    g.total = library_urls_in(o, d);
    g.session = std::make_unique<transfer::blocking_session>();
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

/// curl's -w: %{http_code} / %{response_code} (3 digits), %{size_download}, \n \r \t, %%.
void write_out(const transfer_options& o, transfer_context& ctx, const transfer::result& r) {
  if (!o.write_out) return;
  const std::string& f = *o.write_out;
  std::string out;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '\\' && i + 1 < f.size() && std::string_view("nrt").find(f[i + 1]) != std::string_view::npos) {
      out += f[i + 1] == 'n' ? '\n' : f[i + 1] == 'r' ? '\r' : '\t';
      ++i;
    } else if (f.compare(i, 2, "%%") == 0) {
      out += '%';
      ++i;
    } else if (f.compare(i, 2, "%{") == 0 && f.find('}', i) != std::string::npos) {
      const std::size_t end = f.find('}', i);
      const std::string var = f.substr(i + 2, end - i - 2);
      char code[8];
      std::snprintf(code, sizeof code, "%03d", r.reply_code);
      if (var == "http_code" || var == "response_code") out += code;
      else if (var == "size_download") out += std::to_string(r.bytes);
      i = end;
    } else {
      out += f[i];
    }
  }
  ctx.out << out << std::flush;
}

int run_get(transfer::blocking_session& s, const transfer_options& o, const url::parsed_url& u,
            transfer::options t, transfer_context& ctx) {
  if (o.extract_dir || o.parts) return run_extract(s, o, u, std::move(t), ctx);
  // curl's meter (or -# bar) on a terminal's stderr; drawn to its end before any error line.
  const std::unique_ptr<progress_meter> meter = make_progress_meter(o, ctx.out, ctx.err);
  if (meter) t.progress = meter->download_fn();
  if (o.resume_auto) {  // -C -: continue after what the output file already holds (curl)
    const std::string* name = ctx.output_name ? ctx.output_name : o.output ? &*o.output : nullptr;
    std::error_code size_ec;
    t.resume_from = name && *name != "-" ? std::filesystem::file_size(*name, size_ec) : 0;
    if (size_ec) t.resume_from = 0;
    t.resume_auto = false;
  }
  try {
    output out(o, ctx);
    std::error_code ec;
    const transfer::result r = s.get(u, t, out.sink(), ec);
    if (meter) meter->finish();
    if (ec) {
      write_out(o, ctx, r);
      return report(o, ctx, ec, r);
    }
    out.finish();
    write_out(o, ctx, r);
    return 0;
  } catch (const write_failure& e) {
    if (meter) meter->finish();
    return report_failure(o, ctx, exit_code::write_error, e.what());
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
  std::error_code ec;
  const transfer::result r = s.put(u, t, src, ec);
  if (meter) meter->finish();
  write_out(o, ctx, r);
  return ec ? report(o, ctx, ec, r) : 0;
}

}  // namespace

int library_transfer(direction d, const transfer_options& o, const url::parsed_url& u,
                     transfer_context& ctx) {
  const bool last = enter_group(o, d);
  group_state& g = state();
  int rc = 0;
  try {
    const transfer::options t = library_options(o, u);
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
