// Throughput of the per-byte work on the send path: DATA encoding (CRLF normalisation and
// dot-stuffing) and MIME base64 line encoding. Bytes/second are reported per benchmark.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "protocols/mime/codecs.hpp"
#include "protocols/smtp/internal.hpp"

namespace {

std::string text_input(std::size_t n) {
  std::string s;
  s.reserve(n);
  std::mt19937 rng(42);
  while (s.size() < n) {
    const int len = static_cast<int>(rng() % 78);
    if (rng() % 20 == 0) s.push_back('.');
    for (int i = 0; i < len; ++i) s.push_back(static_cast<char>('a' + rng() % 26));
    s += "\r\n";
  }
  s.resize(n);
  return s;
}

void BM_DataEncoder(benchmark::State& state) {
  const std::string in = text_input(64 * 1024);
  std::string out;
  out.reserve(2 * in.size());
  for (auto _ : state) {
    inet::smtp::detail::data_encoder enc;
    out.clear();
    enc.feed(in, out);
    enc.finish(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_DataEncoder);

void BM_Base64Lines(benchmark::State& state) {
  std::string in(64 * 1024, '\0');
  std::mt19937 rng(7);
  for (auto& c : in) c = static_cast<char>(rng());
  std::string out;
  for (auto _ : state) {
    inet::mime::base64_encoder enc;
    out.clear();
    enc.feed(in, out);
    enc.finish(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_Base64Lines);

void BM_QuotedPrintable(benchmark::State& state) {
  const std::string in = text_input(64 * 1024);
  std::string out;
  for (auto _ : state) {
    inet::mime::qp_encoder enc;
    out.clear();
    enc.feed(in, out);
    enc.finish(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_QuotedPrintable);

}  // namespace
