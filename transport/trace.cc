#include "transport/trace.hpp"

#include <spdlog/sinks/base_sink.h>
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

// An spdlog sink that hands each message (the line itself, no pattern) to a trace_sink.
class callback_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit callback_sink(trace_sink sink) : sink_(std::move(sink)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    sink_(std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  trace_sink sink_;
};

}  // namespace

void set_trace_sink(trace_sink sink) {
  spdlog::drop(trace_logger_name);
  if (!sink) return;
  auto l = std::make_shared<spdlog::logger>(trace_logger_name,
                                            std::make_shared<callback_sink>(std::move(sink)));
  l->set_level(spdlog::level::debug);
  spdlog::register_logger(std::move(l));
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

std::optional<std::string> redact_after_verb(std::string_view line,
                                             std::span<const redaction_rule> rules,
                                             std::size_t verb_at) {
  const auto w = words(line);
  if (w.size() <= verb_at) return std::nullopt;
  const std::string v = upper(w[verb_at].second);
  for (const redaction_rule& r : rules) {
    if (v != upper(r.verb)) continue;
    const std::size_t first_secret = verb_at + 1 + r.keep;
    if (first_secret >= w.size()) return std::nullopt;  // nothing secret follows
    return std::string(line.substr(0, w[first_secret].first)) + "<redacted>";
  }
  return std::nullopt;
}

trace::trace(std::string tag, redactor redact)
    : tag_(std::move(tag)), redact_(std::move(redact)) {}

std::string trace::shown(std::string_view line) const {
  if (redact_) {
    if (auto r = redact_(line)) return std::move(*r);
  }
  return std::string(line);
}

bool trace::enabled() const noexcept {
  auto l = logger();
  return l && l->should_log(spdlog::level::debug);
}

void trace::sent(std::string_view line, std::string_view redacted) const {
  if (!enabled()) return;
  logger()->debug("> {}", escape_control(redacted.empty() ? shown(line) : std::string(redacted)));
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
