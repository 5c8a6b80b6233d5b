// Command line of `inet mail`: sendmail/msmtp-compatible sending, a composing mode, and every
// msmtp configuration key as a long option overriding the configuration file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tools/mail/config.hpp"

namespace inet::mail {

/// What to do.
enum class mode {
  send,        ///< read a message from stdin (sendmail mode) or compose one (composing mode)
  serverinfo,  ///< print the server's greeting, TLS details and capabilities
  flush,       ///< send every queued message
  help,        ///< print help_text()
};

/// The parsed command line.
struct mail_options {
  mail::mode mode = mode::send;
  bool read_recipients = false;       ///< -t: recipients from To/Cc/Bcc headers
  bool read_envelope_from = false;    ///< --read-envelope-from: -f from the From header
  bool ignore_dots = false;           ///< -i / -oi (input is always read to EOF; see help)
  bool verbose = false;               ///< -v / --verbose / -d / --debug: wire trace on stderr
  std::string full_name;              ///< -F: display name for a From header we add
  std::string account;                ///< -a / --account
  std::string config_file;            ///< -C / --config / --file
  std::vector<std::string> recipients;///< positional (each may be a comma-separated list)
  std::vector<std::string> release;   ///< --release ID (repeatable; implies --flush)

  // Composing mode: any of these given.
  std::vector<std::string> to, cc, bcc, attachments;
  std::optional<std::string> subject, body, body_file, html_file, reply_to;

  /// --host=H --port=P --tls=... --queue=DIR …: layered over the account from the file.
  /// -f / -r / --from set overrides.from ("" for the null sender "-f '<>'").
  account_settings overrides;

  bool compose_mode() const noexcept;
};

/// Outcome of parse_options: `exit_code` is 0 on success, EX_USAGE (64) on a usage error, in
/// which case `message` says why ("inet mail: --port: expected a number from 1 to 65535 ...").
struct parse_result {
  mail_options options;
  int exit_code = 0;
  std::string message;
};

/// Parses the arguments after the command name ("mail"). Sendmail forms are accepted: -t, -i,
/// -oi, -f FROM / -fFROM / -r FROM, -F NAME, -v, and ignored: -oem, -odi, -oXXX, -bm, -em,
/// -U, -B TYPE, -h HOPS; -N LIST is --dsn-notify, -R RET is --dsn-return. Combined short
/// flags ("-ti"). Without -t, without recipients and outside composing mode → usage error.
parse_result parse_options(const std::vector<std::string>& args);

/// The complete --help text.
const std::string& help_text();

}  // namespace inet::mail
