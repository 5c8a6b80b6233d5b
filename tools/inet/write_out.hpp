// curl's -w/--write-out for `inet get`/`inet put`.
#pragma once

#include <chrono>

#include "protocols/transfer/session.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/transfer_options.hpp"

namespace inet::cli {

/// Prints o.write_out (if given) for a finished transfer to ctx.out: %{http_code} and
/// %{response_code} (3 digits, 000 without a response), %{size_download} (bytes),
/// %{time_total} (seconds, 6 decimals, from `took`), %{url_effective}, %{num_redirects},
/// %{content_type}; an unknown variable prints nothing (as curl); \n \r \t and %% escapes.
void write_out(const transfer_options& o, transfer_context& ctx, const transfer::result& r,
               std::chrono::steady_clock::duration took = {});

}  // namespace inet::cli
