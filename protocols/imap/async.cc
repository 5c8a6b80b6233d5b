// The IMAP client's completion-token front and blocking facade, both generated from
// INET_IMAP_OPERATIONS (protocols/imap/client.hpp) over the coroutines of client.cc and
// client_ops.cc.
#include "protocols/imap/client.hpp"
#include "protocols/imap/internal.hpp"
#include "transport/async_launch.hpp"
#include "transport/blocking.hpp"

namespace inet::imap {

boost::asio::any_io_executor client::get_executor() const noexcept {
  return impl_->stream.get_executor();
}
const transport::timeouts& client::timeouts() const noexcept { return impl_->stream.get_timeouts(); }
void client::set_timeouts(const transport::timeouts& t) noexcept { impl_->stream.set_timeouts(t); }

INET_IMAP_OPERATIONS(INET_BLOCKING_DEFINE)

void blocking_client::set_unsolicited_handler(std::function<void(const response&)> handler) {
  client_->set_unsolicited_handler(std::move(handler));
}
void blocking_client::set_timeouts(const transport::timeouts& t) noexcept {
  client_->set_timeouts(t);
}

}  // namespace inet::imap

// launch<T> for the IMAP result types (void and standard types are in transport/async.cc).
namespace inet::transport {
#define INET_IMAP_LAUNCH(T)                                        \
  template void launch<T>(async_target, boost::asio::awaitable<T>, \
                          boost::asio::any_completion_handler<async_signature_t<T>>);
INET_IMAP_LAUNCH(std::vector<imap::response>)
INET_IMAP_LAUNCH(imap::id_data)
INET_IMAP_LAUNCH(imap::namespace_data)
INET_IMAP_LAUNCH(std::vector<imap::list_data>)
INET_IMAP_LAUNCH(std::vector<imap::mailbox_listing>)
INET_IMAP_LAUNCH(imap::status_data)
INET_IMAP_LAUNCH(imap::mailbox_info)
INET_IMAP_LAUNCH(std::vector<imap::fetch_data>)
INET_IMAP_LAUNCH(imap::search_result)
INET_IMAP_LAUNCH(imap::store_result)
INET_IMAP_LAUNCH(imap::copy_result)
INET_IMAP_LAUNCH(imap::sequence_set)
INET_IMAP_LAUNCH(imap::append_result)
INET_IMAP_LAUNCH(imap::command_result)
#undef INET_IMAP_LAUNCH
}  // namespace inet::transport
