// Uploads a small file over explicit FTPS (AUTH TLS, PBSZ 0, PROT P), lists the directory and
// downloads the file back, checking it is byte-identical. The blocking facade is used here;
// every call has an async_ form with any Asio completion token (see docs/ftp.md).
//
//   ftp_roundtrip HOST USER PASSWORD [CA_FILE]
#include <cstdio>
#include <iostream>
#include <string>

#include "protocols/ftp/client.hpp"
#include "transport/body.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: ftp_roundtrip HOST USER PASSWORD [CA_FILE]\n";
    return 2;
  }
  inet::ftp::client_options opts;
  opts.host = argv[1];
  opts.user = argv[2];
  opts.password = argv[3];
  if (argc > 4) opts.tls.ca_file = argv[4];
  // A named user makes TLS required by default: the password never goes in clear.
  try {
    inet::ftp::blocking_client ftp;
    ftp.connect(opts);
    std::cout << "connected (" << (ftp.is_tls() ? ftp.tls_details().protocol : "plaintext")
              << "), in " << ftp.pwd() << "\n";

    const std::string content = "hello over FTPS\n";
    inet::memory_source src(content);
    ftp.store("roundtrip.txt", src, false);

    std::string listing;
    ftp.list("", inet::string_sink(listing));
    std::cout << listing;

    std::string back;
    const auto r = ftp.retrieve("roundtrip.txt", inet::string_sink(back), 0);
    std::cout << r.bytes << " bytes back: " << (back == content ? "identical" : "DIFFERENT") << "\n";
    ftp.dele("roundtrip.txt");
    ftp.quit();
    return back == content ? 0 : 1;
  } catch (const inet::ftp::ftp_exception& e) {
    std::cerr << "ftp: " << e.what() << " (server said: " << e.server_reply().summary() << ")\n";
  } catch (const std::exception& e) {
    std::cerr << "ftp: " << e.what() << "\n";
  }
  return 1;
}
