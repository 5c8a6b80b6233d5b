// msmtp/sendmail-style aliases for `inet mail` (msmtp's `aliases FILE`): local recipients
// (without '@') are replaced by the addresses the file lists for them.
//
//   # comment                          ('#' to the end of the line)
//   root: admin@example.org, ops@example.org
//   default: me@example.org            (for every local name not listed)
//
// One level only (as msmtp): the addresses of an alias are not looked up again.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inet::mail {

/// A parsed aliases file.
struct alias_table {
  /// (local name, addresses) in file order; the first entry for a name wins.
  std::vector<std::pair<std::string, std::vector<std::string>>> entries;
  std::vector<std::string> default_addresses;  ///< the `default:` entry (empty if none)

  /// The addresses for local name `local` (case-insensitive), else default_addresses, else
  /// nullptr (the name is left as it is).
  const std::vector<std::string>* find(std::string_view local) const;
};

/// Parses aliases text. Throws config_error "PATH:LINE: reason" for a line without ':', an
/// empty or blank-containing name, a name with '@', an alias without addresses, or an
/// address without '@' (msmtp maps local names to domain addresses only).
alias_table parse_aliases(std::string_view text, const std::string& path);

/// Reads and parses `file`. Throws config_error "FILE: cannot read aliases: <strerror>" when it
/// cannot be read (a missing file is a configuration error), "FILE: larger than 1 MiB".
alias_table load_aliases(const std::filesystem::path& file);

/// Applies `table` to an address list as given on the command line or in a To/Cc/Bcc header
/// ("root, Bob <b@x>"): each top-level element (commas inside quotes, <>, () do not split)
/// that is a bare local name — no '@', '<', '"', '(', ':' or ';' — is replaced by its
/// addresses; other elements are kept byte for byte. Returns the rewritten list.
std::string expand_aliases(std::string_view address_list, const alias_table& table);

}  // namespace inet::mail
