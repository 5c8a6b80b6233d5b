// `inet get -Z`: every URL of a group (globs expanded) runs at once on one io_context through
// the transfer session's async API, at most --parallel-max in flight; the session's connection
// cache (max_per_host = --parallel-max) gives each in-flight transfer its own connection and
// hands finished ones to the next URL of the same origin. Each URL writes to its own -o file
// ("#N" from its glob) or to stdout as its bytes arrive; -w is printed as each one ends.
// -C - (from each URL's -o file) and --retry (waiting on a timer) apply per URL.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include "protocols/transfer/glob.hpp"
#include "protocols/transfer/session.hpp"
#include "tools/inet/cli.hpp"
#include "tools/inet/http_options.hpp"
#include "tools/inet/retry.hpp"
#include "tools/inet/transfer_support.hpp"
#include "tools/inet/write_out.hpp"

namespace inet::cli {
namespace {

namespace asio = boost::asio;

struct item {
  std::string url;
  std::optional<std::string> output_name;  // -o with the glob's "#N" replaced
  int rc = 0;
};

std::vector<item> expand(const transfer_options& o, transfer_context& ctx) {
  std::vector<item> out;
  for (const auto& text : o.urls) {
    if (o.globoff) {
      out.push_back({text, std::nullopt});
      continue;
    }
    try {
      const transfer::url_glob g(text);
      for (std::size_t i = 0; i < g.size(); ++i) {
        const auto m = g.at(i);
        item it{m.url, std::nullopt};
        if (o.output && !m.values.empty())
          it.output_name = transfer::glob_output_name(*o.output, m.values);
        out.push_back(std::move(it));
      }
    } catch (const transfer::transfer_exception& e) {
      out.push_back({text, std::nullopt, report_failure(o, ctx, exit_code::url_malformat, e.why())});
    }
  }
  return out;
}

// -C -: the size of this URL's -o file (0 without one).
std::uint64_t local_size(const transfer_options& o, const transfer_context& c) {
  const std::string* name = c.output_name ? c.output_name : o.output ? &*o.output : nullptr;
  std::error_code ec;
  if (!name || *name == "-") return 0;
  const auto n = std::filesystem::file_size(*name, ec);
  return ec ? 0 : n;
}

asio::awaitable<void> one(transfer::session& s, const transfer_options& o, transfer_context& ctx,
                          item& it) {
  transfer_context c{ctx.out, ctx.err, ctx.in, it.output_name ? &*it.output_name : nullptr};
  try {
    const url::parsed_url u = url::parse(it.url);
    transfer::options t = library_options(o, u);
    const bool http = u.scheme == url::scheme::http || u.scheme == url::scheme::https;
    if (o.resume_auto && http) {
      if (const std::uint64_t n = local_size(o, c); n > 0) t.resume_from = n;
    }
    retry_policy retry(o);
    for (;;) {
      const auto started = std::chrono::steady_clock::now();
      output out(o, c, t.resume_from.has_value());
      auto [ec, r] = co_await s.co_get(u, t, out.sink());
      out.flush();  // the output before any warning or error
      std::string why;
      const auto code = transfer::curl_exit_code(ec, r.failed_in);
      if (const auto wait = retry.next(code, r.reply_code, http, why, r.retry_after)) {
        if (!o.silent) c.err << retry_warning(why, *wait, retry.left() + 1) << '\n';
        asio::steady_timer timer(co_await asio::this_coro::executor, *wait);
        co_await timer.async_wait(asio::use_awaitable);
        continue;
      }
      if (!ec) out.finish();
      write_out(o, c, r, std::chrono::steady_clock::now() - started);
      it.rc = ec ? report_failure(o, c, code, r.message) : 0;
      co_return;
    }
  } catch (const write_failure& e) {
    it.rc = report_failure(o, c, exit_code::write_error, e.what());
  } catch (const std::system_error& e) {  // a bad URL or proxy: curl's 3 / 1 / 2
    it.rc = report_failure(o, c, transfer::curl_exit_code(e.code()), e.what());
  } catch (const std::exception& e) {
    it.rc = report_failure(o, c, exit_code::failed_init, e.what());
  }
}

int run_parallel(const transfer_options& o, transfer_context& ctx) {
  std::vector<item> items = expand(o, ctx);
  asio::io_context io;
  transfer::session_options so;
  so.max_per_host = static_cast<std::size_t>(o.parallel_max);
  so.max_idle = std::max<std::size_t>(so.max_idle, so.max_per_host);
  transfer::session s(io.get_executor(), so);
  std::size_t next = 0;
  auto worker = [&]() -> asio::awaitable<void> {
    while (next < items.size()) {
      item& it = items[next++];
      if (it.rc == 0) co_await one(s, o, ctx, it);
    }
  };
  const std::size_t workers = std::min<std::size_t>(items.size(), o.parallel_max);
  for (std::size_t i = 0; i < workers; ++i) asio::co_spawn(io, worker(), asio::detached);
  io.run();
  io.restart();
  asio::co_spawn(io, s.co_close(), asio::detached);  // QUIT/LOGOUT on the cached connections
  io.run();
  for (const auto& it : items)
    if (it.rc != 0) return it.rc;
  return 0;
}

const bool registered = [] {
  set_parallel_runner(&run_parallel);
  return true;
}();

}  // namespace
}  // namespace inet::cli
