// Internals of the FTP client shared by its translation units and tests (not public API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocols/ftp/client.hpp"
#include "protocols/line/engine.hpp"

namespace inet::ftp::detail {

reply to_reply(line::code_reply r);
/// 421 -> service_unavailable, 550 -> file_unavailable, 4xx -> transient, else permanent.
std::error_code code_for(const reply& r);
/// Parses a 211 FEAT reply (RFC 2389 §3.2): every line but the first and last that starts
/// with a space is a feature; the name is upper-cased.
features parse_feat(const reply& r);
/// The quoted path of a 257 reply (RFC 959 Appendix II): `""` inside stands for one quote.
/// Throws std::system_error(error::malformed_reply) without an opening or closing quote.
std::string parse_257(const reply& r);
/// The port of a 229 reply (RFC 2428 §3): "(|||port|)" with any delimiter in 33..126.
/// nullopt when absent or not in 1..65535.
std::optional<std::uint16_t> parse_epsv(std::string_view text);
/// The port of a 227 reply (RFC 959 §4.1.2): "h1,h2,h3,h4,p1,p2" anywhere in the text (the
/// address is ignored). nullopt when absent, a number is out of 0..255, or the port is 0.
std::optional<std::uint16_t> parse_pasv(std::string_view text);
/// The size of a 213 SIZE reply (RFC 3659 §4.2); nullopt for another code or a bad number.
std::optional<std::uint64_t> parse_size(const reply& r);
/// One MLSD/MLST line (RFC 3659 §7.2): "fact=value;...; name" (facts may be empty: " name").
/// Throws std::system_error(error::malformed_reply) without the space before the name or with a
/// fact lacking '='.
entry parse_mlsd_line(std::string_view line);
/// The trace's credential redactor for FTP: PASS and ACCT arguments are hidden.
std::optional<std::string> redact_trace(std::string_view line);

}  // namespace inet::ftp::detail
