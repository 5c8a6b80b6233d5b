#include "tools/mail/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

namespace inet::mail {
namespace {

using ::testing::HasSubstr;

config parse(std::string_view text) { return parse_config(text, "mailrc", "/home/u"); }

std::string parse_error(std::string_view text) {
  try {
    parse(text);
  } catch (const config_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Config, DefaultsAndInheritance) {
  const config c = parse(R"(# comment
defaults
tls on
port 587

account base
host smtp.example.org
user alice
from alice@example.org

account other : base
port 2525
user bob

account default : other
)");
  ASSERT_EQ(c.accounts.size(), 3u);
  const account_settings& base = c.accounts.at("base");
  EXPECT_EQ(base.tls, true);
  EXPECT_EQ(base.port, 587);
  EXPECT_EQ(base.host, "smtp.example.org");
  const account_settings& other = c.accounts.at("other");
  EXPECT_EQ(other.host, "smtp.example.org");
  EXPECT_EQ(other.user, "bob");
  EXPECT_EQ(other.port, 2525);
  EXPECT_EQ(other.from, "alice@example.org");
  const account_settings def = select_account(c, "");
  EXPECT_EQ(def.user, "bob");
  EXPECT_EQ(def.port, 2525);
  EXPECT_FALSE(c.has_password);
}

TEST(Config, MultipleParentsApplyInOrderThenOwnSettings) {
  const config c = parse(R"(account a
host a.example
port 1
account b
host b.example
account c : a, b
port 3
)");
  const account_settings& acc = c.accounts.at("c");
  EXPECT_EQ(acc.host, "b.example");
  EXPECT_EQ(acc.port, 3);
}

TEST(Config, DefaultsOnlyAffectLaterAccounts) {
  const config c = parse("account early\nhost h\ndefaults\nport 25\naccount late\nhost h\n");
  EXPECT_FALSE(c.accounts.at("early").port.has_value());
  EXPECT_EQ(c.accounts.at("late").port, 25);
}

TEST(Config, SelectWithoutDefaultAccountUsesDefaults) {
  const config c = parse("host smtp.example\naccount x\nhost y\n");
  EXPECT_EQ(select_account(c, "").host, "smtp.example");
  EXPECT_EQ(select_account(c, "x").host, "y");
  try {
    select_account(c, "nope");
    FAIL();
  } catch (const config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("account 'nope' not found"));
  }
}

TEST(Config, QuotingAndComments) {
  const config c = parse(R"(account q
password "p#ss \"word\" \\ "   # trailing comment
passwordeval pass show mail | head -n1 # comment
from   me@example.org   
domain "two words"
)");
  const account_settings& q = c.accounts.at("q");
  EXPECT_EQ(q.password, "p#ss \"word\" \\ ");
  EXPECT_EQ(q.passwordeval, "pass show mail | head -n1");
  EXPECT_EQ(q.from, "me@example.org");
  EXPECT_EQ(q.domain, "two words");
  EXPECT_TRUE(c.has_password);
}

TEST(Config, OnOffKeysDefaultToOnAndTildeExpands) {
  const config c = parse(
      "account a\ntls\ntls_starttls off\ntls_certcheck OFF\nauth\ntls_trust_file ~/ca.pem\n"
      "queue ~/q\ntls_cert_file ~other/x\naccount b\ntls_trust_file system\nauth SCRAM-SHA-256\n"
      "timeout off\naccount c\ntimeout 30\n");
  const account_settings& a = c.accounts.at("a");
  EXPECT_EQ(a.tls, true);
  EXPECT_EQ(a.tls_starttls, false);
  EXPECT_EQ(a.tls_certcheck, false);
  EXPECT_EQ(a.auth, "on");
  EXPECT_EQ(a.tls_trust_file, "/home/u/ca.pem");
  EXPECT_EQ(a.queue, "/home/u/q");
  EXPECT_EQ(a.tls_cert_file, "~other/x");
  EXPECT_EQ(c.accounts.at("b").tls_trust_file, "");
  EXPECT_EQ(c.accounts.at("b").auth, "scram-sha-256");
  EXPECT_EQ(c.accounts.at("b").timeout, std::chrono::seconds(0));
  EXPECT_EQ(c.accounts.at("c").timeout, std::chrono::seconds(30));
}

TEST(Config, ErrorsCarryLineNumbers) {
  EXPECT_EQ(parse_error("account a\n\nhots x\n"), "mailrc:3: unknown key 'hots'");
  EXPECT_THAT(parse_error("port 0\n"), HasSubstr("mailrc:1: port"));
  EXPECT_THAT(parse_error("port 65536\n"), HasSubstr("mailrc:1:"));
  EXPECT_THAT(parse_error("port 25x\n"), HasSubstr("mailrc:1:"));
  EXPECT_THAT(parse_error("\ntls yes\n"), HasSubstr("mailrc:2: expected 'on' or 'off'"));
  EXPECT_THAT(parse_error("auth digest-md5\n"), HasSubstr("mailrc:1: auth"));
  EXPECT_THAT(parse_error("password \"abc\n"), HasSubstr("mailrc:1: unterminated"));
  EXPECT_THAT(parse_error("account a : missing\n"), HasSubstr("mailrc:1: account 'missing'"));
  EXPECT_THAT(parse_error("account a\naccount a\n"), HasSubstr("mailrc:2: account 'a' is defined twice"));
  EXPECT_THAT(parse_error("account\n"), HasSubstr("mailrc:1:"));
  EXPECT_THAT(parse_error("host\n"), HasSubstr("mailrc:1: 'host' needs an argument"));
  EXPECT_THAT(parse_error("timeout forever\n"), HasSubstr("mailrc:1: timeout"));
  EXPECT_THAT(parse_error("protocol pop3\n"), HasSubstr("mailrc:1: protocol 'pop3': expected smtp or lmtp"));
  EXPECT_THAT(parse_error("dsn_notify sometimes\n"), HasSubstr("mailrc:1: dsn_notify"));
  EXPECT_THAT(parse_error(std::string_view("host a\0b\n", 9)), HasSubstr("NUL"));
}

TEST(Config, ProtocolLmtpPerAccount) {
  const config c = parse("defaults\nprotocol smtp\naccount local\nprotocol LMTP\nhost 127.0.0.1\n"
                         "account relay\nhost mx.example\n");
  EXPECT_EQ(c.accounts.at("local").protocol, "lmtp");
  EXPECT_EQ(select_account(c, "relay").protocol, "smtp");  // from defaults
}

TEST(Config, IgnoredMsmtpKeysWarn) {
  const config c = parse("defaults\nmaildomain x.org\nauto_from on\nprotocol smtp\n");
  ASSERT_EQ(c.warnings.size(), 2u);
  EXPECT_THAT(c.warnings[0], HasSubstr("mailrc:2: ignoring msmtp key 'maildomain'"));
}

TEST(Config, LoggingAliasesAndHeaderKeys) {
  const config c = parse(R"(defaults
logfile ~/.msmtp.log
logfile_time_format "%Y-%m-%d %H:%M"
syslog
aliases ~/aliases
undisclosed_recipients
remove_bcc_headers off
set_from_header ON
set_date_header off
set_msgid_header auto
allow_from_override off
from_full_name "Jane Doe"
account a
syslog LOG_mail
logfile -
account b
syslog off
add_missing_from_header off
add_missing_date_header
account c
add_missing_from_header on
set_from_header
)");
  EXPECT_TRUE(c.warnings.empty());
  const account_settings& d = c.defaults;
  EXPECT_EQ(d.logfile, "/home/u/.msmtp.log");
  EXPECT_EQ(d.logfile_time_format, "%Y-%m-%d %H:%M");
  EXPECT_EQ(d.syslog, "LOG_USER");
  EXPECT_EQ(d.aliases, "/home/u/aliases");
  EXPECT_EQ(d.undisclosed_recipients, true);
  EXPECT_EQ(d.remove_bcc_headers, false);
  EXPECT_EQ(d.set_from_header, "on");
  EXPECT_EQ(d.set_date_header, "off");
  EXPECT_EQ(d.set_msgid_header, "auto");
  EXPECT_EQ(d.allow_from_override, false);
  EXPECT_EQ(d.from_full_name, "Jane Doe");
  EXPECT_EQ(c.accounts.at("a").syslog, "LOG_MAIL");
  EXPECT_EQ(c.accounts.at("a").logfile, "-");
  EXPECT_EQ(c.accounts.at("a").from_full_name, "Jane Doe");  // inherited from defaults
  EXPECT_EQ(c.accounts.at("b").syslog, "");
  EXPECT_EQ(c.accounts.at("b").set_from_header, "off");  // deprecated alias
  EXPECT_EQ(c.accounts.at("b").set_date_header, "auto");
  EXPECT_EQ(c.accounts.at("c").set_from_header, "on");  // no argument = on
}

TEST(Config, LoggingAndHeaderKeyErrors) {
  EXPECT_THAT(parse_error("syslog LOG_KERN\n"), HasSubstr("mailrc:1: syslog: expected on, off"));
  EXPECT_THAT(parse_error("set_from_header always\n"), HasSubstr("expected auto, on or off"));
  EXPECT_THAT(parse_error("set_date_header on\n"), HasSubstr("expected auto or off"));
  EXPECT_THAT(parse_error("set_msgid_header\n"), HasSubstr("needs an argument"));
  EXPECT_THAT(parse_error("undisclosed_recipients yes\n"), HasSubstr("expected 'on' or 'off'"));
  EXPECT_THAT(parse_error("add_missing_date_header maybe\n"), HasSubstr("expected 'on' or 'off'"));
}

TEST(Config, TlsFingerprint) {
  const std::string sha256(64, 'a'), sha1 = "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67";
  const config c = parse("account a\ntls_fingerprint " + sha256 + "\naccount b : a\ntls_fingerprint " +
                         sha1 + "\naccount c : a\ntls_fingerprint\n");
  EXPECT_EQ(c.accounts.at("a").tls_fingerprint, sha256);
  EXPECT_EQ(c.accounts.at("b").tls_fingerprint, sha1);
  EXPECT_EQ(c.accounts.at("c").tls_fingerprint, "");  // empty argument: no pin (msmtp)
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_THAT(parse_error("\ntls_fingerprint " + std::string(32, 'A') + "\n"),
              HasSubstr("mailrc:2: tls_fingerprint: MD5 fingerprints are not accepted"));
  EXPECT_THAT(parse_error("tls_fingerprint " + std::string(63, 'a') + "\n"),
              HasSubstr("got 63 digits"));
  EXPECT_THAT(parse_error("tls_fingerprint " + std::string(63, 'a') + "g\n"),
              HasSubstr("expected hex digits"));
  EXPECT_EQ(parse_fingerprint(""), "");
  EXPECT_THROW(parse_fingerprint("::"), std::invalid_argument);
}

TEST(Config, CrlfLinesParse) {
  const config c = parse("account a\r\nhost h.example\r\nport 465\r\n");
  EXPECT_EQ(c.accounts.at("a").host, "h.example");
  EXPECT_EQ(c.accounts.at("a").port, 465);
}

TEST(Config, OverlayOnlySetFields) {
  account_settings a;
  a.host = "a";
  a.port = 1;
  account_settings b;
  b.port = 2;
  a.overlay(b);
  EXPECT_EQ(a.host, "a");
  EXPECT_EQ(a.port, 2);
}

std::string temp_file(const std::string& name, const std::string& content, mode_t mode) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir ? dir : "/tmp") + "/" + name;
  std::ofstream(path) << content;
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(Config, PasswordFileMustBePrivate) {
  const std::string open = temp_file("open.rc", "account a\npassword x\n", 0644);
  try {
    load_config(open, "");
    FAIL() << "group/other-readable file with a password was accepted";
  } catch (const config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("must not have more than user permissions"));
  }
  const std::string closed = temp_file("closed.rc", "account a\npassword x\n", 0600);
  EXPECT_EQ(load_config(closed, "").accounts.at("a").password, "x");
  // Without a password the mode does not matter.
  const std::string plain = temp_file("plain.rc", "account a\nhost h\n", 0644);
  EXPECT_EQ(load_config(plain, "").accounts.at("a").host, "h");
}

