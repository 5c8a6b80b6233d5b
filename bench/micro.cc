// Microbenchmarks beyond the codecs (bench/codec_bench.cc is linked into the same binary):
// IMAP response parsing of a generated FETCH stream (literal-heavy and ENVELOPE/BODYSTRUCTURE-
// heavy), MIME composition of a 20 MiB attachment, FTP LIST and MLSD line parsing, HTTP
// response parsing.
// `bazel run --config=opt //bench:micro` (bench/run runs it too, JSON output); every benchmark
// reports bytes/second of its input (CPU time).
#include <benchmark/benchmark.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "protocols/ftp/client.hpp"
#include "protocols/ftp/internal.hpp"
#include "protocols/imap/parser.hpp"
#include "protocols/mime/message.hpp"

namespace {

// A recorded-style FETCH stream pre-split the way the client's reader hands it to the parser:
// lines without CRLF and literal bytes. `wire` counts the bytes on the wire.
struct fetch_stream {
  struct segment {
    bool literal;
    std::string bytes;
  };
  std::vector<segment> segments;
  std::size_t wire = 0;
  void line(std::string s) {
    wire += s.size() + 2;
    segments.push_back({false, std::move(s)});
  }
  void literal(std::string s) {
    wire += s.size();
    segments.push_back({true, std::move(s)});
  }
};

std::string message_text(std::mt19937& rng, std::size_t n) {
  std::string s;
  s.reserve(n);
  while (s.size() < n) {
    const std::size_t len = rng() % 76;
    for (std::size_t i = 0; i < len; ++i) s.push_back(static_cast<char>('a' + rng() % 26));
    s += "\r\n";
  }
  s.resize(n);
  return s;
}

// 200 messages of 4..64 KiB each: "* n FETCH (UID n RFC822.SIZE s BODY[] {s}" literal ")".
fetch_stream literal_heavy() {
  fetch_stream f;
  std::mt19937 rng(1);
  for (int n = 1; n <= 200; ++n) {
    const std::size_t size = 4096 + rng() % (60 * 1024);
    f.line("* " + std::to_string(n) + " FETCH (UID " + std::to_string(1000 + n) + " RFC822.SIZE " +
           std::to_string(size) + " BODY[] {" + std::to_string(size) + "}");
    f.literal(message_text(rng, size));
    f.line(")");
  }
  f.line("a1 OK FETCH completed");
  return f;
}

// 2,000 messages with FLAGS, INTERNALDATE, ENVELOPE and a multipart BODYSTRUCTURE, one of the
// subjects as a literal now and then (as servers do for 8-bit or long strings).
fetch_stream envelope_heavy() {
  fetch_stream f;
  for (int n = 1; n <= 2000; ++n) {
    const std::string id = std::to_string(n);
    std::string l = "* " + id + " FETCH (UID " + id +
                    " FLAGS (\\Seen $Forwarded) INTERNALDATE \"17-Jul-2026 02:44:25 -0700\" "
                    "RFC822.SIZE 48213 ENVELOPE (\"Wed, 17 Jul 2026 02:23:25 -0700\" ";
    if (n % 10 == 0) {
      const std::string subject = "Quarterly report \xc3\xa9t\xc3\xa9 #" + id;
      l += "{" + std::to_string(subject.size()) + "}";
      f.line(l);
      f.literal(subject);
      l.clear();
    } else {
      l += "\"Re: quarterly report, draft " + id + "\"";
    }
    l += " ((\"Alice Example\" NIL \"alice\" \"example.org\")) ((\"Alice Example\" NIL \"alice\" "
         "\"example.org\")) NIL ((\"Bob\" NIL \"bob\" \"example.net\")(NIL NIL \"carol\" "
         "\"example.com\")) NIL NIL \"<parent" + id + "@example.org>\" \"<msg" + id +
         "@example.org>\") BODYSTRUCTURE (((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL "
         "\"QUOTED-PRINTABLE\" 2210 57 NIL NIL NIL NIL)(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL "
         "NIL \"QUOTED-PRINTABLE\" 9381 120 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" "
         "\"=_b1\") NIL NIL NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") NIL NIL "
         "\"BASE64\" 35600 NIL (\"ATTACHMENT\" (\"FILENAME\" \"report.pdf\")) NIL NIL) \"MIXED\" "
         "(\"BOUNDARY\" \"=_b0\") NIL NIL NIL))";
    f.line(l);
  }
  f.line("a1 OK FETCH completed");
  return f;
}

// Body literals streamed (the default: the parser counts them, the client hands them to a sink).
void run_parser(benchmark::State& state, const fetch_stream& f, bool stream_bodies = true) {
  for (auto _ : state) {
    inet::imap::parser p;
    p.set_stream_body_literals(stream_bodies);
    std::size_t responses = 0;
    for (const auto& s : f.segments) {
      const auto st = s.literal ? p.feed_literal(s.bytes) : p.feed_line(s.bytes);
      if (st == inet::imap::parser::status::response_ready) {
        auto r = p.take_response();
        benchmark::DoNotOptimize(r);
        ++responses;
      }
    }
    benchmark::DoNotOptimize(responses);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.wire));
}

void BM_ImapFetchLiterals(benchmark::State& state) {
  static const fetch_stream f = literal_heavy();
  run_parser(state, f);
}
BENCHMARK(BM_ImapFetchLiterals);

// The same stream with body literals kept in the response (set_stream_body_literals(false)):
// the cost of copying them, as a client collecting whole messages in memory pays it.
void BM_ImapFetchLiteralsKept(benchmark::State& state) {
  static const fetch_stream f = literal_heavy();
  run_parser(state, f, false);
}
BENCHMARK(BM_ImapFetchLiteralsKept);

