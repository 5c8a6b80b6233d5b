// The async front's error mapping, its category, and launch<T> for void and standard types.
#include "transport/async.hpp"

#include <boost/system/system_error.hpp>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <string>
#include <vector>

#include "transport/async_launch.hpp"
#include "transport/error.hpp"

namespace inet::transport {

namespace {
class async_category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.async"; }
  std::string message(int ev) const override {
    switch (static_cast<async_errc>(ev)) {
      case async_errc::unexpected_exception:
        return "the operation failed with an exception that has no error code";
    }
    return "unknown inet.async error";
  }
};
}  // namespace

const std::error_category& async_category() noexcept {
  static const async_category_impl instance;
  return instance;
}

async_error_code to_error_code(std::exception_ptr failure) noexcept {
  if (!failure) return {};
  try {
    std::rethrow_exception(failure);
  } catch (const std::system_error& e) {
    if (e.code() == make_error_code(error::operation_aborted))
      return boost::asio::error::operation_aborted;
    return e.code();
  } catch (const boost::system::system_error& e) {
    return e.code();
  } catch (...) {
    return make_error_code(async_errc::unexpected_exception);
  }
}

template void launch<void>(async_target, boost::asio::awaitable<void>,
                           boost::asio::any_completion_handler<async_signature_t<void>>);
#define INET_LAUNCH_FOR(T)                                      \
  template void launch<T>(async_target, boost::asio::awaitable<T>, \
                          boost::asio::any_completion_handler<async_signature_t<T>>);
// std::uint64_t is also std::size_t here: transport::stream's async_read_some/async_write_some.
static_assert(std::is_same_v<std::uint64_t, std::size_t>);
INET_LAUNCH_FOR(std::uint64_t)
INET_LAUNCH_FOR(std::vector<std::string>)
INET_LAUNCH_FOR(std::vector<std::uint32_t>)
INET_LAUNCH_FOR(std::vector<std::uint64_t>)
#undef INET_LAUNCH_FOR

}  // namespace inet::transport
