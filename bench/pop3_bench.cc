// POP3 client for bench/run, through inetpp's library (blocking_client), against a real dovecot.
//
//   pop3_bench retr HOST PORT USER PASS [OUT] [--tls CA]
//       logs in (AUTH PLAIN), STAT, then RETR of every message in one retr_many (pipelined in
//       batches when CAPA lists PIPELINING, RFC 2449 §6.6), each message appended to OUT
//       (default /dev/null: counted and discarded), then QUIT. --tls: implicit TLS (pop3s).
//       Prints the message and byte counts to stderr.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "protocols/pop3/client.hpp"

namespace {

inet::pop3::client_options options(const char* const* argv, const std::string& ca) {
  inet::pop3::client_options o;
  o.host = argv[2];
  o.port = static_cast<std::uint16_t>(std::atoi(argv[3]));
  o.credentials.username = argv[4];
  o.credentials.password = argv[5];
  o.auth_mechanism = "PLAIN";  // as poplib's USER/PASS: no SCRAM key derivation per login
  o.policy = inet::transport::tls_policy::none;
  o.connect.time.connect = std::chrono::seconds(300);
  o.connect.time.idle = std::chrono::seconds(300);
  o.pipeline_depth = 64;
  if (!ca.empty()) {
    o.security = inet::pop3::security::implicit_tls;
    o.policy.reset();
    o.tls.ca_file = ca;
  }
  return o;
}

struct file_closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

int run_retr(const inet::pop3::client_options& o, const std::string& out_path) {
  std::unique_ptr<std::FILE, file_closer> out(std::fopen(out_path.c_str(), "wb"));
  if (!out) {
    std::cerr << "pop3_bench: cannot open " << out_path << "\n";
    return 1;
  }
  static char buffer[1 << 16];
  std::setvbuf(out.get(), buffer, _IOFBF, sizeof buffer);
  inet::pop3::blocking_client c;
  c.connect(o);
  const inet::pop3::maildrop_stat st = c.stat();
  std::vector<std::uint32_t> numbers(st.count);
  std::iota(numbers.begin(), numbers.end(), 1u);
  std::FILE* f = out.get();
  const std::vector<std::uint64_t> sizes =
      c.retr_many(std::move(numbers), [f](std::uint32_t, std::string_view chunk) {
        if (std::fwrite(chunk.data(), 1, chunk.size(), f) != chunk.size())
          throw std::runtime_error("write failed");
      });
  c.quit();
  if (std::fflush(f) != 0) {
    std::cerr << "pop3_bench: write failed\n";
    return 1;
  }
  std::cerr << "pop3_bench: " << sizes.size() << " messages, "
            << std::accumulate(sizes.begin(), sizes.end(), std::uint64_t{0}) << " bytes\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6 || std::string(argv[1]) != "retr") {
    std::cerr << "usage: pop3_bench retr HOST PORT USER PASS [OUT] [--tls CA]\n";
    return 2;
  }
  std::string out = "/dev/null", ca;
  for (int i = 6; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--tls" && i + 1 < argc) {
      ca = argv[++i];
    } else {
      out = a;
    }
  }
  try {
    return run_retr(options(argv, ca), out);
  } catch (const std::exception& e) {
    std::cerr << "pop3_bench: " << e.what() << "\n";
    return 1;
  }
}
