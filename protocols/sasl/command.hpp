// Secrets from external commands, like msmtp's `passwordeval` and `oauth2 token commands`.
#pragma once

#include <cstddef>
#include <string>

namespace inet::sasl {

/// Largest stdout (bytes) a password/token command may produce.
inline constexpr std::size_t max_command_output = 64 * 1024;

/// Runs `command` with `/bin/sh -c command` (stdin and stderr inherited, SIGPIPE at default,
/// empty signal mask), reads all of its stdout and returns the first line with trailing CR/LF
/// stripped — msmtp's passwordeval semantics. Blocks until the command exits; there is no time
/// limit. Throws std::system_error(error::command_failed) when the command cannot be spawned,
/// contains NUL, exits non-zero or by a signal, writes more than max_command_output bytes, or
/// its first line is empty or contains NUL. Error messages never include the output.
std::string run_password_command(const std::string& command);

}  // namespace inet::sasl
