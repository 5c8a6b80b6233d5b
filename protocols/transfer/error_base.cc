// The "inet.transfer" error category (no protocol dependencies; curl_exit_code is in error.cc).
#include "protocols/transfer/error.hpp"

namespace inet::transfer {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.transfer"; }
  std::string message(int v) const override {
    return std::string(describe(static_cast<exit_code>(v)));
  }
};

}  // namespace

const std::error_category& transfer_category() noexcept {
  static const category c;
  return c;
}

}  // namespace inet::transfer
