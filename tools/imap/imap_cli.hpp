// `inet get imap(s)://…` and `inet put imap(s)://…`: the transfer library's imap handler
// (protocols/transfer/imap.cc; URL forms, output bytes and exit codes are documented in
// protocols/transfer/imap_url.hpp) behind the CLI. Several URLs of one group (the URLs before
// one --next) share a connection when origin and credentials match, and the same mailbox is
// not selected twice.
#pragma once

#include <string>
#include <string_view>

#include "protocols/transfer/imap_url.hpp"
#include "protocols/url/url.hpp"
#include "tools/inet/exit_codes.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/transfer_options.hpp"

namespace inet::imap_cli {

/// What one URL asks the server to do (protocols/transfer/imap_url.hpp).
using transfer::imap_url::request;
using transfer::imap_url::plan_error;
using transfer::imap_url::curl_prints_untagged;
using transfer::imap_url::list_line;

/// Decides the request for `u` (`upload`: inet put) from -X and -T. Throws plan_error.
request plan_request(const cli::transfer_options& o, const url::parsed_url& u, bool upload);

/// The transfer handlers for imap and imaps (see handlers.hpp): the library does the transfer
/// (tools/inet/library_handlers.hpp). Return the exit status and print "inet: (N) reason" to
/// ctx.err on failure unless silenced.
int imap_get(const cli::transfer_options& options, const url::parsed_url& url,
             cli::transfer_context& ctx);
int imap_put(const cli::transfer_options& options, const url::parsed_url& url,
             cli::transfer_context& ctx);

}  // namespace inet::imap_cli
