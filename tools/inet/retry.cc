#include "tools/inet/retry.hpp"

#include <algorithm>

namespace inet::cli {

retry_policy::retry_policy(const transfer_options& o)
    : left_(o.retry), delay_(o.retry_delay), max_time_(o.retry_max_time) {}

std::optional<std::chrono::milliseconds> retry_policy::next(
    exit_code code, int status, bool http, std::string& why,
    std::optional<std::uint64_t> retry_after) {
  if (left_ <= 0) return std::nullopt;
  if (max_time_ && std::chrono::steady_clock::now() - start_ >= *max_time_) return std::nullopt;
  if (code == exit_code::operation_timedout || code == exit_code::couldnt_resolve_host ||
      code == exit_code::couldnt_resolve_proxy) {
    why = "timeout";
  } else if (http && (code == exit_code::ok || code == exit_code::http_returned_error) &&
             (status == 408 || status == 429 || status == 500 || status == 502 ||
              status == 503 || status == 504)) {
    why = "HTTP error";
    if (retry_after && *retry_after > 0) {
      const auto wait = std::chrono::seconds(std::min<std::uint64_t>(*retry_after, 86400 * 365));
      if (max_time_ && std::chrono::steady_clock::now() - start_ + wait > *max_time_)
        return std::nullopt;
      --left_;
      if (!delay_) backoff_ = std::min<std::chrono::milliseconds>(backoff_ * 2, std::chrono::minutes(10));
      return wait;
    }
  } else {
    return std::nullopt;
  }
  --left_;
  if (delay_) return *delay_;
  const auto wait = backoff_;
  backoff_ = std::min<std::chrono::milliseconds>(backoff_ * 2, std::chrono::minutes(10));
  return wait;
}

std::string retry_warning(const std::string& why, std::chrono::milliseconds wait, int left) {
  return "Warning: Problem : " + why + ". Will retry in " +
         std::to_string(wait.count() / 1000) + " seconds. " + std::to_string(left) +
         " retries left.";
}

}  // namespace inet::cli
