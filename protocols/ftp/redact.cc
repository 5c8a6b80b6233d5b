// What the wire trace hides for FTP (registered with the line engine in client.cc).
#include "protocols/ftp/internal.hpp"
#include "transport/trace.hpp"

namespace inet::ftp::detail {

std::optional<std::string> redact_trace(std::string_view line) {
  static constexpr transport::redaction_rule rules[] = {
      {"PASS", 0},  // PASS <password> (RFC 959 §4.1.1)
      {"ACCT", 0},  // ACCT <account information>
  };
  return transport::redact_after_verb(line, rules);
}

}  // namespace inet::ftp::detail
