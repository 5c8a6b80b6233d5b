// Helpers for the transport and line-engine tests: run a test coroutine to completion, capture
// the std::error_code it fails with, and make a loopback address whose TCP connects hang.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"
#include "transport/blocking.hpp"
#include "transport/error.hpp"
#include "transport/options.hpp"
#include "transport/stream.hpp"

namespace inet::testing {

namespace asio = boost::asio;
using namespace std::chrono_literals;

/// Connect options with short, test-friendly bounds (still far above what loopback needs).
inline transport::connect_options quick_options(std::chrono::milliseconds idle = 5000ms) {
  transport::connect_options o;
  o.time.connect = 5000ms;
  o.time.idle = idle;
  return o;
}

/// TLS options trusting the per-process test CA.
inline transport::tls_options test_ca() {
  transport::tls_options t;
  t.ca_file = test::test_pki::instance().ca_file();
  return t;
}

/// Runs `make()` (a coroutine factory) on `io`; returns the std::error_code of the
/// std::system_error it ends with, or an empty code when it completes.
inline std::error_code error_of(asio::io_context& io,
                                const std::function<asio::awaitable<void>()>& make) {
  try {
    transport::run_blocking(io, make());
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

/// Time elapsed since `start`, in milliseconds.
inline std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

/// A 127.0.0.1 listener with listen(0) whose accept queue is filled by parked connects, so a
/// further connect to port() gets no SYN-ACK and hangs (loopback only, no off-host traffic).
/// `works()` is false when the platform completed the probe connect anyway.
class hanging_listener {
 public:
  /// Listens on 127.0.0.1 (or [::1] when `ipv6`), on `port` (0 = ephemeral).
  explicit hanging_listener(bool ipv6 = false, std::uint16_t port = 0) {
    sockaddr_storage st{};
    socklen_t len = 0;
    if (ipv6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&st);
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      a->sin6_port = htons(port);
      len = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&st);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a->sin_port = htons(port);
      len = sizeof *a;
    }
    auto* addr = reinterpret_cast<sockaddr*>(&st);
    const int family = ipv6 ? AF_INET6 : AF_INET;
    listener_ = ::socket(family, SOCK_STREAM, 0);
    const int one = 1;
    if (ipv6) ::setsockopt(listener_, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (listener_ < 0 || ::bind(listener_, addr, len) != 0 || ::listen(listener_, 0) != 0 ||
        ::getsockname(listener_, addr, &len) != 0)
      return;
    port_ = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&st)->sin6_port
                       : reinterpret_cast<sockaddr_in*>(&st)->sin_port);
    for (int i = 0; i < 8; ++i) {
      const int fd = ::socket(family, SOCK_STREAM, 0);
      ::fcntl(fd, F_SETFL, O_NONBLOCK);
      (void)::connect(fd, addr, len);
      parked_.push_back(fd);
    }
    ::usleep(100'000);
    // The probe: a connect that must still be pending after a while.
    const int probe = ::socket(family, SOCK_STREAM, 0);
    ::fcntl(probe, F_SETFL, O_NONBLOCK);
    const int rc = ::connect(probe, addr, len);
    ::usleep(100'000);
    int err = 0;
    socklen_t elen = sizeof err;
    ::getsockopt(probe, SOL_SOCKET, SO_ERROR, &err, &elen);
    sockaddr_storage peer{};
    socklen_t plen = sizeof peer;
    const bool connected =
        rc == 0 || ::getpeername(probe, reinterpret_cast<sockaddr*>(&peer), &plen) == 0;
    works_ = !connected && err == 0;
    parked_.push_back(probe);
  }
  ~hanging_listener() {
    for (int fd : parked_) ::close(fd);
    if (listener_ >= 0) ::close(listener_);
  }
  hanging_listener(const hanging_listener&) = delete;
  hanging_listener& operator=(const hanging_listener&) = delete;

  bool works() const { return works_; }
  std::uint16_t port() const { return port_; }

 private:
  int listener_ = -1;
  std::uint16_t port_ = 0;
  bool works_ = false;
  std::vector<int> parked_;
};

/// A loopback port with nothing listening (bound, then closed).
inline std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace inet::testing
