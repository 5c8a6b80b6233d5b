// libFuzzer target over the parsers that read what a server (or a user's message) sends, other
// than IMAP's (tests/imap/fuzz): the first byte picks the parser, the rest is its input.
// Besides "no crash, leak or sanitizer report", each case checks a property that a hostile
// input must never break:
//   0 SMTP DATA encoder: the encoded body never contains a bare CR or LF, never a line that is
//     just "." (no early end of DATA: the "SMTP smuggling" class), and un-stuffing it gives the
//     input with line ends normalised; a NUL or a line over 998 octets is refused.
//   1 SMTP EHLO reply + enhanced status codes (RFC 5321 §4.1.1.1, RFC 2034).
//   2 POP3 status lines, scan/UID listings, STAT, APOP timestamp (RFC 1939, RFC 2449).
//   3 SCRAM-SHA-256 client against a hostile server-first / server-final (RFC 5802, 7677).
//   4 Address lists (RFC 5322 §3.4): a parsed mailbox formats without CR or LF.
//   5 URLs (curl's forms, Boost.URL).
//   6 OAuth2 token endpoint JSON (RFC 6749 §5.1/5.2).
//   7 base64 and SASLprep: decode(encode(x)) == x.
// Build and run: tests/fuzz/run.sh SECONDS (clang, -fsanitize=fuzzer,address,undefined).
// The corpus (tests/fuzz/corpus) is replayed in CI by //tests/fuzz:corpus_test.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocols/codec/base64.hpp"
#include "protocols/mime/address.hpp"
#include "protocols/pop3/internal.hpp"
#include "protocols/sasl/mechanism.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "protocols/sasl/saslprep.hpp"
#include "protocols/smtp/internal.hpp"
#include "protocols/url/url.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  for (;;) {
    const std::size_t end = s.find(sep, at);
    out.push_back(s.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (end == std::string_view::npos) return out;
    at = end + 1;
  }
}

// What the receiving server makes of DATA content: lines, with one leading "." removed.
std::string unstuff(std::string_view wire) {
  std::string out;
  std::size_t at = 0;
  while (at < wire.size()) {
    std::size_t end = wire.find("\r\n", at);
    check(end != std::string_view::npos);  // every line ends in CRLF after finish()
    std::string_view line = wire.substr(at, end - at);
    check(line != ".");                    // would end DATA early
    if (!line.empty() && line[0] == '.') line.remove_prefix(1);
    out.append(line);
    out += "\r\n";
    at = end + 2;
  }
  return out;
}

// The input with every CRLF, bare CR and bare LF as CRLF, and a final CRLF if missing.
std::string normalised(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r') {
      out += "\r\n";
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else if (in[i] == '\n') {
      out += "\r\n";
    } else {
      out += in[i];
    }
  }
  if (!out.empty() && out.back() != '\n') out += "\r\n";
  return out;
}

// A NUL byte or a line (ended by CR or LF) of more than 998 octets: the encoder must refuse it.
bool invalid_message(std::string_view in) {
  std::size_t line = 0;
  for (char c : in) {
    if (c == '\0') return true;
    line = c == '\r' || c == '\n' ? 0 : line + 1;
    if (line > inet::smtp::detail::max_line_octets) return true;
  }
  return false;
}

void data_encoder_case(std::string_view in) {
  inet::smtp::detail::data_encoder enc;
  std::string wire;
  if (invalid_message(in)) {
    try {
      enc.feed(in, wire);
    } catch (const std::system_error& e) {
      check(e.code() == inet::smtp::error::invalid_message);
      return;
    }
    check(false);
  }
  // Uneven chunks: a CR at the end of one chunk and LF at the start of the next.
  std::size_t at = 0, step = 1;
  while (at < in.size()) {
    const std::size_t n = std::min(step, in.size() - at);
    enc.feed(in.substr(at, n), wire);
    at += n;
    step = step * 3 % 17 + 1;
  }
  enc.finish(wire);
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (wire[i] == '\r') check(i + 1 < wire.size() && wire[i + 1] == '\n');
    if (wire[i] == '\n') check(i > 0 && wire[i - 1] == '\r');
  }
  check(unstuff(wire) == normalised(in));
}

