// Credentials (moved from tools/inet/options.cc), environment proxies, TLS policy.
#include "protocols/transfer/options.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "protocols/transfer/netrc.hpp"

namespace inet::transfer {

tls_mode effective_tls(const options& o, bool password_will_be_sent) {
  if (o.tls) return *o.tls;
  return password_will_be_sent ? tls_mode::required : tls_mode::opportunistic;
}

credentials resolve_credentials(const options& o, const url::parsed_url& u) {
  credentials c;
  if (o.user) {
    c = {o.user, o.password};
  } else if (u.user) {
    c = {u.user, u.password};
  }
  if (!o.netrc && !o.netrc_optional && !o.netrc_file) return c;
  // --netrc alone is curl's CURL_NETRC_REQUIRED: URL credentials are ignored (-u still wins).
  const bool replace_url = o.netrc && !o.netrc_optional && !o.netrc_file && !o.user;
  if (replace_url) c = {};
  if (c.user && c.password) return c;
  std::string path = o.netrc_file ? *o.netrc_file : default_netrc_path();
  if (path.empty()) return c;
  std::vector<netrc_entry> entries;
  try {
    entries = load_netrc(path);
  } catch (const std::system_error& e) {
    if (!o.netrc_file && e.code() == netrc_error::unreadable) return c;  // no ~/.netrc: fine
    throw;
  }
  std::optional<std::string_view> login;
  if (c.user) login = *c.user;
  auto entry = find_netrc(entries, u.host, login);
  if (!entry) return c;
  if (!c.user) c.user = entry->login;
  if (!c.password) c.password = entry->password;
  return c;
}

namespace {

std::optional<std::string> env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

/// curl's no_proxy rule: "*" matches all; otherwise each comma/space-separated entry (leading
/// '.' ignored) matches the host itself or any name ending in "." + entry.
bool no_proxy_matches(const std::string& list, const std::string& host_in) {
  const std::string host = lower(host_in);
  std::size_t i = 0;
  while (i < list.size()) {
    std::size_t j = list.find_first_of(", ", i);
    if (j == std::string::npos) j = list.size();
    std::string entry = lower(list.substr(i, j - i));
    i = j + 1;
    if (entry.empty()) continue;
    if (entry == "*") return true;
    if (entry.front() == '.') entry.erase(0, 1);
    if (host == entry) return true;
    if (host.size() > entry.size() && host.ends_with(entry) &&
        host[host.size() - entry.size() - 1] == '.')
      return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> proxy_from_environment(const url::parsed_url& u) {
  const auto no_proxy = env("no_proxy") ? env("no_proxy") : env("NO_PROXY");
  if (no_proxy && no_proxy_matches(*no_proxy, u.host)) return std::nullopt;
  const std::string var = u.scheme_name + "_proxy";
  if (auto v = env(lower(var))) return v;
  if (u.scheme != url::scheme::http)  // curl ignores HTTP_PROXY (CGI "httpoxy")
    if (auto v = env(upper(var))) return v;
  if (auto v = env("all_proxy")) return v;
  return env("ALL_PROXY");
}

}  // namespace inet::transfer
