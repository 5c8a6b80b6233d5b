// The sans-I/O halves of the proxy handshakes (proxy.hpp, namespace detail): what a SOCKS5 or
// HTTP CONNECT proxy answers is judged here; proxy.cc only moves the bytes.
#include <cstdlib>
#include <string>
#include <system_error>

#include "transport/error.hpp"
#include "transport/proxy.hpp"
#include "transport/trace.hpp"

namespace inet::transport {
namespace {

[[noreturn]] void fail(error e, const std::string& why) {
  throw std::system_error(make_error_code(e), why);
}

const char* socks_reply_text(unsigned char rep) {
  switch (rep) {
    case 1: return "general SOCKS server failure";
    case 2: return "connection not allowed by ruleset";
    case 3: return "network unreachable";
    case 4: return "host unreachable";
    case 5: return "connection refused";
    case 6: return "TTL expired";
    case 7: return "command not supported";
    case 8: return "address type not supported";
    default: return "unknown SOCKS5 error";
  }
}

}  // namespace

namespace detail {

unsigned char parse_socks5_method(std::string_view reply, bool with_auth) {
  if (reply.size() != 2 || reply[0] != 5) fail(error::proxy_failed, "not a SOCKS5 proxy");
  const auto method = static_cast<unsigned char>(reply[1]);
  if (method == 0xFF) fail(error::proxy_auth_failed, "SOCKS5 proxy accepts none of our methods");
  if (method == 2 && !with_auth) fail(error::proxy_auth_failed, "SOCKS5 proxy demands a user name");
  if (method != 0 && method != 2)
    fail(error::proxy_failed, "SOCKS5 proxy chose an unsupported method");
  return method;
}

void check_socks5_auth_status(std::string_view reply) {
  if (reply.size() != 2 || reply[1] != 0)
    fail(error::proxy_auth_failed, "SOCKS5 proxy rejected the credentials");
}

std::size_t socks5_reply_needs(std::string_view got) {
  if (got.size() < 4) return 4 - got.size();
  if (got[0] != 5) fail(error::proxy_failed, "malformed SOCKS5 reply");
  if (got[1] != 0)
    fail(error::proxy_failed, std::string("SOCKS5 proxy: ") +
                                  socks_reply_text(static_cast<unsigned char>(got[1])));
  std::size_t total = 0;
  switch (got[3]) {
    case 1: total = 4 + 4 + 2; break;
    case 4: total = 4 + 16 + 2; break;
    case 3:
      if (got.size() < 5) return 5 - got.size();
      total = 5 + static_cast<unsigned char>(got[4]) + 2u;
      break;
    default: fail(error::proxy_failed, "malformed SOCKS5 reply address");
  }
  return got.size() < total ? total - got.size() : 0;
}

bool connect_head_parser::feed(char c) {
  if (++total_ > max_connect_head_bytes)
    fail(error::proxy_failed, "proxy response head too large");
  if (c != '\n') {
    line_.push_back(c);
    return false;
  }
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (first_) {
    first_ = false;
    if (line_.rfind("HTTP/1.", 0) != 0 || line_.size() < 12)
      fail(error::proxy_failed, "malformed proxy response: " + escape_control(line_.substr(0, 80)));
    const int status = std::atoi(line_.substr(9, 3).c_str());
    // The proxy's words reach the user's terminal: escape them and keep them short.
    const std::string shown = escape_control(line_.substr(0, 200));
    if (status == 407) fail(error::proxy_auth_failed, "proxy: " + shown);
    if (status / 100 != 2) fail(error::proxy_failed, "proxy refused CONNECT: " + shown);
  } else if (line_.empty()) {
    return true;
  }
  line_.clear();
  return false;
}

}  // namespace detail

}  // namespace inet::transport
