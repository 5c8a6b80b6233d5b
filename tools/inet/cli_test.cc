#include "tools/inet/cli.hpp"
#include "tools/inet/commands.hpp"
#include "tools/inet/exit_codes.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/netrc.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace inet::cli {
namespace {

using namespace std::chrono_literals;
using strings = std::vector<std::string>;

transfer_options one(const strings& args, direction d = direction::get) {
  auto groups = parse_transfer_args(args, d);
  EXPECT_EQ(groups.size(), 1u);
  return groups.at(0);
}

struct result {
  int status;
  std::string out, err;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    clear_handlers();
    clear_commands();
  }
  void TearDown() override {
    clear_handlers();
    clear_commands();
  }
  result call(strings args, std::string input = "") {
    args.insert(args.begin(), "inet");
    std::ostringstream out, err;
    std::istringstream in(input);
    int status = run(args, out, err, in);
    return {status, out.str(), err.str()};
  }
};

TEST(Options, Credentials) {
  auto o = one({"-u", "alice:pa:ss", "--netrc-file", "/tmp/n", "--login-options", "AUTH=PLAIN",
                "--oauth2-bearer", "tok", "imap://h/"});
  EXPECT_EQ(o.user, "alice");
  EXPECT_EQ(o.password, "pa:ss");
  EXPECT_EQ(o.netrc_file, "/tmp/n");
  EXPECT_EQ(o.login_options, "AUTH=PLAIN");
  EXPECT_EQ(o.oauth2_bearer, "tok");
  EXPECT_EQ(o.urls, strings{"imap://h/"});
  auto n = one({"--user", "bob", "--netrc", "h"});
  EXPECT_EQ(n.user, "bob");
  EXPECT_FALSE(n.password.has_value());
  EXPECT_TRUE(n.netrc);
  EXPECT_TRUE(one({"--netrc-optional", "h"}).netrc_optional);
}

TEST(Options, Tls) {
  auto o = one({"--cacert", "ca.pem", "--capath", "/etc/ssl/certs", "-k", "u"});
  EXPECT_EQ(o.cacert, "ca.pem");
  EXPECT_EQ(o.capath, "/etc/ssl/certs");
  EXPECT_TRUE(o.insecure);
  EXPECT_FALSE(o.tls.has_value());
  EXPECT_EQ(one({"--ssl", "u"}).tls, tls_mode::opportunistic);
  EXPECT_EQ(one({"--ssl-reqd", "u"}).tls, tls_mode::required);
  EXPECT_EQ(one({"--tls", "none", "u"}).tls, tls_mode::none);
  EXPECT_EQ(one({"--tls", "Opportunistic", "u"}).tls, tls_mode::opportunistic);
  EXPECT_EQ(one({"--ssl", "--tls", "required", "u"}).tls, tls_mode::required);  // last wins
  EXPECT_THROW(one({"--tls", "maybe", "u"}), option_error);
  EXPECT_TRUE(one({"--insecure", "u"}).insecure);
}

TEST(Options, EffectiveTlsDefault) {
  transfer_options o;
  EXPECT_EQ(o.effective_tls(true), tls_mode::required);
  EXPECT_EQ(o.effective_tls(false), tls_mode::opportunistic);
  o.tls = tls_mode::none;
  EXPECT_EQ(o.effective_tls(true), tls_mode::none);
}

TEST(Options, Http) {
  auto o = one({"-L", "--max-redirs", "3", "-d", "a=b", "-w", "%{http_code}", "-H", "X: 1", "u"});
  EXPECT_TRUE(o.follow_location);
  EXPECT_EQ(o.max_redirs, 3);
  EXPECT_EQ(o.data, "a=b");
  EXPECT_EQ(o.write_out, "%{http_code}");
  const transfer::options t = library_options(o, url::parse("http://h/"));
  EXPECT_TRUE(t.follow_location);
  EXPECT_EQ(t.max_redirs, 3);
  EXPECT_EQ(t.http_data, "a=b");
  EXPECT_EQ(t.http_headers, std::vector<std::string>{"X: 1"});
  EXPECT_EQ(one({"--data-binary", "x", "u"}).data, "x");
  EXPECT_EQ(library_options(one({"--max-redirs", "-1", "u"}), url::parse("http://h/")).max_redirs,
            INT32_MAX);
  EXPECT_THROW(one({"-H", "X: a\r\nY: b", "u"}), option_error);
}

