// Raw DEFLATE (RFC 1951) in both directions of one connection, as IMAP COMPRESS=DEFLATE
// (RFC 4978 §4) uses it: each write is compressed and flushed with Z_SYNC_FLUSH so the peer can
// decode it at once; received bytes are inflated into the caller's buffer, never into a buffer
// of our own that could grow (a "decompression bomb" only fills the reader's fixed buffer).
// Sans-I/O: transport::stream feeds it.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace inet::transport {

class deflate_codec {
 public:
  /// Input buffered for inflate, in bytes (compressed data read from the wire).
  static constexpr std::size_t input_buffer = 16 * 1024;

  /// Throws std::system_error(error::compression_failed) if zlib cannot start (out of memory).
  deflate_codec();
  ~deflate_codec();
  deflate_codec(const deflate_codec&) = delete;
  deflate_codec& operator=(const deflate_codec&) = delete;

  /// Compresses `in` and flushes (Z_SYNC_FLUSH, RFC 4978 §4): the result decodes completely on
  /// the other side. Output is at most in.size() + 5 bytes per 16 KiB + a few bytes.
  std::string compress(std::string_view in);

  /// Appends compressed bytes received before inflating started (e.g. what a line reader had
  /// buffered behind the server's go-ahead). Any size.
  void add_input(std::string_view compressed);
  /// Free space for compressed bytes read from the wire (empty while input is pending).
  std::span<char> input_space();
  /// Marks `n` bytes of input_space() as filled.
  void commit_input(std::size_t n);
  /// Inflates pending input into `out`; returns the bytes written (0: more input needed, or the
  /// peer ended the deflate stream, see finished()). Throws std::system_error(
  /// error::compression_failed) with zlib's reason for corrupt data.
  std::size_t decompress(std::span<char> out);
  /// The peer ended its deflate stream (a final block): no more data can follow.
  bool finished() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace inet::transport
