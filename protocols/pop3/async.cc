// The POP3 client's completion-token front and blocking facade, both generated from
// INET_POP3_OPERATIONS (protocols/pop3/client.hpp) over the coroutines of client.cc.
#include "protocols/pop3/client.hpp"
#include "transport/async_launch.hpp"
#include "transport/blocking.hpp"

namespace inet::pop3 {

INET_POP3_OPERATIONS(INET_BLOCKING_DEFINE)

void blocking_client::set_timeouts(const transport::timeouts& t) noexcept {
  client_->set_timeouts(t);
}

}  // namespace inet::pop3

// launch<T> for the POP3 result types (void and standard types are in transport/async.cc).
namespace inet::transport {
#define INET_POP3_LAUNCH(T)                                        \
  template void launch<T>(async_target, boost::asio::awaitable<T>, \
                          boost::asio::any_completion_handler<async_signature_t<T>>);
INET_POP3_LAUNCH(pop3::maildrop_stat)
INET_POP3_LAUNCH(std::vector<pop3::message_info>)
INET_POP3_LAUNCH(pop3::message_info)
INET_POP3_LAUNCH(std::vector<pop3::unique_id>)
INET_POP3_LAUNCH(pop3::unique_id)
INET_POP3_LAUNCH(pop3::response)
INET_POP3_LAUNCH(pop3::quit_result)
#undef INET_POP3_LAUNCH
}  // namespace inet::transport
