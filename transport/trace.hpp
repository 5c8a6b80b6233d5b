// Protocol trace (like `curl -v`) through spdlog: every command and reply line, with
// credentials redacted (by the protocol's own redactor) and control characters escaped.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace inet::transport {

/// Name of the spdlog logger that receives wire traces. Its level decides what is traced:
/// `debug` logs every line; the default (`off`, or a missing logger) logs nothing and costs
/// only a level check. The CLI's -v installs a stderr sink on it.
inline constexpr const char* trace_logger_name = "inet.wire";

/// Makes the trace logger print to stderr with curl -v's shape ("> SENT", "< RECEIVED",
/// "* info") and enables it. Idempotent.
void enable_stderr_trace();

/// Receives each trace line, already redacted and escaped, without a line end: "> SENT",
/// "< RECEIVED", "* info" (the shape of the stderr trace).
using trace_sink = std::function<void(std::string_view line)>;

/// Sends the wire trace to `sink` instead of stderr (or wherever the logger pointed): replaces
/// the "inet.wire" logger with one that calls `sink` and enables it. Process-wide, like the
/// logger itself: the last sink installed receives the lines of every connection (calls are
/// serialised). An empty `sink` removes the logger, turning the trace off.
void set_trace_sink(trace_sink sink);

/// Escapes control characters (C0, DEL, C1) and invalid UTF-8 bytes as \r, \n, \t, \xNN, so
/// a hostile server cannot drive the user's terminal through -v. Backslashes and valid UTF-8
/// pass unchanged (IMAP flags like \Seen stay readable).
std::string escape_control(std::string_view bytes);

/// A protocol's credential redactor, the safety net under the callers' own redaction
/// (line::command::redact_as): given a command line as sent (without CRLF), returns the form to
/// trace instead when the line carries credentials, std::nullopt to trace it as it is. Each
/// protocol supplies its own (registered through line::engine's constructor): the transport
/// knows no protocol's commands, so a tracer without a redactor shows every line unchanged.
using redactor = std::function<std::optional<std::string>(std::string_view line)>;

/// One row of a protocol's verb table: after the verb (ASCII case-insensitive), `keep`
/// whitespace-separated words stay in clear (a mechanism or user name); the rest of the line
/// becomes "<redacted>".
struct redaction_rule {
  std::string_view verb;
  std::size_t keep = 0;
};

/// Table-driven redaction for redactors: looks up the word at index `verb_at` (0 = first word;
/// 1 = after a tag) in `rules`. On a match with at least one word after the kept ones,
/// returns the line up to that word followed by "<redacted>"; otherwise std::nullopt.
/// E.g. {"AUTH", 1}: "AUTH PLAIN dGVzdA==" -> "AUTH PLAIN <redacted>"; "AUTH LOGIN" -> nullopt.
std::optional<std::string> redact_after_verb(std::string_view line,
                                             std::span<const redaction_rule> rules,
                                             std::size_t verb_at = 0);

/// A per-connection tracer; `tag` names the protocol ("smtp", "imap") in the log; `redact`
/// (may be empty) is the protocol's redactor for sent lines.
class trace {
 public:
  explicit trace(std::string tag = {}, redactor redact = {});
  bool enabled() const noexcept;
  /// Replaces the redactor (empty: none).
  void set_redactor(redactor redact) { redact_ = std::move(redact); }
  /// What sent(line) prints for `line` before escaping: the redactor's form, else `line`.
  std::string shown(std::string_view line) const;
  /// A line we sent (without CRLF). `redacted`, when non-empty, is printed instead; otherwise
  /// the redactor decides (see shown()).
  void sent(std::string_view line, std::string_view redacted = {}) const;
  /// A line we received (without CRLF).
  void received(std::string_view line) const;
  /// A note about the connection ("Connected to 127.0.0.1:25", "TLS verification DISABLED").
  void info(std::string_view text) const;

 private:
  std::string tag_;
  redactor redact_;
};

}  // namespace inet::transport
