// libFuzzer target over the IMAP response parser: the input is a server's byte stream, fed the
// way the client feeds it (lines, then announced literals in uneven chunks). Also checks the
// modified UTF-7 round trip and sequence-set parsing on the same bytes.
// Build and run: tests/imap/fuzz/run.sh SECONDS (clang, -fsanitize=fuzzer,address,undefined).
// The seed corpus (tests/imap/fuzz/corpus) is replayed by //tests/imap:fuzz_corpus_test.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <system_error>

#include "protocols/imap/mutf7.hpp"
#include "protocols/imap/parser.hpp"

namespace {

using inet::imap::parser;

void check_mutf7(std::string_view s) {
  auto decoded = inet::imap::mutf7_decode(s);
  if (!decoded) return;
  auto encoded = inet::imap::mutf7_encode(*decoded);
  if (!encoded && decoded->find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos) std::abort();
  if (encoded && inet::imap::mutf7_decode(*encoded) != decoded) std::abort();
}

void consume(const inet::imap::response& r) {
  if (auto* u = std::get_if<inet::imap::unknown_data>(&r))
    for (const auto& v : u->args) (void)v.to_string();
  if (auto* l = std::get_if<inet::imap::list_data>(&r)) check_mutf7(l->raw_mailbox);
  if (auto* s = std::get_if<inet::imap::status_response>(&r)) (void)s->summary();
}

void run(std::string_view in, bool stream_all) {
  inet::imap::parser_limits lim;
  lim.max_collected_literal = 1 << 16;
  parser p(lim);
  p.set_stream_all_literals(stream_all);
  std::size_t pos = 0, chunk = 1;
  try {
    while (pos < in.size()) {
      std::size_t lf = in.find('\n', pos);
      if (lf == std::string_view::npos) return;  // an incomplete last line is never fed
      std::string_view line = in.substr(pos, lf - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      pos = lf + 1;
      auto st = p.feed_line(line);
      while (st == parser::status::need_literal) {
        if (p.pending_literal().size > in.size()) return;  // the stream would end first
        while (p.literal_remaining() > 0) {
          if (pos >= in.size()) return;
          const std::size_t n = std::min<std::size_t>(
              {chunk, static_cast<std::size_t>(p.literal_remaining()), in.size() - pos});
          st = p.feed_literal(in.substr(pos, n));
          pos += n;
          chunk = chunk % 7 + 1;
        }
        st = parser::status::need_line;
        lf = in.find('\n', pos);
        if (lf == std::string_view::npos) return;
        line = in.substr(pos, lf - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = lf + 1;
        st = p.feed_line(line);
      }
      if (st == parser::status::response_ready) consume(p.take_response());
    }
  } catch (const std::system_error&) {
    // Expected for malformed input; the parser must now refuse everything.
    if (!p.failed()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  run(in, false);
  run(in, true);
  check_mutf7(in.substr(0, 256));
  (void)inet::imap::sequence_set::parse(in.substr(0, 256));
  return 0;
}
