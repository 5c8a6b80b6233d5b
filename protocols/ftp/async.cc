// The FTP client's completion-token front and blocking facade, both generated from
// INET_FTP_OPERATIONS (protocols/ftp/client.hpp) over the coroutines of client.cc/transfer.cc.
#include "protocols/ftp/client.hpp"
#include "transport/async_launch.hpp"
#include "transport/blocking.hpp"

namespace inet::ftp {

INET_FTP_OPERATIONS(INET_BLOCKING_DEFINE)

}  // namespace inet::ftp

// launch<T> for the FTP result types (void and std::uint64_t are in transport/async.cc).
namespace inet::transport {
#define INET_FTP_LAUNCH(T)                                         \
  template void launch<T>(async_target, boost::asio::awaitable<T>, \
                          boost::asio::any_completion_handler<async_signature_t<T>>);
INET_FTP_LAUNCH(ftp::reply)
INET_FTP_LAUNCH(ftp::transfer_result)
INET_FTP_LAUNCH(std::string)
INET_FTP_LAUNCH(std::vector<ftp::entry>)
#undef INET_FTP_LAUNCH
}  // namespace inet::transport
