// Raw loopback TCP for bench/run: the physical limit of a download into a file. No inetpp code.
//
//   tcp_copy FILE OUT
//
// A sender thread accepts one connection on 127.0.0.1 and sends FILE with sendfile(2); the main
// thread connects, and copies everything it receives into OUT with 1 MiB read(2)/write(2) — the
// least any client must do. Exits 1 on any error.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

void send_file(int listener, const char* path) {
  const int c = accept(listener, nullptr, nullptr);
  const int fd = open(path, O_RDONLY);
  if (c < 0 || fd < 0) die("accept/open");
  struct stat st {};
  if (fstat(fd, &st) != 0) die("fstat");
  off_t off = 0;
  while (off < st.st_size) {
    const ssize_t n = sendfile(c, fd, &off, static_cast<std::size_t>(st.st_size - off));
    if (n <= 0) die("sendfile");
  }
  close(fd);
  close(c);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: tcp_copy FILE OUT\n");
    return 2;
  }
  const int l = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (l < 0 || bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(l, 1) != 0 ||
      getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    die("listen");
  }
  std::thread sender(send_file, l, argv[1]);
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0 || connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect");
  const int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) die("open out");
  std::vector<char> buf(1 << 20);
  for (;;) {
    const ssize_t n = read(s, buf.data(), buf.size());
    if (n < 0) die("read");
    if (n == 0) break;
    for (ssize_t w = 0; w < n;) {
      const ssize_t k = write(out, buf.data() + w, static_cast<std::size_t>(n - w));
      if (k <= 0) die("write");
      w += k;
    }
  }
  sender.join();
  if (close(out) != 0) die("close");
  return 0;
}
