// Example: GET a few paths from one origin over a kept-alive connection (blocking form), then
// fetch a URL following redirects and decoding gzip (coroutine form on an io_context).
//
//   http_get HOST PORT PATH... [--http] [--cacert FILE]
//
// Prints each status and body size; the last body goes to stdout.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "protocols/http/agent.hpp"
#include "protocols/http/client.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: http_get HOST PORT PATH... [--http] [--cacert FILE]\n";
    return 2;
  }
  inet::http::client_options opts;
  opts.host = argv[1];
  opts.port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  opts.request_timeout = std::chrono::seconds(30);
  opts.limits.max_body = 64 * 1024 * 1024;
  std::vector<std::string> paths;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--http") opts.tls = false;
    else if (a == "--cacert" && i + 1 < argc) opts.tls_opts.ca_file = argv[++i];
    else paths.push_back(a);
  }
  std::string last;
  try {
    // 1. Blocking: every path over the same connection (keep-alive).
    inet::http::blocking_client c;
    c.connect(opts);
    for (const auto& p : paths) {
      inet::http::request req;
      req.target = p;
      req.headers = {{"Accept", "*/*"}};
      last.clear();
      const inet::http::response r = c.send(req, inet::string_sink(last));
      std::cerr << p << ": " << r.status << " " << r.reason << ", " << r.body_bytes << " bytes"
                << (r.reused_connection ? " (reused connection)" : "") << "\n";
    }

    // 2. Asynchronous: the first path as a URL, redirects followed, gzip/br/zstd decoded,
    //    cookies kept in a jar across the redirects (cookie_jar.hpp).
    boost::asio::io_context io;
    inet::http::agent agent(io.get_executor(), opts);
    const std::string url = std::string(opts.tls ? "https://" : "http://") + opts.host + ":" +
                            std::to_string(opts.port) + paths.front();
    std::string body;
    inet::http::cookie_jar jar;
    std::exception_ptr failure;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          inet::http::fetch_options fo;
          fo.follow_redirects = true;
          fo.max_redirects = 5;
          fo.decode_content = true;
          fo.cookies = &jar;
          inet::http::request req;  // a named object: GCC 12 mishandles `{}` temporaries
          const inet::http::fetch_result r =   // inside co_await expressions
              co_await agent.fetch(url, std::move(req), inet::string_sink(body), fo);
          std::cerr << r.url << ": " << r.response.status << " after " << r.redirects
                    << " redirect(s), " << body.size() << " bytes decoded, " << jar.size()
                    << " cookie(s)\n";
        },
        [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const std::system_error& e) {
    std::cerr << "http_get: " << e.what() << " [" << e.code().category().name() << "]\n";
    return 1;
  }
  std::cout << last;
  return 0;
}
