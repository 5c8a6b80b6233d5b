#include "tests/smtp/test_util.hpp"

#include <algorithm>
#include <cstring>

namespace inet::smtp::testing {

std::string ehlo_reply(const std::vector<std::string>& keywords) {
  if (keywords.empty()) return "250 mock.test\r\n";
  std::string out = "250-mock.test\r\n";
  for (std::size_t i = 0; i < keywords.size(); ++i)
    out += (i + 1 == keywords.size() ? "250 " : "250-") + keywords[i] + "\r\n";
  return out;
}

mock::script greet_ehlo(const std::vector<std::string>& keywords) {
  mock::script s;
  s.send("220 mock.test ESMTP ready\r\n")
      .expect("EHLO " + std::string(helo_name))
      .send(ehlo_reply(keywords));
  return s;
}

client_options options_for(const mock::mock_server& srv) {
  client_options o;
  o.host = srv.host();
  o.port = srv.port();
  o.helo_name = std::string(helo_name);
  o.policy = transport::tls_policy::none;
  o.tls.ca_file = mock::test_pki::instance().ca_file();
  o.connect.time.connect = 5s;
  o.connect.time.idle = 5s;
  return o;
}

std::string unstuff(std::string_view wire) {
  std::string out;
  out.reserve(wire.size());
  bool line_start = true;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    const char c = wire[i];
    if (line_start && c == '.') {
      line_start = false;
      continue;  // the stuffed dot
    }
    out.push_back(c);
    line_start = c == '\n' && i > 0 && wire[i - 1] == '\r';
  }
  return out;
}

std::string normalize_crlf(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r') {
      out += "\r\n";
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else if (in[i] == '\n') {
      out += "\r\n";
    } else {
      out.push_back(in[i]);
    }
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

std::size_t chunky_source::read(std::span<char> out) {
  ++reads_;
  peak_ = std::max(peak_, out.size());
  const std::size_t n = std::min({out.size(), max_, data_.size() - pos_});
  std::memcpy(out.data(), data_.data() + pos_, n);
  pos_ += n;
  return n;
}

envelope simple_envelope(std::string from, std::string to) {
  envelope e;
  e.mail_from = std::move(from);
  e.recipients.push_back({std::move(to), "", ""});
  return e;
}

}  // namespace inet::smtp::testing
