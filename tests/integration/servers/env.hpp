// Helpers of the C++ integration tests that start real servers with a start script
// (tests/integration/servers/start, nntp/start_inn, gopher/start_gopher ...).
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace inet::test {

/// The bytes of the file at `path`, as stored; "" when it cannot be read (a start log that was
/// never written, for instance).
std::string read_file(const std::filesystem::path& path);

/// The NAME=value lines of the env file a start script writes into its state directory
/// (SMTP_PORT=40123 ...): name -> value, split at the first '='. A value quoted in single
/// quotes (printf %q of an empty value gives '') loses the quotes; lines without '=' are
/// skipped; a later line wins. An empty map when the file cannot be read.
std::map<std::string, std::string> load_env(const std::filesystem::path& path);

}  // namespace inet::test
