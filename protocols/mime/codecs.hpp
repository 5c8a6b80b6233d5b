// MIME content and header encodings: streaming base64 (RFC 2045 §6.8), streaming
// quoted-printable (RFC 2045 §6.7), RFC 2047 encoded-words, RFC 2231 parameter values, and
// RFC 5322 §2.2.3 header folding. All output uses CRLF line ends.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace inet::mime {

/// Maximum length of an output line, excluding CRLF (RFC 2045 §6.7 (5), §6.8).
inline constexpr std::size_t max_encoded_line = 76;
/// Recommended header line length, excluding CRLF (RFC 5322 §2.1.1).
inline constexpr std::size_t fold_width = 78;

/// Streaming base64 body encoder (RFC 2045 §6.8): 76-character lines each ended by CRLF.
/// Feed any chunking; output is identical to encoding the concatenation. Keeps fewer than 57
/// input bytes (one output line) between calls.
class base64_encoder {
 public:
  /// Appends the complete lines encodable so far from `data` to `out`.
  void feed(std::string_view data, std::string& out);
  /// Appends the final (padded) line with its CRLF, if any input is left. Empty input -> "".
  void finish(std::string& out);

 private:
  std::string carry_;  // < 57 bytes
};

/// Streaming quoted-printable encoder for text (RFC 2045 §6.7). CRLF or a lone LF in the input
/// is a hard line break (emitted as CRLF); a lone CR is encoded "=0D". Encodes '=', bytes
/// outside 33..126 except SP/HT, SP/HT before a line break or at the end, a '.' or 'F' at the
/// start of a line (so "." and "From " lines survive SMTP and mbox). Lines are at most 76
/// characters; soft breaks are "=" CRLF.
class qp_encoder {
 public:
  /// Appends encoded output for `data` to `out` (the current partial line stays buffered,
  /// at most 76 bytes).
  void feed(std::string_view data, std::string& out);
  /// Flushes the last line, without a trailing CRLF (the input did not end with a break).
  void finish(std::string& out);

 private:
  void soft_break(std::string& out);
  void put_hex(unsigned char c);  // caller made room
  void append_hex_token(unsigned char c, std::string& out);
  void hard_break(std::string& out);
  void encode_trailing_space(std::string& out);
  char line_[max_encoded_line] = {};  // the current line, at most 75 characters before "="
  std::size_t len_ = 0;
  bool pending_cr_ = false;
};

/// Quoted-printable encodes `data` in one go (see qp_encoder).
std::string qp_encode(std::string_view data);

/// Base64 body encoding of `data` in one go (see base64_encoder).
std::string base64_encode_lines(std::string_view data);

/// RFC 2047 encoded-words for UTF-8 `text`: "=?UTF-8?Q?...?=" when mostly ASCII, otherwise
/// "=?UTF-8?B?...?=". Each word is at most 75 characters (the first at most `first_max`,
/// clamped to 16..75) and never splits a UTF-8 sequence. Q words use only characters allowed in
/// a phrase (RFC 2047 §5 (3)), so they are valid in Subject, comments and display names.
/// Join the words with single spaces: the space between adjacent encoded-words is not part of
/// the decoded text (RFC 2047 §6.2). Empty text -> no words.
std::vector<std::string> encode_words(std::string_view text, std::size_t first_max = 75);

/// Decodes RFC 2047 encoded-words in `text` (B and Q; RFC 2231 language suffixes ignored) to
/// UTF-8: other charsets (ISO-8859-x, Windows-125x, KOI8-R, GB2312, Shift_JIS ... whatever
/// iconv knows) are converted, adjacent words of one charset together (a multibyte character
/// split across words survives). Whitespace between adjacent encoded-words is dropped (§6.2).
/// Malformed words stay as they are; bytes of an unknown charset or invalid in theirs are kept
/// unconverted. Use it on IMAP ENVELOPE subjects and display names.
std::string decode_words(std::string_view text);

/// True if every byte is printable ASCII (32..126) or HT.
bool is_printable_ascii(std::string_view s);

/// An RFC 2045 §5.1 parameter `name=value`: a token value as is, a printable ASCII value as a
/// quoted-string with '"' and '\' escaped, anything else as RFC 2231 `name*=UTF-8''%XX..`,
/// split into continuations `name*0*=...; name*1*=...` (each at most ~60 characters, never
/// splitting a UTF-8 sequence) when long. Multiple sections are joined with "; ".
std::string format_parameter(std::string_view name, std::string_view value);

/// A complete header field "Name: value" CRLF, folded (RFC 5322 §2.2.3) at whitespace so each
/// line is at most 78 characters where the value allows it (a single word longer than that is
/// never broken). Only breaks before a whitespace that is followed by non-whitespace, so no
/// line is whitespace-only and encoded-words stay whole. `value` must not contain CR or LF.
std::string fold_header(std::string_view name, std::string_view value);

/// Header value for unstructured text (RFC 5322 §3.2.5, e.g. Subject): printable ASCII as is;
/// otherwise raw UTF-8 when `utf8_allowed` (RFC 6532), else RFC 2047 encoded-words sized so
/// that "Name: " plus the first word fits in 78 columns. CR/LF/controls become spaces in the
/// ASCII/UTF-8 paths. Pass `name` to size the first word.
std::string encode_unstructured(std::string_view name, std::string_view text, bool utf8_allowed);

}  // namespace inet::mime
