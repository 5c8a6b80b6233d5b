// Protocol trace (like `curl -v`) through spdlog: every command and reply line, with
// credentials redacted and control characters escaped.
#pragma once

#include <string>
#include <string_view>

namespace inet::transport {

/// Name of the spdlog logger that receives wire traces. Its level decides what is traced:
/// `debug` logs every line; the default (`off`, or a missing logger) logs nothing and costs
/// only a level check. The CLI's -v installs a stderr sink on it.
inline constexpr const char* trace_logger_name = "inet.wire";

/// Makes the trace logger print to stderr with curl -v's shape ("> SENT", "< RECEIVED",
/// "* info") and enables it. Idempotent.
void enable_stderr_trace();

/// Escapes control characters (C0, DEL, C1) and invalid UTF-8 bytes as \r, \n, \t, \xNN, so
/// a hostile server cannot drive the user's terminal through -v. Backslashes and valid UTF-8
/// pass unchanged (IMAP flags like \Seen stay readable).
std::string escape_control(std::string_view bytes);

/// Redacts credentials from a command line (a safety net under the callers' own redaction):
/// the arguments after AUTH <mech>, AUTHENTICATE <mech>, PASS, APOP user, LOGIN user, and the
/// value of Authorization / Proxy-Authorization headers become "<redacted>".
std::string redact_credentials(std::string_view line);

/// A per-connection tracer; `tag` names the protocol ("smtp", "imap") in the log.
class trace {
 public:
  explicit trace(std::string tag = {});
  bool enabled() const noexcept;
  /// A line we sent (without CRLF). `redacted`, when non-empty, is printed instead.
  void sent(std::string_view line, std::string_view redacted = {}) const;
  /// A line we received (without CRLF).
  void received(std::string_view line) const;
  /// A note about the connection ("Connected to 127.0.0.1:25", "TLS verification DISABLED").
  void info(std::string_view text) const;

 private:
  std::string tag_;
};

}  // namespace inet::transport
