// `inet get/put imap(s)://` through the CLI (cli::run): curl's request choice per URL form,
// output bytes, exit codes, connection reuse without re-SELECT, hostile servers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "tests/mock/server.hpp"
#include "tools/imap/imap_cli.hpp"
#include "tools/inet/cli.hpp"

namespace inet::imap_cli {
namespace {

using test::mock_server;
using test::script;
using ::testing::HasSubstr;
using ::testing::Not;

struct result {
  int status = -1;
  std::string out, err;
};

result run(const char* verb, std::vector<std::string> args, std::string input = {}) {
  std::vector<std::string> argv{"inet", verb, "--connect-timeout", "5", "-m", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  std::istringstream in(input);
  result r;
  r.status = cli::run(argv, out, err, in);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string url(const mock_server& srv, const std::string& path) {
  return "imap://alice:secret@" + srv.host() + ":" + std::to_string(srv.port()) + "/" + path;
}

// Greeting with capabilities (no CAPABILITY command needed), LOGIN command (no AUTH=).
script login() {
  return script()
      .send("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n")
      .expect("A1 LOGIN alice secret")
      .send("A1 OK [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] done\r\n");
}

script& select_inbox(script& s, const char* tag, const char* validity = "42") {
  return s.expect(std::string(tag) + " SELECT INBOX")
      .send("* FLAGS (\\Seen)\r\n* 3 EXISTS\r\n* OK [UIDVALIDITY " + std::string(validity) +
            "] v\r\n" + tag + " OK [READ-WRITE] selected\r\n");
}

script& logout(script& s, const char* tag) {
  return s.expect(std::string(tag) + " LOGOUT").send("* BYE bye\r\n" + std::string(tag) + " OK\r\n");
}

url::parsed_url parse(const std::string& text) { return url::parse(text); }

TEST(ImapPlan, CurlsChoiceOfCommand) {
  cli::transfer_options o;
  auto r = plan_request(o, parse("imap://h/"), false);
  EXPECT_EQ(r.what, request::kind::list);
  EXPECT_EQ(r.line, "LIST \"\" *");
  r = plan_request(o, parse("imap://h/INBOX"), false);
  EXPECT_EQ(r.line, "LIST \"INBOX\" *");
  r = plan_request(o, parse("imap://h/INBOX;UID=5;SECTION=1.2;PARTIAL=0.100"), false);
  EXPECT_EQ(r.what, request::kind::fetch);
  EXPECT_TRUE(r.by_uid);
  EXPECT_EQ(r.number, 5u);
  EXPECT_EQ(r.section, "1.2");
  EXPECT_EQ(r.partial, std::make_pair(std::uint64_t{0}, std::uint64_t{100}));
  r = plan_request(o, parse("imap://h/INBOX;MAILINDEX=7;PARTIAL=5"), false);
  EXPECT_FALSE(r.by_uid);
  EXPECT_EQ(r.partial, std::make_pair(std::uint64_t{5}, std::uint64_t{UINT32_MAX}));
  r = plan_request(o, parse("imap://h/INBOX?SUBJECT%20hi"), false);
  EXPECT_EQ(r.what, request::kind::search);
  EXPECT_EQ(r.line, "SEARCH SUBJECT hi");
  r = plan_request(o, parse("imap://h/INBOX;UIDVALIDITY=9;UID=1"), false);
  EXPECT_EQ(r.uidvalidity, 9u);
  o.request = "EXAMINE INBOX";
  r = plan_request(o, parse("imap://h/INBOX;UID=1"), false);
  EXPECT_EQ(r.what, request::kind::custom);
  EXPECT_EQ(r.line, "EXAMINE INBOX");
}

TEST(ImapPlan, MailboxNamesAreUtf8OrModifiedUtf7) {
  cli::transfer_options o;
  EXPECT_EQ(plan_request(o, parse("imap://h/Entw%C3%BCrfe"), false).mailbox, "Entwürfe");
  EXPECT_EQ(plan_request(o, parse("imap://h/Entw&APw-rfe"), false).mailbox, "Entwürfe");
  EXPECT_EQ(plan_request(o, parse("imap://h/A&B;UID=1"), false).mailbox, "A&B");
  EXPECT_EQ(list_line("Entwürfe"), "LIST \"Entw&APw-rfe\" *");
  EXPECT_EQ(list_line("a\"b\\c"), "LIST \"a\\\"b\\\\c\" *");
}

TEST(ImapPlan, BadParametersAreRefusedLocally) {
  cli::transfer_options o;
  for (const char* bad : {"imap://h/INBOX;UID=abc", "imap://h/INBOX;UID=0",
                          "imap://h/INBOX;MAILINDEX=99999999999", "imap://h/INBOX;UID=1;PARTIAL=x",
                          "imap://h/INBOX;UID=1;PARTIAL=1.0", "imap://h/INBOX;UIDVALIDITY=-1"}) {
    try {
      plan_request(o, parse(bad), false);
      ADD_FAILURE() << bad;
    } catch (const plan_error& e) {
      EXPECT_EQ(e.code, cli::exit_code::remote_file_not_found) << bad;
    }
  }
  try {
    plan_request(o, parse("imap://h/"), true);
    ADD_FAILURE() << "APPEND without a mailbox";
  } catch (const plan_error& e) {
    EXPECT_EQ(e.code, cli::exit_code::url_malformat);
  }
}

TEST(ImapGet, ListPrintsTheUntaggedLinesVerbatim) {
  script s = login();
  s.expect("A2 LIST \"\" *")
      .send("* LIST (\\HasNoChildren) \".\" INBOX\r\n* LIST () \".\" \"a b\"\r\nA2 OK\r\n");
  logout(s, "A3");
  mock_server srv(std::move(s));
  const result r = run("get", {"--tls", "none", url(srv, "")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "* LIST (\\HasNoChildren) \".\" INBOX\r\n* LIST () \".\" \"a b\"\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapGet, CompressedUsesCompressDeflateWhenOffered) {
  // --compressed: after login COMPRESS DEFLATE (RFC 4978), then the same bytes as without it.
  script s = script()
                 .send("* OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] ready\r\n")
                 .expect("A1 LOGIN alice secret")
                 .send("A1 OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] done\r\n")
                 .expect("A2 COMPRESS DEFLATE")
                 .send("A2 OK DEFLATE active\r\n")
                 .start_deflate();
  select_inbox(s, "A3")
      .expect("A4 UID FETCH 1 (BODY[])")
      .send("* 1 FETCH (UID 1 BODY[] {5}\r\nhello)\r\nA4 OK\r\n");
  logout(s, "A5");
  mock_server srv(std::move(s));
  const result r = run("get", {"--tls", "none", "--compressed", url(srv, "INBOX;UID=1")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "hello");
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapGet, SeveralUrlsShareOneConnectionAndOneSelect) {
  script s = login();
  select_inbox(s, "A2")
      .expect("A3 UID FETCH 1 (BODY[])")
      .send("* 1 FETCH (UID 1 BODY[] {5}\r\nhello)\r\nA3 OK\r\n")
      .expect("A4 FETCH 2 (BODY[1]<0.3>)")
      .send("* 2 FETCH (FLAGS (\\Seen) BODY[1]<0> {3}\r\nabc)\r\nA4 OK\r\n")
      .expect("A5 SEARCH UNSEEN")
      .send("* SEARCH 3\r\nA5 OK\r\n");
  logout(s, "A6");
  mock_server srv(std::move(s));
  const result r = run("get", {"--tls", "none", url(srv, "INBOX;UID=1"),
                               url(srv, "INBOX;MAILINDEX=2;SECTION=1;PARTIAL=0.3"),
                               url(srv, "inbox?UNSEEN")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "helloabc* SEARCH 3\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapGet, CustomCommandPrintsEveryLiteral) {
  script s = login();
  select_inbox(s, "A2")
      .expect("A3 FETCH 1:2 BODY[HEADER]")
      .send("* 1 FETCH (BODY[HEADER] {4}\r\nA: 1)\r\n* 2 FETCH (BODY[HEADER] {7}\r\nB: 22\r\n)\r\n"
            "A3 OK\r\n");
  logout(s, "A4");
  mock_server srv(std::move(s));
  const result r = run("get", {"--tls", "none", "-X", "FETCH 1:2 BODY[HEADER]", url(srv, "INBOX")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "* 1 FETCH (BODY[HEADER] {4}\r\nA: 1)\r\n* 2 FETCH (BODY[HEADER] {7}\r\nB: 22\r\n)\r\n");
  EXPECT_SCRIPT_OK(srv);
}

// Unsolicited responses (RFC 3501 §7: a server may send them at any time) are not part of
// the listing: as curl 7.88, LIST prints only "* LIST", SEARCH only "* SEARCH", and -X only
// the responses named after its command word, with their literals.
TEST(ImapGet, UnsolicitedResponsesAreFilteredAsCurlDoes) {
  script s = login();
  s.expect("A2 LIST \"\" *")
      .send("* 4 EXISTS\r\n* LIST () \".\" INBOX\r\n* OK [ALERT] maintenance at 5\r\n"
            "* LISTX odd\r\nA2 OK\r\n");
  select_inbox(s, "A3")
      .expect("A4 SEARCH ALL")
      .send("* 1 RECENT\r\n* SEARCH 1 2\r\n* 2 FETCH (FLAGS (\\Seen))\r\nA4 OK\r\n");
  logout(s, "A5");
  mock_server srv(std::move(s));
  const result r = run("get", {"--tls", "none", url(srv, ""), url(srv, "INBOX?ALL")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "* LIST () \".\" INBOX\r\n* SEARCH 1 2\r\n");
  EXPECT_SCRIPT_OK(srv);

  // -X COMMAND: one connection each (as curl, inet does not reuse it after -X).
  const auto custom = [](const std::string& line, const std::string& responses) {
    script x = login();
    select_inbox(x, "A2").expect("A3 " + line).send(responses + "A3 OK\r\n");
    logout(x, "A4");
    mock_server m(std::move(x));
    const result got = run("get", {"--tls", "none", "-X", line, url(m, "INBOX")});
    EXPECT_EQ(got.status, 0) << got.err;
    EXPECT_SCRIPT_OK(m);
    return got.out;
  };
  EXPECT_EQ(custom("STATUS INBOX (MESSAGES)",
                   "* 5 EXISTS\r\n* STATUS INBOX (MESSAGES 5)\r\n* 1 FETCH (BODY[] {3}\r\nabc)\r\n"),
            "* STATUS INBOX (MESSAGES 5)\r\n");
  EXPECT_EQ(custom("STORE 1 +FLAGS (\\Seen)", "* 1 FETCH (FLAGS (\\Seen))\r\n* 6 EXISTS\r\n"),
            "* 1 FETCH (FLAGS (\\Seen))\r\n");
  EXPECT_EQ(custom("UID FETCH 1 FLAGS", "* 1 FETCH (UID 1 FLAGS ())\r\n* 7 EXISTS\r\n"),
            "* 1 FETCH (UID 1 FLAGS ())\r\n* 7 EXISTS\r\n");
  EXPECT_EQ(custom("FETCH 1 BODY[]", "* 8 EXISTS\r\n* 1 FETCH (BODY[] {3}\r\nabc)\r\n"),
            "* 1 FETCH (BODY[] {3}\r\nabc)\r\n");
}

TEST(ImapPlan, UntaggedFilterFollowsCurlsMatchResp) {
  request list, custom;
  list.what = request::kind::list;
  custom.what = request::kind::custom;
  custom.line = "examine INBOX";
  EXPECT_TRUE(curl_prints_untagged(list, "* LIST () \"/\" INBOX"));
  EXPECT_TRUE(curl_prints_untagged(list, "* list () \"/\" INBOX"));
  EXPECT_TRUE(curl_prints_untagged(list, "* LIST"));
  EXPECT_FALSE(curl_prints_untagged(list, "* LISTING"));
  EXPECT_FALSE(curl_prints_untagged(list, "* 3 EXISTS"));
  EXPECT_TRUE(curl_prints_untagged(custom, "* 3 EXISTS"));  // EXAMINE: all
  custom.line = "GETACL INBOX";
  EXPECT_TRUE(curl_prints_untagged(custom, "* ACL INBOX alice lr") == false);
  EXPECT_TRUE(curl_prints_untagged(custom, "* GETACL x"));
  custom.line = "FETCH 1 FLAGS";
  EXPECT_TRUE(curl_prints_untagged(custom, "* 12 FETCH (FLAGS ())"));
  EXPECT_FALSE(curl_prints_untagged(custom, "* 12x FETCH (FLAGS ())"));
}

TEST(ImapGet, CustomCommandRefusedIsExit21) {
  script s = login();
  s.expect("A2 BOGUS").send("A2 BAD unknown command\r\n");
  logout(s, "A3");
  mock_server srv(std::move(s));
  const result r = run("get", {"--tls", "none", "-X", "BOGUS", url(srv, "")});
  EXPECT_EQ(r.status, 21);
  EXPECT_THAT(r.err, HasSubstr("unknown command"));
}

TEST(ImapGet, UidValidityMismatchIsExit78WithoutFetching) {
  script s = login();
  select_inbox(s, "A2", "7");
  logout(s, "A3");
  mock_server srv(std::move(s));
  const result r = run("get", {"--tls", "none", url(srv, "INBOX;UIDVALIDITY=8;UID=1")});
  EXPECT_EQ(r.status, 78);
  EXPECT_EQ(r.out, "");
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapGet, SelectRefusedIsExit67AsCurl) {
  script s = login();
  s.expect("A2 SELECT Nope").send("A2 NO no such mailbox\r\n");
  logout(s, "A3");
  mock_server srv(std::move(s));
  EXPECT_EQ(run("get", {"--tls", "none", url(srv, "Nope;UID=1")}).status, 67);
}

TEST(ImapGet, NoSuchMessageIsExit78) {
  script s = login();
  select_inbox(s, "A2").expect("A3 UID FETCH 9 (BODY[])").send("A3 OK nothing\r\n");
  logout(s, "A4");
  mock_server srv(std::move(s));
  EXPECT_EQ(run("get", {"--tls", "none", url(srv, "INBOX;UID=9")}).status, 78);
}

// Over the 4 GiB default cap: refused before reading any of it (curl 7.88 waits for the bytes).
TEST(ImapGet, HugeLiteralIsRefusedAtOnce) {
  script s = login();
  select_inbox(s, "A2")
      .expect("A3 UID FETCH 1 (BODY[])")
      .send("* 1 FETCH (UID 1 BODY[] {18446744073709551615}\r\n");
  mock_server srv(std::move(s));
  const result r = run("get", {"--tls", "none", url(srv, "INBOX;UID=1")});
  EXPECT_EQ(r.status, 63) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(ImapGet, MaxFilesizeCapsTheLiteral) {
  script s = login();
  select_inbox(s, "A2")
      .expect("A3 UID FETCH 1 (BODY[])")
      .send("* 1 FETCH (UID 1 BODY[] {100}\r\n");
  mock_server srv(std::move(s));
  const result r = run("get", {"--tls", "none", "--max-filesize", "99", url(srv, "INBOX;UID=1")});
  EXPECT_EQ(r.status, 63) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(ImapGet, PreauthInClearWithTlsRequiredIsRefused) {
  mock_server srv(script().send("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n"));
  const result r = run("get", {"--tls", "required", "imap://" + srv.host() + ":" +
                                                       std::to_string(srv.port()) + "/"});
  EXPECT_EQ(r.status, 64) << r.err;
}

// curl's imap_state_capability_resp: a failed CAPABILITY with TLS required is "STARTTLS not
// available", CURLE_USE_SSL_FAILED (64), not a login failure (67).
TEST(ImapGet, CapabilityRefusedWithTlsRequiredIs64) {
  for (const char* refusal : {"A1 NO not now\r\n", "A1 BAD what\r\n"}) {
    mock_server srv(script().send("* OK ready\r\n").expect("A1 CAPABILITY").send(refusal));
    const result r = run("get", {url(srv, "")});  // a password: TLS required
    EXPECT_EQ(r.status, 64) << r.err;
    EXPECT_SCRIPT_OK(srv);
    EXPECT_EQ(srv.received(), "A1 CAPABILITY\r\n");
  }
}

TEST(ImapGet, PasswordWithoutStarttlsIsNeverSent) {
  mock_server srv(script().send("* OK [CAPABILITY IMAP4rev1] no tls here\r\n"));
  const result r = run("get", {url(srv, "")});  // default: TLS required when a password is sent
  EXPECT_EQ(r.status, 64) << r.err;
  EXPECT_THAT(srv.received(), Not(HasSubstr("secret")));
}

TEST(ImapGet, VerboseTraceRedactsThePassword) {
  script s = login();
  s.expect("A2 LIST \"\" *").send("A2 OK\r\n");
  logout(s, "A3");
  mock_server srv(std::move(s));
  const result r = run("get", {"-v", "--tls", "none", url(srv, "")});
  EXPECT_EQ(r.status, 0) << r.err;
  // The trace reached the CLI's stderr stream: the login line (redacted) and the command after.
  EXPECT_THAT(r.err, HasSubstr("> A1 LOGIN alice <redacted>"));
  EXPECT_THAT(r.err, HasSubstr("> A2 LIST \"\" *"));
  EXPECT_THAT(r.err, HasSubstr("< A2 OK"));
  EXPECT_THAT(r.err, Not(HasSubstr("secret")));
}

TEST(ImapPut, AppendsStdinWithSeenFlagAndExactSize) {
  const std::string msg = "Subject: hi\r\n\r\nbody\r\n";
  std::string got;
  script s = login();
  s.expect("A2 APPEND INBOX (\\Seen) {" + std::to_string(msg.size()) + "+}")
      .expect_bytes(msg.size(), &got)
      .expect("")
      .send("A2 OK [APPENDUID 1 5] done\r\n");
  logout(s, "A3");
  mock_server srv(std::move(s));
  const result r = run("put", {"--tls", "none", url(srv, "INBOX")}, msg);
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_TRUE(srv.wait_done());
  EXPECT_EQ(got, msg);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapPut, RefusedAppendIsExit25) {
  script s = login();
  s.expect("A2 APPEND Nope (\\Seen) {2+}").expect_bytes(2).expect("")
      .send("A2 NO [TRYCREATE] no mailbox\r\n");
  logout(s, "A3");
  mock_server srv(std::move(s));
  EXPECT_EQ(run("put", {"--tls", "none", url(srv, "Nope")}, "x\n").status, 25);
}

}  // namespace
}  // namespace inet::imap_cli
