// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3). Standard library only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace inet::imap {

/// UTF-8 -> modified UTF-7 ("Entwürfe" -> "Entw&APw-rfe", "&" -> "&-"). Returns nullopt if
/// `utf8` is not valid UTF-8 (overlong forms, surrogates, > U+10FFFF) or contains NUL/CR/LF.
std::optional<std::string> mutf7_encode(std::string_view utf8);

/// Modified UTF-7 -> UTF-8. Returns nullopt for anything RFC 3501 §5.1.3 forbids: 8-bit bytes,
/// an unterminated "&...", bad base64, an odd number of UTF-16 bytes, unpaired surrogates,
/// encoded printable ASCII, or two adjacent encoded runs.
std::optional<std::string> mutf7_decode(std::string_view mutf7);

}  // namespace inet::imap
