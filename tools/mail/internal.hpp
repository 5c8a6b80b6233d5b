// Internal pieces of the mail command shared by its .cc files (not a public API).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "protocols/mime/headers.hpp"
#include "protocols/smtp/client.hpp"
#include "tools/inet/progress_meter.hpp"
#include "tools/mail/log.hpp"
#include "tools/mail/options.hpp"
#include "tools/mail/settings.hpp"
#include "transport/body.hpp"

namespace inet::mail::detail {

struct context {
  const mail_options& opts;
  resolved_account& acct;
  byte_source& input;
  std::ostream& out;
  std::ostream& err;
  const command_runner& run_command;
  syslog_fn syslog = {};  ///< empty = system_syslog
  log_record record = {}; ///< filled while sending; logged by do_send
  /// curl's meter for large or slow messages (stderr on a terminal, no -v); set by connect().
  std::shared_ptr<cli::large_upload_meter> meter = {};
  /// The header section already read from `input` (--read-envelope-from), or nullptr.
  mime::parsed_message_head* head = nullptr;
};

/// The exit status for an exception of any kind: config_error and setting_error (by kind) as
/// configuration/usage/data errors, others through exit_code_for().
int exit_code_of(const std::exception& e);

/// Loads secrets, arms the timeouts and connects (warning on stderr for --tls=off with
/// credentials). On a terminal's stderr without -v, hooks c.meter to the client's upload
/// progress (shown for messages of 1 MiB or more, or sending for more than a second). Throws what smtp::blocking_client::connect throws.
void connect(context& c, smtp::blocking_client& client);

/// Recipient arguments ("a@b", "A <a@b>, c@d") as validated addr-specs. Throws setting_error
/// (data) naming the bad argument.
std::vector<std::string> parse_recipient_args(const std::vector<std::string>& args);

/// Throws setting_error (data) unless `addr` is a safe addr-spec ("" allowed if `allow_empty`).
void check_address(const std::string& addr, const char* role, bool allow_empty);

/// The `held` reason of a queue entry while it is being sent ("sending (inet mail pid N)"),
/// and whether a held text (held_marker format) is such a mark.
std::string sending_reason();
bool is_sending_marker(const std::string& held);

int do_send(context& c);
int do_flush(context& c);
int do_serverinfo(context& c);

}  // namespace inet::mail::detail
