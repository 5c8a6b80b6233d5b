// The IMAP client against a real dovecot (tests/integration/servers): login over STARTTLS and
// over implicit TLS; LIST with a non-ASCII mailbox (modified UTF-7 on the wire and on disk,
// UTF-8 in the API); EXAMINE and FETCH of ENVELOPE + BODYSTRUCTURE for 1000 messages written
// straight into the Maildir; one body part; SEARCH; STORE; COPY/MOVE with COPYUID; APPEND with
// APPENDUID; QRESYNC resynchronisation (RFC 7162); IDLE woken by a message the project's SMTP client delivers; EXPUNGE.
// alice's INBOX holds the 1000 messages and is only examined; bob's mailboxes are changed.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "protocols/imap/client.hpp"
#include "protocols/smtp/client.hpp"
#include "tests/integration/servers/env.hpp"

namespace inet::imap {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int message_count = 1000;

std::map<std::string, std::string> g_env;
std::string g_state, g_servers;

using test::load_env;
using test::read_file;

// Message `id`: every third a multipart/mixed with a text part and a base64 attachment, the
// others text/plain; distinct subjects and senders so ENVELOPE can be checked.
std::string make_message(int id) {
  const std::string n = std::to_string(id);
  std::string m = "From: Sender " + n + " <sender" + n + "@example.test>\r\nTo: alice@example.test\r\n"
                  "Subject: message " + n + "\r\nMessage-ID: <m" + n + "@example.test>\r\n"
                  "Date: Tue, 01 Jul 2025 14:03:09 +0000\r\nX-Test-Id: " + n + "\r\n";
  if (id % 3 == 0) {
    m += "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b" + n + "\"\r\n\r\n"
         "--b" + n + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody of " + n + "\r\n"
         "--b" + n + "\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\n"
         "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n"
         "\r\nAAECAwQFBgcICQ==\r\n--b" + n + "--\r\n";
  } else {
    m += "\r\nplain body of " + n + "\r\n";
  }
  return m;
}

fs::path maildir(const std::string& user) {
  return fs::path(g_env["MAILDIR_ROOT"]) / g_env["TEST_DOMAIN"] / user;
}

void write_maildir(const std::string& user, int count) {
  const fs::path root = maildir(user);
  const uid_t uid = static_cast<uid_t>(std::stoul(g_env["VMAIL_UID"]));
  const gid_t gid = static_cast<gid_t>(std::stoul(g_env["VMAIL_GID"]));
  for (const char* sub : {"", "new", "cur", "tmp"}) {
    fs::create_directories(root / sub);
    ASSERT_EQ(::chown((root / sub).c_str(), uid, gid), 0);
    ::chmod((root / sub).c_str(), 0700);
  }
  ASSERT_EQ(::chown(root.parent_path().c_str(), uid, gid), 0);
  for (int id = 1; id <= count; ++id) {
    char name[64];
    std::snprintf(name, sizeof name, "1700000000.M%05dP1.inetpp-test", id);
    const fs::path p = root / "new" / name;
    std::ofstream(p, std::ios::binary) << make_message(id);
    ASSERT_EQ(::chown(p.c_str(), uid, gid), 0);
  }
}

class ImapDovecot : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_TRUE(srcdir && tmp) << "run under bazel test";
    g_servers = std::string(srcdir) + "/inetpp/tests/integration/servers";
    g_state = std::string(tmp) + "/servers";
    const std::string start = g_servers + "/start " + g_state + " 2>" + tmp + "/start.log";
    ASSERT_EQ(std::system(start.c_str()), 0) << read_file(std::string(tmp) + "/start.log");
    g_env = load_env(g_state + "/env");
    write_maildir("alice", message_count);
    write_maildir("bob", 5);
  }
  static void TearDownTestSuite() {
    if (!g_state.empty()) std::system((g_servers + "/stop " + g_state + " >/dev/null").c_str());
  }

  static client_options options(const char* port_var, bool bob = false) {
    client_options o;
    o.host = "127.0.0.1";
    o.port = static_cast<std::uint16_t>(std::stoi(g_env[port_var]));
    o.tls.ca_file = g_env["CA_FILE"];
    o.credentials.username = g_env[bob ? "TEST_USER2" : "TEST_USER"];
    o.credentials.password = g_env[bob ? "TEST_PASS2" : "TEST_PASS"];
    o.connect.time.connect = 10s;
    o.connect.time.idle = 30s;
    return o;
  }
  static client_options bob() { return options("IMAPS_PORT", true); }
  static client_options implicit(client_options o) {
    o.security = security::implicit_tls;
    return o;
  }
};

