// Incremental, sans-I/O IMAP response parser (RFC 3501 §7 and §9, RFC 9051 §7 and §9).
//
// The caller reads lines and literal bytes from the connection and feeds them in:
//
//   imap::parser p;
//   for (;;) {
//     auto st = p.feed_line(read_line());                  // one line, CRLF removed
//     while (st == parser::status::need_literal) {
//       const auto& lit = p.pending_literal();            // size, streamed?, item, seq
//       read_exact(lit.size, [&](std::string_view c) {    // in chunks of any size
//         if (lit.streamed) my_sink(c);                   // a body section: not kept
//         p.feed_literal(c);                              // keeps small literals, counts all
//       });
//       st = p.feed_line(read_line());                    // the line continues after it
//     }
//     if (st == parser::status::response_ready) handle(p.take_response());
//   }
//
// Literals in FETCH body items (BODY[...], BINARY[...], RFC822, RFC822.TEXT, RFC822.HEADER)
// are "streamed": the parser keeps only their size. Every other literal (mailbox names,
// ENVELOPE fields, ...) is collected up to `max_collected_literal` bytes. With
// `stream_all_literals` every literal is streamed (a raw command printing everything).
//
// Errors throw imap::parse_error (a std::system_error) with error::malformed_response,
// literal_too_large, nesting_too_deep or response_too_large, the byte offset within the response
// and an excerpt. After an error the parser stays failed: every later call throws
// error::connection_untrusted, because a stream that was misread cannot be resynchronised
// safely. Lenient where real servers deviate harmlessly (see tests/imap/quirks_test.cc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/imap/error.hpp"
#include "protocols/imap/types.hpp"

namespace inet::imap {

struct parser_limits {
  std::size_t max_depth = 64;                      ///< nesting of parenthesised lists
  std::uint64_t max_collected_literal = 1 << 20;   ///< bytes of one kept (non-body) literal
  std::uint64_t max_streamed_literal = 1ull << 32; ///< bytes of one streamed body literal
  std::uint64_t max_response_bytes = 64ull << 20;  ///< kept bytes (lines + kept literals)
  std::size_t max_items = 1'000'000;               ///< values in one response
};

class parser {
 public:
  enum class status {
    need_line,       ///< feed the next line
    need_literal,    ///< feed pending_literal().size bytes with feed_literal, then a line
    response_ready,  ///< take_response(); then feed the next line
  };

  /// A literal the server announced at the end of the last line.
  struct literal_request {
    std::uint64_t size = 0;
    bool literal8 = false;         ///< "~{n}" (RFC 3516): may contain NUL
    bool non_synchronizing = false;///< "{n+}" (not expected from servers; accepted)
    bool streamed = false;         ///< deliver to a sink; the parser does not keep it
    std::string item;              ///< FETCH item it belongs to, upper-cased ("BODY[1]<0>")
    std::uint32_t seq = 0;         ///< FETCH message sequence number, 0 if not a FETCH
  };

  explicit parser(parser_limits limits = {});
  ~parser();
  parser(parser&&) noexcept;
  parser& operator=(parser&&) noexcept;

  /// Feeds one line without its CRLF. After need_literal, this is the rest of the response
  /// following the literal's bytes. Throws parse_error.
  status feed_line(std::string_view line);
  /// Feeds literal bytes in any chunking; the total must equal pending_literal().size (more
  /// throws malformed_response). Returns need_literal until all arrived, then need_line.
  status feed_literal(std::string_view chunk);
  const literal_request& pending_literal() const noexcept;
  /// Bytes of the pending literal still expected.
  std::uint64_t literal_remaining() const noexcept;

  /// The completed response (valid once after response_ready).
  response take_response();

  /// Mailbox names: decode modified UTF-7 (default) or take them as UTF-8 (after the client
  /// enabled UTF8=ACCEPT, RFC 6855 §3).
  void set_utf8_mailboxes(bool on) noexcept;
  /// Stream every literal (for a raw command that passes all bytes through).
  void set_stream_all_literals(bool on) noexcept;
  /// Stream FETCH body literals (default true). When false they are kept like other literals
  /// (subject to max_collected_literal).
  void set_stream_body_literals(bool on) noexcept;
  void set_max_streamed_literal(std::uint64_t bytes) noexcept;
  const parser_limits& limits() const noexcept;
  /// True after a parse error: the connection must be closed.
  bool failed() const noexcept;
  /// True between the first line of a response and its end.
  bool in_response() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Parses one complete response given as the bytes on the wire (lines with CRLF, literals
/// inline). For tests, tools and the fuzzer; literals are all kept (none streamed). Throws
/// parse_error, or malformed_response if `wire` holds more or less than one response.
response parse_response(std::string_view wire, parser_limits limits = {});

/// Interprets a generic value list (the tokens after "* ") as a typed response; used by the
/// parser. `utf8_mailboxes` as in parser::set_utf8_mailboxes. Throws malformed_response
/// (std::system_error) for a known response whose shape is wrong.
response interpret_untagged(std::vector<value>& tokens, bool utf8_mailboxes);

}  // namespace inet::imap
