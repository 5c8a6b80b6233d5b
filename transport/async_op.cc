#include "transport/async_op.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <system_error>
#include <utility>

#include "transport/error.hpp"

namespace inet::transport::detail {

namespace asio = boost::asio;

boost::system::error_code stream_error_code(std::exception_ptr e) {
  if (!e) return {};
  try {
    std::rethrow_exception(e);
  } catch (const boost::system::system_error& ex) {
    return ex.code();
  } catch (const std::system_error& ex) {
    if (ex.code() == make_error_code(error::operation_aborted)) return asio::error::operation_aborted;
    return boost::system::error_code(ex.code());
  }
}

namespace {

// co_spawn's completion handler: adapts (exception_ptr[, T]) to (error_code[, T]) and exposes the
// wrapped handler's executor and cancellation slot, so co_spawn honours both.
template <typename Handler>
struct adapter {
  Handler handler;
  asio::any_io_executor io_ex;

  using executor_type = asio::any_completion_executor;
  executor_type get_executor() const noexcept {
    return asio::get_associated_executor(handler, io_ex);
  }
  using cancellation_slot_type = asio::cancellation_slot;
  cancellation_slot_type get_cancellation_slot() const noexcept {
    return handler.get_cancellation_slot();
  }

  void operator()(std::exception_ptr e, std::size_t n) {
    const auto ec = stream_error_code(e);
    std::move(handler)(ec, ec ? 0 : n);
  }
  void operator()(std::exception_ptr e) { std::move(handler)(stream_error_code(e)); }
};

}  // namespace

void spawn(asio::any_io_executor ex, asio::awaitable<std::size_t> op, size_handler h) {
  auto io_ex = ex;
  asio::co_spawn(std::move(ex), std::move(op), adapter<size_handler>{std::move(h), std::move(io_ex)});
}

void spawn(asio::any_io_executor ex, asio::awaitable<void> op, void_handler h) {
  auto io_ex = ex;
  asio::co_spawn(std::move(ex), std::move(op), adapter<void_handler>{std::move(h), std::move(io_ex)});
}

}  // namespace inet::transport::detail
