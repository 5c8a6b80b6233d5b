#include "tools/inet/http_options.hpp"

#include <CLI/CLI.hpp>

#include <charconv>

#include "tools/inet/cli.hpp"

namespace inet::cli {
namespace {

[[noreturn]] void bad(std::string_view option, const std::string& why) {
  throw option_error("option " + std::string(option) + ": " + why);
}

// curl's -r: "X-Y", "X-", "-Y", comma-separated; digits, '-' and ',' only (it becomes a header).
std::string parse_range(const std::string& v) {
  if (v.empty() || v.find('-') == std::string::npos ||
      v.find_first_not_of("0123456789-,") != std::string::npos)
    bad("--range", "expected ranges like 0-499, 500- or -500, not '" + v.substr(0, 40) + "'");
  return v;
}

int parse_count(const std::string& v) {
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || n < 0)
    bad("--retry", "expected a count >= 0, not '" + v.substr(0, 40) + "'");
  return n;
}

group_runner& runner() noexcept {
  static group_runner fn = nullptr;
  return fn;
}

}  // namespace

void set_parallel_runner(group_runner fn) noexcept { runner() = fn; }
group_runner parallel_runner() noexcept { return runner(); }

void add_http_options(CLI::App& app, transfer_options& o) {
  app.add_flag("-p,--proxytunnel", o.proxytunnel,
               "http:// through an HTTP proxy: a CONNECT tunnel, not absolute-form requests");
  app.add_flag("-Z,--parallel", o.parallel,
               "get: transfer the URLs of this group at once (at most --parallel-max)");
  app.add_option_function<std::string>(
         "--parallel-max",
         [&o](const std::string& v) {
           o.parallel_max = parse_count(v);
           if (o.parallel_max < 1 || o.parallel_max > 300)
             bad("--parallel-max", "expected 1 to 300, not " + v.substr(0, 40));
         },
         "With -Z: at most N transfers at once (50)")
      ->type_name("N");
  app.add_option_function<std::string>(
         "-r,--range", [&o](const std::string& v) { o.range = parse_range(v); },
         "HTTP: only bytes RANGE of the document (Range: bytes=RANGE); -C wins")
      ->type_name("RANGE");
  app.add_option_function<std::string>(
         "--retry", [&o](const std::string& v) { o.retry = parse_count(v); },
         "Retry N times on a transient failure (timeout, unresolved host, HTTP 408 429 500 502 "
         "503 504)")
      ->type_name("N");
  app.add_option_function<std::string>(
         "--retry-delay",
         [&o](const std::string& v) {
           const auto ms = parse_seconds(v, "--retry-delay");
           if (ms.count() == 0) o.retry_delay.reset();
           else o.retry_delay = ms;
         },
         "Wait SECONDS between retries (default: 1 s, doubling up to 10 minutes)")
      ->type_name("SECONDS");
  app.add_option_function<std::string>(
         "--retry-max-time",
         [&o](const std::string& v) {
           const auto ms = parse_seconds(v, "--retry-max-time");
           if (ms.count() == 0) o.retry_max_time.reset();
           else o.retry_max_time = ms;
         },
         "Start no retry later than SECONDS after the first attempt (0 = no limit)")
      ->type_name("SECONDS");
  app.add_option_function<std::string>(
         "--expect100-timeout",
         [&o](const std::string& v) { o.expect100_timeout = parse_seconds(v, "--expect100-timeout"); },
         "HTTP uploads over 1 MiB: wait SECONDS for 100 Continue, then send the body (1)")
      ->type_name("SECONDS");
  app.add_option_function<std::string>(
         "--proxy-user",
         [&o](const std::string& v) {
           if (v.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
             bad("--proxy-user", "contains CR, LF or NUL");
           const auto colon = v.find(':');
           o.proxy_user = v.substr(0, colon);
           if (colon != std::string::npos) o.proxy_password = v.substr(colon + 1);
           else o.proxy_password.reset();
         },
         "USER[:PASS] for the proxy (HTTP Basic on the CONNECT, SOCKS5 user/password)")
      ->type_name("USER:PASS");
}

void apply_http_options(const transfer_options& o, const url::parsed_url& u,
                        transfer::options& t) {
  t.http_range = o.range;
  t.http_proxy_tunnel = o.proxytunnel;
  if (o.expect100_timeout) t.expect100_timeout = *o.expect100_timeout;
  if (t.proxy && o.proxy_user) {
    t.proxy->user = o.proxy_user;
    t.proxy->password = o.proxy_password.value_or("");
  }
}

}  // namespace inet::cli
