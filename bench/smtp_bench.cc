// SMTP sender for bench/run: messages through inetpp's library to a real postfix (plain SMTP,
// no TLS, no AUTH, PIPELINING as offered).
//
//   smtp_bench seq  HOST PORT COUNT FILE   COUNT times the message in FILE on one connection
//   smtp_bench seq1 HOST PORT COUNT FILE   as seq, but send() one message at a time
//   smtp_bench conc HOST PORT COUNT FILE   COUNT connections, one message each, all at once
//                                          from one io_context (coroutines)
//
// seq sends through send_batch (RFC 2920: one pipelined group in flight) and streams FILE
// from disk for every message (memory stays flat whatever its size); conc
// reads it once. Recipient bob@example.test, sender bench@example.test. Exits 1 on any error.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "protocols/smtp/client.hpp"

namespace {

class file_source final : public inet::byte_source {
 public:
  explicit file_source(const std::string& path) : f_(std::fopen(path.c_str(), "rb")) {
    if (!f_) throw std::runtime_error("cannot open " + path);
  }
  ~file_source() override { std::fclose(f_); }
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;
  std::size_t read(std::span<char> buf) override {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), f_);
    if (n == 0 && std::ferror(f_)) throw std::runtime_error("read error");
    return n;
  }

 private:
  std::FILE* f_;
};

std::string slurp(const std::string& path) {
  std::string out;
  file_source src(path);
  char buf[65536];
  for (std::size_t n; (n = src.read(buf)) > 0;) out.append(buf, n);
  return out;
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

// COUNT messages, each FILE opened afresh, through send_batch(): with PIPELINING one group in
// flight (the "." of one message and the next MAIL/RCPT/DATA in one write).
class file_batch final : public inet::smtp::message_batch {
 public:
  file_batch(long count, std::string path) : left_(count), path_(std::move(path)) {}
  bool next(inet::smtp::batch_message& out) override {
    if (left_ == 0) return false;
    --left_;
    // Alive until its outcome: at most three (awaiting a reply, being written, taken ahead).
    auto& src = open_[taken_++] = std::make_unique<file_source>(path_);
    out.env = envelope();
    out.message = src.get();
    return true;
  }
  void done(std::size_t index, inet::smtp::send_result*, std::exception_ptr failure) override {
    open_.erase(index);
    if (failure && !failure_) failure_ = failure;
  }
  void check() const {
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  long left_;
  std::string path_;
  std::size_t taken_ = 0;
  std::map<std::size_t, std::unique_ptr<file_source>> open_;
  std::exception_ptr failure_;
};

// COUNT messages one by one through send(): each MAIL only after the previous message's 250
// (the path before send_batch; kept to compare the two on the same server).
void run_seq1(const inet::smtp::client_options& o, long count, const std::string& path) {
  inet::smtp::blocking_client c;
  c.connect(o);
  for (long i = 0; i < count; ++i) {
    file_source src(path);
    c.send(envelope(), src);
  }
  c.quit();
}

void run_seq(const inet::smtp::client_options& o, long count, const std::string& path) {
  inet::smtp::blocking_client c;
  c.connect(o);
  file_batch batch(count, path);
  c.send_batch(batch);
  batch.check();
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
    std::cerr << "usage: smtp_bench seq|seq1|conc HOST PORT COUNT FILE\n";
    return 2;
  }
  const std::string mode = argv[1];
  const auto o = options(argv[2], argv[3]);
  const long count = std::atol(argv[4]);
  const std::string path = argv[5];
  try {
    if (mode == "seq") {
      run_seq(o, count, path);
    } else if (mode == "seq1") {
      run_seq1(o, count, path);
    } else if (mode == "conc") {
      run_conc(o, count, slurp(path));
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