TEST(Options, OutputAndDiagnostics) {
  auto o = one({"-o", "out.txt", "-v", "-v", "-s", "-S", "-i", "-f", "u"});
  EXPECT_EQ(o.output, "out.txt");
  EXPECT_EQ(o.verbosity, 2);
  EXPECT_TRUE(o.silent);
  EXPECT_TRUE(o.show_error);
  EXPECT_TRUE(o.show_errors());
  EXPECT_TRUE(o.include);
  EXPECT_TRUE(o.fail);
  auto s = one({"--silent", "u"});
  EXPECT_FALSE(s.show_errors());
  auto l = one({"--output", "x", "--verbose", "--show-error", "--include", "--fail", "u"});
  EXPECT_EQ(l.output, "x");
  EXPECT_EQ(l.verbosity, 1);
  EXPECT_TRUE(l.show_error && l.include && l.fail);
  EXPECT_TRUE(one({"-vs", "u"}).silent);  // combined short flags
}

TEST(Options, Timeouts) {
  auto o = one({"--connect-timeout", "2.5", "-m", "10", "u"});
  EXPECT_EQ(o.connect_timeout, 2500ms);
  EXPECT_EQ(o.max_time, 10000ms);
  EXPECT_EQ(one({"--max-time", "0.0001", "u"}).max_time, 1ms);  // rounds up, never to 0
  EXPECT_FALSE(one({"--connect-timeout", "0", "u"}).connect_timeout.has_value());
  for (const char* bad : {"-1", "abc", "1.2.3", "", ".", "1e3", "inf", "99999999999"}) {
    EXPECT_THROW(one({"--connect-timeout", bad, "u"}), option_error) << bad;
  }
}

TEST(Options, MaxFilesizeSuffixes) {
  EXPECT_EQ(parse_size("100"), 100u);
  EXPECT_EQ(parse_size("200K"), 200u * 1024);
  EXPECT_EQ(parse_size("200k"), 200u * 1024);
  EXPECT_EQ(parse_size("3m"), 3u * 1024 * 1024);
  EXPECT_EQ(parse_size("3M"), 3u * 1024 * 1024);
  EXPECT_EQ(parse_size("1G"), 1024ull * 1024 * 1024);
  EXPECT_EQ(parse_size("1g"), 1024ull * 1024 * 1024);
  for (const char* bad : {"", "k", "1.5M", "-1", "10T", "1KB", " 1", "99999999999999999999",
                          "17179869184G"}) {
    EXPECT_THROW(parse_size(bad), option_error) << bad;
  }
  EXPECT_EQ(one({"--max-filesize", "10k", "u"}).max_filesize, 10240u);
  EXPECT_FALSE(one({"--max-filesize", "0", "u"}).max_filesize.has_value());
  EXPECT_EQ(one({"--limit-rate", "2k", "u"}).limit_rate, 2048u);
  EXPECT_FALSE(one({"--limit-rate", "0", "u"}).limit_rate.has_value());
}

TEST(Options, Proxy) {
  auto p = parse_proxy("socks5h://us%40r:p%3Aw@proxy.example:9050");
  EXPECT_EQ(p.type, proxy_spec::kind::socks5h);
  EXPECT_EQ(p.host, "proxy.example");
  EXPECT_EQ(p.port, 9050);
  EXPECT_EQ(p.user, "us@r");
  EXPECT_EQ(p.password, "p:w");
  auto d = parse_proxy("proxy.example");
  EXPECT_EQ(d.type, proxy_spec::kind::http);
  EXPECT_EQ(d.port, 1080);
  EXPECT_FALSE(d.user.has_value());
  auto v6 = parse_proxy("socks5://[::1]:1080");
  EXPECT_EQ(v6.type, proxy_spec::kind::socks5);
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(parse_proxy("HTTP://p:3128/").port, 3128);
  for (const char* bad : {"", "https://p:1", "socks4://p", "p:99999", "p/path", "u:p%0d@h"}) {
    EXPECT_THROW(parse_proxy(bad), option_error) << bad;
  }
  EXPECT_EQ(one({"-x", "socks5://h:1", "u"}).proxy->type, proxy_spec::kind::socks5);
  EXPECT_EQ(one({"--proxy", "h:2", "u"}).proxy->port, 2);
}

