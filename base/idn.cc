#include "base/idn.hpp"

#include <idn2.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "base/error.hpp"

namespace inet::transport {

std::string to_ascii_host(std::string_view host) {
  if (std::all_of(host.begin(), host.end(), [](unsigned char c) { return c < 0x80; }))
    return std::string(host);
  const std::string input(host);
  char* out = nullptr;
  const int rc = idn2_to_ascii_8z(input.c_str(), &out,
                                  IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL | IDN2_USE_STD3_ASCII_RULES);
  if (rc != IDN2_OK) {
    if (out) idn2_free(out);
    throw std::system_error(make_error_code(error::resolve_failed),
                            "invalid international host name: " + std::string(idn2_strerror(rc)));
  }
  std::string result(out);
  idn2_free(out);
  return result;
}

}  // namespace inet::transport
