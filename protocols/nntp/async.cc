// The NNTP client's completion-token front and blocking facade, both generated from
// INET_NNTP_OPERATIONS (protocols/nntp/client.hpp) over the coroutines of client.cc.
#include "protocols/nntp/client.hpp"
#include "transport/async_launch.hpp"
#include "transport/blocking.hpp"

namespace inet::nntp {

INET_NNTP_OPERATIONS(INET_BLOCKING_DEFINE)

}  // namespace inet::nntp

// launch<T> for the NNTP result types (void and standard types are in transport/async.cc).
namespace inet::transport {
#define INET_NNTP_LAUNCH(T)                                        \
  template void launch<T>(async_target, boost::asio::awaitable<T>, \
                          boost::asio::any_completion_handler<async_signature_t<T>>);
INET_NNTP_LAUNCH(std::string)
INET_NNTP_LAUNCH(nntp::capabilities)
INET_NNTP_LAUNCH(nntp::reply)
INET_NNTP_LAUNCH(nntp::group_info)
INET_NNTP_LAUNCH(nntp::article_ref)
INET_NNTP_LAUNCH(std::vector<nntp::overview>)
INET_NNTP_LAUNCH(std::vector<nntp::header_value>)
INET_NNTP_LAUNCH(std::vector<nntp::active_group>)
INET_NNTP_LAUNCH(std::vector<nntp::group_description>)
#undef INET_NNTP_LAUNCH
}  // namespace inet::transport
