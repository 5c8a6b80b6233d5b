// What the wire trace hides for POP3 (registered with the line engine in client.cc).
#include "protocols/pop3/internal.hpp"
#include "transport/trace.hpp"

namespace inet::pop3::detail {

std::optional<std::string> redact_trace(std::string_view line) {
  static constexpr transport::redaction_rule rules[] = {
      {"AUTH", 1},  // AUTH <mechanism> <initial response> (RFC 5034 §4)
      {"PASS", 0},  // PASS <password> (RFC 1939 §7)
      {"APOP", 1},  // APOP <user> <digest> (RFC 1939 §7)
  };
  return transport::redact_after_verb(line, rules);
}

}  // namespace inet::pop3::detail
