// Content encoders for the HTTP tests: the bytes a server sends with Content-Encoding gzip,
// deflate, br or zstd (RFC 9110 §8.4.1), made with the reference libraries (zlib, brotli,
// zstd). Each throws std::runtime_error if its library fails.
#pragma once

#include <string>

namespace inet::http::test {

/// zlib's deflate of `data` at level 9. `window_bits` as zlib's deflateInit2: 15 + 16 = gzip
/// (RFC 1952, the default), 15 = zlib wrapper (RFC 1950, what "deflate" names), -15 = raw
/// deflate (RFC 1951, what some servers send as "deflate").
std::string zlib_encode(const std::string& data, int window_bits = 15 + 16);

/// Brotli (RFC 7932) at quality 5, default window.
std::string br_encode(const std::string& data);

/// Zstandard (RFC 8878) at level 3, one frame with its content size.
std::string zstd_encode(const std::string& data);

}  // namespace inet::http::test
