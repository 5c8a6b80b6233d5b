#include "tools/mail/options.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/mail/sysexits.hpp"

namespace inet::mail {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

mail_options ok(std::vector<std::string> args) {
  parse_result r = parse_options(args);
  EXPECT_EQ(r.exit_code, 0) << r.message;
  return r.options;
}

std::string usage_error(std::vector<std::string> args) {
  parse_result r = parse_options(args);
  EXPECT_EQ(r.exit_code, ex_usage);
  return r.message;
}

TEST(Options, SendmailForms) {
  const mail_options o = ok({"-oi", "-oem", "-odi", "-f", "me@x.org", "-F", "Me", "--", "a@y",
                             "b@z"});
  EXPECT_EQ(o.mode, mode::send);
  EXPECT_TRUE(o.ignore_dots);
  EXPECT_EQ(o.overrides.from, "me@x.org");
  EXPECT_EQ(o.full_name, "Me");
  EXPECT_THAT(o.recipients, ElementsAre("a@y", "b@z"));
  EXPECT_FALSE(o.compose_mode());
}

TEST(Options, CombinedAndAttachedShortOptions) {
  const mail_options o = ok({"-ti", "-fme@x.org", "-a", "work", "-v"});
  EXPECT_TRUE(o.read_recipients);
  EXPECT_TRUE(o.ignore_dots);
  EXPECT_TRUE(o.verbose);
  EXPECT_EQ(o.overrides.from, "me@x.org");
  EXPECT_EQ(o.account, "work");
  EXPECT_TRUE(o.recipients.empty());
}

TEST(Options, MinusRIsEnvelopeFromAndNullSender) {
  EXPECT_EQ(ok({"-r", "bounce@x.org", "a@y"}).overrides.from, "bounce@x.org");
  EXPECT_EQ(ok({"-f", "<>", "a@y"}).overrides.from, "");
  EXPECT_FALSE(ok({"a@y"}).overrides.from.has_value());
}

TEST(Options, IgnoredSendmailOptions) {
  const mail_options o = ok({"-bm", "-U", "-B", "8BITMIME", "-h", "17", "-em", "a@y"});
  EXPECT_THAT(o.recipients, ElementsAre("a@y"));
  EXPECT_THAT(usage_error({"-bp"}), HasSubstr("not supported"));
}

TEST(Options, DashDashKeepsDashedRecipients) {
  const mail_options o = ok({"--", "-oi", "-t"});
  EXPECT_FALSE(o.read_recipients);
  EXPECT_THAT(o.recipients, ElementsAre("-oi", "-t"));
}

TEST(Options, NoRecipientsIsUsageError) {
  EXPECT_THAT(usage_error({}), HasSubstr("no recipients"));
  EXPECT_THAT(usage_error({"-f", "a@b"}), HasSubstr("no recipients"));
  EXPECT_EQ(ok({"-t"}).mode, mode::send);
}

TEST(Options, UnknownOptionIsUsageError) {
  EXPECT_THAT(usage_error({"--hots=x", "a@b"}), HasSubstr("inet mail:"));
  EXPECT_THAT(usage_error({"--port"}), HasSubstr("inet mail:"));
}

TEST(Options, ServerOverrides) {
  const mail_options o =
      ok({"--host=smtp.example.org", "--port=465", "--tls=on", "--tls-starttls=off",
          "--tls-trust-file=/ca.pem", "--tls-certcheck=off", "--auth=scram-sha-256", "--user=u",
          "--passwordeval=pass show x", "--domain=client.example", "--timeout=30",
          "--queue=/q", "-N", "failure,delay", "-R", "hdrs", "a@b"});
  const account_settings& s = o.overrides;
  EXPECT_EQ(s.host, "smtp.example.org");
  EXPECT_EQ(s.port, 465);
  EXPECT_EQ(s.tls, true);
  EXPECT_EQ(s.tls_starttls, false);
  EXPECT_EQ(s.tls_trust_file, "/ca.pem");
  EXPECT_EQ(s.tls_certcheck, false);
  EXPECT_EQ(s.auth, "scram-sha-256");
  EXPECT_EQ(s.user, "u");
  EXPECT_EQ(s.passwordeval, "pass show x");
  EXPECT_EQ(s.domain, "client.example");
  EXPECT_EQ(s.timeout, std::chrono::seconds(30));
  EXPECT_EQ(s.queue, "/q");
  EXPECT_EQ(s.dsn_notify, "failure,delay");
  EXPECT_EQ(s.dsn_return, "headers");
  EXPECT_FALSE(s.password.has_value());
}

TEST(Options, OverridesUnsetWhenAbsentAndBareFlagsMeanOn) {
  const mail_options o = ok({"--tls", "--password-eval", "cmd", "a@b"});
  EXPECT_EQ(o.overrides.tls, true);
  EXPECT_EQ(o.overrides.passwordeval, "cmd");
  EXPECT_FALSE(o.overrides.tls_starttls.has_value());
  EXPECT_FALSE(o.overrides.host.has_value());
  EXPECT_FALSE(o.overrides.port.has_value());
}

TEST(Options, BadOverrideValuesAreUsageErrors) {
  EXPECT_THAT(usage_error({"--port=0", "a@b"}), HasSubstr("port"));
  EXPECT_THAT(usage_error({"--tls=maybe", "a@b"}), HasSubstr("on"));
  EXPECT_THAT(usage_error({"--auth=gssapi", "a@b"}), HasSubstr("auth"));
  EXPECT_THAT(usage_error({"--timeout=-3", "a@b"}), HasSubstr("timeout"));
  EXPECT_THAT(usage_error({"-N", "sometimes", "a@b"}), HasSubstr("never"));
}

TEST(Options, LastValueWins) {
  EXPECT_EQ(ok({"--port=25", "--port=587", "a@b"}).overrides.port, 587);
}

TEST(Options, ComposeMode) {
  const mail_options o =
      ok({"--to", "a@x", "--to", "b@x", "--cc", "c@x", "--bcc", "d@x", "--subject", "Hi",
          "--body", "text", "--attach", "f1", "--attach", "f2", "--reply-to", "r@x", "e@x"});
  EXPECT_TRUE(o.compose_mode());
  EXPECT_THAT(o.to, ElementsAre("a@x", "b@x", "e@x"));
  EXPECT_THAT(o.cc, ElementsAre("c@x"));
  EXPECT_THAT(o.bcc, ElementsAre("d@x"));
  EXPECT_THAT(o.attachments, ElementsAre("f1", "f2"));
  EXPECT_EQ(o.subject, "Hi");
  EXPECT_EQ(o.body, "text");
  EXPECT_EQ(o.reply_to, "r@x");
  EXPECT_TRUE(o.recipients.empty());
}

TEST(Options, ComposeErrors) {
  EXPECT_THAT(usage_error({"--subject", "x"}), HasSubstr("no recipient"));
  EXPECT_THAT(usage_error({"-t", "--to", "a@x"}), HasSubstr("-t"));
  EXPECT_THAT(usage_error({"--to", "a@x", "--body", "b", "--body-file", "f"}),
              HasSubstr("exclude"));
}

TEST(Options, Modes) {
  EXPECT_EQ(ok({"--serverinfo"}).mode, mode::serverinfo);
  EXPECT_EQ(ok({"-S", "--host=h"}).mode, mode::serverinfo);
  EXPECT_EQ(ok({"--flush", "--queue=/q"}).mode, mode::flush);
  EXPECT_EQ(ok({"--flush"}).mode, mode::flush);  // the queue may come from the account
  EXPECT_THAT(usage_error({"--flush", "--queue=/q", "-S"}), HasSubstr("exclude"));
  const mail_options rel = ok({"--flush", "--release", "ID1", "--release=ID2"});
  EXPECT_EQ(rel.mode, mode::flush);
  EXPECT_EQ(rel.release, (std::vector<std::string>{"ID1", "ID2"}));
  EXPECT_EQ(ok({"--release", "ID1"}).mode, mode::flush);  // implies --flush
  EXPECT_THAT(usage_error({"--release", "ID1", "-S"}), HasSubstr("exclude"));
  EXPECT_EQ(ok({"--help"}).mode, mode::help);
  EXPECT_EQ(ok({"-h"}).mode, mode::help);
  EXPECT_EQ(ok({"-C", "/etc/mailrc", "a@b"}).config_file, "/etc/mailrc");
  EXPECT_EQ(ok({"--file=/etc/mailrc", "a@b"}).config_file, "/etc/mailrc");
}

TEST(Options, HelpTextMentionsEveryMode) {
  const std::string& h = help_text();
  for (const char* s : {"--serverinfo", "--flush", "--queue", "-t,", "--passwordeval", "--tls=on|off",
                        "--attach", "Exit status", "EX_NOUSER", "--release ID", "Held messages",
                        "within 60 s"})
    EXPECT_THAT(h, HasSubstr(s));
}

TEST(Options, OAuth2Overrides) {
  const mail_options o =
      ok({"--auth=xoauth2", "--oauth2-token-endpoint=https://oauth2.googleapis.com/token",
          "--oauth2-client-id", "cid", "--oauth2-client-secret-eval=pass cs",
          "--oauth2-refresh-token-eval", "pass rt", "--oauth2-scope=https://mail.google.com/",
          "--oauth2-tls-trust-file=system", "a@b"});
  EXPECT_EQ(o.overrides.oauth2_token_endpoint, "https://oauth2.googleapis.com/token");
  EXPECT_EQ(o.overrides.oauth2_client_id, "cid");
  EXPECT_EQ(o.overrides.oauth2_client_secret_eval, "pass cs");
  EXPECT_EQ(o.overrides.oauth2_refresh_token_eval, "pass rt");
  EXPECT_EQ(o.overrides.oauth2_scope, "https://mail.google.com/");
  EXPECT_EQ(o.overrides.oauth2_tls_trust_file, "");
  EXPECT_EQ(ok({"--oauth2-tls-trust-file=/ca.pem", "a@b"}).overrides.oauth2_tls_trust_file,
            "/ca.pem");
  // Secrets are never taken from the command line (visible in ps).
  usage_error({"--oauth2-refresh-token=1//x", "a@b"});
  usage_error({"--oauth2-client-secret=s", "a@b"});
}

TEST(Options, HelpTextDocumentsOAuth2) {
  const std::string& h = help_text();
  for (const char* s : {"--oauth2-token-endpoint URL", "--oauth2-client-id ID",
                        "--oauth2-client-secret-eval CMD", "--oauth2-refresh-token-eval CMD",
                        "--oauth2-scope SCOPE", "--oauth2-tls-trust-file FILE",
                        "oauth2_client_secret SECRET", "oauth2_refresh_token TOKEN"})
    EXPECT_THAT(h, HasSubstr(s));
}

}  // namespace
}  // namespace inet::mail

