// SMTP sender for bench/run: messages through inetpp's library to a real postfix (plain SMTP,
// no TLS, no AUTH, PIPELINING as offered).
//
//   smtp_bench seq  HOST PORT COUNT BYTES   COUNT messages of about BYTES on one connection
//   smtp_bench conc HOST PORT COUNT BYTES   COUNT connections, one message each, all at once
//                                           from one io_context (coroutines)
//
// Recipient bob@example.test, sender bench@example.test. Exits 1 on any error.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "protocols/smtp/client.hpp"

namespace {

std::string make_message(std::size_t bytes) {
  std::string m =
      "From: bench@example.test\r\nTo: bob@example.test\r\nSubject: bench\r\n\r\n";
  const std::string line =
      "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
  while (m.size() < bytes) m += line;
  return m;
}

inet::smtp::client_options options(const char* host, const char* port) {
  inet::smtp::client_options o;
  o.host = host;
  o.port = static_cast<std::uint16_t>(std::atoi(port));
  o.policy = inet::transport::tls_policy::none;
  o.helo_name = "bench.example.test";
  o.connect.time.connect = std::chrono::seconds(300);
  o.connect.time.idle = std::chrono::seconds(300);
  return o;
}

inet::smtp::envelope envelope() {
  inet::smtp::envelope e;
  e.mail_from = "bench@example.test";
  e.recipients.push_back({"bob@example.test", "", ""});
  return e;
}

void run_seq(const inet::smtp::client_options& o, long count, const std::string& msg) {
  inet::smtp::blocking_client c;
  c.connect(o);
  for (long i = 0; i < count; ++i) {
    inet::memory_source src(msg);
    c.send(envelope(), src);
  }
  c.quit();
}

boost::asio::awaitable<void> one(inet::smtp::client_options o, const std::string& msg) {
  inet::smtp::client c(co_await boost::asio::this_coro::executor);
  co_await c.connect(std::move(o));
  inet::memory_source src(msg);
  co_await c.send(envelope(), src);
  co_await c.quit();
}

void run_conc(const inet::smtp::client_options& o, long count, const std::string& msg) {
  boost::asio::io_context io(1);
  std::exception_ptr failure;
  long failed = 0;
  for (long i = 0; i < count; ++i) {
    boost::asio::co_spawn(io, one(o, msg), [&](std::exception_ptr e) {
      if (e) {
        ++failed;
        if (!failure) failure = e;
      }
    });
  }
  io.run();
  if (failure) {
    std::cerr << "smtp_bench: " << failed << " of " << count << " transactions failed\n";
    std::rethrow_exception(failure);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: smtp_bench seq|conc HOST PORT COUNT BYTES\n";
    return 2;
  }
  const std::string mode = argv[1];
  const auto o = options(argv[2], argv[3]);
  const long count = std::atol(argv[4]);
  const std::string msg = make_message(static_cast<std::size_t>(std::atol(argv[5])));
  try {
    if (mode == "seq") {
      run_seq(o, count, msg);
    } else if (mode == "conc") {
      run_conc(o, count, msg);
    } else {
      std::cerr << "smtp_bench: unknown mode " << mode << "\n";
      return 2;
    }
  } catch (const std::exception& e) {
    std::cerr << "smtp_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
