// libFuzzer target over the line engine's readers, without I/O (the engine drives the same
// code): the first byte picks the case, the rest is the input. Besides "no crash, leak or
// sanitizer report", each case checks a property a hostile server must never break:
//   0 Dot-body decoder (line::dot_decoder, RFC 1939 §3): the body ends exactly at the first
//     CRLF "." CRLF (or a leading "." CRLF) and nowhere else — a bare LF or CR never ends it —
//     nothing after the terminator is consumed, the output is the lines with one leading dot
//     removed, and every split of the input gives the same result.
//   1 Dot-stuffing round trip: the SMTP DATA encoder's output plus "." CRLF decodes to the
//     input with its line ends normalised, ending exactly at that terminator; a NUL or a line
//     over 998 octets is refused by the encoder instead.
//   2 Code replies and status lines (line::code_reply_parser, parse_status_reply,
//     check_reply_line) over lines split as transport::line_reader splits them: a completed
//     reply has a code 100..599 carried by its final line, and no accepted line holds NUL or CR.
// Build and run: tests/fuzz/run_line.sh SECONDS (clang, -fsanitize=fuzzer,address,undefined).
// The corpus (tests/fuzz/line_corpus) is replayed in CI by //tests/fuzz:line_corpus_test.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

#include "protocols/line/dot_body.hpp"
#include "protocols/line/engine.hpp"
#include "protocols/smtp/internal.hpp"
#include "transport/error.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct decoded {
  std::string body;
  std::size_t consumed = 0;
  bool done = false;
};

// Feeds `wire` in uneven pieces (seeded by `seed`; 0: all at once).
decoded decode(std::string_view wire, unsigned seed) {
  inet::line::dot_decoder d;
  decoded r;
  std::size_t step = seed ? seed : wire.size() + 1;
  while (r.consumed < wire.size() && !d.done()) {
    const std::size_t n = std::min(step, wire.size() - r.consumed);
    const std::size_t used = d.feed(wire.substr(r.consumed, n), r.body);
    check(used <= n);
    check(used == n || d.done());
    r.consumed += used;
    if (seed) step = step * 5 % 13 + 1;
  }
  r.done = d.done();
  return r;
}

// Where the body ends (just past "." CRLF), by the RFC 1939 §3 definition; npos if it does not.
std::size_t reference_end(std::string_view w) {
  if (w.substr(0, 3) == ".\r\n") return 3;
  const std::size_t p = w.find("\r\n.\r\n");
  return p == std::string_view::npos ? p : p + 5;
}

// The body before the "." line: CRLF-separated lines, each with one leading dot removed.
std::string reference_body(std::string_view w, std::size_t end) {
  std::string out;
  std::string_view content = w.substr(0, end - 3);  // every line ends in CRLF
  while (!content.empty()) {
    const std::size_t e = content.find("\r\n");
    check(e != std::string_view::npos);
    std::string_view line = content.substr(0, e);
    if (!line.empty() && line[0] == '.') line.remove_prefix(1);
    out.append(line);
    out += "\r\n";
    content.remove_prefix(e + 2);
  }
  return out;
}

void dot_body_case(std::string_view in) {
  const decoded whole = decode(in, 0);
  const std::size_t end = reference_end(in);
  check(whole.done == (end != std::string_view::npos));
  if (whole.done) {
    check(whole.consumed == end);
    check(whole.body == reference_body(in, end));
  } else {
    check(whole.consumed == in.size());
  }
  for (unsigned seed : {1u, 2u, 7u}) {
    const decoded d = decode(in, seed);
    check(d.done == whole.done && d.consumed == whole.consumed && d.body == whole.body);
  }
}

bool invalid_message(std::string_view in) {
  std::size_t line = 0;
  for (char c : in) {
    if (c == '\0') return true;
    line = c == '\r' || c == '\n' ? 0 : line + 1;
    if (line > inet::smtp::detail::max_line_octets) return true;
  }
  return false;
}

std::string normalised(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r' || in[i] == '\n') {
      out += "\r\n";
      if (in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else {
      out += in[i];
    }
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

void round_trip_case(std::string_view in) {
  inet::smtp::detail::data_encoder enc;
  std::string wire;
  try {
    enc.feed(in, wire);
    enc.finish(wire);
  } catch (const std::system_error& e) {
    check(e.code() == inet::smtp::error::invalid_message && invalid_message(in));
    return;
  }
  check(!invalid_message(in));
  const std::size_t body_end = wire.size() + 3;
  wire += ".\r\nQUIT\r\n";  // whatever follows the terminator is not the body's
  for (unsigned seed : {0u, 1u, 3u}) {
    const decoded d = decode(wire, seed);
    check(d.done && d.consumed == body_end);
    check(d.body == normalised(in));
  }
}

void reply_case(std::string_view in) {
  inet::line::limits lim;
  lim.max_reply_lines = 20;
  lim.max_reply_bytes = 2048;
  inet::line::code_reply_parser p(lim);
  bool broken = false;  // a parse error ends the stream, as it ends the connection
  while (!broken) {
    const std::size_t lf = in.find('\n');
    if (lf == std::string_view::npos) break;  // line_reader: no LF yet, no line
    std::string_view line = in.substr(0, lf);
    in.remove_prefix(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    try {
      inet::line::check_reply_line(line);
    } catch (const std::system_error& e) {
      check(e.code() == inet::line::error::malformed_reply);
      check(line.find_first_of(std::string_view("\r\0", 2)) != std::string_view::npos);
      break;
    }
    check(line.find_first_of(std::string_view("\r\0", 2)) == std::string_view::npos);
    try {
      const inet::line::status_reply s = inet::line::parse_status_reply(line);
      check(line.substr(0, s.ok ? 3 : 4) == (s.ok ? "+OK" : "-ERR"));
    } catch (const std::system_error& e) {
      check(e.code() == inet::line::error::malformed_reply);
    }
    try {
      if (p.feed(line)) {
        const inet::line::code_reply r = p.take();
        check(r.code >= 100 && r.code <= 599 && !r.lines.empty());
        check(line.size() >= 3 && std::to_string(r.code) == line.substr(0, 3));
        check(r.lines.size() <= lim.max_reply_lines);
        p = inet::line::code_reply_parser(lim);
      }
    } catch (const std::system_error& e) {
      check(e.code() == inet::line::error::malformed_reply ||
            e.code() == inet::transport::make_error_code(inet::transport::error::reply_too_large));
      broken = true;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: dot_body_case(in); break;
    case 1: round_trip_case(in); break;
    default: reply_case(in); break;
  }
  return 0;
}
