// FTP client for bench/run, through inetpp's library (blocking_client), against vsftpd
// (anonymous, passive, TYPE I).
//
//   ftp_bench retr HOST PORT PATH OUT [--tls CA]
//       RETR PATH into the file OUT (each data chunk written with write(2)).
//   ftp_bench many HOST PORT DIR OUTDIR [--tls CA]
//       NLST DIR, then RETR of every name on the one control connection, each into OUTDIR/name.
//   --tls CA: explicit FTPS (AUTH TLS, PROT P on every data connection), verified against CA.
//   Prints the file and byte counts to stderr.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/ftp/client.hpp"

namespace {

inet::ftp::client_options options(const char* const* argv, const std::string& ca) {
  inet::ftp::client_options o;
  o.host = argv[2];
  o.port = static_cast<std::uint16_t>(std::atoi(argv[3]));
  o.policy = inet::transport::tls_policy::none;
  o.connect.time.connect = std::chrono::seconds(300);
  o.connect.time.idle = std::chrono::seconds(300);
  if (!ca.empty()) {
    o.policy = inet::transport::tls_policy::required;
    o.tls.ca_file = ca;
  }
  return o;
}

/// A file opened for writing (truncated); chunks go out with write(2), no user-space copy.
class out_file {
 public:
  explicit out_file(const std::string& path)
      : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
    if (fd_ < 0) throw std::runtime_error("cannot open " + path);
  }
  ~out_file() { ::close(fd_); }
  out_file(const out_file&) = delete;
  out_file& operator=(const out_file&) = delete;
  inet::byte_sink sink() {
    return [fd = fd_](std::string_view chunk) {
      while (!chunk.empty()) {
        const ssize_t n = ::write(fd, chunk.data(), chunk.size());
        if (n < 0) throw std::runtime_error("write failed");
        chunk.remove_prefix(static_cast<std::size_t>(n));
      }
    };
  }

 private:
  int fd_;
};

int run_retr(inet::ftp::blocking_client& c, const std::string& path, const std::string& out) {
  out_file f(out);
  const inet::ftp::transfer_result r = c.retrieve(path, f.sink(), 0);
  std::cerr << "ftp_bench: 1 file, " << r.bytes << " bytes\n";
  return 0;
}

int run_many(inet::ftp::blocking_client& c, const std::string& dir, const std::string& outdir) {
  std::string names;
  c.name_list(dir, inet::string_sink(names));
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  std::string_view rest = names;
  while (!rest.empty()) {
    const std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const std::size_t slash = line.rfind('/');
    const std::string base(slash == std::string_view::npos ? line : line.substr(slash + 1));
    std::string remote = dir;
    if (!remote.empty() && remote.back() != '/') remote += '/';
    out_file f(outdir + "/" + base);
    bytes += c.retrieve(remote + base, f.sink(), 0).bytes;
    ++files;
  }
  std::cerr << "ftp_bench: " << files << " files, " << bytes << " bytes\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 6 || (mode != "retr" && mode != "many")) {
    std::cerr << "usage: ftp_bench retr HOST PORT PATH OUT [--tls CA]\n"
                 "       ftp_bench many HOST PORT DIR OUTDIR [--tls CA]\n";
    return 2;
  }
  const std::string ca = argc >= 8 && std::string(argv[6]) == "--tls" ? argv[7] : "";
  try {
    inet::ftp::blocking_client c;
    c.connect(options(argv, ca));
    c.set_type(inet::ftp::transfer_type::binary);
    const int rc = mode == "retr" ? run_retr(c, argv[4], argv[5]) : run_many(c, argv[4], argv[5]);
    c.quit();
    return rc;
  } catch (const std::exception& e) {
    std::cerr << "ftp_bench: " << e.what() << "\n";
    return 1;
  }
}
