// Streaming byte interfaces shared by every protocol: bodies move through these in fixed-size
// chunks, so a message or file of any size never has to sit whole in memory.
#pragma once

#include <cstddef>
#include <algorithm>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace inet {

/// A pull source of bytes (a message being composed, a file being uploaded).
/// `read` fills up to `buf.size()` bytes and returns how many it wrote; 0 means end of data.
/// Errors are thrown (std::system_error or inet::error); a throwing source aborts the transfer.
class byte_source {
 public:
  virtual ~byte_source() = default;
  virtual std::size_t read(std::span<char> buf) = 0;
};

/// A byte_source over bytes held in memory (the caller keeps `data` alive).
class memory_source final : public byte_source {
 public:
  explicit memory_source(std::string_view data) : data_(data) {}
  std::size_t read(std::span<char> buf) override {
    const std::size_t n = std::min(buf.size(), data_.size() - pos_);
    data_.copy(buf.data(), n, pos_);
    pos_ += n;
    return n;
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

/// A push sink: called once per chunk received, in order; the view is valid only during the
/// call. Throwing from the sink aborts the transfer with that exception.
using byte_sink = std::function<void(std::string_view chunk)>;

/// A sink that appends everything to `out` (for small bodies the caller wants in memory).
inline byte_sink string_sink(std::string& out) {
  return [&out](std::string_view chunk) { out.append(chunk); };
}

}  // namespace inet
