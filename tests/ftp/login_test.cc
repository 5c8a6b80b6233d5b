// The FTP control connection against the mock server: greeting, FEAT, AUTH TLS, login and the
// simple commands, with the exact lines on the wire.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include "tests/ftp/test_util.hpp"

namespace inet::ftp::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

template <typename F>
std::error_code code_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

TEST(FtpLogin, AnonymousWithMultiLineRepliesInBothForms) {
  mock::mock_server srv(mock::script()
                            .send("120 ready in 1 minute\r\n")
                            // RFC 959 §4.2: middle lines need not start with the code.
                            .send("220-Welcome\r\n  to the mock\r\n220 ready\r\n")
                            .expect("FEAT")
                            .send("211-Features:\r\n SIZE\r\n MDTM\r\n UTF8\r\n211 End\r\n")
                            .expect("USER anonymous")
                            .send("331 password please\r\n")
                            .expect("PASS ftp@example.com")
                            .send("230-Hello\r\n230-more\r\n230 Login successful.\r\n")
                            .expect("OPTS UTF8 ON")
                            .send("200 Always in UTF8 mode.\r\n")
                            .expect("PWD")
                            .send("257 \"/pub/say \"\"hi\"\"\" is the current directory\r\n")
                            .expect("SYST")
                            .send("215 UNIX Type: L8\r\n")
                            .expect("QUIT")
                            .send("221 Goodbye.\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(c.greeting().code, 220);
  EXPECT_THAT(c.greeting().lines, ElementsAre("Welcome", "  to the mock", "ready"));
  EXPECT_TRUE(c.server_features().has("MDTM"));
  EXPECT_EQ(c.pwd(), "/pub/say \"hi\"");
  EXPECT_EQ(c.system_type(), "UNIX Type: L8");
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpLogin, UserPassAcctAndCommands) {
  mock::mock_server srv(mock::script()
                            .send("220 ready\r\n")
                            .expect("FEAT")
                            .send("500 FEAT not understood\r\n")
                            .expect("USER alice")
                            .send("331 password\r\n")
                            .expect("PASS secret")
                            .send("332 account\r\n")
                            .expect("ACCT acct1")
                            .send("230 ok\r\n")
                            .expect("CWD /a b")
                            .send("250 ok\r\n")
                            .expect("CDUP")
                            .send("200 ok\r\n")
                            .expect("MKD new")
                            .send("257 \"/new\" created\r\n")
                            .expect("RMD old")
                            .send("250 ok\r\n")
                            .expect("DELE f")
                            .send("250 ok\r\n")
                            .expect("RNFR x")
                            .send("350 ready\r\n")
                            .expect("RNTO y")
                            .send("250 ok\r\n")
                            .expect("TYPE I")
                            .send("200 Switching to Binary mode.\r\n")
                            .expect("SIZE f")
                            .send("213 1234567890123\r\n")
                            .expect("MDTM f")
                            .send("213 20260102030405\r\n")
                            .expect("SITE CHMOD 644 f")
                            .send("200 ok\r\n")
                            .expect("NOOP")
                            .send("200 ok\r\n")
                            .expect("HELP")
                            .send("502 no help\r\n")
                            .expect("CWD missing")
                            .send("550 No such directory\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.user = "alice";
  o.password = "secret";
  o.account = "acct1";
  c.connect(o);
  EXPECT_FALSE(c.server_features().feat_supported);
  c.cwd("/a b");
  c.cdup();
  EXPECT_EQ(c.mkd("new"), "/new");
  c.rmd("old");
  c.dele("f");
  c.rename("x", "y");
  EXPECT_EQ(c.size("f"), 1234567890123u);
  EXPECT_EQ(c.mdtm("f"), "20260102030405");
  c.site("CHMOD 644 f");
  EXPECT_EQ(c.noop().code, 200);
  EXPECT_EQ(c.command("HELP").code, 502);  // the escape hatch returns any reply
  try {
    c.cwd("missing");
    FAIL() << "no throw";
  } catch (const ftp_exception& e) {
    EXPECT_EQ(e.code(), make_error_code(error::file_unavailable));
    EXPECT_EQ(e.server_reply().code, 550);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpLogin, LoginRefused) {
  mock::mock_server srv(anonymous_login().expect("NOOP").send("421 bye\r\n"));
  mock::mock_server srv2(mock::script()
                             .send("220 ready\r\n")
                             .expect("FEAT")
                             .send("211 no features\r\n")
                             .expect("USER anonymous")
                             .send("530 no anonymous\r\n"));
  blocking_client c2;
  transport::async_error_code ec;
  c2.connect(options_for(srv2), ec);
  EXPECT_EQ(std::error_code(ec), make_error_code(error::login_failed));
  EXPECT_EQ(std::error_code(ec), condition::auth_failed);
  EXPECT_SCRIPT_OK(srv2);
  // A 421 at any point is service_unavailable and closes the connection.
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(code_of([&] { c.noop(); }), make_error_code(error::service_unavailable));
  EXPECT_EQ(code_of([&] { c.noop(); }), make_error_code(error::not_connected));
}

TEST(FtpLogin, BadGreeting) {
  mock::mock_server srv(mock::script().send("500 go away\r\n"));
  blocking_client c;
  EXPECT_EQ(code_of([&] { c.connect(options_for(srv)); }), make_error_code(error::bad_greeting));
}

TEST(FtpLogin, CrLfInAnyArgumentIsRefusedBeforeSending) {
  mock::mock_server srv(anonymous_login().expect_silence(200ms));
  blocking_client c;
  c.connect(options_for(srv));
  const auto bad = make_error_code(transport::error::invalid_argument);
  EXPECT_EQ(code_of([&] { c.cwd("a\r\nDELE x"); }), bad);
  EXPECT_EQ(code_of([&] { c.dele(std::string("a\0b", 3)); }), bad);
  EXPECT_EQ(code_of([&] { c.rename("ok", "b\nc"); }), bad);  // nothing, not even RNFR
  EXPECT_EQ(code_of([&] { c.command("NOOP\r\nDELE x"); }), bad);
  EXPECT_EQ(code_of([&] { c.site("x\ry"); }), bad);
  EXPECT_SCRIPT_OK(srv);
  // Credentials too: nothing is sent, not even a connection attempt's USER.
  mock::mock_server srv2(mock::script().expect_silence(200ms));
  blocking_client c2;
  auto o = options_for(srv2);
  o.user = "alice";
  o.password = "se\r\ncret";
  EXPECT_EQ(code_of([&] { c2.connect(o); }), bad);
  EXPECT_TRUE(srv2.received().empty());
}

TEST(FtpLogin, UnterminatedPwdQuoteIsMalformed) {
  mock::mock_server srv(anonymous_login().expect("PWD").send("257 \"/home/a is it\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(code_of([&] { c.pwd(); }), make_error_code(error::malformed_reply));
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpLogin, EndlessReplyLineIsBounded) {
  mock::mock_server srv(mock::script().send("220-").send_repeated(std::string(4096, 'x'), 100000));
  blocking_client c;
  auto o = options_for(srv);
  o.limits.max_line_bytes = 8192;
  const auto ec = code_of([&] { c.connect(o); });
  EXPECT_EQ(ec, make_error_code(transport::error::line_too_long)) << ec.message();
}

TEST(FtpTls, PasswordNeverGoesInClearWithoutAuthTls) {
  // A user name makes TLS required by default: FEAT does not offer AUTH TLS, so the client
  // stops after FEAT.
  mock::mock_server srv(mock::script()
                            .send("220 ready\r\n")
                            .expect("FEAT")
                            .send("211-Features:\r\n SIZE\r\n211 End\r\n")
                            .expect_eof());
  blocking_client c;
  auto o = options_for(srv);
  o.policy.reset();
  o.user = "alice";
  o.password = "secret";
  EXPECT_EQ(code_of([&] { c.connect(o); }), make_error_code(error::tls_required));
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received_lines(), ElementsAre("FEAT"));
}

TEST(FtpTls, AuthTlsRefusedUnderRequiredSendsNothingElse) {
  mock::mock_server srv(mock::script()
                            .send("220 ready\r\n")
                            .expect("FEAT")
                            .send("211-Features:\r\n AUTH TLS\r\n211 End\r\n")
                            .expect("AUTH TLS")
                            .send("534 not today\r\n")
                            .expect_eof());
  blocking_client c;
  auto o = options_for(srv);
  o.policy = transport::tls_policy::required;
  try {
    c.connect(o);
    FAIL() << "no throw";
  } catch (const ftp_exception& e) {
    EXPECT_EQ(e.code(), make_error_code(error::tls_required));
    EXPECT_EQ(e.server_reply().code, 534);
  }
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received_lines(), ElementsAre("FEAT", "AUTH TLS"));
}

TEST(FtpTls, ExplicitFtpsProtectsAndLogsIn) {
  mock::mock_server srv(mock::script()
                            .send("220 ready\r\n")
                            .expect("FEAT")
                            .send("211-Features:\r\n AUTH TLS\r\n PBSZ\r\n211 End\r\n")
                            .expect("AUTH TLS")
                            .send("234 Proceed with negotiation.\r\n")
                            .start_tls()
                            .expect("PBSZ 0")
                            .send("200 PBSZ set to 0.\r\n")
                            .expect("PROT P")
                            .send("200 PROT now Private.\r\n")
                            .expect("FEAT")
                            .send("211-Features:\r\n AUTH TLS\r\n SIZE\r\n211 End\r\n")
                            .expect("USER alice")
                            .send("331 password\r\n")
                            .expect("PASS secret")
                            .send("230 ok\r\n"));
  blocking_client c;
  auto o = options_for(srv);
  o.policy.reset();
  o.user = "alice";
  o.password = "secret";
  c.connect(o);
  EXPECT_TRUE(c.is_tls());
  EXPECT_TRUE(c.server_features().has("SIZE"));
  EXPECT_SCRIPT_OK(srv);
}

TEST(FtpTls, ImplicitFtpsOffersAlpnFtp) {
  auto offered = std::make_shared<std::string>();
  mock::server_options so;
  so.implicit_tls = true;
  so.configure_tls = [offered](SSL_CTX* ctx) {
    SSL_CTX_set_alpn_select_cb(
        ctx,
        [](SSL*, const unsigned char**, unsigned char*, const unsigned char* in, unsigned inlen,
           void* arg) -> int {
          static_cast<std::string*>(arg)->assign(reinterpret_cast<const char*>(in), inlen);
          return SSL_TLSEXT_ERR_NOACK;
        },
        offered.get());
  };
  mock::mock_server srv(mock::script()
                            .send("220 ready\r\n")
                            .expect("FEAT")
                            .send("211 none\r\n")
                            .expect("PBSZ 0")
                            .send("200 ok\r\n")
                            .expect("PROT P")
                            .send("200 ok\r\n")
                            .expect("USER anonymous")
                            .send("230 ok\r\n"),
                        so);
  blocking_client c;
  auto o = options_for(srv);
  o.security = security::implicit_tls;
  c.connect(o);
  EXPECT_TRUE(c.is_tls());
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(*offered, std::string("\x03" "ftp"));
}

}  // namespace
}  // namespace inet::ftp::testing
