// Shared helpers for the POP3 client tests against the scripted mock server (tests/mock).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "protocols/pop3/client.hpp"
#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"

namespace inet::pop3::testing {

namespace mock = inet::test;
using namespace std::chrono_literals;

inline constexpr const char* user = "alice";
inline constexpr const char* password = "secret";

/// "+OK\r\n" + each capability + CRLF + ".\r\n".
std::string capa_reply(const std::vector<std::string>& caps);

/// Greets with `greeting`, expects CAPA and answers with `caps`.
mock::script greet_capa(const std::vector<std::string>& caps,
                        std::string greeting = "+OK mock POP3 ready\r\n");

/// greet_capa(caps) then USER alice / PASS secret accepted.
mock::script logged_in(const std::vector<std::string>& caps = {"USER", "UIDL", "TOP"});

/// Options for `srv`: test CA, 5 s timeouts, TLS policy none, no credentials.
client_options options_for(const mock::mock_server& srv);

/// options_for with user alice / password secret.
client_options login_options(const mock::mock_server& srv);

/// Runs one coroutine of `client` on its own io_context via co_spawn(use_future) (the path
/// that does not go through blocking_client).
class coro_runner {
 public:
  coro_runner() : c_(io_.get_executor()) {}
  client& get() { return c_; }
  template <typename T>
  T run(boost::asio::awaitable<T> op) {
    auto fut = boost::asio::co_spawn(io_, std::move(op), boost::asio::use_future);
    io_.restart();
    io_.run();
    return fut.get();
  }

 private:
  boost::asio::io_context io_;
  client c_;
};

}  // namespace inet::pop3::testing