TEST_F(ImapDovecot, StarttlsLoginIsEncryptedAndVerified) {
  blocking_client c;
  c.connect(options("IMAP_PORT"));  // a password: STARTTLS required by default
  EXPECT_TRUE(c.tls_details().verified);
  EXPECT_FALSE(c.authenticated_with().empty());
  EXPECT_TRUE(c.has_capability("IDLE"));
  EXPECT_FALSE(c.has_capability("STARTTLS"));  // the post-TLS, post-login list
  c.logout();
}

TEST_F(ImapDovecot, ImplicitTlsLoginWithTheLoginCommandAndWrongPassword) {
  {
    blocking_client c;
    client_options o = implicit(options("IMAPS_PORT"));
    o.use_login_command = true;
    c.connect(o);
    EXPECT_EQ(c.authenticated_with(), "LOGIN");
    EXPECT_TRUE(c.tls_details().verified);
    c.logout();
  }
  blocking_client bad;
  client_options o = implicit(options("IMAPS_PORT"));
  o.credentials.password = "wrong";
  try {
    bad.connect(o);
    ADD_FAILURE() << "a wrong password was accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::auth_failed)) << e.what();
  }
}

TEST_F(ImapDovecot, NonAsciiMailboxIsModifiedUtf7OnTheWireAndOnDisk) {
  blocking_client c;
  c.connect(implicit(bob()));
  c.create("Entwürfe");
  c.create("Reports & Co.2025");  // "." is dovecot's hierarchy separator here
  bool found = false;
  for (const list_data& l : c.list("", "*")) {
    if (l.mailbox == "Entwürfe") {
      found = true;
      EXPECT_EQ(l.raw_mailbox, "Entw&APw-rfe");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(fs::is_directory(maildir("bob") / ".Entw&APw-rfe"));
  const auto nested = c.list("", "Reports & Co.*");
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0].mailbox, "Reports & Co.2025");
  EXPECT_EQ(nested[0].raw_mailbox, "Reports &- Co.2025");
  EXPECT_EQ(nested[0].delimiter, '.');
  const mailbox_info m = c.select("Entwürfe");
  EXPECT_EQ(m.exists, 0u);
  EXPECT_TRUE(m.uidvalidity.has_value());
  const status_data st = c.status("Entwürfe", {"MESSAGES", "UIDNEXT"});
  EXPECT_EQ(st.mailbox, "Entwürfe");
  EXPECT_EQ(st.get("MESSAGES"), 0u);
  c.logout();
}

TEST_F(ImapDovecot, EnvelopesAndBodyStructuresOfAThousandMessages) {
  blocking_client c;
  c.connect(implicit(options("IMAPS_PORT")));
  const mailbox_info box = c.examine("INBOX");
  ASSERT_EQ(box.exists, static_cast<std::uint32_t>(message_count));
  EXPECT_TRUE(box.read_only);
  fetch_items items;
  items.envelope = true;
  items.body_structure = true;
  items.rfc822_size = true;
  items.flags = true;
  const std::vector<fetch_data> all = c.fetch(sequence_set::all(), items);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(message_count));
  std::set<int> ids;
  for (const fetch_data& f : all) {
    ASSERT_TRUE(f.envelope && f.body && f.uid && f.rfc822_size) << "message " << f.seq;
    const std::string& subject = f.envelope->subject;
    ASSERT_EQ(subject.rfind("message ", 0), 0u) << subject;
    const int id = std::stoi(subject.substr(8));
    EXPECT_TRUE(ids.insert(id).second) << id;
    ASSERT_EQ(f.envelope->from.size(), 1u);
    EXPECT_EQ(f.envelope->from[0].name, "Sender " + std::to_string(id));
    EXPECT_EQ(f.envelope->from[0].email(), "sender" + std::to_string(id) + "@example.test");
    EXPECT_EQ(f.envelope->message_id, "<m" + std::to_string(id) + "@example.test>");
    EXPECT_EQ(*f.rfc822_size, make_message(id).size());
    const body_structure& b = *f.body;
    if (id % 3 == 0) {
      ASSERT_TRUE(b.is_multipart()) << id;
      EXPECT_EQ(b.subtype, "mixed");
      ASSERT_EQ(b.parts.size(), 2u);
      EXPECT_EQ(b.parts[0].type, "text");
      EXPECT_EQ(b.parts[0].param("charset"), "utf-8");
      EXPECT_EQ(b.parts[1].encoding, "BASE64");
      EXPECT_EQ(b.parts[1].disposition, "attachment");
      EXPECT_EQ(b.parts[1].section, "2");
    } else {
      EXPECT_EQ(b.type, "text");
      EXPECT_EQ(b.subtype, "plain");
      EXPECT_EQ(b.section, "1");
    }
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(message_count));
  c.logout();
}

