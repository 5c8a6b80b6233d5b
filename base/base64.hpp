// Base64 (RFC 4648 §4) through OpenSSL's EVP encoder. Shared by SASL (RFC 4422 exchanges are
// base64 on the wire) and MIME (RFC 2045 §6.8 content-transfer-encoding).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace inet::codec {

/// Encodes `data` (any bytes) as one line of base64 with `=` padding and no line breaks.
/// Output size is 4*ceil(n/3) bytes.
std::string base64_encode(std::string_view data);

/// Decodes strict base64 (RFC 4648 §4: alphabet A–Z a–z 0–9 + /, `=` padding only at the end,
/// length a multiple of 4, no whitespace). Returns std::nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace inet::codec
