// What the wire trace hides for SMTP/LMTP (registered with the line engine in client.cc).
#include "protocols/smtp/internal.hpp"
#include "transport/trace.hpp"

namespace inet::smtp::detail {

std::optional<std::string> redact_trace(std::string_view line) {
  static constexpr transport::redaction_rule rules[] = {
      {"AUTH", 1},  // AUTH <mechanism> <initial response> (RFC 4954 §4)
  };
  return transport::redact_after_verb(line, rules);
}

}  // namespace inet::smtp::detail
