// `inet get pop3://…` and `pop3s://…`: curl's POP3 forms with byte-identical output, done by
// the transfer library (protocols/transfer/pop3.cc); the URLs of a group share a connection.
//
//   pop3://host/            LIST: "n size\r\n" lines, as the server sent them (dot-unstuffed)
//   pop3://host/N           RETR N: the message, dot-unstuffed, ending with its CRLF
//   pop3://host/N -l        LIST N: single-line; nothing is written (as curl)
//   pop3://host/ -X CMD     CMD as a multi-line command (UIDL, "TOP N 0", ...); with a path
//                           N the command is "CMD N"; with -I a single-line command (DELE, NOOP)
//
// Exit codes follow curl (exit_codes.hpp), with one deliberate difference: a multi-line
// response cut off before its terminating "." line is a partial transfer, exit 18, where
// curl 7.88 exits 0 with truncated output. Login refused: 67; TLS required but STLS not
// offered: 64; -ERR to the command: 8; --max-filesize exceeded: 63.
#pragma once

#include <string>
#include <system_error>

#include "protocols/transfer/error.hpp"
#include "protocols/url/url.hpp"
#include "tools/inet/exit_codes.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/transfer_support.hpp"
#include "tools/inet/transfer_options.hpp"

namespace inet::pop3_cli {

/// Which part of the session failed: the exit code of some errors depends on it.
using cli::phase;

/// curl's exit code for a failure `ec` in `p` (e.g. unexpected_eof in `transfer` is 18,
/// partial file; in `connect`/`login` it is 56, receive error): transfer::curl_exit_code.
cli::exit_code exit_code_for(const std::error_code& ec, phase p);

/// The transfer handler for pop3 and pop3s (see handlers.hpp): the library's pop3 handler
/// (protocols/transfer/pop3.cc) through tools/inet/library_handlers.hpp. Returns the exit
/// status; prints "inet: (N) reason" to ctx.err on failure unless silenced (-s without -S).
int pop3_get(const cli::transfer_options& options, const url::parsed_url& url,
             cli::transfer_context& ctx);

}  // namespace inet::pop3_cli
