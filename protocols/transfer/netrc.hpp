// The netrc file (the format of inetutils ftp(1)/curl's --netrc): whitespace-separated tokens
//   machine NAME | default   — start an entry ("default" matches any host; it must be last)
//   login NAME | password PASS | account ACCT
//   macdef NAME              — an FTP macro; its body runs to the next empty line and is skipped
// Tokens may be double-quoted with backslash escapes (\" \\ \n \r \t), as curl accepts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace inet::transfer {

enum class netrc_error {
  syntax = 1,   ///< keyword without its value, unknown keyword, unterminated quote, control char
  unreadable,   ///< the file cannot be opened/read, or is larger than max_netrc_size
};

/// Category "inet.netrc".
const std::error_category& netrc_category() noexcept;
std::error_code make_error_code(netrc_error e) noexcept;

/// One machine (or default) entry.
struct netrc_entry {
  std::string machine;  ///< empty for `default`
  bool is_default = false;
  std::optional<std::string> login, password;
};

/// Largest netrc file read, in bytes (1 MiB).
inline constexpr std::size_t max_netrc_size = 1024 * 1024;

/// Parses netrc text into entries in file order. Throws std::system_error(netrc_error::syntax,
/// "netrc line N: ...") on malformed input; never echoes a password in the message. Control
/// characters (other than whitespace separators) inside tokens are rejected so a netrc value
/// cannot inject protocol commands.
std::vector<netrc_entry> parse_netrc(std::string_view text);

/// Reads and parses `path`. Throws netrc_error::unreadable if it cannot be read or exceeds
/// max_netrc_size, netrc_error::syntax as parse_netrc.
std::vector<netrc_entry> load_netrc(const std::string& path);

/// $NETRC if set (curl 8.x behaviour), else "$HOME/.netrc"; empty if neither is known.
std::string default_netrc_path();

/// The entry for `host` (ASCII case-insensitive). With `login`, the first machine entry for
/// that host whose login equals it (or that has no login); without, the first entry for the
/// host. Falls back to the `default` entry. std::nullopt when nothing matches.
std::optional<netrc_entry> find_netrc(const std::vector<netrc_entry>& entries,
                                      std::string_view host,
                                      std::optional<std::string_view> login = std::nullopt);

}  // namespace inet::transfer

template <>
struct std::is_error_code_enum<inet::transfer::netrc_error> : std::true_type {};
