// SASLprep (RFC 4013) for SCRAM user names and passwords — the subset this library implements.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace inet::sasl {

/// Prepares UTF-8 `text` per RFC 4013 §2 and returns the prepared UTF-8 string, or std::nullopt
/// when `text` is not valid UTF-8, contains a prohibited character (RFC 4013 §2.3: ASCII and
/// non-ASCII controls, private use, non-characters, surrogates, ...), or contains a character
/// whose NFKC normalization (§2.2) this implementation does not know.
///
/// Implemented exactly: mapping of non-ASCII spaces (RFC 3454 C.1.2) to U+0020 and of the
/// "commonly mapped to nothing" characters (B.1) to nothing, then ASCII and the Latin-1
/// Supplement letters and symbols (U+00A1..U+00FF) that are NFKC-stable. Anything else beyond
/// ASCII yields std::nullopt rather than a possibly wrong normalization; such credentials can
/// still use CRAM-MD5 or PLAIN over TLS.
std::optional<std::string> saslprep(std::string_view text);

}  // namespace inet::sasl
