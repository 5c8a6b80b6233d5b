#include "tools/mail/io.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace inet::mail {

fd_source::fd_source(int fd, bool owned, std::string name)
    : fd_(fd), owned_(owned), name_(std::move(name)) {}

fd_source::~fd_source() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

std::size_t fd_source::read(std::span<char> buf) {
  for (;;) {
    const ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "read " + name_);
  }
}

void write_all(int fd, std::string_view bytes, const std::string& name) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "write " + name);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace inet::mail
