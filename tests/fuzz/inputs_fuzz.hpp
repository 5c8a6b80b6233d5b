// The untrusted-input families of tests/fuzz/inputs_fuzz.cc, one libFuzzer target each (the
// family is chosen by $INET_FUZZ_TARGET when fuzzing, see tests/fuzz/run_inputs.sh; the corpus
// of family NAME is tests/fuzz/inputs/NAME/).
#pragma once

#include <array>
#include <string_view>

namespace inet::fuzz {

/// header   message header section of `inet mail -t` (mime::read_header_section + rewrite)
/// words    RFC 2047 encoded-word decoder (mime::decode_words)
/// msmtprc  `inet mail` configuration (mail::parse_config)
/// netrc    netrc file (cli::parse_netrc)
/// aliases  `inet mail` aliases file (mail::parse_aliases, expand_aliases)
/// socks5   SOCKS5 server answers (RFC 1928/1929)
/// connect  HTTP CONNECT response head (RFC 9110 §9.3.6)
/// mime     streaming MIME reader (mime::parser; tests/fuzz/mime_fuzz.cc)
inline constexpr std::array<std::string_view, 8> input_families = {
    "header", "words", "msmtprc", "netrc", "aliases", "socks5", "connect", "mime"};

/// Runs one input of `family` (one of input_families) and aborts if a property breaks.
/// Returns false for an unknown family.
bool run_input(std::string_view family, std::string_view input);

/// The "mime" family (tests/fuzz/mime_fuzz.cc).
void mime_case(std::string_view input);

}  // namespace inet::fuzz
