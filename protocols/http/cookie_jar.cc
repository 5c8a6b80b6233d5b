// RFC 6265 cookie jar and curl's Netscape cookie file format. See cookie_jar.hpp.
#include "protocols/http/cookie_jar.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <numeric>

namespace inet::http {
namespace {

constexpr std::size_t max_pair = 4096;        // name + value
constexpr std::size_t max_set_cookie = 8192;  // one Set-Cookie value
constexpr std::size_t max_per_domain = 150;
constexpr std::size_t max_total = 3000;
constexpr std::int64_t max_time = 253402300799;  // 9999-12-31T23:59:59Z

// Multi-label public suffixes refused as a Domain attribute (a small part of the Public Suffix
// List: common second-level registries and shared hosting domains).
// clang-format off
constexpr std::array<std::string_view, 48> multi_label_suffixes = {
    "co.uk",  "org.uk", "ac.uk",  "gov.uk", "me.uk",  "net.uk", "ltd.uk", "plc.uk",
    "sch.uk", "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.jp",  "ne.jp",
    "or.jp",  "ac.jp",  "go.jp",  "co.nz",  "org.nz", "net.nz", "com.br", "com.cn",
    "net.cn", "org.cn", "gov.cn", "com.mx", "co.in",  "co.za",  "com.tw", "co.kr",
    "com.sg", "com.tr", "com.ar", "co.il",  "com.hk", "com.es", "co.id",  "com.my",
    "github.io", "gitlab.io", "blogspot.com", "herokuapp.com", "appspot.com",
    "cloudfront.net", "azurewebsites.net", "netlify.app"};
// clang-format on

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

// Control characters (HTAB included) and ';' would break or inject into a Cookie header.
bool clean(std::string_view s) {
  return std::none_of(s.begin(), s.end(),
                      [](unsigned char c) { return c < 0x20 || c == 0x7f || c == ';'; });
}

bool is_ip_literal(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;  // IPv6
  return !host.empty() && std::all_of(host.begin(), host.end(),
                                      [](unsigned char c) { return std::isdigit(c) || c == '.'; });
}

// §5.1.4 default-path of a request path.
std::string default_path(std::string_view uri_path) {
  if (uri_path.empty() || uri_path.front() != '/') return "/";
  const auto last = uri_path.rfind('/');
  if (last == 0) return "/";
  return std::string(uri_path.substr(0, last));
}

std::int64_t seconds(cookie_jar::clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool date_delimiter(unsigned char c) {
  return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) ||
         (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

// Leading 1..max digits of `t` (followed by anything but a digit) -> value.
std::optional<int> leading_digits(std::string_view t, std::size_t min, std::size_t max) {
  std::size_t n = 0;
  while (n < t.size() && std::isdigit(static_cast<unsigned char>(t[n]))) ++n;
  if (n < min || n > max) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v * 10 + (t[i] - '0');
  return v;
}

struct parsed_attributes {
  std::optional<std::int64_t> expires, max_age;
  std::optional<std::string> domain, path;
  bool secure = false, http_only = false;
};

void parse_attribute(std::string_view av, parsed_attributes& a) {
  const auto eq = av.find('=');
  const std::string_view name = trim(av.substr(0, eq));
  const std::string_view value = eq == std::string_view::npos ? "" : trim(av.substr(eq + 1));
  if (iequals(name, "expires")) {
    a.expires = cookie_jar::parse_cookie_date(value);
  } else if (iequals(name, "max-age")) {
    const bool neg = value.starts_with('-');
    const std::string_view digits = neg ? value.substr(1) : value;
    if (digits.empty() ||
        !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
      return;
    std::int64_t v = 0;
    for (char c : digits) v = std::min<std::int64_t>(v * 10 + (c - '0'), max_time);
    a.max_age = neg ? -v : v;
  } else if (iequals(name, "domain")) {
    if (value.empty()) return;
    std::string d = lower(value.starts_with('.') ? value.substr(1) : value);
    a.domain = std::move(d);
  } else if (iequals(name, "path")) {
    // Empty or not absolute: the default path (kept as "").
    a.path = value.empty() || value.front() != '/' ? std::string() : std::string(value);
  } else if (iequals(name, "secure")) {
    a.secure = true;
  } else if (iequals(name, "httponly")) {
    a.http_only = true;
  }
}

}  // namespace

std::optional<std::int64_t> cookie_jar::parse_cookie_date(std::string_view text) {
  std::optional<int> hour, minute, second, day, month, year;
  static constexpr std::array<std::string_view, 12> months = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && date_delimiter(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t j = i;
    while (j < text.size() && !date_delimiter(static_cast<unsigned char>(text[j]))) ++j;
    const std::string_view tok = text.substr(i, j - i);
    i = j;
    if (tok.empty()) continue;
    if (!hour) {  // time: 1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT ( non-digit *OCTET )
      const auto c1 = tok.find(':');
      const auto c2 = c1 == std::string_view::npos ? c1 : tok.find(':', c1 + 1);
      if (c2 != std::string_view::npos) {
        const auto h = c1 >= 1 && c1 <= 2 ? leading_digits(tok.substr(0, c1), c1, 2) : std::nullopt;
        const auto m = c2 - c1 - 1 >= 1 && c2 - c1 - 1 <= 2
                           ? leading_digits(tok.substr(c1 + 1, c2 - c1 - 1), c2 - c1 - 1, 2)
                           : std::nullopt;
        const auto s = leading_digits(tok.substr(c2 + 1), 1, 2);
        if (h && m && s) {
          hour = h, minute = m, second = s;
          continue;
        }
      }
    }
    if (!day) {
      if (const auto d = leading_digits(tok, 1, 2)) {
        day = d;
        continue;
      }
    }
    if (!month && tok.size() >= 3) {
      const std::string m = lower(tok.substr(0, 3));
      const auto it = std::find(months.begin(), months.end(), m);
      if (it != months.end()) {
        month = static_cast<int>(it - months.begin()) + 1;
        continue;
      }
    }
    if (!year) {
      if (const auto y = leading_digits(tok, 2, 4)) year = y;
    }
  }
  if (!hour || !day || !month || !year) return std::nullopt;
  int y = *year;
  if (y >= 70 && y <= 99) y += 1900;
  if (y >= 0 && y <= 69) y += 2000;
  if (*day < 1 || *day > 31 || y < 1601 || *hour > 23 || *minute > 59 || *second > 59)
    return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400 +
         *hour * 3600 + *minute * 60 + *second;
}

bool cookie_jar::is_public_suffix(std::string_view domain) {
  if (domain.empty() || domain.find('.') == std::string_view::npos) return true;
  const std::string d = lower(domain);
  return std::find(multi_label_suffixes.begin(), multi_label_suffixes.end(), d) !=
         multi_label_suffixes.end();
}

bool cookie_jar::domain_match(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return !is_ip_literal(host) && host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

bool cookie_jar::path_match(std::string_view request_path, std::string_view cookie_path) {
  if (request_path == cookie_path) return true;
  return request_path.starts_with(cookie_path) &&
         (cookie_path.ends_with('/') || request_path[cookie_path.size()] == '/');
}

bool cookie_jar::set(std::string_view set_cookie, std::string_view host, std::string_view path,
                     bool secure_origin, clock::time_point now) {
  if (set_cookie.size() > max_set_cookie) return false;
  const auto semi = set_cookie.find(';');
  const std::string_view pair = set_cookie.substr(0, semi);
  const auto eq = pair.find('=');
  if (eq == std::string_view::npos) return false;
  cookie c;
  c.name = std::string(trim(pair.substr(0, eq)));
  c.value = std::string(trim(pair.substr(eq + 1)));
  if (c.name.empty()) return false;
  parsed_attributes a;
  std::string_view rest = semi == std::string_view::npos ? "" : set_cookie.substr(semi + 1);
  while (!rest.empty()) {
    const auto next = rest.find(';');
    parse_attribute(rest.substr(0, next), a);
    rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
  }
  const std::int64_t t = seconds(now);
  if (a.max_age)
    c.expires = *a.max_age <= 0 ? std::int64_t{0} : std::min(t + *a.max_age, max_time);
  else if (a.expires)
    c.expires = std::min(*a.expires, max_time);
  const std::string h = lower(host);
  if (a.domain && !a.domain->empty()) {
    if (!domain_match(h, *a.domain)) return false;  // another domain
    // A public suffix is only allowed as the host itself, and then host-only (§5.3 step 5).
    if (is_public_suffix(*a.domain) && *a.domain != h) return false;
    c.host_only = is_public_suffix(*a.domain);
    c.domain = *a.domain;
  } else {
    c.domain = h;
  }
  c.path = a.path && !a.path->empty() ? *a.path : default_path(path.substr(0, path.find('?')));
  c.secure = a.secure;
  c.http_only = a.http_only;
  return store(std::move(c), secure_origin, t);
}

bool cookie_jar::add(cookie c, clock::time_point now) {
  c.domain = lower(c.domain);
  if (c.domain.starts_with('.')) {
    c.domain.erase(0, 1);
    c.host_only = false;
  }
  if (c.domain.empty() || (!c.host_only && is_public_suffix(c.domain))) return false;
  if (c.path.empty() || c.path.front() != '/') return false;
  return store(std::move(c), true, seconds(now));
}

bool cookie_jar::store(cookie c, bool secure_origin, std::int64_t now) {
  if (c.name.size() + c.value.size() > max_pair || !clean(c.name) || !clean(c.value) ||
      c.name.find('=') != std::string::npos || !clean(c.domain) || !clean(c.path) ||
      c.domain.find_first_of(" \t") != std::string::npos)
    return false;
  if (c.secure && !secure_origin) return false;
  expire(now);
  const auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const cookie& o) {
    return o.name == c.name && o.domain == c.domain && o.path == c.path;
  });
  if (!secure_origin && same != cookies_.end() && same->secure) return false;
  std::uint64_t created = next_++;
  if (same != cookies_.end()) {
    const auto i = static_cast<std::size_t>(same - cookies_.begin());
    created = created_[i];
    cookies_.erase(same);
    created_.erase(created_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  if (c.expires && *c.expires <= now) return true;  // a deletion
  auto evict_oldest = [&](auto pred) {
    std::size_t oldest = cookies_.size();
    for (std::size_t i = 0; i < cookies_.size(); ++i)
      if (pred(cookies_[i]) && (oldest == cookies_.size() || created_[i] < created_[oldest]))
        oldest = i;
    if (oldest == cookies_.size()) return;
    cookies_.erase(cookies_.begin() + static_cast<std::ptrdiff_t>(oldest));
    created_.erase(created_.begin() + static_cast<std::ptrdiff_t>(oldest));
  };
  const auto in_domain = [&](const cookie& o) { return o.domain == c.domain; };
  if (static_cast<std::size_t>(std::count_if(cookies_.begin(), cookies_.end(), in_domain)) >=
      max_per_domain)
    evict_oldest(in_domain);
  if (cookies_.size() >= max_total) evict_oldest([](const cookie&) { return true; });
  cookies_.push_back(std::move(c));
  created_.push_back(created);
  return true;
}

void cookie_jar::expire(std::int64_t now) {
  for (std::size_t i = cookies_.size(); i-- > 0;) {
    if (cookies_[i].expires && *cookies_[i].expires <= now) {
      cookies_.erase(cookies_.begin() + static_cast<std::ptrdiff_t>(i));
      created_.erase(created_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
}

std::string cookie_jar::header_for(std::string_view host, std::string_view path, bool secure_origin,
                                   clock::time_point now) const {
  const std::string h = lower(host);
  const std::string_view p = path.empty() ? "/" : path.substr(0, path.find('?'));
  const std::int64_t t = seconds(now);
  std::vector<std::size_t> hits;
  for (std::size_t i = 0; i < cookies_.size(); ++i) {
    const cookie& c = cookies_[i];
    if (c.expires && *c.expires <= t) continue;
    if (c.host_only ? h != c.domain : !domain_match(h, c.domain)) continue;
    if (!path_match(p, c.path) || (c.secure && !secure_origin)) continue;
    hits.push_back(i);
  }
  std::stable_sort(hits.begin(), hits.end(), [&](std::size_t a, std::size_t b) {
    if (cookies_[a].path.size() != cookies_[b].path.size())
      return cookies_[a].path.size() > cookies_[b].path.size();
    return created_[a] < created_[b];
  });
  std::string out;
  for (std::size_t i : hits) {
    if (!out.empty()) out += "; ";
    out += cookies_[i].name + "=" + cookies_[i].value;
  }
  return out;
}

std::size_t cookie_jar::load_netscape(std::string_view text, clock::time_point now) {
  std::size_t added = 0;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? "" : text.substr(eol + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    cookie c;
    if (line.starts_with("#HttpOnly_")) {
      c.http_only = true;
      line.remove_prefix(10);
    } else if (line.empty() || line.front() == '#') {
      continue;
    }
    std::vector<std::string_view> f;
    while (f.size() < 6) {
      const auto tab = line.find('\t');
      if (tab == std::string_view::npos) break;
      f.push_back(line.substr(0, tab));
      line.remove_prefix(tab + 1);
    }
    f.push_back(line);  // the value (may hold tabs), or the name of a 6-field line
    if (f.size() == 6) f.emplace_back();
    if (f.size() != 7) continue;
    c.domain = std::string(f[0]);
    c.host_only = !iequals(f[1], "TRUE");
    c.path = std::string(f[2]);
    c.secure = iequals(f[3], "TRUE");
    std::int64_t e = 0;
    if (f[4].empty() || f[4].size() > 18 ||
        !std::all_of(f[4].begin(), f[4].end(), [](unsigned char ch) { return std::isdigit(ch); }))
      continue;
    for (char ch : f[4]) e = e * 10 + (ch - '0');
    if (e != 0 && e <= seconds(now)) continue;  // expired
    if (e != 0) c.expires = std::min(e, max_time);
    c.name = std::string(f[5]);
    c.value = std::string(f[6]);
    if (c.name.empty()) continue;
    if (!c.domain.starts_with('.') && !c.host_only) c.domain.insert(0, ".");
    if (add(std::move(c), now)) ++added;
  }
  return added;
}

std::string cookie_jar::netscape(clock::time_point now) const {
  std::string out =
      "# Netscape HTTP Cookie File\n"
      "# https://curl.se/docs/http-cookies.html\n"
      "# This file was generated by inetpp. Edit at your own risk.\n\n";
  const std::int64_t t = seconds(now);
  for (const cookie& c : cookies_) {
    if (c.expires && *c.expires <= t) continue;
    out += (c.http_only ? "#HttpOnly_" : "") + std::string(c.host_only ? "" : ".") + c.domain +
           "\t" + (c.host_only ? "FALSE" : "TRUE") + "\t" + c.path + "\t" +
           (c.secure ? "TRUE" : "FALSE") + "\t" + std::to_string(c.expires.value_or(0)) + "\t" +
           c.name + "\t" + c.value + "\n";
  }
  return out;
}

}  // namespace inet::http
