// Internationalised host names (IDNA2008 with UTS #46 non-transitional processing, RFC 5891)
// through libidn2: a UTF-8 host such as "bücher.example" is resolved, sent in SNI and verified
// against the certificate as its A-label form "xn--bcher-kva.example".
#pragma once

#include <string>
#include <string_view>

namespace inet::transport {

/// Returns `host` unchanged when it is ASCII (including IP literals), else its A-label
/// (punycode) form. Throws std::system_error(error::resolve_failed) with libidn2's reason when
/// the name is not a valid IDN (e.g. disallowed code points, or over 253 bytes once encoded).
std::string to_ascii_host(std::string_view host);

}  // namespace inet::transport