TEST(Config, LoadMissingFileFails) {
  EXPECT_THROW(load_config("/nonexistent/inet/mailrc", ""), config_error);
}

TEST(Config, FindConfigFilePrefersInetMailrc) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::filesystem::path home = std::filesystem::path(tmp ? tmp : "/tmp") / "home";
  std::filesystem::create_directories(home / ".config" / "inet");
  std::map<std::string, std::string> vars = {{"HOME", home.string()}};
  const env_fn env = [&](const std::string& n) -> std::optional<std::string> {
    const auto it = vars.find(n);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_FALSE(find_config_file(env, home / "no-system-msmtprc").has_value());
  std::ofstream(home / ".msmtprc") << "host h\n";
  EXPECT_EQ(find_config_file(env), home / ".msmtprc");
  std::ofstream(home / ".config" / "inet" / "mailrc") << "host h\n";
  EXPECT_EQ(find_config_file(env), home / ".config" / "inet" / "mailrc");
  vars["XDG_CONFIG_HOME"] = (home / "xdg").string();
  EXPECT_EQ(find_config_file(env), home / ".msmtprc");
}

TEST(Config, ValueParsers) {
  EXPECT_TRUE(parse_on_off("ON"));
  EXPECT_FALSE(parse_on_off("off"));
  EXPECT_THROW(parse_on_off("1"), std::invalid_argument);
  EXPECT_EQ(parse_port("465"), 465);
  EXPECT_THROW(parse_port("-1"), std::invalid_argument);
  EXPECT_THROW(parse_port(""), std::invalid_argument);
  EXPECT_EQ(parse_timeout("0"), std::chrono::seconds(0));
  EXPECT_THROW(parse_timeout("86401"), std::invalid_argument);
  EXPECT_EQ(parse_auth("XOAUTH2"), "xoauth2");
}

