// HTTP rate client for bench/run: GETs of one path from one origin through inetpp's library.
//
//   http_bench seq  HOST PORT PATH COUNT            one blocking_client, one kept-alive connection
//   http_bench par  HOST PORT PATH COUNT CONNS      CONNS coroutine clients on one io_context
//   http_bench file HOST PORT PATH OUT [--tls CA]   one GET streamed into the file OUT
//
// Bodies go to a counting sink (discarded). Exits 1 on any error or non-200 status; prints the
// bytes received to stderr.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <system_error>

#include "protocols/http/client.hpp"

namespace {

inet::http::client_options options(const char* host, const char* port) {
  inet::http::client_options o;
  o.host = host;
  o.port = static_cast<std::uint16_t>(std::atoi(port));
  o.tls = false;
  o.request_timeout = std::chrono::seconds(600);
  return o;
}

inet::http::request get(const std::string& path) {
  inet::http::request r;
  r.target = path;
  return r;
}

void check(const inet::http::response& r) {
  if (r.status != 200) throw std::runtime_error("status " + std::to_string(r.status));
}

std::uint64_t run_seq(inet::http::client_options o, const std::string& path, long count) {
  std::uint64_t bytes = 0;
  inet::http::blocking_client c;
  c.connect(o);
  for (long i = 0; i < count; ++i) {
    check(c.send(get(path), [&](std::string_view s) { bytes += s.size(); }));
  }
  return bytes;
}

boost::asio::awaitable<void> worker(inet::http::client_options o, std::string path, long count,
                                    std::uint64_t& bytes) {
  inet::http::client c(co_await boost::asio::this_coro::executor);
  co_await c.connect(std::move(o));
  for (long i = 0; i < count; ++i) {
    inet::http::request r = get(path);
    const inet::http::response resp =
        co_await c.send(std::move(r), [&](std::string_view s) { bytes += s.size(); });
    check(resp);
  }
}

std::uint64_t run_par(const inet::http::client_options& o, const std::string& path, long count,
                      long conns) {
  boost::asio::io_context io(1);
  std::uint64_t bytes = 0;
  std::exception_ptr failure;
  for (long k = 0; k < conns; ++k) {
    const long n = count / conns + (k < count % conns ? 1 : 0);
    boost::asio::co_spawn(io, worker(o, path, n, bytes), [&](std::exception_ptr e) {
      if (e && !failure) failure = e;
    });
  }
  io.run();
  if (failure) std::rethrow_exception(failure);
  return bytes;
}

std::uint64_t run_file(inet::http::client_options o, const std::string& path,
                       const std::string& out) {
  // write(2) per body piece, as inet and curl do (stdio would split each piece in two).
  const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + out);
  std::uint64_t bytes = 0;
  inet::http::blocking_client c;
  c.connect(o);
  check(c.send(get(path), [&](std::string_view s) {
    for (std::size_t w = 0; w < s.size();) {
      const ssize_t n = ::write(fd, s.data() + w, s.size() - w);
      if (n <= 0) throw std::runtime_error("write");
      w += static_cast<std::size_t>(n);
    }
    bytes += s.size();
  }));
  if (::close(fd) != 0) throw std::runtime_error("close");
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: http_bench seq|par|file HOST PORT PATH COUNT|OUT [CONNS|--tls CA]\n";
    return 2;
  }
  const std::string mode = argv[1];
  inet::http::client_options o = options(argv[2], argv[3]);
  const std::string path = argv[4];
  try {
    std::uint64_t bytes = 0;
    if (mode == "seq") {
      bytes = run_seq(o, path, std::atol(argv[5]));
    } else if (mode == "par" && argc >= 7) {
      bytes = run_par(o, path, std::atol(argv[5]), std::atol(argv[6]));
    } else if (mode == "file") {
      if (argc >= 8 && std::string(argv[6]) == "--tls") {
        o.tls = true;
        o.tls_opts.ca_file = argv[7];
      }
      bytes = run_file(o, path, argv[5]);
    } else {
      std::cerr << "http_bench: unknown mode " << mode << "\n";
      return 2;
    }
    std::cerr << "http_bench: " << bytes << " bytes\n";
  } catch (const std::exception& e) {
    std::cerr << "http_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
