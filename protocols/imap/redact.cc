// What the wire trace hides for IMAP (registered with the line engine in client.cc).
#include "protocols/imap/internal.hpp"
#include "transport/trace.hpp"

namespace inet::imap::detail {

std::optional<std::string> redact_trace(std::string_view line) {
  static constexpr transport::redaction_rule rules[] = {
      {"LOGIN", 1},         // <tag> LOGIN <user> <password> (RFC 3501 §6.2.3)
      {"AUTHENTICATE", 1},  // <tag> AUTHENTICATE <mechanism> <initial response> (RFC 4959)
  };
  // Commands carry a tag first; a line without one is redacted by its first word.
  if (auto r = transport::redact_after_verb(line, rules, 1)) return r;
  return transport::redact_after_verb(line, rules, 0);
}

}  // namespace inet::imap::detail
