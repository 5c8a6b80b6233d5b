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
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
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

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (2..4), or 0 if it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  if (cp >= 0x80 && cp <= 0x9F) return 0;  // C1 controls (e.g. U+009B CSI)
  return n;
}

}  // namespace

std::string escape_control(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  static const char* hex = "0123456789abcdef";
  for (std::size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x80) {
      if (const std::size_t n = utf8_sequence(bytes, i)) {
        out.append(bytes.substr(i, n));
        i += n;
      } else {
        out += "\\x";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
        ++i;
      }
      continue;
    }
    switch (c) {
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
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