TEST(Options, RequestShape) {
  auto o = one({"-X", "LIST -a", "-l", "-C", "100", "-L", "-H", "A: 1", "--header", "B: 2",
                "-I", "--compressed", "u"});
  EXPECT_EQ(o.request, "LIST -a");
  EXPECT_TRUE(o.list_only);
  EXPECT_EQ(o.resume_from, 100u);
  EXPECT_FALSE(o.resume_auto);
  EXPECT_TRUE(o.follow_location);
  EXPECT_EQ(o.headers, (strings{"A: 1", "B: 2"}));
  EXPECT_TRUE(o.head);
  EXPECT_TRUE(o.compressed);
  auto h = one({"-H", "A: 1", "http://h/", "-H", "B: 2"});
  EXPECT_EQ(h.headers, (strings{"A: 1", "B: 2"}));
  EXPECT_EQ(h.urls, strings{"http://h/"});
  auto a = one({"-C", "-", "u"});
  EXPECT_TRUE(a.resume_auto);
  EXPECT_FALSE(a.resume_from.has_value());
  auto l = one({"--request", "DELE 1", "--list-only", "--continue-at", "7", "--location",
                "--head", "u"});
  EXPECT_EQ(l.request, "DELE 1");
  EXPECT_EQ(l.resume_from, 7u);
  EXPECT_THROW(one({"-C", "x", "u"}), option_error);
  EXPECT_THROW(one({"-C", "-5", "u"}), option_error);
}

TEST(Options, FtpOptions) {
  using m = inet::transfer::options::ftp_method;
  auto o = one({"-P", "-", "--disable-epsv", "--ftp-method", "nocwd", "--ftp-create-dirs", "-Q",
                "SITE A", "--quote", "-DELE b", "u"});
  EXPECT_EQ(o.ftp_port, "-");
  EXPECT_TRUE(o.disable_epsv);
  EXPECT_EQ(o.ftp_method, m::nocwd);
  EXPECT_TRUE(o.ftp_create_dirs);
  EXPECT_EQ(o.quote, (strings{"SITE A", "-DELE b"}));
  EXPECT_FALSE(one({"-P", "-", "--ftp-pasv", "u"}).ftp_port.has_value());
  EXPECT_EQ(one({"--ftp-pasv", "--ftp-port", "127.0.0.1:4000-4010", "u"}).ftp_port,
            "127.0.0.1:4000-4010");
  EXPECT_EQ(one({"u"}).ftp_method, m::multicwd);
  EXPECT_THROW(one({"--ftp-method", "bogus", "u"}), option_error);
  EXPECT_THROW(one({"-Q", "NOOP\r\nDELE x", "u"}), option_error);
  const auto t = library_options(one({"-C", "5", "-P", "-", "--disable-epsv", "-Q", "X", "ftp://h/"}),
                                 inet::url::parse("ftp://h/"));
  EXPECT_EQ(t.resume_from, 5u);
  EXPECT_EQ(t.ftp_port, "-");
  EXPECT_FALSE(t.ftp_epsv);
  EXPECT_EQ(t.quote, strings{"X"});
}

TEST(Options, ControlCharactersInTextOptionsAreRejected) {
  EXPECT_THROW(one({"-H", "X: a\r\nEvil: 1", "u"}), option_error);
  EXPECT_THROW(one({"-X", "LIST\r\nDELE 1", "u"}), option_error);
  EXPECT_THROW(one({"-u", "a\nb:c", "u"}), option_error);
  EXPECT_THROW(one({"--login-options", "AUTH=X\r\n", "u"}), option_error);
  EXPECT_THROW(one({"--oauth2-bearer", std::string("t\0k", 3), "u"}), option_error);
}

TEST(Options, UploadFile) {
  EXPECT_EQ(one({"-T", "f.txt", "ftp://h/"}, direction::put).upload_file, "f.txt");
  EXPECT_EQ(one({"--upload-file", "-", "ftp://h/"}, direction::put).upload_file, "-");
  EXPECT_EQ(one({"ftp://h/"}, direction::put).upload_file, "-");  // default stdin
  EXPECT_THROW(one({"-T", "f", "ftp://h/"}, direction::get), option_error);
}