TEST(Config, OAuth2KeysParsedInheritedAndSecretsMarked) {
  const config c = parse(R"(defaults
oauth2_token_endpoint https://oauth2.googleapis.com/token
oauth2_tls_trust_file ~/ca.pem
account gmail
oauth2_client_id 123-abc.apps.googleusercontent.com
oauth2_client_secret_eval "pass show gmail/secret"
oauth2_refresh_token_eval pass show gmail/refresh
oauth2_scope "https://mail.google.com/"
account sys : gmail
oauth2_tls_trust_file system
)");
  const account_settings& g = c.accounts.at("gmail");
  EXPECT_EQ(g.oauth2_token_endpoint, "https://oauth2.googleapis.com/token");
  EXPECT_EQ(g.oauth2_client_id, "123-abc.apps.googleusercontent.com");
  EXPECT_EQ(g.oauth2_client_secret_eval, "pass show gmail/secret");
  EXPECT_EQ(g.oauth2_refresh_token_eval, "pass show gmail/refresh");
  EXPECT_EQ(g.oauth2_scope, "https://mail.google.com/");
  EXPECT_EQ(g.oauth2_tls_trust_file, "/home/u/ca.pem");
  EXPECT_FALSE(g.oauth2_client_secret.has_value());
  EXPECT_EQ(c.accounts.at("sys").oauth2_tls_trust_file, "");
  EXPECT_EQ(c.accounts.at("sys").oauth2_client_id, g.oauth2_client_id);
  EXPECT_FALSE(c.has_password);  // only _eval forms: no secret in the file

  EXPECT_TRUE(parse("account a\noauth2_refresh_token 1//x\n").has_password);
  EXPECT_TRUE(parse("account a\noauth2_client_secret s\n").has_password);
  EXPECT_THAT(parse_error("oauth2_client_id\n"), HasSubstr("needs an argument"));

  account_settings over;
  over.oauth2_refresh_token = "rt";
  account_settings base = g;
  base.overlay(over);
  EXPECT_EQ(base.oauth2_refresh_token, "rt");
  EXPECT_EQ(base.oauth2_client_id, g.oauth2_client_id);
}

TEST(Config, OAuth2SecretInGroupReadableFileIsRefused) {
  const std::string open = temp_file("oauth.rc", "account a\noauth2_refresh_token 1//x\n", 0640);
  try {
    load_config(open, "/home/u");
    FAIL() << "group-readable file with a refresh token was accepted";
  } catch (const config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("must not have more than user permissions"));
  }
}

}  // namespace
}  // namespace inet::mail
