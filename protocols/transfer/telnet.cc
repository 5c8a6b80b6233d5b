// telnet get, as curl does it (lib/telnet.c): connect, then copy the process's standard input
// to the server (escaped by the Telnet engine) while the server's output (negotiation answered
// and removed) goes to the sink, until the server closes. End of input does not end the
// transfer (the server's answer still comes); a regular file on stdin is read with plain
// read(2), a pipe or terminal asynchronously. The bytes received are bounded by max_filesize
// (transport::error::body_too_large).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "protocols/telnet/client.hpp"
#include "protocols/transfer/builtin.hpp"
#include "protocols/transfer/session.hpp"
#include "protocols/transfer/settings.hpp"

namespace inet::transfer::detail {

namespace asio = boost::asio;

namespace {

// Server -> sink until EOF.
asio::awaitable<void> telnet_receive(telnet::client& c, call& cl, std::uint64_t max) {
  std::uint64_t total = 0;
  for (;;) {
    const std::string data = co_await c.read_some();
    if (data.empty()) co_return;
    cl.where = stage::transfer;
    total += data.size();
    if (total > max)
      throw std::system_error(make_error_code(transport::error::body_too_large), "telnet");
    cl.sink(data);
  }
}

// stdin -> server; at end of input it waits until cancelled (the receiver ends the transfer).
asio::awaitable<void> telnet_send(telnet::client& c, int fd) {
  auto ex = co_await asio::this_coro::executor;
  std::string buf(16 * 1024, '\0');
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {  // epoll refuses regular files
    for (;;) {
      const ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n <= 0) break;
      co_await c.write(buf.substr(0, static_cast<std::size_t>(n)));
    }
  } else {
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (copy < 0) co_return;  // no input at all
    asio::posix::stream_descriptor in(ex, copy);
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n =
          co_await in.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
      if (ec) break;  // EOF (or an unreadable input): stop sending
      co_await c.write(buf.substr(0, n));
    }
  }
  asio::steady_timer forever(ex, asio::steady_timer::time_point::max());
  co_await forever.async_wait(asio::use_awaitable);
}

}  // namespace

asio::awaitable<void> telnet_get(call& cl) {
  telnet::client_options o;
  o.host = cl.url.host;
  o.port = cl.url.port;
  transport::tls_options unused;
  apply_transport_options(cl.opts, unused, o.connect);
  auto ex = co_await asio::this_coro::executor;
  telnet::client c(ex);
  cl.where = stage::connect;
  co_await c.connect(std::move(o));
  cl.opened();
  const std::uint64_t max = cl.opts.max_filesize.value_or(UINT64_MAX);
  // Whichever ends first cancels the other: the receiver at the server's EOF, either on error.
  auto res = co_await asio::experimental::make_parallel_group(
                 asio::co_spawn(ex, telnet_receive(c, cl, max), asio::deferred),
                 asio::co_spawn(ex, telnet_send(c, STDIN_FILENO), asio::deferred))
                 .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  const std::size_t first = std::get<0>(res)[0];
  const std::exception_ptr& e = first == 0 ? std::get<1>(res) : std::get<2>(res);
  if (e) std::rethrow_exception(e);
  if (first == 1) {  // the sender cannot end without an error: be safe, still report it
    const std::exception_ptr& r = std::get<1>(res);
    if (r) std::rethrow_exception(r);
  }
  c.close();
}

}  // namespace inet::transfer::detail
