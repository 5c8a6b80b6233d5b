#include "transport/deflate.hpp"

#include <zlib.h>

#include <cstring>
#include <system_error>
#include <vector>

#include "transport/error.hpp"

namespace inet::transport {

namespace {
[[noreturn]] void fail(const char* what, const z_stream& z) {
  std::string why = what;
  if (z.msg) why += std::string(": ") + z.msg;
  throw std::system_error(make_error_code(error::compression_failed), why);
}
}  // namespace

struct deflate_codec::impl {
  z_stream out{};  // our direction: deflate
  z_stream in{};   // the peer's: inflate
  bool out_ok = false, in_ok = false, ended = false;
  std::vector<char> input;  // compressed bytes not yet inflated: [begin, end)
  std::size_t begin = 0, end = 0;

  ~impl() {
    if (out_ok) deflateEnd(&out);
    if (in_ok) inflateEnd(&in);
  }
};

deflate_codec::deflate_codec() : impl_(std::make_unique<impl>()) {
  impl& s = *impl_;
  // windowBits -15: raw deflate without zlib header or checksum (RFC 4978 §4).
  if (deflateInit2(&s.out, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    fail("deflateInit2", s.out);
  s.out_ok = true;
  if (inflateInit2(&s.in, -15) != Z_OK) fail("inflateInit2", s.in);
  s.in_ok = true;
  s.input.resize(input_buffer);
}

deflate_codec::~deflate_codec() = default;

std::string deflate_codec::compress(std::string_view in) {
  z_stream& z = impl_->out;
  std::string result;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char chunk[16 * 1024];
  do {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    const int rc = deflate(&z, Z_SYNC_FLUSH);
    if (rc != Z_OK && rc != Z_BUF_ERROR) fail("deflate", z);
    result.append(chunk, sizeof chunk - z.avail_out);
  } while (z.avail_out == 0 || z.avail_in > 0);
  return result;
}

void deflate_codec::add_input(std::string_view compressed) {
  impl& s = *impl_;
  if (compressed.empty()) return;
  if (s.begin > 0) {  // compact
    std::memmove(s.input.data(), s.input.data() + s.begin, s.end - s.begin);
    s.end -= s.begin;
    s.begin = 0;
  }
  if (s.input.size() - s.end < compressed.size()) s.input.resize(s.end + compressed.size());
  std::memcpy(s.input.data() + s.end, compressed.data(), compressed.size());
  s.end += compressed.size();
}

std::span<char> deflate_codec::input_space() {
  impl& s = *impl_;
  if (s.begin < s.end) return {};
  s.begin = s.end = 0;
  return {s.input.data(), std::min(s.input.size(), input_buffer)};
}

void deflate_codec::commit_input(std::size_t n) { impl_->end += n; }

std::size_t deflate_codec::decompress(std::span<char> out) {
  impl& s = *impl_;
  if (s.ended || out.empty()) return 0;
  z_stream& z = s.in;
  z.next_in = reinterpret_cast<Bytef*>(s.input.data() + s.begin);
  z.avail_in = static_cast<uInt>(s.end - s.begin);
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  // Z_SYNC_FLUSH: hand out everything decodable now. inflate may hold output back when `out`
  // fills; the next call (with or without new input) continues it.
  const int rc = inflate(&z, Z_SYNC_FLUSH);
  s.begin = s.end - z.avail_in;
  if (rc == Z_STREAM_END) s.ended = true;
  else if (rc != Z_OK && rc != Z_BUF_ERROR) fail("inflate", z);
  return out.size() - z.avail_out;
}

bool deflate_codec::finished() const noexcept { return impl_->ended; }

}  // namespace inet::transport
