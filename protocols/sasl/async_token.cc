// token_provider::async_token's default: token() on a small background pool, so a slow token
// source (HTTPS POST, password command) never blocks the executor running other connections.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

#include "protocols/sasl/oauth2.hpp"

namespace inet::sasl {

namespace {

namespace asio = boost::asio;

asio::thread_pool& token_pool() {
  static asio::thread_pool pool(2);
  return pool;
}

}  // namespace

asio::awaitable<std::string> token_provider::async_token(bool force_refresh) {
  auto initiate = [this, force_refresh](auto handler) {
    // Keeps the caller's executor (its io_context::run) busy until the result is delivered.
    auto work = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(token_pool(), [this, force_refresh, h = std::move(handler),
                              work = std::move(work)]() mutable {
      std::exception_ptr failure;
      std::string result;
      try {
        result = token(force_refresh);
      } catch (...) {
        failure = std::current_exception();
      }
      auto ex = work.get_executor();
      asio::post(ex, [h = std::move(h), failure, r = std::move(result)]() mutable {
        std::move(h)(failure, std::move(r));
      });
      work.reset();
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&,
                                          void(std::exception_ptr, std::string)>(
      std::move(initiate), asio::use_awaitable);
}

}  // namespace inet::sasl
