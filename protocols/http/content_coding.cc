// Streaming content decoders: zlib (gzip, deflate), Brotli and Zstandard behind one interface.
#include "protocols/http/content_coding.hpp"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <system_error>

#include "protocols/http/error.hpp"

namespace inet::http {
namespace {

constexpr std::size_t piece = 16 * 1024;

[[noreturn]] void fail(error e, const std::string& what) {
  throw std::system_error(make_error_code(e), what);
}

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<coding> parse_coding(std::string_view token) {
  const std::string t = lower_trimmed(token);
  if (t == "gzip" || t == "x-gzip") return coding::gzip;
  if (t == "deflate") return coding::deflate;
  if (t == "br") return coding::br;
  if (t == "zstd") return coding::zstd;
  return std::nullopt;
}

std::optional<std::vector<coding>> parse_content_encoding(std::string_view value) {
  std::vector<coding> out;
  while (!value.empty()) {
    const auto comma = value.find(',');
    const std::string_view token = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    const std::string t = lower_trimmed(token);
    if (t.empty() || t == "identity") continue;
    const auto c = parse_coding(t);
    if (!c || out.size() == 4) return std::nullopt;
    out.push_back(*c);
  }
  return out;
}

std::string_view accept_encoding() noexcept { return "gzip, deflate, br, zstd"; }

// One decoder: feed() decodes `in` and hands each decoded piece to emit(); ended() says that the
// encoded stream is complete.
struct decoding_sink::impl {
  byte_sink inner;
  std::uint64_t max = 0, decoded = 0;
  virtual ~impl() = default;
  virtual void feed(std::string_view in) = 0;
  virtual bool ended() const = 0;
  void emit(const char* data, std::size_t n) {
    if (n == 0) return;
    decoded += n;
    if (decoded > max)
      fail(error::decoded_too_large,
           "decoded content larger than " + std::to_string(max) + " bytes");
    if (inner) inner(std::string_view(data, n));
  }
};

namespace {

struct zlib_impl final : decoding_sink::impl {
  z_stream z{};
  bool done = false, tried_raw = false;
  std::string seen;  // the input so far while nothing was decoded (for the raw-deflate retry)
  zlib_impl() { inflateInit2(&z, 15 + 32); }  // zlib or gzip, detected from the header
  ~zlib_impl() override { inflateEnd(&z); }
  bool ended() const override { return done; }

  void feed(std::string_view in) override {
    if (decoded == 0 && !tried_raw && seen.size() < 64 * 1024) seen.append(in);
    std::array<char, piece> out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    while (z.avail_in > 0 && !done) {
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      const int rc = inflate(&z, Z_NO_FLUSH);
      if (rc == Z_DATA_ERROR && decoded == 0 && !tried_raw) {
        // "deflate" sent as raw RFC 1951 data (old servers): start over without a wrapper.
        tried_raw = true;
        inflateEnd(&z);
        z = z_stream{};
        inflateInit2(&z, -15);
        const std::string all = std::move(seen);
        seen.clear();
        feed(all);
        return;
      }
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
        fail(error::bad_content_encoding,
             std::string("corrupt compressed content: ") + (z.msg ? z.msg : "zlib error"));
      const std::size_t n = out.size() - z.avail_out;
      emit(out.data(), n);
      if (rc == Z_STREAM_END) done = true;
      if (rc == Z_BUF_ERROR && n == 0) break;
    }
  }
};

struct brotli_impl final : decoding_sink::impl {
  BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  bool done = false;
  ~brotli_impl() override { BrotliDecoderDestroyInstance(s); }
  bool ended() const override { return done; }

  void feed(std::string_view in) override {
    if (!s) fail(error::bad_content_encoding, "cannot create a Brotli decoder");
    std::array<char, piece> out;
    auto next_in = reinterpret_cast<const std::uint8_t*>(in.data());
    std::size_t avail_in = in.size();
    while (!done) {
      auto next_out = reinterpret_cast<std::uint8_t*>(out.data());
      std::size_t avail_out = out.size();
      const BrotliDecoderResult rc =
          BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
      if (rc == BROTLI_DECODER_RESULT_ERROR)
        fail(error::bad_content_encoding,
             std::string("corrupt Brotli content: ") +
                 BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s)));
      emit(out.data(), out.size() - avail_out);
      if (rc == BROTLI_DECODER_RESULT_SUCCESS) done = true;
      if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) break;
    }
  }
};

struct zstd_impl final : decoding_sink::impl {
  ZSTD_DCtx* d = ZSTD_createDCtx();
  bool in_frame = false, any = false;
  zstd_impl() {
    if (d) ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 23);  // 8 MiB
  }
  ~zstd_impl() override { ZSTD_freeDCtx(d); }
  bool ended() const override { return any && !in_frame; }

  void feed(std::string_view in) override {
    if (!d) fail(error::bad_content_encoding, "cannot create a zstd decoder");
    std::array<char, piece> out;
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    for (;;) {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      const std::size_t rc = ZSTD_decompressStream(d, &ob, &ib);
      if (ZSTD_isError(rc))
        fail(error::bad_content_encoding,
             std::string("corrupt zstd content: ") + ZSTD_getErrorName(rc));
      any = true;
      in_frame = rc != 0;  // 0: a frame ended and everything of it was flushed
      emit(out.data(), ob.pos);
      if (ib.pos == ib.size && ob.pos < ob.size) break;
    }
  }
};

std::shared_ptr<decoding_sink::impl> make_impl(coding c) {
  switch (c) {
    case coding::br:
      return std::make_shared<brotli_impl>();
    case coding::zstd:
      return std::make_shared<zstd_impl>();
    case coding::gzip:
    case coding::deflate:
      break;
  }
  return std::make_shared<zlib_impl>();
}

}  // namespace

decoding_sink::decoding_sink(byte_sink inner, std::uint64_t max_decoded)
    : decoding_sink(std::move(inner), max_decoded, coding::gzip) {}

decoding_sink::decoding_sink(byte_sink inner, std::uint64_t max_decoded, coding c)
    : impl_(make_impl(c)) {
  impl_->inner = std::move(inner);
  impl_->max = max_decoded;
}
decoding_sink::~decoding_sink() = default;

void decoding_sink::operator()(std::string_view chunk) { impl_->feed(chunk); }

void decoding_sink::finish() {
  if (!impl_->ended()) fail(error::bad_content_encoding, "compressed content ends early");
}

std::uint64_t decoding_sink::decoded() const noexcept { return impl_->decoded; }

decoding_chain::decoding_chain(byte_sink inner, std::uint64_t max_decoded,
                               const std::vector<coding>& codings) {
  if (codings.empty()) inner_ = inner;
  byte_sink next = std::move(inner);
  for (coding c : codings) {  // the first applied is decoded last (closest to `inner`)
    stages_.emplace_back(std::move(next), max_decoded, c);
    next = stages_.back();
  }
  std::reverse(stages_.begin(), stages_.end());
}

void decoding_chain::operator()(std::string_view chunk) {
  if (stages_.empty()) {
    if (inner_) inner_(chunk);
  } else {
    stages_.front()(chunk);
  }
}

void decoding_chain::finish() {
  for (auto& s : stages_) s.finish();
}

}  // namespace inet::http