namespace inet::mail {
namespace {

TEST(Options, MsmtpLoggingAndHeaderKeys) {
  const mail_options o = ok({"-X", "/tmp/log", "--syslog", "--undisclosed-recipients",
                             "--remove-bcc-headers=off", "--allow-from-override=off",
                             "--set-from-header=ON", "--set-date-header=off",
                             "--set-msgid-header=auto", "--from-full-name=Jane",
                             "--aliases=/etc/aliases", "--logfile-time-format=%F",
                             "--tls-fingerprint=AB:CD", "a@y"});
  const account_settings& s = o.overrides;
  EXPECT_EQ(s.logfile, "/tmp/log");
  EXPECT_EQ(s.syslog, "LOG_USER");
  EXPECT_EQ(s.undisclosed_recipients, true);
  EXPECT_EQ(s.remove_bcc_headers, false);
  EXPECT_EQ(s.allow_from_override, false);
  EXPECT_EQ(s.set_from_header, "on");
  EXPECT_EQ(s.set_date_header, "off");
  EXPECT_EQ(s.set_msgid_header, "auto");
  EXPECT_EQ(s.from_full_name, "Jane");
  EXPECT_EQ(s.aliases, "/etc/aliases");
  EXPECT_EQ(s.logfile_time_format, "%F");
  EXPECT_EQ(s.tls_fingerprint, "AB:CD");  // checked when the account is resolved (EX_CONFIG)
  EXPECT_THAT(o.recipients, ElementsAre("a@y"));
  EXPECT_THAT(usage_error({"--set-msgid-header=on", "a@y"}), HasSubstr("expected auto or off"));
  EXPECT_THAT(usage_error({"--undisclosed-recipients=yes", "a@y"}), HasSubstr("'on' or 'off'"));
}

}  // namespace
}  // namespace inet::mail
