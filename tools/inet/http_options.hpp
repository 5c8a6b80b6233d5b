// The HTTP-specific options of `inet get`/`inet put` (curl's -r, --retry, --retry-delay,
// --retry-max-time, --proxy-user, -p/--proxytunnel, --expect100-timeout, -Z/--parallel,
// --parallel-max) and how they reach the transfer library's options.
#pragma once

#include "protocols/transfer/options.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/transfer_options.hpp"

namespace CLI {
class App;
}

namespace inet::cli {

/// Adds -r/--range, --retry, --retry-delay, --retry-max-time, --expect100-timeout,
/// --proxy-user, -p/--proxytunnel, -Z/--parallel and --parallel-max to `app`, bound
/// to `o`. Bad values throw option_error when parsed.
void add_http_options(CLI::App& app, transfer_options& o);

/// Copies -r, -C N (http(s) URLs only; -C - is worked out from the output file by the get
/// handler),
/// --expect100-timeout, -p and --proxy-user (onto the proxy, when there is one) into `t`.
void apply_http_options(const transfer_options& o, const url::parsed_url& u,
                        transfer::options& t);

/// -Z: runs all URLs of a group concurrently and returns the first non-zero status in URL
/// order. The library handlers register it (the CLI core does not link the transfer session).
using group_runner = int (*)(const transfer_options& o, transfer_context& ctx);
void set_parallel_runner(group_runner fn) noexcept;
group_runner parallel_runner() noexcept;

}  // namespace inet::cli
