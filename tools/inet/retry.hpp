// curl's --retry for `inet get`/`inet put`: which outcomes are transient, how long to wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/inet/exit_codes.hpp"
#include "tools/inet/transfer_options.hpp"

namespace inet::cli {

/// One transfer's retries (curl 7.88's rules). Transient: a timeout (28), an unresolved host or
/// proxy (6, 5), and for http(s) a completed transfer (or -f's 22) whose status is 408, 429,
/// 500, 502, 503 or 504. The wait is --retry-delay, else 1 s doubling up to 10 minutes; no retry
/// starts once --retry-max-time has passed since the first attempt.
class retry_policy {
 public:
  explicit retry_policy(const transfer_options& o);
  /// The wait before another attempt after an outcome (`code`, HTTP `status` or 0, `http`
  /// whether the URL is http(s)), and one retry used; nullopt: no more attempts.
  /// `why` is set to curl's words ("timeout", "HTTP error").
  /// An HTTP retry waits `retry_after` seconds instead when the response said so (and gives
  /// up when that passes --retry-max-time), as curl.
  std::optional<std::chrono::milliseconds> next(exit_code code, int status, bool http,
                                                std::string& why,
                                                std::optional<std::uint64_t> retry_after = {});
  int left() const noexcept { return left_; }

 private:
  int left_;
  std::optional<std::chrono::milliseconds> delay_, max_time_;
  std::chrono::milliseconds backoff_{1000};
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// curl's warning line for a retry ("Warning: Problem : HTTP error. Will retry in 1 seconds.
/// 2 retries left."), without the newline; `left` counts this retry (curl's numbering).
std::string retry_warning(const std::string& why, std::chrono::milliseconds wait, int left);

}  // namespace inet::cli
