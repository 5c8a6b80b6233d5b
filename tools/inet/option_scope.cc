// The option/scheme table of option_scope.hpp, built from what each transfer handler reads
// (protocols/transfer/{imap,pop3,smtp,nntp,gopher}.cc).
#include "tools/inet/option_scope.hpp"

#include "protocols/transfer/glob.hpp"
#include "protocols/url/url.hpp"

#include <algorithm>
#include <set>

namespace inet::cli {
namespace {

using names = std::vector<std::string_view>;

const names imap = {"imap", "imaps"};
const names pop3 = {"pop3", "pop3s"};
const names news = {"nntp", "nntps", "news", "snews"};

names join(std::initializer_list<names> lists) {
  names out;
  for (const auto& l : lists) out.insert(out.end(), l.begin(), l.end());
  return out;
}

std::vector<option_scope> make_table() {
  const names none;
  const names smtp = {"smtp", "smtps"};
  const names mail_get = join({imap, pop3});
  const names login_get = join({imap, pop3, news});
  const names login_put = join({imap, smtp, news});
  return {
      {"-C/--continue-at", [](const transfer_options& o) { return o.resume_from || o.resume_auto; },
       none, none},
      {"-L/--location", [](const transfer_options& o) { return o.follow_location; }, none, none},
      {"--max-redirs", [](const transfer_options& o) { return o.max_redirs != 50; }, none, none},
      {"-H/--header", [](const transfer_options& o) { return !o.headers.empty(); }, none, none},
      // pop3 -I only makes a custom command (-X) single-line; a RETR sent single-line would
      // leave the message unread on the connection.
      {"-I/--head", [](const transfer_options& o) { return o.head && o.request.has_value(); },
       join({pop3, news}), none},
      {"-I/--head", [](const transfer_options& o) { return o.head && !o.request; }, news, none},
      {"-i/--include", [](const transfer_options& o) { return o.include; }, none, none},
      {"-f/--fail", [](const transfer_options& o) { return o.fail; }, none, none},
      {"--digest", [](const transfer_options& o) { return o.digest; }, none, none},
      {"-d/--data", [](const transfer_options& o) { return o.data.has_value(); }, none, none},
      {"-r/--range", [](const transfer_options& o) { return o.range.has_value(); }, none, none},
      {"--expect100-timeout",
       [](const transfer_options& o) { return o.expect100_timeout.has_value(); }, none, none},
      {"--compressed", [](const transfer_options& o) { return o.compressed; }, imap, imap},
      {"-l/--list-only", [](const transfer_options& o) { return o.list_only; },
       join({pop3, news}), none},
      {"-X/--request", [](const transfer_options& o) { return o.request.has_value(); },
       login_get, none},
      {"--mail-from", [](const transfer_options& o) { return o.mail_from.has_value(); }, none,
       smtp},
      {"--mail-rcpt", [](const transfer_options& o) { return !o.mail_rcpt.empty(); }, none, smtp},
      {"--mail-auth", [](const transfer_options& o) { return o.mail_auth.has_value(); }, none, smtp},
      {"--extract", [](const transfer_options& o) { return o.extract_dir.has_value(); }, mail_get,
       none},
      {"--parts", [](const transfer_options& o) { return o.parts; }, mail_get, none},
      {"--force", [](const transfer_options& o) { return o.force; }, mail_get, none},
      {"--login-options", [](const transfer_options& o) { return o.login_options.has_value(); },
       login_get, login_put},
      {"--oauth2-bearer", [](const transfer_options& o) { return o.oauth2_bearer.has_value(); },
       login_get, login_put},
  };
}

bool contains(const names& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

const std::vector<option_scope>& option_scopes() {
  static const std::vector<option_scope> table = make_table();
  return table;
}

const std::vector<std::string_view>& checked_schemes() {
  static const names all = join({imap, pop3, {"smtp", "smtps"}, news, {"gopher", "gophers"}});
  return all;
}

std::optional<std::string> unsupported_option(const transfer_options& o, std::string_view scheme,
                                              direction d) {
  if (!contains(checked_schemes(), scheme)) return std::nullopt;
  for (const auto& row : option_scopes()) {
    if (!row.given(o)) continue;
    const names& ok = d == direction::get ? row.get_schemes : row.put_schemes;
    if (contains(ok, scheme)) continue;
    return "option " + std::string(row.option) + ": not supported for " + std::string(scheme) +
           ":// URLs" + (d == direction::put ? " (put)" : "");
  }
  return std::nullopt;
}

std::optional<std::string> unsupported_option_in_group(const transfer_options& o, direction d) {
  std::set<std::string> seen;
  auto check = [&](const std::string& text) -> std::optional<std::string> {
    std::string name;
    try {
      name = std::string(url::to_string(url::parse(text).scheme));
    } catch (const std::exception&) {
      return std::nullopt;
    }
    if (!seen.insert(name).second) return std::nullopt;
    return unsupported_option(o, name, d);
  };
  for (const auto& text : o.urls) {
    // Only a glob in the scheme can give one pattern's URLs different schemes.
    const auto sep = text.find("://");
    const bool scheme_globbed =
        !o.globoff && text.substr(0, sep).find_first_of("{[") != std::string::npos;
    std::vector<std::string> urls{text};
    try {
      if (!o.globoff) {
        transfer::url_glob g(text);
        urls.clear();
        for (std::size_t i = 0; i < g.size() && (scheme_globbed || i == 0); ++i)
          urls.push_back(g.at(i).url);
      }
    } catch (const std::exception&) {
      continue;  // a bad glob is reported by the transfer (exit 3)
    }
    for (const auto& u : urls)
      if (auto why = check(u)) return why;
  }
  return std::nullopt;
}

}  // namespace inet::cli
