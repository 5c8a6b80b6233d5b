// Shared helpers for the SMTP client tests against the scripted mock server (tests/mock).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/smtp/client.hpp"
#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"
#include "transport/body.hpp"

namespace inet::smtp::testing {

namespace mock = inet::test;
using namespace std::chrono_literals;

/// The EHLO name every test client uses.
inline constexpr std::string_view helo_name = "client.test";

/// "250-mock.test\r\n250-KW1\r\n...250 KWn\r\n" (just "250 mock.test\r\n" without keywords).
std::string ehlo_reply(const std::vector<std::string>& keywords);

/// A script that greets with 220, expects "EHLO client.test" and answers with `keywords`.
mock::script greet_ehlo(const std::vector<std::string>& keywords);

/// Options pointing at `srv`: EHLO name client.test, the test CA, 5 s timeouts, plaintext
/// (tls_policy::none) unless the test changes it.
client_options options_for(const mock::mock_server& srv);

/// Undoes SMTP dot-stuffing (RFC 5321 §4.5.2) of CRLF-separated lines.
std::string unstuff(std::string_view wire);

/// What the client must put on the wire for `in`: bare CR and bare LF become CRLF, and an
/// unterminated last line gets a CRLF.
std::string normalize_crlf(std::string_view in);

/// A byte_source serving `data` in reads of at most `max_read` bytes, recording the largest
/// span the client asked for.
class chunky_source : public byte_source {
 public:
  chunky_source(std::string data, std::size_t max_read) : data_(std::move(data)), max_(max_read) {}
  std::size_t read(std::span<char> out) override;
  std::size_t peak_request() const { return peak_; }
  std::size_t reads() const { return reads_; }

 private:
  std::string data_;
  std::size_t max_, pos_ = 0, peak_ = 0, reads_ = 0;
};

/// Drives `smtp::blocking_client`.
class blocking_driver {
 public:
  static constexpr const char* name = "blocking";
  void connect(client_options o) { c_.connect(std::move(o)); }
  send_result send(envelope e, byte_source& m) { return c_.send(std::move(e), m); }
  reply noop() { return c_.noop(); }
  reply reset() { return c_.reset(); }
  void quit() { c_.quit(); }
  reply command(std::string l) { return c_.command(std::move(l)); }
  const capabilities& caps() const { return c_.server_capabilities(); }
  const std::string& authenticated_with() const { return c_.authenticated_with(); }
  transport::tls_info tls_details() const { return c_.tls_details(); }

 private:
  blocking_client c_;
};

/// Drives the coroutine `smtp::client` with co_spawn(use_future) on its own io_context (not
/// through transport::run_blocking, so the two forms take different paths to the coroutines).
class coro_driver {
 public:
  static constexpr const char* name = "coroutine";
  coro_driver() : c_(io_.get_executor()) {}
  void connect(client_options o) { run(c_.connect(std::move(o))); }
  send_result send(envelope e, byte_source& m) { return run(c_.send(std::move(e), m)); }
  reply noop() { return run(c_.noop()); }
  reply reset() { return run(c_.reset()); }
  void quit() { run(c_.quit()); }
  reply command(std::string l) { return run(c_.command(std::move(l))); }
  const capabilities& caps() const { return c_.server_capabilities(); }
  const std::string& authenticated_with() const { return c_.authenticated_with(); }
  transport::tls_info tls_details() const { return c_.tls_details(); }
  bool is_tls() const { return c_.is_tls(); }

 private:
  template <typename T>
  T run(boost::asio::awaitable<T> op) {
    auto fut = boost::asio::co_spawn(io_, std::move(op), boost::asio::use_future);
    io_.restart();
    io_.run();
    return fut.get();
  }
  boost::asio::io_context io_;
  client c_;
};

/// A one-recipient envelope.
envelope simple_envelope(std::string from = "alice@example.test",
                         std::string to = "bob@example.test");

}  // namespace inet::smtp::testing
