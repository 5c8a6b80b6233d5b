// curl-style URLs for the protocols inetpp speaks: http(s) (RFC 9110 §4.2), ftp(s) (RFC 1738 §3.2),
// smtp(s) (draft-earhart-url-smtp as used by curl), pop3(s) (RFC 2384), imap(s) (RFC 5092).
// The grammar (RFC 3986) is checked by Boost.URL; this layer adds curl's conventions: scheme
// guessing, default ports, ";AUTH=" login options, ";TYPE=/;UID=" path parameters, and a hard
// refusal of control characters so that no URL can smuggle CR LF into a protocol command.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace inet::url {

/// The URL schemes inetpp understands (lower-case on the wire).
enum class scheme {
  http, https, ftp, ftps, smtp, smtps, pop3, pop3s, imap, imaps,
  nntp, nntps, news, snews,  ///< RFC 5538 (nntps/snews: implicit TLS on 563, RFC 4642 §1)
  gopher, gophers,           ///< RFC 4266 (gophers: TLS from the first byte, as curl)
  telnet,                    ///< RFC 4248
};

/// Why parse() rejected a URL. The numbering is internal; the CLI maps every value to curl's
/// exit code 3 (CURLE_URL_MALFORMAT) except unsupported_scheme (exit 1).
enum class error {
  bad_url = 1,          ///< overall syntax (RFC 3986 §3) is wrong, or the URL is empty
  unsupported_scheme,   ///< scheme is not one of `scheme`
  bad_host,             ///< empty, malformed or forbidden characters in the host
  bad_port,             ///< port is not a decimal number in 1..65535
  bad_user_info,        ///< user info is malformed, or an unknown ";KEY=" login option
  bad_path,             ///< path has a character outside RFC 3986 pchar / bad %-escape
  bad_parameter,        ///< ";NAME=VALUE" path parameter malformed or unknown for the scheme
  control_characters,   ///< a byte < 0x20 or 0x7F, raw or %-encoded, anywhere in the URL
};

/// The error category, named "inet.url".
const std::error_category& url_category() noexcept;
std::error_code make_error_code(error e) noexcept;

/// A parsed URL. All strings are percent-decoded (and checked to hold no control characters).
struct parsed_url {
  url::scheme scheme = url::scheme::http;
  std::string scheme_name;  ///< lower-case, e.g. "imaps"
  /// Host, decoded. An IPv6 literal is given WITHOUT brackets (e.g. "::1"); an internationalised
  /// name is left as given (UTF-8 bytes, no IDNA/punycode conversion).
  std::string host;
  bool host_is_ipv6 = false;
  std::uint16_t port = 0;       ///< explicit port or default_port(scheme)
  bool port_explicit = false;
  std::optional<std::string> user;      ///< present when the URL has user info ("@")
  std::optional<std::string> password;  ///< present when user info contains ':'
  /// For imap/pop3/smtp(+s) only: the value of ";AUTH=" in the user info (curl's login options),
  /// e.g. "PLAIN" or "*". Other schemes keep ';' as part of user/password.
  std::optional<std::string> auth_mechanism;
  /// Path without the leading '/', decoded, up to the first ';' for ftp/imap(+s). For imap(+s) a
  /// single '/' in front of the parameters is dropped ("INBOX/;UID=5" -> "INBOX", RFC 5092 §6).
  std::string path;
  /// ftp(s)/imap(s) only: ";NAME=VALUE" parameters in order, NAME upper-cased, VALUE decoded.
  /// ftp accepts TYPE (a|i|d); imap accepts UIDVALIDITY, UID, MAILINDEX, SECTION, PARTIAL.
  std::vector<std::pair<std::string, std::string>> path_params;
  std::string query;  ///< decoded query without '?' ('+' stays '+'); IMAP search key for curl

  /// True for https, ftps, smtps, pop3s, imaps (TLS from the first byte, not STARTTLS).
  bool implicit_tls() const;
  /// "scheme://host:port", IPv6 in brackets; e.g. "imaps://[::1]:993". Key for connection reuse.
  std::string origin() const;
  /// The value of the first path parameter named `name` (upper-case), if any.
  std::optional<std::string> param(std::string_view name) const;
};

/// Parses `text` the way curl does.
/// - Without "scheme://", the scheme is guessed from the host: "ftp." -> ftp, "imap." -> imap,
///   "smtp." -> smtp, "pop3." -> pop3, anything else -> http (case-insensitive prefix).
/// - Bytes >= 0x80 (UTF-8) are accepted and percent-encoded before RFC 3986 parsing.
/// - The fragment ("#...") is checked and ignored.
/// Throws std::system_error with an `error` code and a one-line message naming the bad part,
/// e.g. "bad URL: port '99999' is out of range (1-65535)". Any control character (< 0x20 or
/// 0x7F) — raw anywhere, or percent-encoded in any decoded part — gives error::control_characters,
/// except a percent-encoded TAB in a gopher(s) path (curl's "/7/selector%09query" search form).
parsed_url parse(std::string_view text);

/// Well-known port: http 80, https 443, ftp 21, ftps 990, smtp 25, smtps 465, pop3 110,
/// pop3s 995, imap 143, imaps 993, nntp 119, nntps 563, news 119, snews 563,
/// gopher 70, gophers 70, telnet 23.
std::uint16_t default_port(scheme s) noexcept;

/// Lower-case scheme name ("pop3s").
std::string_view to_string(scheme s) noexcept;

/// Case-insensitive lookup of a scheme name; std::nullopt if unsupported.
std::optional<scheme> scheme_from_string(std::string_view name) noexcept;

}  // namespace inet::url

template <>
struct std::is_error_code_enum<inet::url::error> : std::true_type {};
