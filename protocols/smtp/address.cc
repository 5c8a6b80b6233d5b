// Envelope addresses for a server without SMTPUTF8: internationalised domains as A-labels
// (RFC 6531 §3.2 and §3.7.1, RFC 5890 §2.3.2.1, RFC 5891 §4 through libidn2).
#include <cctype>
#include <string>
#include <system_error>

#include "protocols/smtp/client.hpp"
#include "protocols/smtp/internal.hpp"
#include "transport/idn.hpp"

namespace inet::smtp::detail {

namespace {

// libidn2's reason from transport::to_ascii_host's "invalid international host name: reason:
// could not resolve host".
std::string idn_reason(const std::system_error& e) {
  std::string what = e.what();
  const std::string suffix = ": " + e.code().message();
  if (what.size() > suffix.size() && what.ends_with(suffix)) what.resize(what.size() - suffix.size());
  constexpr std::string_view prefix = "invalid international host name: ";
  if (what.starts_with(prefix)) what.erase(0, prefix.size());
  return what;
}

}  // namespace

std::size_t domain_at(std::string_view a) {
  bool quoted = false;
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (quoted && a[i] == '\\') {
      ++i;
    } else if (a[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && a[i] == '@') {
      at = i;
    }
  }
  return at;
}

std::string ascii_address(std::string_view a) {
  if (is_ascii(a)) return std::string(a);
  const std::size_t at = domain_at(a);
  const std::string_view local = at == std::string_view::npos ? a : a.substr(0, at);
  if (!is_ascii(local))
    throw std::system_error(make_error_code(error::smtputf8_unsupported),
                            "address '" + std::string(a) +
                                "': a non-ASCII local part needs SMTPUTF8 (RFC 6531), which the "
                                "server lacks; nothing was sent");
  const std::string_view domain = a.substr(at + 1);
  if (domain.starts_with('['))
    throw std::system_error(make_error_code(error::invalid_address),
                            "address '" + std::string(a) + "': non-ASCII domain literal");
  std::string alabel;
  try {
    alabel = transport::to_ascii_host(domain);
  } catch (const std::system_error& e) {
    throw std::system_error(make_error_code(error::invalid_address),
                            "address '" + std::string(a) + "': the domain is not a valid " +
                                "internationalised domain name (" + idn_reason(e) + ")");
  }
  std::string out = std::string(local) + "@" + alabel;
  check_address(out, false);
  return out;
}

std::string ascii_orcpt(std::string_view orcpt) {
  constexpr std::string_view type = "rfc822;";
  if (is_ascii(orcpt) || orcpt.size() < type.size()) return std::string(orcpt);
  for (std::size_t i = 0; i < type.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(orcpt[i])) != type[i]) return std::string(orcpt);
  try {
    return std::string(orcpt.substr(0, type.size())) + ascii_address(orcpt.substr(type.size()));
  } catch (const std::system_error&) {
    return std::string(orcpt);  // as given (xtext-encoded): the caller's original recipient
  }
}

}  // namespace inet::smtp::detail
