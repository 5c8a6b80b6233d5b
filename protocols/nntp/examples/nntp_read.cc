// Example: show the newest articles of a newsgroup (OVER, parsed with LIST OVERVIEW.FMT) and
// print the newest one.
//
//   nntp_read HOST PORT GROUP [--nntps] [--cacert FILE] [--user NAME]   (password: NNTP_PASSWORD)
//
// Connects with STARTTLS when offered (required when a user name is given, since a password is
// then sent), or implicit TLS with --nntps (port 563, ALPN "nntp").
#include <cstdlib>
#include <iostream>
#include <string>

#include "protocols/nntp/client.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: nntp_read HOST PORT GROUP [--nntps] [--cacert FILE] [--user NAME]\n";
    return 2;
  }
  inet::nntp::client_options opts;
  opts.host = argv[1];
  opts.port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  const std::string group = argv[3];
  for (int i = 4; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--nntps") opts.security = inet::nntp::security::implicit_tls;
    else if (a == "--cacert" && i + 1 < argc) opts.tls.ca_file = argv[++i];
    else if (a == "--user" && i + 1 < argc) opts.credentials.username = argv[++i];
  }
  if (const char* pw = std::getenv("NNTP_PASSWORD")) opts.credentials.password = pw;

  inet::nntp::blocking_client news;
  try {
    news.connect(opts);
    const inet::nntp::group_info g = news.group(group);
    std::cout << g.name << ": about " << g.count << " articles, " << g.low << "-" << g.high
              << "\n";
    if (g.count == 0) {
      news.quit();
      return 0;
    }
    const std::uint64_t from = g.high >= 10 && g.high - 9 > g.low ? g.high - 9 : g.low;
    for (const auto& o : news.over(std::to_string(from) + "-" + std::to_string(g.high)))
      std::cout << o.number << "  " << o.from << "  " << o.subject << "\n";
    std::cout << "\n";
    // Streamed, dot-unstuffed, at most 1 MiB (more is transport::error::body_too_large).
    news.article(std::to_string(g.high),
                 [](std::string_view chunk) { std::cout.write(chunk.data(), chunk.size()); },
                 1 << 20);
    news.quit();
  } catch (const inet::nntp::nntp_exception& e) {
    std::cerr << "nntp_read: " << e.operation() << ": " << e.server_reply().summary() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "nntp_read: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
