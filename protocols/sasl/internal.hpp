// Internal to //protocols/sasl: helpers and per-mechanism factories behind make_mechanism().
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "protocols/sasl/mechanism.hpp"

namespace inet::sasl::detail {

/// Throws std::system_error(e, what).
[[noreturn]] void fail(error e, const std::string& what);

/// True if `s` contains a byte below 0x20 or 0x7F (NUL, CR, LF, \x01, ...).
bool has_control(std::string_view s);

/// True if `s` contains NUL.
bool has_nul(std::string_view s);

/// RFC 5802 §5.1 saslname: ',' -> "=2C", '=' -> "=3D". Also used by RFC 7628's gs2 a=.
std::string escape_saslname(std::string_view s);

std::unique_ptr<mechanism> make_plain(const credentials& creds);
std::unique_ptr<mechanism> make_login(const credentials& creds);
std::unique_ptr<mechanism> make_cram_md5(const credentials& creds);
std::unique_ptr<mechanism> make_xoauth2(const credentials& creds);
std::unique_ptr<mechanism> make_oauthbearer(const credentials& creds);

/// `hash_name` is "SHA-1" or "SHA-256" (upper case); an empty nonce means a random one.
std::unique_ptr<mechanism> make_scram_mechanism(std::string_view hash_name,
                                                const credentials& creds, std::string nonce);

}  // namespace inet::sasl::detail
