// The shared line-protocol engine (the role of curl's "pingpong"): validated commands out,
// framed replies in, for SMTP, FTP, POP3 and IMAP. The engine owns what is common — CRLF/NUL
// checks, line/reply limits, timeouts (through the stream), pipelining, STARTTLS upgrade and
// the trace (credentials hidden by the redactor each protocol registers); each protocol parses
// its replies' meaning itself.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "transport/body.hpp"
#include "transport/line_reader.hpp"
#include "transport/options.hpp"
#include "transport/stream.hpp"
#include "transport/trace.hpp"

namespace inet::line {

/// Limits on what a server may send. Exceeding one is an error, never an allocation.
struct limits {
  std::size_t max_line_bytes = 64 * 1024;  ///< one reply line, without CRLF
  std::size_t max_reply_lines = 1000;      ///< lines in one multi-line code reply
  std::size_t max_reply_bytes = 1 << 20;   ///< total text of one multi-line code reply
};

/// True if `s` contains no CR, LF or NUL (the bytes that could end or split a command).
bool is_safe_argument(std::string_view s) noexcept;

/// One command line. Every piece is checked when added: CR, LF or NUL throws
/// std::system_error(transport::error::invalid_argument) — before anything is sent.
class command {
 public:
  explicit command(std::string_view verb);
  /// Appends " " + a (a must be non-empty-safe; may be empty).
  command& arg(std::string_view a);
  /// Appends a without a separator (e.g. "FROM:" then "<addr>").
  command& append(std::string_view a);
  /// Marks the command as carrying credentials; `shown` replaces it in the trace.
  command& redact_as(std::string shown);

  const std::string& text() const noexcept { return text_; }      ///< without CRLF
  std::string_view trace_text() const noexcept { return shown_.empty() ? text_ : shown_; }

 private:
  std::string text_;
  std::string shown_;
};

/// A three-digit reply (SMTP RFC 5321 §4.2, FTP RFC 959 §4.2): `code` and the text of every
/// line after the code and its separator.
struct code_reply {
  int code = 0;
  std::vector<std::string> lines;
  std::string text() const;  ///< lines joined with "\n"
  int kind() const noexcept { return code / 100; }  ///< 1..5
};

/// Throws std::system_error(error::malformed_reply) if a reply line (CRLF removed) holds a NUL
/// or a CR: neither may appear in an SMTP/LMTP/FTP reply (RFC 5321 §2.3.8, §4.2; RFC 959), a
/// POP3 status line (RFC 1939 §3) or an IMAP response line (RFC 3501 §9: CHAR8/TEXT-CHAR
/// exclude them; literals are read apart and may hold anything). engine::read_line applies it.
void check_reply_line(std::string_view line);

/// Assembles one three-digit reply from its lines, without I/O (engine::read_code_reply
/// drives it; tests/fuzz/line_fuzz.cc fuzzes it). Grammar and errors: read_code_reply.
class code_reply_parser {
 public:
  explicit code_reply_parser(const limits& l) : limits_(l) {}
  /// Feeds one line (CRLF removed). Returns true when it was the reply's last line; then
  /// take() gives the reply and the parser must not be fed again.
  bool feed(std::string_view line);
  code_reply take() { return std::move(r_); }

 private:
  limits limits_;
  code_reply r_;
  std::size_t total_ = 0;
};

/// A POP3 status line (RFC 1939 §3): +OK / -ERR and the rest of the line.
struct status_reply {
  bool ok = false;
  std::string text;
};

/// Parses a POP3 status line (CRLF removed): "+OK" or "-ERR", alone or followed by a space and
/// text; anything else throws std::system_error(error::malformed_reply).
status_reply parse_status_reply(std::string_view line);

class engine {
 public:
  /// The engine reads and writes through `s`; `tag` names the protocol in the trace.
  engine(transport::stream& s, std::string tag, limits l = {});
  /// As above, with the protocol's credential redactor for the trace (transport/trace.hpp):
  /// commands sent without line::command::redact_as are traced in the form it returns.
  engine(transport::stream& s, std::string tag, transport::redactor redact, limits l = {});

