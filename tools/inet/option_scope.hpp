// Which `inet get` / `inet put` options each URL scheme honours. An option given for a URL whose
// handler would ignore it is refused before anything is sent, so no option is silently ignored.
#pragma once

#include "tools/inet/handlers.hpp"
#include "tools/inet/transfer_options.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inet::cli {

/// One row of the table: an option and the schemes (url::to_string names) whose handler honours
/// it in `dir`; `given` says whether a transfer group set it.
struct option_scope {
  std::string_view option;                   ///< as in the refusal: "-C/--continue-at"
  bool (*given)(const transfer_options&);    ///< set on the command line
  std::vector<std::string_view> get_schemes; ///< schemes honouring it for `inet get`
  std::vector<std::string_view> put_schemes; ///< schemes honouring it for `inet put`
};

/// The whole table (for tests and docs). Schemes outside checked_schemes() are not checked.
const std::vector<option_scope>& option_scopes();

/// The schemes the table is authoritative for: imap(s), pop3(s), smtp(s), nntp(s), news, snews,
/// gopher(s). (http(s) and ftp(s) honour their options in their own handlers.)
const std::vector<std::string_view>& checked_schemes();

/// The first option of `o` that the `scheme` handler would ignore in direction `d`, as
/// "option -I/--head: not supported for imap:// URLs"; nullopt when every given option applies
/// (or the scheme is not checked). curl 7.88 silently ignores such options for IMAP and POP3;
/// inet refuses them with curl's option-error exit status 2 instead.
std::optional<std::string> unsupported_option(const transfer_options& o, std::string_view scheme,
                                              direction d);

/// unsupported_option for every URL of the group (glob-expanded unless -g; URLs that do not
/// parse are left to the transfer, which reports them). nullopt when all apply.
std::optional<std::string> unsupported_option_in_group(const transfer_options& o, direction d);

}  // namespace inet::cli
