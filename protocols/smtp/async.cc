// The SMTP client's completion-token front and blocking facade, both generated from
// INET_SMTP_OPERATIONS (protocols/smtp/client.hpp) over the coroutines of client.cc.
#include "protocols/smtp/client.hpp"
#include "transport/async_launch.hpp"
#include "transport/blocking.hpp"

namespace inet::smtp {

INET_SMTP_OPERATIONS(INET_BLOCKING_DEFINE)

void blocking_client::set_timeouts(const transport::timeouts& t) noexcept {
  client_->set_timeouts(t);
}

}  // namespace inet::smtp

// launch<T> for the SMTP result types (void is in transport/async.cc).
namespace inet::transport {
template void launch<smtp::send_result>(async_target, boost::asio::awaitable<smtp::send_result>,
                                        boost::asio::any_completion_handler<async_signature_t<smtp::send_result>>);
template void launch<smtp::reply>(async_target, boost::asio::awaitable<smtp::reply>,
                                  boost::asio::any_completion_handler<async_signature_t<smtp::reply>>);
}  // namespace inet::transport