  transport::stream& stream() noexcept { return stream_; }
  transport::line_reader& reader() noexcept { return *reader_; }
  const transport::trace& tracer() const noexcept { return trace_; }
  const limits& get_limits() const noexcept { return limits_; }
  /// Replaces the limits (a new line buffer of the new size; buffered bytes are dropped, so
  /// call it before the conversation starts).
  void set_limits(limits l);

  /// Writes `c` + CRLF.
  boost::asio::awaitable<void> send(const command& c);
  /// Writes all commands in ONE write, in order (RFC 2920 / RFC 2449 pipelining); the caller
  /// then reads one reply per command, in the same order.
  boost::asio::awaitable<void> send_pipelined(std::span<const command> cmds);
  /// Writes raw bytes (message content); traced as `note` ("[1234 bytes of message data]").
  boost::asio::awaitable<void> send_bytes(std::string_view bytes, std::string_view note = {});

  /// Reads one three-digit reply, single or multi-line. Each line must start with three digits;
  /// continuation lines ("250-") must carry the same code as the final line ("250 " or "250").
  /// FTP's RFC 959 form, where middle lines need not start with the code, is accepted too.
  /// Throws std::system_error: malformed_reply (also for a NUL or CR in a line), line_reader
  /// errors, reply_too_large beyond limits.max_reply_lines / max_reply_bytes,
  /// transport::error::unexpected_eof.
  boost::asio::awaitable<code_reply> read_code_reply();

  /// Reads a POP3 "+OK ..." / "-ERR ..." line; anything else throws malformed_reply.
  boost::asio::awaitable<status_reply> read_status_reply();

  /// Reads a dot-terminated multi-line body (POP3 RFC 1939 §3, NNTP RFC 3977 §3.1.1) up to
  /// CRLF "." CRLF — the only terminator: a bare LF or CR is body data (line::dot_decoder).
  /// A line beginning with "." loses that dot. `sink` receives the unstuffed body with its
  /// CRLFs, without the terminator, in chunks of any size (not one call per line). Returns the
  /// bytes delivered. Nothing after the terminator is consumed. EOF before it throws
  /// transport::error::unexpected_eof (a partial transfer); more than `max_bytes` throws
  /// transport::error::body_too_large (nothing past the limit reaches the sink).
  boost::asio::awaitable<std::uint64_t> read_dot_body(const byte_sink& sink,
                                                      std::uint64_t max_bytes = UINT64_MAX);

  /// Reads one raw line (IMAP parses tagged/untagged responses and literals itself; use
  /// reader().read_exact for literal bodies). Traced. A NUL or CR in it throws
  /// malformed_reply (check_reply_line); every reply read (code, status) goes through here.
  boost::asio::awaitable<std::string_view> read_line();

  /// Upgrades the connection to TLS in place. Call right after reading the server's go-ahead
  /// (220 / +OK / OK). If any byte is already buffered behind the go-ahead it throws
  /// transport::error::starttls_injection and closes the connection (CVE-2021-22947 class).
  /// Nothing is written between the command and the ClientHello. After the handshake all
  /// buffered plaintext state is gone; callers must forget what they learned before it
  /// (RFC 3207 §4.2, RFC 2595 §3.1).
  boost::asio::awaitable<void> start_tls(const transport::tls_options& tls, std::string_view host);

  /// Starts DEFLATE in both directions (RFC 4978) right after the server's OK to COMPRESS:
  /// bytes already buffered behind the OK are compressed data and go to the inflater first.
  void start_compression();

 private:
  transport::stream& stream_;
  transport::trace trace_;
  limits limits_;
  std::unique_ptr<transport::line_reader> reader_;
};

enum class error {
  malformed_reply = 1,  ///< a reply line that does not follow the protocol's grammar
};
const std::error_category& line_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), line_category()};
}

}  // namespace inet::line

template <>
struct std::is_error_code_enum<inet::line::error> : std::true_type {};
