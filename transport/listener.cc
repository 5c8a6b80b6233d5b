#include "transport/listener.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <string>
#include <system_error>

#include "transport/error.hpp"

namespace inet::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::steady_clock;

struct listener::impl {
  explicit impl(const asio::any_io_executor& ex) : acceptor(ex), timer(ex) {}
  tcp::acceptor acceptor;
  asio::steady_timer timer;
  std::uint64_t generation = 0;
  std::optional<error> fired;

  // Cancels the pending accept at `expiry`, noting `reason`.
  void arm(steady_clock::time_point expiry, error reason) {
    fired.reset();
    const auto gen = ++generation;
    timer.expires_at(expiry);
    timer.async_wait([this, gen, reason](boost::system::error_code ec) {
      if (ec || gen != generation) return;
      fired = reason;
      boost::system::error_code ignored;
      acceptor.cancel(ignored);
    });
  }
  void disarm() {
    ++generation;
    timer.cancel();
  }
};

namespace {

asio::ip::address unmapped(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a;
}

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto a = ep.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}

}  // namespace

listener::listener(executor_type ex) : impl_(std::make_unique<impl>(ex)) {}
listener::~listener() = default;

listener::executor_type listener::get_executor() const { return impl_->acceptor.get_executor(); }

void listener::open(const asio::ip::address& address, port_range ports) {
  if (ports.first > ports.last || (ports.first == 0 && ports.last != 0))
    throw std::system_error(make_error_code(error::invalid_argument),
                            "listen: bad port range " + std::to_string(ports.first) + "-" +
                                std::to_string(ports.last));
  close();
  tcp::acceptor& acc = impl_->acceptor;
  boost::system::error_code last = asio::error::address_in_use;
  for (std::uint32_t port = ports.first; port <= ports.last; ++port) {
    boost::system::error_code ec;
    acc.open(address.is_v6() ? tcp::v6() : tcp::v4(), ec);
    if (ec) throw std::system_error(ec, "listen: socket");
    acc.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acc.bind(tcp::endpoint(address, static_cast<std::uint16_t>(port)), ec);
    if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) return;
    boost::system::error_code ignored;
    acc.close(ignored);
    last = ec;
    if (ec != asio::error::address_in_use && ec != asio::error::access_denied) break;
  }
  throw std::system_error(last, "listen on " + address.to_string() + " port " +
                                    std::to_string(ports.first) + "-" +
                                    std::to_string(ports.last));
}

void listener::open(const stream& control, port_range ports) {
  if (!control.is_open())
    throw std::system_error(make_error_code(error::not_connected), "listen: no control connection");
  open(control.local_ip_endpoint().address(), ports);
}

tcp::endpoint listener::local_endpoint() const {
  boost::system::error_code ec;
  const auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? tcp::endpoint() : ep;
}

bool listener::is_open() const noexcept { return impl_->acceptor.is_open(); }

asio::awaitable<void> listener::accept(stream& out, asio::ip::address expected_peer,
                                       std::chrono::milliseconds timeout) {
  impl& l = *impl_;
  if (!l.acceptor.is_open())
    throw std::system_error(make_error_code(error::not_connected), "accept: not listening");
  struct closer {
    listener& self;
    ~closer() { self.close(); }
  } closing{*this};
  const auto now = steady_clock::now();
  const auto deadline = out.get_timeouts().deadline;
  if (deadline && *deadline <= now)
    throw std::system_error(make_error_code(error::deadline_exceeded), "accept after the deadline");
  if (deadline && *deadline < now + timeout)
    l.arm(*deadline, error::deadline_exceeded);
  else
    l.arm(now + timeout, error::timeout);

  tcp::socket peer(l.acceptor.get_executor());
  boost::system::error_code ec;
  co_await l.acceptor.async_accept(peer, asio::redirect_error(asio::use_awaitable, ec));
  l.disarm();
  const std::string where = endpoint_text(local_endpoint());
  if (ec == asio::error::operation_aborted && l.fired)
    throw std::system_error(make_error_code(*l.fired), "no connection to " + where);
  if (ec == asio::error::operation_aborted)
    throw std::system_error(make_error_code(error::operation_aborted), "accept on " + where);
  if (ec) throw std::system_error(ec, "accept on " + where);
  const tcp::endpoint from = peer.remote_endpoint(ec);
  if (ec) throw std::system_error(ec, "accept on " + where);
  if (unmapped(from.address()) != unmapped(expected_peer)) {
    peer.close(ec);
    throw std::system_error(make_error_code(error::unexpected_peer),
                            "connection to " + where + " from " + endpoint_text(from) +
                                ", expected one from " + unmapped(expected_peer).to_string());
  }
  out.attach(std::move(peer));
}

void listener::start_accept(stream& out, asio::ip::address expected,
                            std::chrono::milliseconds timeout, detail::void_handler h) {
  launch<void>({get_executor()}, accept(out, std::move(expected), timeout), std::move(h));
}

void listener::cancel() noexcept {
  boost::system::error_code ignored;
  impl_->acceptor.cancel(ignored);
}

void listener::close() noexcept {
  impl_->disarm();
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace inet::transport