TEST_F(ImapDovecot, CompressDeflateOverStarttlsFetchesEveryMessageByteForByte) {
  // RFC 4978 after STARTTLS + LOGIN: all 1000 messages come through the compressed stream and
  // equal what was written into the Maildir (CRLF on the wire, as written).
  client_options o = options("IMAP_PORT");
  o.compress = true;
  blocking_client c;
  c.connect(o);
  ASSERT_TRUE(c.has_capability("COMPRESS=DEFLATE")) << "dovecot runs imap_zlib";
  EXPECT_TRUE(c.async().is_tls());
  EXPECT_TRUE(c.compression_active());
  c.examine("INBOX");
  fetch_items items;
  items.sections.push_back(section_spec{});
  std::map<std::uint32_t, std::string> bodies;
  fetch_options fo;
  fo.sink = [&](const section_ref& where, std::string_view chunk) {
    if (where.item == "BODY[]") bodies[where.seq].append(chunk);
  };
  const auto all = c.fetch(sequence_set::all(), items, fo);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(message_count));
  ASSERT_EQ(bodies.size(), static_cast<std::size_t>(message_count));
  std::set<std::string> seen;
  for (const auto& [seq, msg] : bodies) {
    const auto at = msg.find("X-Test-Id: ");
    ASSERT_NE(at, std::string::npos) << seq;
    const int id = std::atoi(msg.c_str() + at + 11);
    EXPECT_EQ(msg, make_message(id)) << "message " << id;
    seen.insert(std::to_string(id));
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(message_count));
  c.logout();
}

TEST_F(ImapDovecot, ListStatusCountsEveryMailboxInOneCommand) {
  blocking_client c;
  c.connect(implicit(options("IMAPS_PORT")));
  ASSERT_TRUE(c.has_capability("LIST-STATUS"));
  const auto all = c.list_status("", "*", {"MESSAGES", "UIDVALIDITY"});
  const auto inbox = std::find_if(all.begin(), all.end(), [](const mailbox_listing& m) { return m.list.mailbox == "INBOX"; });
  ASSERT_NE(inbox, all.end());
  ASSERT_TRUE(inbox->status);
  EXPECT_EQ(inbox->status->get("MESSAGES"), static_cast<std::uint64_t>(message_count));
  EXPECT_TRUE(inbox->status->get("UIDVALIDITY").has_value());
  c.logout();
}

TEST_F(ImapDovecot, OneBodyPartStreamsItsBytes) {
  blocking_client c;
  c.connect(implicit(options("IMAPS_PORT")));
  c.examine("INBOX");
  const search_result r = c.search(search_key::header("X-Test-Id", "300"));
  ASSERT_EQ(r.ids.size(), 1u);
  fetch_items items;
  section_spec part;
  part.section = "2";
  items.sections.push_back(part);
  section_spec text;
  text.section = "1";
  items.sections.push_back(text);
  std::map<std::string, std::string> got;
  fetch_options fo;
  fo.sink = [&](const section_ref& where, std::string_view chunk) { got[where.item].append(chunk); };
  const auto f = c.fetch(sequence_set(r.ids[0]), items, fo);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(got["BODY[2]"], "AAECAwQFBgcICQ==");
  EXPECT_EQ(got["BODY[1]"], "body of 300");
  // BODY.PEEK leaves \Seen unset (EXAMINE would forbid it anyway).
  fetch_items flags;
  flags.flags = true;
  const auto again = c.fetch(sequence_set(r.ids[0]), flags);
  ASSERT_EQ(again.size(), 1u);
  ASSERT_TRUE(again[0].flags);
  EXPECT_EQ(std::count(again[0].flags->begin(), again[0].flags->end(), "\\Seen"), 0);
  c.logout();
}

TEST_F(ImapDovecot, SearchByTextSizeAndUid) {
  blocking_client c;
  c.connect(options("IMAP_PORT"));
  c.examine("INBOX");
  EXPECT_EQ(c.search(search_key::all()).ids.size(), static_cast<std::size_t>(message_count));
  const search_result subject = c.search(search_key::subject("message 77") && !search_key::deleted());
  // "message 77" is a substring of 77 and 770..779.
  EXPECT_EQ(subject.ids.size(), 11u);
  const search_result text = c.search(search_key::from("sender999@"), true);
  ASSERT_EQ(text.ids.size(), 1u);
  EXPECT_TRUE(c.search(search_key::subject("no such subject, ünïcode")).ids.empty());
  c.logout();
}