TEST(Options, UnknownOptionAndMissingValue) {
  EXPECT_THROW(one({"--bogus", "u"}), option_error);
  EXPECT_THROW(one({"-W", "u"}), option_error);
  EXPECT_THROW(one({"u", "-o"}), option_error);
  EXPECT_THROW(one({"-v"}), option_error);  // no URL
  try {
    one({"--bogus", "u"});
  } catch (const option_error& e) {
    EXPECT_EQ(std::string(e.what()), "option --bogus: is unknown");
  }
}

TEST(Options, SingleValuedOptionsLastWins) {
  EXPECT_EQ(one({"-o", "a", "-o", "b", "u"}).output, "b");
}

TEST(Next, SplitGroups) {
  auto g = split_next_groups({"-u", "a:b", "u1", "--next", "u2", "-:", "-o", "x", "u3"});
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0], (strings{"-u", "a:b", "u1"}));
  EXPECT_EQ(g[1], (strings{"u2"}));
  EXPECT_EQ(g[2], (strings{"-o", "x", "u3"}));
  EXPECT_EQ(split_next_groups({}).size(), 1u);
  EXPECT_EQ(split_next_groups({"u", "--next"}).size(), 2u);
}

TEST(Next, OptionsApplyOnlyToTheirGroupExceptGlobals) {
  auto g = parse_transfer_args(
      {"-u", "a:b", "--ssl-reqd", "u1", "u2", "--next", "-o", "f", "u3", "-:", "-s", "u4"},
      direction::get);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].urls, (strings{"u1", "u2"}));
  EXPECT_EQ(g[0].user, "a");
  EXPECT_EQ(g[0].tls, tls_mode::required);
  EXPECT_FALSE(g[0].output.has_value());
  EXPECT_EQ(g[1].urls, strings{"u3"});
  EXPECT_FALSE(g[1].user.has_value());
  EXPECT_FALSE(g[1].tls.has_value());
  EXPECT_EQ(g[1].output, "f");
  EXPECT_EQ(g[2].urls, strings{"u4"});
  for (const auto& o : g) EXPECT_TRUE(o.silent);  // -s is global
  EXPECT_THROW(parse_transfer_args({"u1", "--next"}, direction::get), option_error);
}

// curl >= 8 refuses CR/LF in credentials as a malformed URL (3), not a bad option (2).
TEST_F(Cli, CrOrLfInUserCredentialsIsExit3AndNothingIsSent) {
  for (const char* user : {"a\rb:c", "a:b\nc", "a\r\nb"}) {
    const auto r = call({"get", "-u", user, "pop3://127.0.0.1:1/"});
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_NE(r.err.find("inet: (3) option --user: contains CR or LF"), std::string::npos) << r.err;
  }
  EXPECT_EQ(call({"get", "-u", "a\x01b:c", "pop3://127.0.0.1:1/"}).status, 2);  // other controls
}

