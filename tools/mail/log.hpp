// msmtp-compatible delivery log of `inet mail` (the `logfile` and `syslog` keys): one line per
// message, e.g.
//   Nov 22 11:09:57 host=smtp.example.org tls=on auth=on user=me from=me@example.org
//   recipients=a@x.org,b@y.org mailsize=1234 smtpstatus=250 smtpmsg='250 2.0.0 Ok' exitcode=EX_OK
// (one line; the time only in the file). Failures add errormsg='...'. Passwords never appear:
// the record has no field for them. Server text is escaped (transport::escape_control), so a
// server cannot forge log lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace inet::mail {

/// What is logged about one message.
struct log_record {
  std::string host;                      ///< SMTP server host name
  bool tls = false;                      ///< the session was TLS protected
  bool auth = false;                     ///< the client authenticated (then `user` is logged)
  std::string user;
  std::string from;                      ///< envelope sender ("" = null sender)
  std::vector<std::string> recipients;   ///< envelope recipients
  std::optional<std::uint64_t> mailsize; ///< bytes sent in DATA/BDAT, when the data went out
  int smtp_status = 0;                   ///< last relevant SMTP reply code; 0 = none
  std::string smtp_message;              ///< that reply's text
  std::string error_message;             ///< "" = no error
  int exit_code = 0;                     ///< sysexits.h value
};

/// "EX_OK", "EX_TEMPFAIL", ... for the sysexits.h codes; "EX_<n>" otherwise.
std::string exit_code_name(int code);

/// The log line without time stamp or line end (see the file comment).
std::string format_log_line(const log_record& r);

/// `t` in local time through strftime(3) with `format` ("" = msmtp's "%b %d %H:%M:%S"); ""
/// when the result would exceed 256 bytes.
std::string format_log_time(std::chrono::system_clock::time_point t, const std::string& format);

/// The syslog(3) facility for LOG_USER, LOG_MAIL, LOG_LOCAL0..7 (as parse_syslog returns
/// them); LOG_USER for anything else.
int syslog_facility(std::string_view name);

/// Sends one line to syslog: (facility, priority LOG_INFO/LOG_ERR, line). Injectable for tests.
using syslog_fn = std::function<void(int facility, int priority, const std::string& line)>;
/// openlog("inet-mail", LOG_PID, facility), syslog(priority, "%s", line), closelog().
void system_syslog(int facility, int priority, const std::string& line);

/// Where to log: from the account's logfile / logfile_time_format / syslog.
struct log_targets {
  std::string logfile;      ///< "" = none, "-" = `out`, else appended to (created mode 0600)
  std::string time_format;  ///< for the file ("" = default)
  std::string syslog;       ///< "" = none, else the facility name ("LOG_MAIL")
  bool any() const noexcept { return !logfile.empty() || !syslog.empty(); }
};

/// Writes `r` to the targets: the file line is "<time> <line>\n", appended under an exclusive
/// flock(2) with one write(2); syslog gets the line with LOG_INFO (exit code 0) or LOG_ERR.
/// A log that cannot be written is reported on `err` ("inet mail: cannot write the log file
/// F: <strerror>") and otherwise ignored: the exit status stays that of the delivery.
void write_log(const log_targets& t, const log_record& r, std::ostream& out, std::ostream& err,
               const syslog_fn& sys);

}  // namespace inet::mail
