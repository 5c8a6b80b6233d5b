// Example: download every message of a POP3 maildrop into files, optionally deleting them.
//
//   POP3_PASSWORD=... pop3_fetch HOST PORT USER OUTDIR [--pop3s] [--cacert FILE] [--delete]
//
// Uses STLS (required, since a password is sent) or implicit TLS with --pop3s. Messages are
// streamed to OUTDIR/<uidl>.eml, several RETRs per write when the server offers PIPELINING.
// With --delete, the downloaded messages are marked and the deletion is committed by QUIT;
// the program says whether the server confirmed it.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "protocols/pop3/client.hpp"

int main(int argc, char** argv) {
  if (argc < 5 || !std::getenv("POP3_PASSWORD")) {
    std::cerr << "usage: POP3_PASSWORD=... pop3_fetch HOST PORT USER OUTDIR"
                 " [--pop3s] [--cacert FILE] [--delete]\n";
    return 2;
  }
  inet::pop3::client_options opts;
  opts.host = argv[1];
  opts.port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  opts.credentials.username = argv[3];
  opts.credentials.password = std::getenv("POP3_PASSWORD");
  const std::string outdir = argv[4];
  bool remove = false;
  for (int i = 5; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--pop3s") opts.security = inet::pop3::security::implicit_tls;
    else if (a == "--delete") remove = true;
    else if (a == "--cacert" && i + 1 < argc) opts.tls.ca_file = argv[++i];
  }
  try {
    inet::pop3::blocking_client pop;
    pop.connect(opts);
    std::cout << "logged in with " << pop.authenticated_with()
              << (pop.is_tls() ? " over " + pop.tls_details().protocol : std::string()) << "\n";
    std::map<std::uint32_t, std::string> uid_of;
    std::vector<std::uint32_t> numbers;
    for (const auto& u : pop.uidl()) {
      uid_of[u.number] = u.uid;
      numbers.push_back(u.number);
    }
    std::map<std::uint32_t, std::unique_ptr<std::ofstream>> files;
    pop.retr_many(numbers, [&](std::uint32_t n, std::string_view chunk) {
      auto& f = files[n];
      if (!f) f = std::make_unique<std::ofstream>(outdir + "/" + uid_of[n] + ".eml", std::ios::binary);
      f->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    });
    std::cout << "downloaded " << numbers.size() << " message(s)\n";
    if (remove) pop.dele_many(numbers);
    const inet::pop3::quit_result q = pop.quit();
    if (remove)
      std::cout << (q.committed ? "deleted " : "NOT deleted (QUIT failed) ") << q.deletions
                << " message(s)\n";
    return remove && !q.committed ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "pop3_fetch: " << e.what() << "\n";
    return 1;
  }
}
