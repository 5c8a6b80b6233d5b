#include "protocols/url/url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace inet::url {
namespace {

using namespace std::string_literals;

error code_of(std::string_view text) {
  try {
    parse(text);
  } catch (const std::system_error& e) {
    EXPECT_EQ(&e.code().category(), &url_category());
    return static_cast<error>(e.code().value());
  }
  ADD_FAILURE() << "parsed without error: " << text;
  return error{};
}

std::string message_of(std::string_view text) {
  try {
    parse(text);
  } catch (const std::system_error& e) {
    return e.what();
  }
  return "";
}

TEST(Url, DefaultPorts) {
  EXPECT_EQ(default_port(scheme::http), 80);
  EXPECT_EQ(default_port(scheme::https), 443);
  EXPECT_EQ(default_port(scheme::ftp), 21);
  EXPECT_EQ(default_port(scheme::ftps), 990);
  EXPECT_EQ(default_port(scheme::smtp), 25);
  EXPECT_EQ(default_port(scheme::smtps), 465);
  EXPECT_EQ(default_port(scheme::pop3), 110);
  EXPECT_EQ(default_port(scheme::pop3s), 995);
  EXPECT_EQ(default_port(scheme::imap), 143);
  EXPECT_EQ(default_port(scheme::imaps), 993);
}

TEST(Url, EverySchemeParsesWithDefaultPortAndTlsFlag) {
  struct row { const char* name; scheme s; std::uint16_t port; bool tls; };
  for (auto r : {row{"http", scheme::http, 80, false}, row{"https", scheme::https, 443, true},
                 row{"ftp", scheme::ftp, 21, false}, row{"ftps", scheme::ftps, 990, true},
                 row{"smtp", scheme::smtp, 25, false}, row{"smtps", scheme::smtps, 465, true},
                 row{"pop3", scheme::pop3, 110, false}, row{"pop3s", scheme::pop3s, 995, true},
                 row{"imap", scheme::imap, 143, false}, row{"imaps", scheme::imaps, 993, true}}) {
    auto u = parse(std::string(r.name) + "://example.com/");
    EXPECT_EQ(u.scheme, r.s) << r.name;
    EXPECT_EQ(u.scheme_name, r.name);
    EXPECT_EQ(u.port, r.port) << r.name;
    EXPECT_FALSE(u.port_explicit);
    EXPECT_EQ(u.implicit_tls(), r.tls) << r.name;
    EXPECT_EQ(u.host, "example.com");
    EXPECT_EQ(u.path, "");
  }
}

TEST(Url, SchemeIsCaseInsensitive) {
  auto u = parse("IMAPS://Mail.Example.com");
  EXPECT_EQ(u.scheme, scheme::imaps);
  EXPECT_EQ(u.scheme_name, "imaps");
  EXPECT_EQ(u.host, "Mail.Example.com");
}

TEST(Url, UserAndPasswordArePercentDecoded) {
  auto u = parse("ftp://me%40example.com:p%3Ass%25w@ftp.example.com:2121/pub/a%20b.txt");
  EXPECT_EQ(u.user, "me@example.com");
  EXPECT_EQ(u.password, "p:ss%w");
  EXPECT_EQ(u.port, 2121);
  EXPECT_TRUE(u.port_explicit);
  EXPECT_EQ(u.path, "pub/a b.txt");
  EXPECT_EQ(u.origin(), "ftp://ftp.example.com:2121");
}

TEST(Url, UserWithoutPasswordAndEmptyPassword) {
  auto a = parse("smtp://alice@h");
  EXPECT_EQ(a.user, "alice");
  EXPECT_FALSE(a.password.has_value());
  auto b = parse("smtp://alice:@h");
  EXPECT_EQ(b.password, "");
  auto c = parse("smtp://h");
  EXPECT_FALSE(c.user.has_value());
  EXPECT_FALSE(c.password.has_value());
}

TEST(Url, PasswordMayContainColon) {
  auto u = parse("http://u:a:b@h/");
  EXPECT_EQ(u.user, "u");
  EXPECT_EQ(u.password, "a:b");
}

TEST(Url, ImapAuthOptionUidAndSection) {
  auto u = parse("imap://user;AUTH=PLAIN@host/INBOX;UID=5;SECTION=1.2");
  EXPECT_EQ(u.user, "user");
  EXPECT_FALSE(u.password.has_value());
  EXPECT_EQ(u.auth_mechanism, "PLAIN");
  EXPECT_EQ(u.path, "INBOX");
  ASSERT_EQ(u.path_params.size(), 2u);
  EXPECT_EQ(u.path_params[0], (std::pair{"UID"s, "5"s}));
  EXPECT_EQ(u.path_params[1], (std::pair{"SECTION"s, "1.2"s}));
  EXPECT_EQ(u.param("UID"), "5");
  EXPECT_FALSE(u.param("PARTIAL").has_value());
}

TEST(Url, ImapRfc5092SlashFormAndLowerCaseNames) {
  auto u = parse("imaps://u:pw;auth=*@h/Sent%20Items/;uid=20/;section=TEXT");
  EXPECT_EQ(u.password, "pw");
  EXPECT_EQ(u.auth_mechanism, "*");
  EXPECT_EQ(u.path, "Sent Items");
  ASSERT_EQ(u.path_params.size(), 2u);
  EXPECT_EQ(u.path_params[0], (std::pair{"UID"s, "20"s}));
  EXPECT_EQ(u.path_params[1], (std::pair{"SECTION"s, "TEXT"s}));
}

TEST(Url, LoginOptionBeforePassword) {
  auto u = parse("pop3://bob;AUTH=LOGIN:secret@h/1");
  EXPECT_EQ(u.user, "bob");
  EXPECT_EQ(u.password, "secret");
  EXPECT_EQ(u.auth_mechanism, "LOGIN");
  EXPECT_EQ(u.path, "1");
}

TEST(Url, SemicolonIsPartOfUserForHttpAndFtp) {
  auto u = parse("http://a;AUTH=X:p@h/");
  EXPECT_EQ(u.user, "a;AUTH=X");
  EXPECT_FALSE(u.auth_mechanism.has_value());
}

TEST(Url, UnknownLoginOptionIsRejected) {
  EXPECT_EQ(code_of("imap://u;FOO=1@h/"), error::bad_user_info);
  EXPECT_EQ(code_of("imap://u;AUTH=@h/"), error::bad_user_info);
  EXPECT_EQ(code_of("imap://u;@h/"), error::bad_user_info);
}

TEST(Url, ImapQueryIsDecodedSearchKey) {
  auto u = parse("imap://h/INBOX?SUBJECT%20hi");
  EXPECT_EQ(u.path, "INBOX");
  EXPECT_EQ(u.query, "SUBJECT hi");
  EXPECT_EQ(parse("imap://h/INBOX?a+b").query, "a+b");
}

TEST(Url, FtpTypeParameter) {
  auto u = parse("ftp://h/dir/file;type=i");
  EXPECT_EQ(u.path, "dir/file");
  ASSERT_EQ(u.path_params.size(), 1u);
  EXPECT_EQ(u.path_params[0], (std::pair{"TYPE"s, "i"s}));
  auto d = parse("ftp://h/dir/;TYPE=D");
  EXPECT_EQ(d.path, "dir/");
  EXPECT_EQ(d.param("TYPE"), "d");
  EXPECT_EQ(code_of("ftp://h/f;type=x"), error::bad_parameter);
  // A ';' that is not ";type=" belongs to the file name.
  EXPECT_EQ(parse("ftp://h/a;b.txt").path, "a;b.txt");
}

TEST(Url, ImapBadParameters) {
  EXPECT_EQ(code_of("imap://h/INBOX;UID"), error::bad_parameter);
  EXPECT_EQ(code_of("imap://h/INBOX;=5"), error::bad_parameter);
  EXPECT_EQ(code_of("imap://h/INBOX;BOGUS=5"), error::bad_parameter);
  EXPECT_EQ(code_of("imap://h/INBOX;UID=5;"), error::bad_parameter);
}

TEST(Url, Pop3sIpv6WithPort) {
  auto u = parse("pop3s://[::1]:1995/3");
  EXPECT_EQ(u.scheme, scheme::pop3s);
  EXPECT_EQ(u.host, "::1");
  EXPECT_TRUE(u.host_is_ipv6);
  EXPECT_EQ(u.port, 1995);
  EXPECT_TRUE(u.port_explicit);
  EXPECT_EQ(u.path, "3");
  EXPECT_EQ(u.origin(), "pop3s://[::1]:1995");
}

TEST(Url, Ipv4Host) {
  auto u = parse("http://127.0.0.1:8080/x");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_FALSE(u.host_is_ipv6);
}

TEST(Url, IdnHostIsKeptAsUtf8) {
  auto u = parse("http://b\xC3\xBC" "cher.example/p\xC3\xA4th");
  EXPECT_EQ(u.host, "b\xC3\xBC" "cher.example");
  EXPECT_EQ(u.path, "p\xC3\xA4th");
}

TEST(Url, EmptyPortMeansDefault) {
  auto u = parse("imap://h:/INBOX");
  EXPECT_EQ(u.port, 143);
  EXPECT_FALSE(u.port_explicit);
}

TEST(Url, BadPorts) {
  EXPECT_EQ(code_of("http://h:99999/"), error::bad_port);
  EXPECT_NE(message_of("http://h:99999/").find("port '99999' is out of range"), std::string::npos);
  EXPECT_EQ(code_of("http://h:0/"), error::bad_port);
  EXPECT_EQ(code_of("http://h:12ab/"), error::bad_port);
  EXPECT_EQ(code_of("http://h:-1/"), error::bad_port);
  EXPECT_EQ(code_of("http://[::1]:70000/"), error::bad_port);
  EXPECT_EQ(code_of("http://h:99999999999999999999999/"), error::bad_port);
}

TEST(Url, BadHosts) {
  EXPECT_EQ(code_of("http:///path"), error::bad_host);
  EXPECT_EQ(code_of("imap://user@/INBOX"), error::bad_host);
  EXPECT_EQ(code_of("http://:80/"), error::bad_host);
  EXPECT_EQ(code_of("http://[::1/"), error::bad_host);
  EXPECT_EQ(code_of("http://[::1]x/"), error::bad_host);
  EXPECT_EQ(code_of("http://[zz::1]/"), error::bad_host);
  EXPECT_EQ(code_of("http://a%2Fb/"), error::bad_host);
  EXPECT_EQ(code_of("http://a b/"), error::bad_host);
  EXPECT_EQ(code_of("http://" + std::string(300, 'a') + "/"), error::bad_host);
  EXPECT_NE(message_of("http:///x").find("no host"), std::string::npos);
}

TEST(Url, UnknownScheme) {
  EXPECT_EQ(code_of("ldap://h/"), error::unsupported_scheme);
  EXPECT_NE(message_of("ldap://h/").find("\"ldap\""), std::string::npos);
  EXPECT_EQ(code_of("file:///etc/passwd"), error::unsupported_scheme);
}

TEST(Url, MissingSlashesAfterKnownScheme) {
  EXPECT_EQ(code_of("imap:/h/INBOX"), error::bad_url);
}

TEST(Url, GuessesSchemeFromHost) {
  EXPECT_EQ(parse("ftp.example.com/pub").scheme, scheme::ftp);
  EXPECT_EQ(parse("IMAP.example.com").scheme, scheme::imap);
  EXPECT_EQ(parse("smtp.example.com").scheme, scheme::smtp);
  EXPECT_EQ(parse("pop3.example.com").scheme, scheme::pop3);
  EXPECT_EQ(parse("www.example.com").scheme, scheme::http);
  auto u = parse("user:pw@ftp.example.com:2121/x");
  EXPECT_EQ(u.scheme, scheme::ftp);
  EXPECT_EQ(u.user, "user");
  EXPECT_EQ(u.port, 2121);
  auto local = parse("localhost:8080");
  EXPECT_EQ(local.scheme, scheme::http);
  EXPECT_EQ(local.port, 8080);
}

TEST(Url, RawControlCharactersAnywhere) {
  EXPECT_EQ(code_of("imap://h/INBOX\r\nA1 LOGOUT"), error::control_characters);
  EXPECT_EQ(code_of("imap://h/INBOX\n"), error::control_characters);
  EXPECT_EQ(code_of("imap://h/IN\tBOX"), error::control_characters);
  EXPECT_EQ(code_of("imap://h/IN\x7f"), error::control_characters);
  EXPECT_EQ(code_of("http://h\0st/"s), error::control_characters);
  EXPECT_EQ(code_of("\rhttp://h/"), error::control_characters);
}

// curl's gopher search form: "%09" is the one control byte a gopher(s) path may carry.
TEST(Url, GopherPathMayCarryAnEncodedTabOnly) {
  EXPECT_EQ(parse("gopher://h/7/find%09two%20words").path, "7/find\ttwo words");
  EXPECT_EQ(parse("gophers://h/7/s%09q").path, "7/s\tq");
  EXPECT_EQ(code_of("gopher://h/7/s%09q%0d%0a"), error::control_characters);
  EXPECT_EQ(code_of("gopher://h/7/s\tq"), error::control_characters);
  EXPECT_EQ(code_of("gopher://h/1?q%09x"), error::control_characters);
  EXPECT_EQ(code_of("http://h/s%09q"), error::control_characters);
}

TEST(Url, PercentEncodedControlCharactersInEveryPart) {
  EXPECT_EQ(code_of("imap://u%0d%0aA1%20LOGOUT:p@h/"), error::control_characters);
  EXPECT_EQ(code_of("imap://u:p%0A@h/"), error::control_characters);
  EXPECT_EQ(code_of("imap://u:p%00@h/"), error::control_characters);
  EXPECT_EQ(code_of("imap://u;AUTH=PLAIN%0d@h/"), error::control_characters);
  EXPECT_EQ(code_of("imap://h/INBOX%0D%0AA1%20LOGOUT"), error::control_characters);
  EXPECT_EQ(code_of("imap://h/INBOX;UID=5%0a"), error::control_characters);
  EXPECT_EQ(code_of("imap://h/INBOX?ALL%0d%0aX"), error::control_characters);
  EXPECT_EQ(code_of("ftp://h/f%00.txt"), error::control_characters);
  EXPECT_EQ(code_of("smtp://h%0a.example/"), error::control_characters);
  EXPECT_EQ(code_of("http://h/#frag%0a"), error::control_characters);
}

TEST(Url, InvalidCharactersAndEscapes) {
  EXPECT_EQ(code_of("http://h/a b"), error::bad_path);
  EXPECT_NE(message_of("http://h/a b").find("path"), std::string::npos);
  EXPECT_EQ(code_of("http://h/a%zz"), error::bad_path);
  EXPECT_EQ(code_of("http://h/a%4"), error::bad_path);
  EXPECT_EQ(code_of("http://u%zz@h/"), error::bad_user_info);
  EXPECT_EQ(code_of("http://u:p@ss@h/"), error::bad_user_info);
  EXPECT_EQ(code_of("http://h/?a b"), error::bad_url);
  EXPECT_EQ(code_of(""), error::bad_url);
}

TEST(Url, SecretsAreNotEchoedInMessages) {
  auto msg = message_of("imap://user:hunter2%zz@h/");
  EXPECT_EQ(msg.find("hunter2"), std::string::npos) << msg;
}

TEST(Url, FragmentIsIgnored) {
  auto u = parse("http://h/p?q#f");
  EXPECT_EQ(u.path, "p");
  EXPECT_EQ(u.query, "q");
}

TEST(Url, TooLongUrl) {
  EXPECT_EQ(code_of("http://h/" + std::string(70000, 'a')), error::bad_url);
}

TEST(Url, ErrorCategory) {
  std::error_code ec = error::bad_port;
  EXPECT_STREQ(ec.category().name(), "inet.url");
  EXPECT_FALSE(ec.message().empty());
}

TEST(Url, SchemeNames) {
  EXPECT_EQ(to_string(scheme::pop3s), "pop3s");
  EXPECT_EQ(scheme_from_string("HTTPS"), scheme::https);
  EXPECT_FALSE(scheme_from_string("ldap").has_value());
}

}  // namespace
}  // namespace inet::url
