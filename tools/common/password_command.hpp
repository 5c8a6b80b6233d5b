// Secrets from external commands, like msmtp's `passwordeval` and `oauth2 token commands`.
// Application code (it spawns processes), kept out of the SASL library.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "protocols/sasl/oauth2.hpp"

namespace inet::tools {

/// Largest stdout (bytes) a password/token command may produce.
inline constexpr std::size_t max_command_output = 64 * 1024;

/// How long a password/token command may run by default (a hung pinentry or network call must
/// not block a mail client forever).
inline constexpr std::chrono::milliseconds default_command_timeout{60'000};

/// Runs `command` with `/bin/sh -c command` (stdin and stderr inherited, SIGPIPE at default,
/// empty signal mask), reads all of its stdout and returns the first line with trailing CR/LF
/// stripped — msmtp's passwordeval semantics.
///
/// The command runs in its own process group (so it cannot read the controlling terminal:
/// prompt through an agent/pinentry instead). It must write its output and exit within
/// `timeout` (milliseconds, from the spawn; must be > 0); otherwise the whole process group is
/// killed with SIGKILL, reaped, and the call fails with "timed out after N s".
///
/// Throws std::system_error(sasl::error::command_failed) when the command cannot be spawned,
/// contains NUL, exits non-zero or by a signal, times out, writes more than
/// max_command_output bytes, or its first line is empty or contains NUL. Error messages never
/// include the output.
std::string run_password_command(const std::string& command,
                                 std::chrono::milliseconds timeout = default_command_timeout);

/// A token provider running `command` via run_password_command() (/bin/sh, first stdout line,
/// CR/LF stripped, <= 64 KiB, non-zero exit or empty output -> sasl::error::command_failed) and
/// caching the token for `ttl`. Clients call it through async_token (a background thread), so
/// a slow command never blocks other connections.
std::unique_ptr<sasl::token_provider> make_command_token_provider(
    std::string command, std::chrono::seconds ttl = std::chrono::minutes(50),
    sasl::clock_fn now = {});

}  // namespace inet::tools
