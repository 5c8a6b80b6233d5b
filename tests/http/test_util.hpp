// Helpers shared by the HTTP tests: client options for a mock server, a 200 response, and the
// bytes a server sends with Content-Encoding gzip, deflate, br or zstd (RFC 9110 §8.4.1), made
// with the reference libraries (zlib, brotli, zstd; each encoder throws std::runtime_error if
// its library fails).
#pragma once

#include <string>

#include "protocols/http/client.hpp"
#include "tests/mock/server.hpp"

namespace inet::http::test {

/// Options for a plaintext connection to `srv` (127.0.0.1, its port, no TLS).
client_options plain(const inet::test::mock_server& srv);

/// "HTTP/1.1 200 OK", the header lines `extra` (each ending in CRLF), a Content-Length of
/// `body`, and `body`.
std::string ok(const std::string& body, const std::string& extra = "");

/// zlib's deflate of `data` at level 9. `window_bits` as zlib's deflateInit2: 15 + 16 = gzip
/// (RFC 1952, the default), 15 = zlib wrapper (RFC 1950, what "deflate" names), -15 = raw
/// deflate (RFC 1951, what some servers send as "deflate").
std::string zlib_encode(const std::string& data, int window_bits = 15 + 16);

/// Brotli (RFC 7932) at quality 5, default window.
std::string br_encode(const std::string& data);

/// Zstandard (RFC 8878) at level 3, one frame with its content size.
std::string zstd_encode(const std::string& data);

}  // namespace inet::http::test
