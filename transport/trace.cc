#include "transport/trace.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>

namespace inet::transport {

namespace {

std::shared_ptr<spdlog::logger> logger() {
  auto l = spdlog::get(trace_logger_name);
  return l;
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// Splits into whitespace-separated words, keeping their offsets.
std::vector<std::pair<std::size_t, std::string_view>> words(std::string_view s) {
  std::vector<std::pair<std::size_t, std::string_view>> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.emplace_back(start, s.substr(start, i - start));
  }
  return out;
}

}  // namespace

void enable_stderr_trace() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto l = spdlog::get(trace_logger_name);
    if (!l) {
      l = spdlog::stderr_logger_mt(trace_logger_name);
    }
    l->set_pattern("%v");
    l->set_level(spdlog::level::debug);
    l->flush_on(spdlog::level::debug);
  });
}

std::string escape_control(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : bytes) {
    switch (c) {
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

std::string redact_credentials(std::string_view line) {
  const auto w = words(line);
  if (w.empty()) return std::string(line);
  // IMAP commands start with a tag: skip it when the second word is a known verb.
  std::size_t verb = 0;
  if (w.size() > 1) {
    const std::string second = upper(w[1].second);
    if (second == "LOGIN" || second == "AUTHENTICATE") verb = 1;
  }
  const std::string v = upper(w[verb].second);
  std::size_t keep = 0;  // number of words kept in clear after the verb
  if (v == "AUTH" || v == "AUTHENTICATE") keep = 1;       // mechanism name
  else if (v == "PASS") keep = 0;
  else if (v == "LOGIN" || v == "APOP") keep = 1;          // user name
  else if (v == "AUTHORIZATION:" || v == "PROXY-AUTHORIZATION:") keep = 1;  // scheme
  else return std::string(line);
  const std::size_t first_secret = verb + 1 + keep;
  if (first_secret >= w.size()) return std::string(line);
  return std::string(line.substr(0, w[first_secret].first)) + "<redacted>";
}

trace::trace(std::string tag) : tag_(std::move(tag)) {}

bool trace::enabled() const noexcept {
  auto l = logger();
  return l && l->should_log(spdlog::level::debug);
}

void trace::sent(std::string_view line, std::string_view redacted) const {
  if (!enabled()) return;
  logger()->debug("> {}", escape_control(redacted.empty() ? redact_credentials(line) : std::string(redacted)));
}

void trace::received(std::string_view line) const {
  if (!enabled()) return;
  logger()->debug("< {}", escape_control(line));
}

void trace::info(std::string_view text) const {
  if (!enabled()) return;
  logger()->debug("* {}", escape_control(text));
}

}  // namespace inet::transport
