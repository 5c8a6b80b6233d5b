// fetch_urls: download every URL given on the command line (curl's globs allowed) concurrently
// over one transfer::session, writing URL i to file "out-i" and printing one line per URL:
//
//   fetch_urls [--insecure] [--cacert FILE] URL...
//   fetch_urls --cacert ca.pem 'pop3s://alice:secret@mail.example/[1-20]'
//              'imaps://alice:secret@mail.example/INBOX;UID=7'   (one command line)
//
// All transfers start at once from one io_context; the session runs at most 4 per host at a
// time and reuses each logged-in connection for the next URL to the same host and user. The exit
// status is curl's code of the first failure (0 if all succeeded).
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "protocols/transfer/glob.hpp"
#include "protocols/transfer/session.hpp"

namespace transfer = inet::transfer;

int main(int argc, char** argv) {
  transfer::options opts;
  std::vector<std::string> urls;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--insecure") {
      opts.insecure = true;
    } else if (a == "--cacert" && i + 1 < argc) {
      opts.cacert = argv[++i];
    } else {
      try {
        for (const auto& m : transfer::expand_glob(a)) urls.push_back(m.url);
      } catch (const transfer::transfer_exception& e) {
        std::cerr << a << ": " << e.why() << "\n";
        return 3;
      }
    }
  }
  if (urls.empty()) {
    std::cerr << "usage: fetch_urls [--insecure] [--cacert FILE] URL...\n";
    return 2;
  }
  opts.connect_timeout = std::chrono::seconds(15);
  opts.max_time = std::chrono::minutes(5);

  boost::asio::io_context io;
  transfer::session session(io.get_executor());
  int status = 0;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    auto file = std::make_shared<std::ofstream>("out-" + std::to_string(i + 1), std::ios::binary);
    session.async_get(
        urls[i], opts,
        [file](std::string_view chunk) {
          file->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
          if (!*file) throw std::runtime_error("cannot write the output file");
        },
        [&status, &url = urls[i], file](std::error_code ec, transfer::result r) {
          if (ec) {
            const int code = transfer::to_int(transfer::curl_exit_code(ec, r.failed_in));
            std::cout << url << ": failed (" << code << ") " << r.message << "\n";
            if (status == 0) status = code;
          } else {
            std::cout << url << ": " << r.bytes << " bytes"
                      << (r.reused_connection ? " (reused connection)" : "") << "\n";
          }
        });
  }
  io.run();  // every transfer has completed
  // LOGOUT/QUIT on the cached connections, then done.
  session.async_close([](std::error_code, int) {});
  io.restart();
  io.run();
  std::cout << session.connections_opened() << " connection(s) for " << urls.size()
            << " URL(s)\n";
  return status;
}
