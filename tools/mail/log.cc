#include "tools/mail/log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <syslog.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>

#include "tools/mail/sysexits.hpp"
#include "transport/trace.hpp"

namespace inet::mail {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// Escapes control bytes (a CR/LF from a server cannot start a forged log line).
std::string field(std::string_view v) { return transport::escape_control(v); }

void write_file(const log_targets& t, const std::string& line, std::ostream& err) {
  const int fd = ::open(t.logfile.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    err << "inet mail: cannot write the log file " << t.logfile << ": " << std::strerror(errno)
        << "\n";
    return;
  }
  ::flock(fd, LOCK_EX);
  std::string_view rest = line;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err << "inet mail: cannot write the log file " << t.logfile << ": "
          << std::strerror(errno) << "\n";
      break;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  ::close(fd);  // also releases the lock
}

}  // namespace

std::string exit_code_name(int code) {
  static const std::map<int, const char*> names = {
      {ex_ok, "EX_OK"},           {ex_usage, "EX_USAGE"},   {ex_dataerr, "EX_DATAERR"},
      {ex_noinput, "EX_NOINPUT"}, {ex_nouser, "EX_NOUSER"}, {ex_nohost, "EX_NOHOST"},
      {ex_unavailable, "EX_UNAVAILABLE"}, {ex_software, "EX_SOFTWARE"},
      {ex_oserr, "EX_OSERR"},     {ex_ioerr, "EX_IOERR"},   {ex_tempfail, "EX_TEMPFAIL"},
      {ex_protocol, "EX_PROTOCOL"}, {ex_noperm, "EX_NOPERM"}, {ex_config, "EX_CONFIG"}};
  const auto it = names.find(code);
  return it == names.end() ? "EX_" + std::to_string(code) : it->second;
}

std::string format_log_line(const log_record& r) {
  std::string s = "host=" + field(r.host) + " tls=" + (r.tls ? "on" : "off") +
                  " auth=" + (r.auth ? "on" : "off");
  if (r.auth) s += " user=" + field(r.user);
  s += " from=" + field(r.from) + " recipients=" + field(join(r.recipients));
  if (r.mailsize) s += " mailsize=" + std::to_string(*r.mailsize);
  if (r.smtp_status != 0)
    s += " smtpstatus=" + std::to_string(r.smtp_status) + " smtpmsg='" + field(r.smtp_message) +
         "'";
  if (!r.error_message.empty()) s += " errormsg='" + field(r.error_message) + "'";
  return s + " exitcode=" + exit_code_name(r.exit_code);
}

std::string format_log_time(std::chrono::system_clock::time_point t, const std::string& format) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::localtime_r(&tt, &tm);
  std::array<char, 257> buf{};
  const std::string& f = format.empty() ? std::string("%b %d %H:%M:%S") : format;
  const std::size_t n = std::strftime(buf.data(), buf.size(), f.c_str(), &tm);
  return std::string(buf.data(), n);
}

int syslog_facility(std::string_view name) {
  static const std::map<std::string_view, int> facilities = {
      {"LOG_USER", LOG_USER},     {"LOG_MAIL", LOG_MAIL},     {"LOG_LOCAL0", LOG_LOCAL0},
      {"LOG_LOCAL1", LOG_LOCAL1}, {"LOG_LOCAL2", LOG_LOCAL2}, {"LOG_LOCAL3", LOG_LOCAL3},
      {"LOG_LOCAL4", LOG_LOCAL4}, {"LOG_LOCAL5", LOG_LOCAL5}, {"LOG_LOCAL6", LOG_LOCAL6},
      {"LOG_LOCAL7", LOG_LOCAL7}};
  const auto it = facilities.find(name);
  return it == facilities.end() ? LOG_USER : it->second;
}

void system_syslog(int facility, int priority, const std::string& line) {
  ::openlog("inet-mail", LOG_PID, facility);
  ::syslog(priority, "%s", line.c_str());
  ::closelog();
}

void write_log(const log_targets& t, const log_record& r, std::ostream& out, std::ostream& err,
               const syslog_fn& sys) {
  if (!t.any()) return;
  const std::string line = format_log_line(r);
  if (!t.logfile.empty()) {
    const std::string stamped =
        format_log_time(std::chrono::system_clock::now(), t.time_format) + " " + line + "\n";
    if (t.logfile == "-") out << stamped << std::flush;
    else write_file(t, stamped, err);
  }
  if (!t.syslog.empty())
    (sys ? sys : syslog_fn(system_syslog))(syslog_facility(t.syslog),
                                           r.exit_code == ex_ok ? LOG_INFO : LOG_ERR, line);
}

}  // namespace inet::mail
