#include "protocols/http/digest.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <cstdio>
#include <map>

namespace inet::http {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string hex_hash(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  std::string hex;
  char b[3];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", out[i]);
    hex += b;
  }
  return hex;
}

// auth-param list: name=token or name="quoted\"string", comma separated (RFC 9110 §11.2).
std::map<std::string, std::string> parse_params(std::string_view s) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  auto skip = [&] { while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) ++i; };
  while (skip(), i < s.size()) {
    const std::size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string name = lower(s.substr(i, eq - i));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    i = eq + 1;
    while (i < s.size() && s[i] == ' ') ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i];
      }
      ++i;
    } else {
      while (i < s.size() && s[i] != ',') value += s[i++];
      while (!value.empty() && value.back() == ' ') value.pop_back();
    }
    out[name] = value;
  }
  return out;
}

std::string quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::optional<digest_challenge> parse_digest_challenge(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (v.size() < 7 || lower(v.substr(0, 6)) != "digest" || v[6] != ' ') return std::nullopt;
  auto p = parse_params(v.substr(7));
  digest_challenge c;
  c.realm = p["realm"];
  c.nonce = p["nonce"];
  c.opaque = p["opaque"];
  if (p.count("algorithm")) c.algorithm = p["algorithm"];
  const std::string alg = lower(c.algorithm);
  if (alg != "md5" && alg != "md5-sess" && alg != "sha-256" && alg != "sha-256-sess")
    return std::nullopt;
  const std::string qop = "," + lower(p["qop"]) + ",";
  std::string compact;
  for (char ch : qop)
    if (ch != ' ' && ch != '\t') compact += ch;
  c.qop_auth = compact.find(",auth,") != std::string::npos;
  c.stale = lower(p["stale"]) == "true";
  if (c.nonce.empty()) return std::nullopt;
  return c;
}

std::string digest_authorization(const digest_challenge& c, const std::string& user,
                                 const std::string& password, const std::string& method,
                                 const std::string& uri, const std::string& cnonce, unsigned nc) {
  const std::string alg = lower(c.algorithm);
  const EVP_MD* md = alg.starts_with("sha-256") ? EVP_sha256() : EVP_md5();
  std::string ha1 = hex_hash(md, user + ":" + c.realm + ":" + password);
  if (alg.ends_with("-sess")) ha1 = hex_hash(md, ha1 + ":" + c.nonce + ":" + cnonce);
  const std::string ha2 = hex_hash(md, method + ":" + uri);
  char ncs[9];
  std::snprintf(ncs, sizeof ncs, "%08x", nc);
  const std::string response =
      c.qop_auth ? hex_hash(md, ha1 + ":" + c.nonce + ":" + ncs + ":" + cnonce + ":auth:" + ha2)
                 : hex_hash(md, ha1 + ":" + c.nonce + ":" + ha2);
  std::string h = "Digest username=" + quoted(user) + ", realm=" + quoted(c.realm) +
                  ", uri=" + quoted(uri) + ", algorithm=" + c.algorithm +
                  ", nonce=" + quoted(c.nonce);
  if (c.qop_auth) h += ", nc=" + std::string(ncs) + ", cnonce=" + quoted(cnonce) + ", qop=auth";
  h += ", response=" + quoted(response);
  if (!c.opaque.empty()) h += ", opaque=" + quoted(c.opaque);
  return h;
}

}  // namespace inet::http
