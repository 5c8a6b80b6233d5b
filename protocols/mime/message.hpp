// Streaming MIME message composer (RFC 5322, RFC 2045-2049, RFC 2047, RFC 2231, RFC 2387,
// RFC 6532). A message_source yields the complete message with CRLF line ends; attachments
// read from files are encoded while the output is being read, so memory stays bounded.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/mime/address.hpp"
#include "base/body.hpp"

namespace inet::mime {

struct attachment {
  std::string filename;      ///< as shown to the recipient (UTF-8 ok -> RFC 2231); "" with a
                             ///< path -> the path's last component
  std::string path;          ///< read from this file while writing, if non-empty
  std::string data;          ///< otherwise these bytes
  std::string content_type;  ///< guessed from the filename extension when empty
  bool inline_part = false;  ///< Content-Disposition: inline
  std::string content_id;    ///< Content-ID for inline images (cid:), without <>
};

struct message {
  mailbox from;
  std::vector<mailbox> to, cc, bcc, reply_to;
  std::optional<mailbox> sender;
  std::string subject;  ///< UTF-8
  /// Date header (RFC 5322 §3.3); the current time with the local UTC offset when absent.
  std::optional<std::chrono::system_clock::time_point> date;
  /// "<left@right>"; generated as <32 random hex@domain-of-from> when empty.
  std::string message_id;
  /// Additional header fields. Names must be ftext (RFC 5322 §3.6.8) and not one the composer
  /// writes (From, To, Cc, Bcc, Subject, Date, Message-ID, Sender, Reply-To, MIME-Version,
  /// Content-Type/-Transfer-Encoding/-ID/-Disposition); values may contain CR/LF only as folding (CRLF followed by SP/HT).
  std::vector<std::pair<std::string, std::string>> extra_headers;
  std::string text_body;  ///< UTF-8 text/plain (LF or CRLF line ends)
  std::string html_body;  ///< text/html alternative when non-empty
  std::vector<attachment> attachments;
};

struct compose_options {
  /// SMTPUTF8 offered: raw UTF-8 allowed in headers (RFC 6532) instead of RFC 2047 words.
  bool utf8_headers = false;
  /// 8BITMIME offered (RFC 6152): text parts with non-ASCII may go 8bit.
  bool eight_bit = false;
  /// Source of random bytes for boundaries and Message-ID (test hook). Empty -> OpenSSL
  /// RAND_bytes.
  std::function<void(std::span<unsigned char>)> random;
  /// Bytes read from an attachment file (or memory attachment) per step.
  std::size_t chunk_size = 48 * 1024;
};

/// Streams the complete RFC 5322 message: header fields (folded at 78 columns), then the body.
/// Structure: text only -> one text/plain part; text+html -> multipart/alternative; inline
/// attachments with a content_id next to html -> multipart/related (RFC 2387) around the html;
/// other attachments -> multipart/mixed around all of that. Bcc never appears. Text parts are
/// 7bit (ASCII, lines <= 78), 8bit (eight_bit and lines <= 998), quoted-printable (at most
/// a third of the bytes non-ASCII/control/"=") or base64; attachments are base64. Boundaries
/// are random "=_<hex>" (which cannot occur in QP or base64 output) and checked against the
/// text parts.
/// The constructor validates everything and throws std::system_error with
/// error::bad_address (From missing or invalid, bad recipient), error::invalid_header (bad
/// extra header, Message-ID, Content-Type or Content-ID) or error::file_error (attachment file
/// cannot be opened; the message names the path). read() may throw error::file_error when a
/// file fails mid-way.
class message_source final : public inet::byte_source {
 public:
  message_source(message m, compose_options o);
  ~message_source() override;
  message_source(const message_source&) = delete;
  message_source& operator=(const message_source&) = delete;

  /// Fills up to buf.size() bytes; returns 0 at the end of the message.
  std::size_t read(std::span<char> buf) override;

  /// The Message-ID written (generated or given), with angle brackets.
  const std::string& message_id() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Envelope recipients (RFC 5321 RCPT TO): the addresses of to, cc and bcc in that order,
/// without exact duplicates.
std::vector<std::string> envelope_recipients(const message& m);

/// RFC 5322 §3.3 date-time, e.g. "Tue, 01 Jul 2025 14:03:09 +0200", in the process's local
/// time zone (or +0000 when `utc`).
std::string format_date(std::chrono::system_clock::time_point t, bool utc = false);

/// A MIME type for `filename` from its extension (case-insensitive; ~40 common types),
/// "application/octet-stream" when unknown.
std::string guess_content_type(std::string_view filename);

/// "<32 hex digits@domain>" using `random` (empty -> OpenSSL RAND_bytes); "localhost" when
/// `domain` is empty or not printable ASCII without specials.
std::string make_message_id(std::string_view domain,
                            const std::function<void(std::span<unsigned char>)>& random = {});

/// Throws std::system_error(error::invalid_header) unless `name` is 1+ ftext characters
/// (printable ASCII except ':', RFC 5322 §3.6.8) and `value` has no NUL and no CR or LF other
/// than CRLF followed by SP/HT (folding).
void validate_header(std::string_view name, std::string_view value);

}  // namespace inet::mime
