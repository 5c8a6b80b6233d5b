// The pure (no I/O) parts of the line engine: the error category, reply-line checks and the
// code-reply / status-line grammars (fuzzed by tests/fuzz/line_fuzz.cc).
#include <string>

#include "protocols/line/engine.hpp"
#include "transport/error.hpp"

namespace inet::line {

using terr = transport::error;

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.line"; }
  std::string message(int ev) const override {
    switch (static_cast<line::error>(ev)) {
      case line::error::malformed_reply: return "malformed reply from server";
    }
    return "unknown line-protocol error";
  }
  std::error_condition default_error_condition(int ev) const noexcept override {
    if (ev == static_cast<int>(line::error::malformed_reply)) return condition::protocol_violation;
    return {ev, *this};
  }
};

[[noreturn]] void malformed(std::string_view why, std::string_view line) {
  throw std::system_error(make_error_code(line::error::malformed_reply),
                          std::string(why) + ": \"" +
                              transport::escape_control(line.substr(0, 200)) + "\"");
}

bool three_digits(std::string_view l) {
  return l.size() >= 3 && l[0] >= '1' && l[0] <= '5' && l[1] >= '0' && l[1] <= '9' &&
         l[2] >= '0' && l[2] <= '9';
}

}  // namespace

const std::error_category& line_category() noexcept {
  static const category c;
  return c;
}

void check_reply_line(std::string_view line) {
  if (line.find_first_of(std::string_view("\r\0", 2)) != std::string_view::npos)
    malformed("NUL or bare CR in a reply line", line);
}

bool code_reply_parser::feed(std::string_view l) {
  total_ += l.size();
  if (r_.lines.size() >= limits_.max_reply_lines || total_ > limits_.max_reply_bytes)
    throw std::system_error(transport::make_error_code(terr::reply_too_large),
                            "reply longer than " + std::to_string(limits_.max_reply_lines) +
                                " lines or " + std::to_string(limits_.max_reply_bytes) + " bytes");
  const bool has_code = three_digits(l) && (l.size() == 3 || l[3] == ' ' || l[3] == '-');
  if (!has_code) {
    // RFC 959 §4.2: inside a multi-line FTP reply, lines need not start with the code.
    if (r_.code == 0) malformed("reply does not start with a three-digit code", l);
    r_.lines.emplace_back(l);
    return false;
  }
  const int code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
  if (code < 100) malformed("reply code out of range", l);
  const bool last = l.size() == 3 || l[3] == ' ';
  if (r_.code != 0 && code != r_.code) {
    if (!last) malformed("continuation line carries a different reply code", l);
    malformed("final line carries a different reply code", l);
  }
  r_.code = code;
  r_.lines.emplace_back(l.size() > 4 ? l.substr(4) : std::string_view());
  return last;
}

status_reply parse_status_reply(std::string_view l) {
  status_reply r;
  if (l.substr(0, 3) == "+OK" && (l.size() == 3 || l[3] == ' ')) {
    r.ok = true;
    r.text = std::string(l.size() > 4 ? l.substr(4) : std::string_view());
  } else if (l.substr(0, 4) == "-ERR" && (l.size() == 4 || l[4] == ' ')) {
    r.ok = false;
    r.text = std::string(l.size() > 5 ? l.substr(5) : std::string_view());
  } else {
    malformed("expected +OK or -ERR", l);
  }
  return r;
}

}  // namespace inet::line
