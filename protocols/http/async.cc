// The HTTP client's completion-token front and blocking facade, both generated from
// INET_HTTP_OPERATIONS (protocols/http/client.hpp) over the coroutines of client.cc.
#include "protocols/http/client.hpp"
#include "transport/async_launch.hpp"
#include "transport/blocking.hpp"

namespace inet::http {

INET_HTTP_OPERATIONS(INET_BLOCKING_DEFINE)

}  // namespace inet::http

// launch<T> for the HTTP result type (void is in transport/async.cc).
namespace inet::transport {
template void launch<http::response>(
    async_target, boost::asio::awaitable<http::response>,
    boost::asio::any_completion_handler<async_signature_t<http::response>>);
}  // namespace inet::transport
