// HTTP content codings (RFC 9110 §8.4.1): gzip and deflate (zlib), br (RFC 7932, libbrotli) and
// zstd (RFC 8878, libzstd), decoded as a stream in fixed-size pieces with a cap on the decoded
// size (decompression bombs stop there).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "base/body.hpp"

namespace inet::http {

enum class coding {
  gzip,     ///< RFC 1952 ("gzip", "x-gzip")
  deflate,  ///< RFC 1950 zlib-wrapped deflate (raw RFC 1951 data is accepted too)
  br,       ///< RFC 7932 Brotli
  zstd,     ///< RFC 8878 Zstandard (window at most 8 MiB, RFC 8878 §3.1.1.1.2)
};

/// The coding named by one Content-Encoding token (case-insensitive; "identity" and unknown
/// names give nullopt).
std::optional<coding> parse_coding(std::string_view token);

/// The codings of a Content-Encoding field value in the order they were applied ("gzip, br"
/// -> {gzip, br}); "identity" is skipped. nullopt when a coding is unknown or there are more
/// than 4 (then the body is passed on as it is).
std::optional<std::vector<coding>> parse_content_encoding(std::string_view value);

/// What `Accept-Encoding` lists: "gzip, deflate, br, zstd".
std::string_view accept_encoding() noexcept;

/// A byte_sink that decodes one coding into `inner` in pieces of at most 16 KiB. More than
/// `max_decoded` decoded bytes: error::decoded_too_large (nothing past the cap reaches
/// `inner`). Corrupt data: error::bad_content_encoding. finish() checks that the encoded stream
/// ended (error::bad_content_encoding otherwise). Copies share one decoder (a byte_sink is
/// copied around).
class decoding_sink {
 public:
  /// gzip or zlib/raw deflate, detected from the data (what earlier versions did).
  decoding_sink(byte_sink inner, std::uint64_t max_decoded);
  decoding_sink(byte_sink inner, std::uint64_t max_decoded, coding c);
  ~decoding_sink();
  void operator()(std::string_view chunk);
  void finish();
  std::uint64_t decoded() const noexcept;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

/// A chain of decoders for `codings` (as parse_content_encoding gives them: the last applied
/// is decoded first) ending in `inner`; each stage is capped at `max_decoded`.
/// finish() finishes every stage, outermost first.
class decoding_chain {
 public:
  decoding_chain(byte_sink inner, std::uint64_t max_decoded, const std::vector<coding>& codings);
  void operator()(std::string_view chunk);
  void finish();

 private:
  std::vector<decoding_sink> stages_;  // stages_[0] gets the wire bytes
  byte_sink inner_;                    // no coding: passed through
};

}  // namespace inet::http
