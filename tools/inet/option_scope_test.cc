// Every get/put option either reaches a handler that honours it or is refused before anything is
// sent (exit 2, curl's option-error status), per scheme: a table of cases run through inet::cli::run
// with a recording handler registered for every scheme.
#include "tools/inet/cli.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/option_scope.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace inet::cli {
namespace {

using strings = std::vector<std::string>;

struct scope_case {
  strings options;
  std::string url;
  direction dir;
  bool accepted;
  std::string refused_option;  ///< as named in the refusal
};

std::ostream& operator<<(std::ostream& os, const scope_case& c) {
  os << (c.dir == direction::get ? "get" : "put");
  for (const auto& o : c.options) os << ' ' << o;
  return os << ' ' << c.url;
}

constexpr auto get = direction::get;
constexpr auto put = direction::put;

const scope_case cases[] = {
    // The options the issue found silently ignored for mail URLs.
    {{"-C", "5"}, "imap://h/INBOX;UID=1", get, false, "-C/--continue-at"},
    {{"-C", "-"}, "pop3://h/1", get, false, "-C/--continue-at"},
    {{"-L"}, "imap://h/INBOX;UID=1", get, false, "-L/--location"},
    {{"--max-redirs", "3"}, "pop3://h/1", get, false, "--max-redirs"},
    {{"-H", "X-A: b"}, "imap://h/INBOX;UID=1", get, false, "-H/--header"},
    {{"-H", "X-A: b"}, "smtp://h", put, false, "-H/--header"},
    {{"-I"}, "imap://h/INBOX;UID=1", get, false, "-I/--head"},
    {{"-I"}, "pop3://h/1", get, false, "-I/--head"},
    {{"-I", "-X", "DELE"}, "pop3://h/1", get, true, ""},
    {{"-I"}, "nntp://h/g/1", get, true, ""},
    {{"-i"}, "pop3s://h/1", get, false, "-i/--include"},
    {{"--fail"}, "imaps://h/INBOX;UID=1", get, false, "-f/--fail"},
    {{"-f"}, "nntp://h/g/1", get, false, "-f/--fail"},
    {{"--digest", "-u", "a:b"}, "imap://h/INBOX;UID=1", get, false, "--digest"},
    {{"-d", "x"}, "pop3://h/1", get, false, "-d/--data"},
    {{"-I"}, "smtp://h", put, false, "-I/--head"},
    {{"-I"}, "gopher://h/0x", get, false, "-I/--head"},
    // Options that work for these schemes reach the handler.
    {{"--compressed"}, "imap://h/INBOX;UID=1", get, true, ""},
    {{"--compressed"}, "pop3://h/1", get, false, "--compressed"},
    {{"-l"}, "pop3://h/", get, true, ""},
    {{"-l"}, "imap://h/INBOX", get, false, "-l/--list-only"},
    {{"-X", "UIDL"}, "pop3://h/", get, true, ""},
    {{"-X", "EXAMINE INBOX"}, "imap://h/", get, true, ""},
    {{"-X", "VRFY a"}, "smtp://h", put, false, "-X/--request"},
    {{"--mail-from", "a@b", "--mail-rcpt", "c@d"}, "smtp://h", put, true, ""},
    {{"--mail-rcpt", "c@d"}, "imap://h/INBOX", put, false, "--mail-rcpt"},
    {{"--mail-auth", "a@b", "--mail-rcpt", "c@d"}, "smtp://h", put, true, ""},
    {{"--mail-auth", "a@b"}, "pop3://h/1", get, false, "--mail-auth"},
    {{"--mail-from", "a@b"}, "pop3://h/1", get, false, "--mail-from"},
    {{"--extract", "d", "--force"}, "imap://h/INBOX;UID=1", get, true, ""},
    {{"--parts"}, "pop3://h/1", get, true, ""},
    {{"--parts"}, "nntp://h/g/1", get, false, "--parts"},
    {{"--login-options", "AUTH=PLAIN"}, "smtp://h", put, true, ""},
    {{"--login-options", "AUTH=PLAIN"}, "gopher://h/", get, false, "--login-options"},
    {{"--oauth2-bearer", "t"}, "imap://h/INBOX;UID=1", get, true, ""},
    {{"-m", "5", "--limit-rate", "1k", "-k", "--ssl-reqd"}, "pop3://h/1", get, true, ""},
    // Schemes whose handlers own their options are not second-guessed here.
    {{"-L", "-i", "--fail", "-H", "A: b"}, "http://h/", get, true, ""},
    // URLs without a scheme, globs and several URLs: each URL is checked.
    {{"-L"}, "pop3://h/[1-3]", get, false, "-L/--location"},
    {{"-I"}, "{nntp,imap}://h/x", get, false, "-I/--head"},
};

class OptionScope : public ::testing::TestWithParam<scope_case> {
 protected:
  void SetUp() override {
    clear_handlers();
    for (auto s : {url::scheme::imap, url::scheme::imaps, url::scheme::pop3, url::scheme::pop3s,
                   url::scheme::smtp, url::scheme::nntp, url::scheme::gopher, url::scheme::http}) {
      auto record = [this](const transfer_options&, const url::parsed_url& u, transfer_context&) {
        called.push_back(u.scheme_name);
        return 0;
      };
      register_get_handler(s, record);
      register_put_handler(s, record);
    }
  }
  void TearDown() override { clear_handlers(); }
  std::vector<std::string> called;
};

TEST_P(OptionScope, AcceptedOrRefusedBeforeAnythingIsSent) {
  const scope_case& c = GetParam();
  strings args{"inet", c.dir == get ? "get" : "put"};
  args.insert(args.end(), c.options.begin(), c.options.end());
  if (c.dir == put) args.insert(args.end(), {"-T", "-"});
  args.push_back(c.url);
  std::ostringstream out, err;
  std::istringstream in("Subject: x\r\n\r\nbody\r\n");
  const int status = run(args, out, err, in);
  if (c.accepted) {
    EXPECT_EQ(status, 0) << err.str();
    EXPECT_FALSE(called.empty());
    EXPECT_EQ(err.str(), "");
  } else {
    EXPECT_EQ(status, 2);
    EXPECT_TRUE(called.empty()) << "a handler ran for a refused option";
    EXPECT_NE(err.str().find("inet: option " + c.refused_option + ": not supported for "),
              std::string::npos)
        << err.str();
    EXPECT_NE(err.str().find("try 'inet help"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, OptionScope, ::testing::ValuesIn(cases));

TEST(OptionScopeTable, EveryRowNamesARealOptionOfHelp) {
  const std::string help = command_help(direction::get);
  for (const auto& row : option_scopes()) {
    std::string_view name = row.option;
    if (auto slash = name.find('/'); slash != std::string_view::npos) name = name.substr(slash + 1);
    EXPECT_NE(help.find(std::string(name)), std::string::npos) << row.option;
  }
}

TEST(OptionScopeTable, OnlyCheckedSchemesAreRefused) {
  transfer_options o;
  o.follow_location = true;
  EXPECT_EQ(unsupported_option(o, "https", direction::get), std::nullopt);
  EXPECT_EQ(unsupported_option(o, "ftp", direction::get), std::nullopt);
  EXPECT_EQ(unsupported_option(o, "imaps", direction::get),
            "option -L/--location: not supported for imaps:// URLs");
  EXPECT_EQ(unsupported_option(o, "smtp", direction::put),
            "option -L/--location: not supported for smtp:// URLs (put)");
}

}  // namespace
}  // namespace inet::cli