TEST_F(Cli, BadUrlExits3WithOneLineReason) {
  auto r = call({"get", "http://h:99999/"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.err, "inet: (3) bad URL: port '99999' is out of range (1-65535)\n");
  EXPECT_EQ(call({"get", "imap://h/INBOX%0d%0aA1 LOGOUT"}).status, 3);
  EXPECT_EQ(call({"get", "http:///x"}).status, 3);
}

TEST_F(Cli, UnknownSchemeExits1) {
  auto r = call({"get", "gopher://h/"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "inet: (1) Protocol \"gopher\" not supported or disabled\n");
}

TEST_F(Cli, SchemeWithoutHandlerExits1) {
  auto r = call({"get", "imap://h/INBOX"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "inet: (1) Protocol \"imap\" not supported or disabled\n");
  register_get_handler(url::scheme::imap, [](auto&, auto&, auto&) { return 0; });
  EXPECT_EQ(call({"put", "imap://h/INBOX"}).status, 1);  // get-only handler
}

TEST_F(Cli, SilentHidesErrorsUnlessShowError) {
  auto s = call({"get", "-s", "gopher://h/"});
  EXPECT_EQ(s.status, 1);
  EXPECT_EQ(s.err, "");
  auto S = call({"get", "-sS", "gopher://h/"});
  EXPECT_NE(S.err.find("(1)"), std::string::npos);
}

TEST_F(Cli, UnknownOptionExits2LikeCurl) {
  auto r = call({"get", "--bogus", "http://h/"});
  EXPECT_EQ(r.status, to_int(exit_code::failed_init));
  EXPECT_EQ(r.err, "inet: option --bogus: is unknown\ninet: try 'inet help get' for more "
                   "information\n");
  EXPECT_EQ(call({"get"}).status, 2);
  EXPECT_EQ(call({"get", "--max-filesize", "lots", "http://h/"}).status, 2);
}

TEST_F(Cli, HandlerReceivesOptionsAndUrlAndItsStatusIsReturned) {
  std::vector<std::string> seen;
  register_get_handler(url::scheme::ftp, [&](const transfer_options& o,
                                             const url::parsed_url& u, transfer_context& ctx) {
    seen.push_back(u.host + "/" + u.path + " " + o.output.value_or("-"));
    ctx.out << "data:" << u.path;
    return u.path == "missing" ? 78 : 0;
  });
  auto r = call({"get", "-o", "a", "ftp://h/x", "ftp://h/missing", "--next", "ftp://g/y"});
  EXPECT_EQ(r.status, 78);
  EXPECT_EQ(seen, (strings{"h/x a", "h/missing a", "g/y -"}));
  EXPECT_EQ(r.out, "data:xdata:missingdata:y");
}

TEST_F(Cli, FirstFailureWinsAcrossUrls) {
  register_get_handler(url::scheme::http, [](auto&, auto&, auto&) { return 0; });
  auto r = call({"get", "http://a/", "gopher://b/", "http://h:0/"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("(3)"), std::string::npos);  // later URLs still ran
}

TEST_F(Cli, HandlerExceptionsBecomeExitCodes) {
  register_get_handler(url::scheme::http,
                       [](auto&, auto&, auto&) -> int { throw std::runtime_error("boom"); });
  auto r = call({"get", "http://h/"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "inet: (2) boom\n");
}

TEST_F(Cli, PutUsesPutHandlerAndStdin) {
  std::string uploaded;
  register_put_handler(url::scheme::smtp, [&](const transfer_options& o, const url::parsed_url&,
                                              transfer_context& ctx) {
    EXPECT_EQ(o.upload_file, "-");
    uploaded.assign(std::istreambuf_iterator<char>(ctx.in), {});
    return 0;
  });
  EXPECT_EQ(call({"put", "smtp://h/"}, "hello").status, 0);
  EXPECT_EQ(uploaded, "hello");
}

TEST_F(Cli, VersionNamesLibrariesAndProtocols) {
  auto r = call({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("inet 0.1.0 (inetpp)", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("Boost/1."), std::string::npos);
  EXPECT_NE(r.out.find("OpenSSL"), std::string::npos);
  EXPECT_NE(r.out.find("spdlog/"), std::string::npos);
  EXPECT_NE(r.out.find("Protocols: (none registered)"), std::string::npos);
  register_get_handler(url::scheme::imaps, [](auto&, auto&, auto&) { return 0; });
  EXPECT_NE(call({"-V"}).out.find("Protocols: imaps"), std::string::npos);
}

TEST_F(Cli, HelpDocumentsEveryOption) {
  auto r = call({"help", "get"});
  EXPECT_EQ(r.status, 0);
  for (const char* opt :
       {"--user", "--netrc", "--netrc-file", "--cacert", "--capath", "--insecure", "--ssl",
        "--ssl-reqd", "--tls", "--output", "--verbose", "--silent", "--show-error",
        "--connect-timeout", "--max-time", "--max-filesize", "--proxy", "--request",
        "--list-only", "--continue-at", "--upload-file", "--location", "--header", "--head",
        "--include", "--fail", "--compressed", "--login-options", "--oauth2-bearer", "--next"}) {
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  }
  EXPECT_NE(r.out.find("none yet"), std::string::npos);
  EXPECT_EQ(call({"get", "--help"}).out, r.out);
  EXPECT_EQ(call({"help", "nosuch"}).status, 2);
}

TEST_F(Cli, TopHelpListsRegisteredCommands) {
  register_command("mail", "send mail (msmtp-like)", [](int, char**) { return 0; });
  auto r = call({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("mail"), std::string::npos);
  EXPECT_NE(r.out.find("send mail (msmtp-like)"), std::string::npos);
  EXPECT_NE(r.out.find("none yet"), std::string::npos);
  EXPECT_EQ(call({"help"}).out, r.out);
}

TEST_F(Cli, RegisteredCommandGetsItsArgv) {
  strings got;
  register_command("mail", "m", [&](int argc, char** argv) {
    for (int i = 0; i < argc; ++i) got.push_back(argv[i]);
    EXPECT_EQ(argv[argc], nullptr);
    return 5;
  });
  EXPECT_EQ(call({"mail", "-t", "--", "x"}).status, 5);
  EXPECT_EQ(got, (strings{"inet mail", "-t", "--", "x"}));
  got.clear();
  call({"help", "mail"});
  EXPECT_EQ(got, (strings{"inet mail", "--help"}));
}

TEST_F(Cli, CommandRegistryRejectsReservedAndDuplicateNames) {
  auto fn = [](int, char**) { return 0; };
  EXPECT_THROW(register_command("get", "x", fn), std::logic_error);
  EXPECT_THROW(register_command("", "x", fn), std::logic_error);
  EXPECT_THROW(register_command("--x", "x", fn), std::logic_error);
  register_command("mail", "x", fn);
  EXPECT_THROW(register_command("mail", "y", fn), std::logic_error);
  EXPECT_NE(find_command("mail"), nullptr);
  EXPECT_EQ(find_command("nope"), nullptr);
}

TEST_F(Cli, UnknownCommandAndNoCommand) {
  EXPECT_EQ(call({"fetch"}).status, 2);
  EXPECT_EQ(call({}).status, 2);
}

TEST(Credentials, Precedence) {
  auto u = url::parse("imap://urluser:urlpass@h.example/");
  transfer_options o;
  auto c = resolve_credentials(o, u);
  EXPECT_EQ(c.user, "urluser");
  EXPECT_EQ(c.password, "urlpass");
  o.user = "cli";
  o.password = "clipass";
  c = resolve_credentials(o, u);
  EXPECT_EQ(c.user, "cli");
  EXPECT_EQ(c.password, "clipass");
}

TEST(Credentials, NetrcFile) {
  std::string path = ::testing::TempDir() + "/cli_netrc";
  {
    std::ofstream f(path);
    f << "machine h.example login nuser password npass\n"
         "machine h.example login other password opass\n";
  }
  transfer_options o;
  o.netrc_file = path;
  auto plain = url::parse("imap://h.example/");
  auto c = resolve_credentials(o, plain);
  EXPECT_EQ(c.user, "nuser");
  EXPECT_EQ(c.password, "npass");
  auto named = url::parse("imap://other@h.example/");
  EXPECT_EQ(resolve_credentials(o, named).password, "opass");
  auto full = url::parse("imap://x:y@h.example/");
  EXPECT_EQ(resolve_credentials(o, full).password, "y");  // optional: URL wins
  o.netrc_file = path + ".missing";
  EXPECT_THROW(resolve_credentials(o, plain), std::system_error);
  std::remove(path.c_str());
}

TEST(ExitCodes, CurlNumbering) {
  EXPECT_EQ(to_int(exit_code::unsupported_protocol), 1);
  EXPECT_EQ(to_int(exit_code::url_malformat), 3);
  EXPECT_EQ(to_int(exit_code::ftp_weird_227_format), 14);
  EXPECT_EQ(to_int(exit_code::peer_failed_verification), 60);
  EXPECT_EQ(to_int(exit_code::use_ssl_failed), 64);
  EXPECT_EQ(to_int(exit_code::login_denied), 67);
  EXPECT_EQ(to_int(exit_code::remote_file_not_found), 78);
  EXPECT_EQ(to_int(exit_code::too_large), 100);
  EXPECT_EQ(describe(exit_code::login_denied), "Login denied");
  EXPECT_EQ(describe(static_cast<exit_code>(99)), "Unknown error");
}

}  // namespace
}  // namespace inet::cli