void BM_ImapFetchEnvelope(benchmark::State& state) {
  static const fetch_stream f = envelope_heavy();
  run_parser(state, f);
}
BENCHMARK(BM_ImapFetchEnvelope);

// The whole message_source output for a text body plus one 20 MiB in-memory attachment
// (base64 lines), read through 64 KiB buffers as the SMTP client does.
void BM_MimeCompose20MiB(benchmark::State& state) {
  std::string data(20u << 20, '\0');
  std::mt19937 rng(3);
  for (auto& c : data) c = static_cast<char>(rng());
  std::array<char, 64 * 1024> buf{};
  for (auto _ : state) {
    inet::mime::message m;
    m.from = {"Alice", "alice@example.org"};
    m.to.push_back({"Bob", "bob@example.net"});
    m.subject = "20 MiB";
    m.text_body = "See the attachment.\n";
    m.attachments.push_back({"data.bin", "", data, "application/octet-stream", false, ""});
    inet::mime::message_source src(std::move(m), {});
    std::size_t total = 0;
    while (const std::size_t n = src.read(buf)) total += n;
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_MimeCompose20MiB)->Unit(benchmark::kMillisecond);

std::vector<std::string> list_lines() {
  std::vector<std::string> v;
  for (int i = 0; i < 1000; ++i) {
    const std::string n = std::to_string(i);
    if (i % 3 == 0)
      v.push_back("drwxr-xr-x    2 1000     1000         4096 Mar 14 09:26 dir" + n);
    else if (i % 3 == 1)
      v.push_back("-rw-r--r--    1 1000     1000      " + std::to_string(1000 + i * 37) +
                  " Dec 01  2025 file" + n + ".txt");
    else
      v.push_back("-rw-r--r--    1 ftp      ftp    104857600 Jan 02 23:59 archive " + n + ".tar.gz");
  }
  return v;
}

void BM_FtpListParse(benchmark::State& state) {
  static const std::vector<std::string> lines = list_lines();
  std::size_t bytes = 0;
  for (const auto& l : lines) bytes += l.size() + 2;
  for (auto _ : state)
    for (const auto& l : lines) {
      auto e = inet::ftp::parse_list_line(l);
      benchmark::DoNotOptimize(e);
    }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_FtpListParse);

void BM_FtpMlsdParse(benchmark::State& state) {
  std::vector<std::string> lines;
  for (int i = 0; i < 1000; ++i)
    lines.push_back(i % 4 == 0 ? "type=dir;modify=20260314092611;perm=flcdmpe;unique=803U1C; dir" +
                                     std::to_string(i)
                               : "type=file;size=" + std::to_string(1000 + i * 37) +
                                     ";modify=20251201120000;perm=adfrw;unique=803U" +
                                     std::to_string(i) + "; file " + std::to_string(i) + ".txt");
  std::size_t bytes = 0;
  for (const auto& l : lines) bytes += l.size() + 2;
  for (auto _ : state)
    for (const auto& l : lines) {
      auto e = inet::ftp::detail::parse_mlsd_line(l);
      benchmark::DoNotOptimize(e);
    }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_FtpMlsdParse);

// ---- HTTP ---------------------------------------------------------------------------------------
// Beast's response parser configured as protocols/http/client.cc configures it (buffer_body
// drained through a 16 KiB chunk, the header limit), fed from memory: the per-byte parsing cost
// of the client's path without the socket. 10,000 keep-alive responses of 1 KiB, and one 4 MiB
// chunked body in 8 KiB chunks.
namespace bhttp = boost::beast::http;

std::size_t parse_responses(std::string_view wire) {
  std::vector<char> chunk(16 * 1024);
  std::size_t body = 0;
  while (!wire.empty()) {
    bhttp::response_parser<bhttp::buffer_body> p;
    p.header_limit(64 * 1024);
    p.eager(true);
    boost::system::error_code ec;
    while (!p.is_done()) {
      p.get().body().data = chunk.data();
      p.get().body().size = chunk.size();
      const std::size_t used = p.put(boost::asio::buffer(wire.data(), wire.size()), ec);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) throw boost::system::system_error(ec);
      wire.remove_prefix(used);
      body += chunk.size() - p.get().body().size;
    }
  }
  return body;
}

std::string keep_alive_responses() {
  std::string w;
  for (int i = 0; i < 10000; ++i)
    w += "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sun, 06 Dec 2026 16:00:00 GMT\r\n"
         "Content-Type: application/octet-stream\r\nContent-Length: 1024\r\n"
         "Last-Modified: Sun, 06 Dec 2026 15:00:00 GMT\r\nConnection: keep-alive\r\n"
         "ETag: \"6750a1b0-400\"\r\nAccept-Ranges: bytes\r\n\r\n" +
         std::string(1024, 'x');
  return w;
}

std::string chunked_response() {
  std::string w = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 512; ++i) w += "2000\r\n" + std::string(8192, 'y') + "\r\n";
  return w + "0\r\n\r\n";
}

void BM_HttpKeepAliveResponses(benchmark::State& state) {
  static const std::string wire = keep_alive_responses();
  if (parse_responses(wire) != 10000u * 1024) state.SkipWithError("body bytes miscounted");
  for (auto _ : state) benchmark::DoNotOptimize(parse_responses(wire));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_HttpKeepAliveResponses);

void BM_HttpChunkedBody(benchmark::State& state) {
  static const std::string wire = chunked_response();
  if (parse_responses(wire) != 512u * 8192) state.SkipWithError("body bytes miscounted");
  for (auto _ : state) benchmark::DoNotOptimize(parse_responses(wire));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_HttpChunkedBody);

}  // namespace