TEST_F(ImapDovecot, StoreCopyMoveAppendExpunge) {
  blocking_client c;
  c.connect(implicit(bob()));
  c.create("Archive");
  mailbox_info inbox = c.select("INBOX");
  ASSERT_GE(inbox.exists, 5u);
  // STORE: flag 1 and 2; FETCH responses come back.
  store_action flag;
  flag.flags = {"\\Flagged"};
  const store_result stored = c.store(sequence_set::span(1, 2), flag);
  EXPECT_EQ(stored.updated.size(), 2u);
  EXPECT_EQ(c.search(search_key::flagged()).ids, (std::vector<std::uint32_t>{1, 2}));
  // COPY with COPYUID (UIDPLUS).
  const copy_result copied = c.copy(sequence_set(1), "Archive");
  EXPECT_TRUE(copied.uidvalidity.has_value());
  EXPECT_TRUE(copied.dest_uids.has_value());
  // MOVE message 2: expunged from INBOX.
  const copy_result moved = c.move(sequence_set(2), "Archive");
  EXPECT_EQ(moved.expunged, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(c.selected()->exists, inbox.exists - 1);
  EXPECT_EQ(c.status("Archive", {"MESSAGES"}).get("MESSAGES"), 2u);
  // APPEND with flags and a date; APPENDUID; then fetch it back byte for byte.
  const std::string msg = "From: x@example.test\r\nSubject: appended\r\n\r\nappended body\r\n";
  memory_source src(msg);
  append_options ao;
  ao.flags = {"\\Seen", "$Label1"};
  ao.internal_date = "17-Jul-1996 02:44:25 -0700";
  const append_result app = c.append("Archive", src, msg.size(), ao);
  ASSERT_TRUE(app.uids.has_value());
  c.select("Archive");
  fetch_items items;
  items.flags = true;
  items.internal_date = true;
  items.sections.push_back(section_spec{});
  const auto f = c.fetch(*app.uids, items, fetch_options{.by_uid = true});
  ASSERT_EQ(f.size(), 1u);
  ASSERT_EQ(f[0].sections.size(), 1u);
  EXPECT_EQ(f[0].sections[0].data, msg);
  // The same instant; dovecot answers in UTC.
  EXPECT_TRUE(f[0].internal_date == "17-Jul-1996 02:44:25 -0700" ||
              f[0].internal_date == "17-Jul-1996 09:44:25 +0000")
      << f[0].internal_date.value_or("(none)");
  ASSERT_TRUE(f[0].flags);
  EXPECT_EQ(std::count(f[0].flags->begin(), f[0].flags->end(), "$Label1"), 1);
  // EXPUNGE the \Deleted ones.
  store_action del;
  del.flags = {"\\Deleted"};
  del.silent = true;
  EXPECT_TRUE(c.store(sequence_set::span(1, 2), del).updated.empty());
  // Two EXPUNGE responses, in whatever order the server chooses ("2, 1" or "1, 1").
  const std::vector<std::uint32_t> gone = c.expunge();
  EXPECT_EQ(gone.size(), 2u);
  EXPECT_EQ(c.selected()->exists, 1u);
  c.logout();
}

TEST_F(ImapDovecot, QresyncReportsWhatChangedWhileAway) {
  // RFC 7162 §3.2.5: remember UIDVALIDITY + HIGHESTMODSEQ, change the mailbox from another
  // connection, then SELECT (QRESYNC ...) and learn the expunged UIDs and changed flags.
  client_options o = implicit(bob());
  o.enable_qresync = true;
  blocking_client c;
  c.connect(o);
  ASSERT_TRUE(c.qresync_enabled()) << "dovecot offers QRESYNC";
  c.create("Resync");
  std::vector<std::uint32_t> uids;
  for (int i = 1; i <= 4; ++i) {
    const std::string msg = "Subject: resync " + std::to_string(i) + "\r\n\r\nbody\r\n";
    memory_source src(msg);
    const append_result a = c.append("Resync", src, msg.size());
    ASSERT_TRUE(a.uids);
    uids.push_back(a.uids->ranges().at(0).first);
  }
  const mailbox_info before = c.select("Resync");
  ASSERT_TRUE(before.uidvalidity && before.highest_modseq);
  c.logout();

  {  // Someone else flags message 2 and expunges message 3.
    blocking_client other;
    other.connect(implicit(bob()));
    other.select("Resync");
    store_action flag;
    flag.flags = {"\\Flagged"};
    flag.silent = true;
    other.store(uids[1], flag, true);
    store_action del;
    del.flags = {"\\Deleted"};
    del.silent = true;
    other.store(uids[2], del, true);
    ASSERT_TRUE(other.uid_expunge(uids[2]).size() == 1);
    other.logout();
  }

  blocking_client again;
  again.connect(o);
  select_options so;
  sequence_set known;
  for (auto u : uids) known.add(u);
  so.qresync = qresync_params{*before.uidvalidity, *before.highest_modseq, known, {}};
  const mailbox_info now = again.select("Resync", so);
  EXPECT_EQ(now.uidvalidity, before.uidvalidity);
  EXPECT_EQ(now.exists, 3u);
  ASSERT_TRUE(now.vanished);
  EXPECT_EQ(now.vanished->to_string(), std::to_string(uids[2]));
  ASSERT_EQ(now.changed.size(), 1u);
  EXPECT_EQ(now.changed[0].uid, uids[1]);
  ASSERT_TRUE(now.changed[0].flags);
  EXPECT_EQ(std::count(now.changed[0].flags->begin(), now.changed[0].flags->end(), "\\Flagged"), 1);
  EXPECT_GT(now.highest_modseq.value_or(0), *before.highest_modseq);

  // UID FETCH (CHANGEDSINCE n VANISHED) answers the same question without reselecting.
  std::string vanished;
  fetch_items fi;
  fi.flags = true;
  fetch_options fo;
  fo.by_uid = true;
  fo.changed_since = *before.highest_modseq;
  fo.vanished = true;
  fo.on_vanished = [&](const sequence_set& s) { vanished += s.to_string(); };
  const auto changed = again.fetch(sequence_set::span(1, sequence_set::star), fi, fo);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].uid, uids[1]);
  EXPECT_EQ(vanished, std::to_string(uids[2]));

  // With QRESYNC enabled an EXPUNGE is reported as VANISHED UIDs.
  store_action del;
  del.flags = {"\\Deleted"};
  del.silent = true;
  again.store(uids[0], del, true);
  EXPECT_EQ(again.expunge_uids().to_string(), std::to_string(uids[0]));
  EXPECT_EQ(again.selected()->exists, 2u);
  again.logout();
}

