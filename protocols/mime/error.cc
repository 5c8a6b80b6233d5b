#include "protocols/mime/error.hpp"

namespace inet::mime {
namespace {

class category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.mime"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::bad_address: return "invalid email address";
      case error::invalid_header: return "invalid header field";
      case error::file_error: return "cannot read attachment file";
      case error::header_too_large: return "header section too large";
      case error::malformed_header: return "malformed header section";
      case error::unterminated_multipart: return "multipart without close delimiter";
      case error::missing_boundary: return "multipart without boundary parameter";
      case error::depth_exceeded: return "MIME nesting too deep";
      case error::bad_encoding: return "invalid transfer encoding or charset data";
      case error::truncated_header: return "input ended inside a header section";
      case error::too_many_parts: return "too many MIME parts";
      case error::unknown_charset: return "unknown charset";
    }
    return "unknown mime error";
  }
};

}  // namespace

const std::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace inet::mime
