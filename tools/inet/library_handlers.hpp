// `inet get`/`inet put` over the transfer library (protocols/transfer): every scheme the library
// has a handler for is registered here with the CLI's handler registry (handlers.hpp), so the
// protocols register with the library, never with the CLI.
//
// The URLs of one --next group share one transfer::session: a connection is reused by the next
// URL with the same origin, credentials and TLS settings, and every cached connection is ended
// politely (LOGOUT/QUIT) after the group's last URL.
#pragma once

#include "protocols/url/url.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/transfer_options.hpp"

namespace inet::cli {

/// One URL of a group through the library: opens the output (-o FILE or stdout) or the upload
/// (-T FILE or stdin), runs the transfer, prints "inet: (N) reason" on failure unless silenced
/// and returns the exit status (transfer::curl_exit_code).
int library_transfer(direction d, const transfer_options& options, const url::parsed_url& url,
                     transfer_context& ctx);

}  // namespace inet::cli