TEST_F(ImapDovecot, IdleWakesWhenTheSmtpClientDeliversAMessage) {
  blocking_client c;
  c.connect(implicit(bob()));
  const std::uint32_t before = c.select("INBOX").exists;
  std::exception_ptr smtp_error;
  std::thread sender([&] {
    try {
      smtp::client_options so;
      so.host = "127.0.0.1";
      so.port = static_cast<std::uint16_t>(std::stoi(g_env["SMTP_PORT"]));
      so.tls.ca_file = g_env["CA_FILE"];
      so.helo_name = "client.test";
      smtp::blocking_client s;
      s.connect(so);
      const std::string msg = "From: alice@example.test\r\nTo: bob@example.test\r\n"
                              "Subject: idle wake-up\r\n\r\nhello bob\r\n";
      memory_source src(msg);
      smtp::envelope env;
      env.mail_from = "alice@example.test";
      env.recipients.push_back({"bob@example.test", "", ""});
      s.send(env, src);
      s.quit();
    } catch (...) {
      smtp_error = std::current_exception();
    }
  });
  // IDLE until an EXISTS above `before` arrives (dovecot also reports a delivery that landed
  // before IDLE started); each round is bounded, the whole wait by 5 rounds.
  std::optional<std::uint32_t> woke;
  for (int round = 0; round < 5 && !woke; ++round) {
    for (const response& r : c.idle(30s, true))
      if (auto* n = std::get_if<count_data>(&r); n && n->what == count_data::kind::exists &&
                                                 n->count > before)
        woke = n->count;
  }
  sender.join();
  if (smtp_error) std::rethrow_exception(smtp_error);
  ASSERT_TRUE(woke.has_value()) << "no EXISTS during IDLE";
  EXPECT_EQ(c.selected()->exists, *woke);
  fetch_items items;
  items.envelope = true;
  const auto f = c.fetch(sequence_set(*woke), items);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].envelope->subject, "idle wake-up");
  c.logout();
}

}  // namespace
}  // namespace inet::imap
