#include "protocols/transfer/registry.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "protocols/transfer/builtin.hpp"

namespace inet::transfer {
namespace {

using table = std::map<std::pair<url::scheme, direction>, handler_fn>;

table& handlers() {
  static table t = [] {
    table b;
    using url::scheme;
    for (scheme s : {scheme::imap, scheme::imaps}) {
      b[{s, direction::get}] = &detail::imap_get;
      b[{s, direction::put}] = &detail::imap_put;
    }
    for (scheme s : {scheme::ftp, scheme::ftps}) {
      b[{s, direction::get}] = &detail::ftp_get;
      b[{s, direction::put}] = &detail::ftp_put;
    }
    for (scheme s : {scheme::pop3, scheme::pop3s}) b[{s, direction::get}] = &detail::pop3_get;
    for (scheme s : {scheme::smtp, scheme::smtps}) b[{s, direction::put}] = &detail::smtp_put;
    for (scheme s : {scheme::nntp, scheme::nntps, scheme::news, scheme::snews}) {
      b[{s, direction::get}] = &detail::nntp_get;
      b[{s, direction::put}] = &detail::nntp_put;
    }
    for (scheme s : {scheme::gopher, scheme::gophers}) b[{s, direction::get}] = &detail::gopher_get;
    b[{scheme::telnet, direction::get}] = &detail::telnet_get;
    for (scheme s : {scheme::http, scheme::https}) {
      b[{s, direction::get}] = &detail::http_get;
      b[{s, direction::put}] = &detail::http_put;
    }
    return b;
  }();
  return t;
}

std::set<std::pair<url::scheme, direction>>& planners() {
  static std::set<std::pair<url::scheme, direction>> p{{url::scheme::pop3, direction::get},
                                                       {url::scheme::pop3s, direction::get}};
  return p;
}

}  // namespace

bool plans_ahead(url::scheme s, direction d) { return planners().count({s, d}) > 0; }

void set_plans_ahead(url::scheme s, direction d, bool uses) {
  if (uses)
    planners().insert({s, d});
  else
    planners().erase({s, d});
}

void register_handler(url::scheme s, direction d, handler_fn fn) {
  handlers()[{s, d}] = std::move(fn);
}

const handler_fn* find_handler(url::scheme s, direction d) {
  auto& t = handlers();
  auto it = t.find({s, d});
  return it == t.end() || !it->second ? nullptr : &it->second;
}

std::vector<url::scheme> supported_schemes(direction d) {
  std::vector<url::scheme> out;
  for (const auto& [k, fn] : handlers())
    if (k.second == d && fn) out.push_back(k.first);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace inet::transfer
