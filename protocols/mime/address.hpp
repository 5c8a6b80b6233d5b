// RFC 5322 §3.4 mailboxes and address lists: parsing, header formatting, SMTP safety check.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace inet::mime {

/// One mailbox. `address` is the addr-spec "local@domain" (a quoted local part keeps its
/// quotes, e.g. "\"john doe\"@example.com"); `display_name` is UTF-8 without quoting.
struct mailbox {
  std::string display_name;
  std::string address;
  friend bool operator==(const mailbox&, const mailbox&) = default;
};

/// Parses an RFC 5322 §3.4 address-list (e.g. a To: value, unfolded or not): name-addr
/// ("Name <a@b>"), bare addr-specs, quoted-string display names with \-escapes, nested
/// comments (ignored), groups ("team: a@x, b@y;" yields its members; "undisclosed-recipients:;"
/// yields nothing), obsolete route addresses "<@relay:a@b>" and empty list elements (RFC 5322
/// §4.4). RFC 2047 encoded-words in display names are decoded. Whitespace-only input -> {}.
/// Throws std::system_error(error::bad_address) naming the byte offset on anything else,
/// including a mailbox without a domain.
std::vector<mailbox> parse_address_list(std::string_view text);

/// Parses exactly one mailbox (same grammar, no groups). Throws like parse_address_list.
mailbox parse_mailbox(std::string_view text);

/// Formats `m` for a header: "addr" when there is no display name, else "phrase <addr>" with
/// the phrase as atoms when they are safe, a quoted-string when it has specials, and RFC 2047
/// encoded-words when it is non-ASCII and !utf8_allowed (with utf8_allowed raw UTF-8 is kept,
/// RFC 6532 §3.2). Without utf8_allowed the address is written as ascii_domain_address()
/// gives it ("info@bücher.example" -> "info@xn--bcher-kva.example"). Throws
/// std::system_error(error::bad_address) when the address fails is_valid_addr_spec, or
/// without utf8_allowed has a non-ASCII local part or a domain that is not a valid IDN, and
/// error::invalid_header when the display name contains CR, LF or other control characters
/// (header injection).
std::string format_mailbox(const mailbox& m, bool utf8_allowed);

/// The ASCII form of an addr-spec for 7-bit headers and servers without SMTPUTF8 (RFC 6531
/// §3.2, RFC 5890 §2.3.2.1): `addr` unchanged when it is ASCII; an ASCII local part with a
/// non-ASCII domain gets the domain's A-label form (IDNA2008, UTS #46 non-transitional, RFC
/// 5891 §4, through transport::to_ascii_host / libidn2), e.g. "info@bücher.example" ->
/// "info@xn--bcher-kva.example". Throws std::system_error(error::bad_address), naming the
/// address, for a non-ASCII local part (it has no ASCII form: it needs SMTPUTF8 / RFC 6532),
/// a non-ASCII domain literal, or a domain that is not a valid IDN (disallowed code points
/// such as U+2488, a label over 63 bytes or a name over 253 bytes once encoded).
std::string ascii_domain_address(std::string_view addr);

/// True if `addr` is "local@domain" with a non-empty local part and domain and nothing that is
/// unsafe in an SMTP MAIL FROM/RCPT TO path (RFC 5321 §4.1.2): no CR, LF, NUL or other control
/// bytes, and outside a quoted local part no space, '<', '>', '(', ')', ',', ';' or '"'.
/// Bytes >= 0x80 are accepted (SMTPUTF8 decides). Used to refuse command injection.
bool is_valid_addr_spec(std::string_view addr);

/// The domain part of an addr-spec (after the last '@' outside quotes), or "" if none.
std::string_view address_domain(std::string_view addr);

}  // namespace inet::mime
