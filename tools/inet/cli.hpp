// The testable core of the `inet` command (curl-like get/put, plus registered commands such as
// mail). main.cc only forwards argv to run().
#pragma once

#include "inet/version.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/transfer_options.hpp"

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace inet::cli {

/// The inet release, printed by `inet --version`.
inline constexpr std::string_view inet_version = INETPP_VERSION_STRING;

/// Runs the command line `argv` (argv[0] is the program name) and returns the exit status
/// (exit_codes.hpp): 0 success; 1 unsupported scheme / no handler; 2 bad option or unknown
/// command; 3 malformed URL; otherwise the handler's status. Output goes to `out`, diagnostics
/// (`inet: (N) reason`, one line each) to `err`; `in` is the upload source for `-T -`.
/// With several URLs, every transfer runs and the FIRST non-zero status is returned (curl returns
/// the last one; a script should not see 0 after a failure).
int run(std::vector<std::string> argv, std::ostream& out, std::ostream& err, std::istream& in);

/// run() on std::cout, std::cerr, std::cin.
int run(std::vector<std::string> argv);

/// A bad command-line option or value (exit 2, CURLE_FAILED_INIT, as curl). what() is a
/// curl-style reason such as "option --max-filesize: expected a size like 10k, not 'x'".
class option_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A CR or LF in -u/--user credentials: exit 3 (CURLE_URL_MALFORMAT), as curl >= 8 refuses
/// them, rather than option_error's 2. Nothing is sent.
class malformed_credentials : public option_error {
 public:
  using option_error::option_error;
};

/// Splits the arguments after `get`/`put` at each `--next` / `-:` (curl semantics: options before
/// --next apply to the URLs before it). The separators are dropped; a trailing separator leaves
/// an empty last group.
std::vector<std::vector<std::string>> split_next_groups(const std::vector<std::string>& args);

/// Parses the arguments of `get`/`put` into one transfer_options per --next group. Each group
/// starts from fresh options, except the global options -v/--verbose, -s/--silent and
/// -S/--show-error, which (as in curl) apply to every group wherever they appear.
/// `put` groups with no -T read the upload from stdin ("-"); `get` rejects -T. Throws
/// option_error for unknown options, bad values, control characters in text values, or a
/// group without a URL.
std::vector<transfer_options> parse_transfer_args(const std::vector<std::string>& args,
                                                  direction d);

/// curl's size syntax: decimal bytes with an optional k/K, m/M, g/G suffix (x1024, x1024^2,
/// x1024^3), e.g. "100", "200K", "3m", "1G". Throws option_error on anything else or overflow.
std::uint64_t parse_size(std::string_view text, std::string_view option = "--max-filesize");

/// Seconds as curl accepts them ("10", "2.5", "0.25"), rounded up to whole milliseconds; must be
/// >= 0 and <= 2^31 s. Throws option_error otherwise.
std::chrono::milliseconds parse_seconds(std::string_view text, std::string_view option);

/// `[http://|socks5://|socks5h://][user:password@]host[:port]`, port default 1080, user info
/// percent-decoded, IPv6 in brackets. Throws option_error naming the problem.
proxy_spec parse_proxy(std::string_view text);

/// The full option help of `inet get` / `inet put` (what `inet help get` prints).
std::string command_help(direction d);

/// The `inet --help` text: commands (built-in and registered), supported schemes, exit codes.
std::string top_help();

/// The `inet --version` text.
std::string version_text();

}  // namespace inet::cli
