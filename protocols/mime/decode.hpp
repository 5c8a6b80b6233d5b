// Streaming body decoders of the MIME reader (internal to //protocols/mime): base64 (RFC 2045
// §6.8), quoted-printable (RFC 2045 §6.7) and charset -> UTF-8 (iconv). Each keeps at most a
// few bytes between calls (quoted-printable: a run of trailing whitespace, flushed at 1 KiB).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace inet::mime::detail {

class base64_decoder {
 public:
  /// Appends the bytes decoded from `in` to `out`. Whitespace/line ends are skipped; other
  /// bytes outside the alphabet, and data after '=' padding, are skipped and make bad() true.
  void feed(std::string_view in, std::string& out);
  /// Flushes a final partial group (missing padding is tolerated; a lone sextet is bad()).
  void finish(std::string& out);
  bool bad() const { return bad_; }

 private:
  unsigned acc_ = 0;
  int n_ = 0;
  bool padded_ = false;
  bool bad_ = false;
};

class qp_decoder {
 public:
  /// Appends decoded bytes: "=XX" -> byte (either case), "=" + line end -> nothing (soft
  /// break), whitespace before a line end dropped, line ends kept as they are. "=" followed by
  /// anything else stays literally and makes bad() true.
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool bad() const { return bad_; }

 private:
  void put(char c, std::string& out);
  std::string esc_;  // "=", "=X" or "=\r"
  std::string ws_;   // trailing whitespace not yet known to be inside a line
  bool bad_ = false;
};

/// Converts from `charset` to UTF-8 in pieces (a multibyte sequence split across feeds is
/// kept until complete). Invalid bytes become U+FFFD. ok() is false for a charset iconv does
/// not know: feed() then copies the bytes.
class utf8_converter {
 public:
  explicit utf8_converter(const std::string& charset);
  ~utf8_converter();
  utf8_converter(const utf8_converter&) = delete;
  utf8_converter& operator=(const utf8_converter&) = delete;
  bool ok() const { return cd_ != nullptr; }
  void feed(std::string_view in, std::string& out);
  void finish(std::string& out);
  bool bad() const { return bad_; }

 private:
  void convert(std::string& out, bool final);
  void* cd_ = nullptr;
  std::string carry_;
  bool bad_ = false;
};

/// True for labels that need no conversion ("utf-8", "us-ascii", "ascii", any case).
bool is_utf8_label(std::string_view charset);

/// Converts `bytes` in `charset` to UTF-8 in one go (unknown charset: bytes unchanged).
std::string to_utf8(const std::string& charset, std::string_view bytes);

}  // namespace inet::mime::detail
