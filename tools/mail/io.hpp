// File-descriptor byte sources and sinks for `inet mail`: stdin, queue files.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "transport/body.hpp"

namespace inet::mail {

/// A byte_source reading a file descriptor with read(2) (retrying EINTR). Owns the descriptor
/// (closes it) only when `owned`. Throws std::system_error(errno, "read <name>") on errors.
class fd_source final : public byte_source {
 public:
  fd_source(int fd, bool owned, std::string name);
  ~fd_source() override;
  fd_source(const fd_source&) = delete;
  fd_source& operator=(const fd_source&) = delete;
  std::size_t read(std::span<char> buf) override;

 private:
  int fd_;
  bool owned_;
  std::string name_;
};

/// Writes all of `bytes` to `fd` (retrying EINTR and short writes). Throws std::system_error
/// (errno, "write <name>").
void write_all(int fd, std::string_view bytes, const std::string& name);

}  // namespace inet::mail