void ehlo_case(std::string_view in) {
  inet::smtp::reply r;
  r.code = 250;
  for (auto line : split(in, '\n')) r.lines.emplace_back(line);
  const auto caps = inet::smtp::detail::parse_ehlo(r);
  (void)caps.has("PIPELINING");
  for (auto line : split(in, '\n')) {
    std::string_view text = line;
    for (int code : {250, 451, 550}) {
      std::string_view t = text;
      if (auto st = inet::smtp::detail::parse_enhanced_status(t, code)) {
        check(st->klass == code / 100);
        (void)st->to_string();
      }
    }
  }
}

void pop3_case(std::string_view in) {
  namespace p = inet::pop3;
  for (auto line : split(in, '\n')) {
    try {
      (void)p::detail::parse_status_line(line, true);
    } catch (const std::system_error&) {
    }
    (void)p::detail::parse_number(line);
    (void)p::detail::parse_octets(line);
    for (auto f : {+[](std::string_view s) { (void)p::detail::parse_scan_listing(s); },
                   +[](std::string_view s) { (void)p::detail::parse_uid_listing(s); },
                   +[](std::string_view s) { (void)p::detail::parse_stat(s); }}) {
      try {
        f(line);
      } catch (const std::system_error&) {
      }
    }
    (void)p::parse_response(true, line);
    const std::string ts = p::apop_timestamp(line);
    if (!ts.empty()) check(ts.front() == '<' && ts.back() == '>' && ts.find('@') != std::string::npos);
  }
}

void scram_case(std::string_view in) {
  // The iteration count is the one thing a server may legitimately make expensive (bounded at
  // 10^7 by the client); keep fuzzing fast by skipping inputs that ask for more than 4 digits.
  const std::size_t i = in.find("i=");
  if (i != std::string_view::npos && in.find_first_not_of("0123456789", i + 2) > i + 6) return;
  const auto parts = split(in, '\n');
  inet::sasl::credentials creds;
  creds.username = "user";
  creds.password = "pencil";
  auto m = inet::sasl::make_scram("SHA-256", creds, "rOprNGfwEbeRWgbNEkqO");
  try {
    (void)m->step("");
    (void)m->step(parts[0]);
    if (parts.size() > 1) (void)m->step(parts[1]);
  } catch (const std::system_error&) {
  }
}

void address_case(std::string_view in) {
  try {
    for (const auto& mb : inet::mime::parse_address_list(in)) {
      for (bool utf8 : {false, true}) {
        try {
          const std::string text = inet::mime::format_mailbox(mb, utf8);
          check(text.find_first_of("\r\n") == std::string::npos);
        } catch (const std::system_error&) {
        }
      }
      (void)inet::mime::is_valid_addr_spec(mb.address);
    }
  } catch (const std::system_error&) {
  }
}

void url_case(std::string_view in) {
  try {
    const auto u = inet::url::parse(in);
    (void)u.param("AUTH");
  } catch (const std::system_error&) {
  }
}

void oauth2_case(std::string_view in) {
  try {
    const auto t = inet::sasl::parse_token_response(in, std::chrono::system_clock::time_point{});
    check(!t.access_token.empty());
    check(t.access_token.find_first_of(" \r\n") == std::string::npos);
  } catch (const std::system_error&) {
  }
}

void codec_case(std::string_view in) {
  const std::string enc = inet::codec::base64_encode(in);
  const auto dec = inet::codec::base64_decode(enc);
  check(dec && *dec == in);
  (void)inet::codec::base64_decode(in);
  if (auto prepped = inet::sasl::saslprep(in)) check(prepped->find('\0') == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 8) {
    case 0: data_encoder_case(in); break;
    case 1: ehlo_case(in); break;
    case 2: pop3_case(in); break;
    case 3: scram_case(in); break;
    case 4: address_case(in); break;
    case 5: url_case(in); break;
    case 6: oauth2_case(in); break;
    default: codec_case(in); break;
  }
  return 0;
}
