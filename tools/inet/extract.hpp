// `inet get --parts` and `--extract DIR` for a retrieved message (imap://…;UID=n,
// pop3://…/n): the message is read with mime::parser while it arrives (nothing buffered beyond
// the parser's window), the part tree printed and/or each attachment written to DIR.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mime/parser.hpp"
#include "base/body.hpp"

namespace inet::cli {

/// A file name that is safe to create inside the extraction directory: `name` (UTF-8, from the
/// message) with '/', '\\', control characters and DEL replaced by '_', a leading '.' replaced
/// by '_' (no hidden files, no "." or ".."), cut to at most 200 bytes at a UTF-8 boundary;
/// `fallback` when nothing is left.
std::string safe_file_name(std::string_view name, std::string_view fallback);

/// Reads one message. With `parts`, prints one line per entity to `out` as it is seen:
/// two spaces per depth, the path ("message" for the top), the content type and the quoted
/// file name if any. With `extract_dir`, writes the decoded body of every leaf that has a file
/// name or is an attachment (Content-Disposition) to extract_dir/safe_file_name(name,
/// "part-PATH"), refusing to replace an existing file (or a symlink) unless `force`. Throws
/// write_failure (curl's exit 23) when a file cannot be created or written; the message
/// names the file.
class message_extractor {
 public:
  message_extractor(std::ostream& out, bool parts, std::string extract_dir, bool force);
  ~message_extractor();
  message_extractor(const message_extractor&) = delete;
  message_extractor& operator=(const message_extractor&) = delete;

  /// Feeds the message bytes to the parser (may throw write_failure or the parser's
  /// std::system_error for hostile input).
  byte_sink sink();
  /// Ends the message (closes the last file).
  void finish();
  /// Files written, in order (full paths).
  const std::vector<std::string>& written() const { return written_; }
  /// What the parser worked around (see mime::parser).
  const std::vector<mime::parse_problem>& problems() const;

 private:
  void begin(const mime::part& p);
  void data(std::string_view bytes);
  void end();
  std::ostream& out_;
  bool parts_;
  std::string dir_;
  bool force_;
  int fd_ = -1;
  std::string current_;
  std::vector<std::string> written_;
  std::unique_ptr<mime::parser> parser_;
};

}  // namespace inet::cli
