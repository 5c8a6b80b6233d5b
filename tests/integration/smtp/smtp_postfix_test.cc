// The SMTP client against a real postfix (+ dovecot SASL), started once per test binary from
// tests/integration/servers: plain SMTP without AUTH, submission with STARTTLS and every AUTH
// mechanism dovecot offers (SCRAM-SHA-256 for real), implicit TLS, wrong password, per-recipient
// results for an unknown user, a 20 MiB attachment composed with protocols/mime and compared
// after base64-decoding the delivered Maildir file, BDAT, and several messages per connection.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "protocols/codec/base64.hpp"
#include "protocols/mime/message.hpp"
#include "protocols/smtp/client.hpp"
#include "tests/integration/servers/env.hpp"

namespace inet::smtp {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::map<std::string, std::string> g_env;

using test::load_env;
using test::read_file;

// Starts postfix + dovecot once for the whole binary and stops them at the end.
class servers : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_TRUE(srcdir && tmp) << "run under bazel test";
    dir_ = std::string(srcdir) + "/inetpp/tests/integration/servers";
    state_ = std::string(tmp) + "/servers";
    const std::string log = std::string(tmp) + "/start.log";
    const int rc = std::system((dir_ + "/start " + state_ + " 2>" + log).c_str());
    ASSERT_EQ(rc, 0) << read_file(log);
    g_env = load_env(state_ + "/env");
  }
  void TearDown() override {
    if (!state_.empty()) std::system((dir_ + "/stop " + state_ + " >/dev/null 2>&1").c_str());
  }

 private:
  std::string dir_, state_;
};
const auto* const g_servers = ::testing::AddGlobalTestEnvironment(new servers);

std::uint16_t port(const char* var) { return static_cast<std::uint16_t>(std::stoi(g_env.at(var))); }

client_options options(const char* port_var) {
  client_options o;
  o.host = "127.0.0.1";
  o.port = port(port_var);
  o.helo_name = "client.test";
  o.tls.ca_file = g_env.at("CA_FILE");
  o.connect.time.connect = 10s;
  o.connect.time.idle = 30s;
  return o;
}

client_options submission(std::string mech = "") {
  client_options o = options("SUBMISSION_PORT");
  o.credentials.username = g_env.at("TEST_USER");
  o.credentials.password = g_env.at("TEST_PASS");
  o.auth_mechanism = std::move(mech);
  return o;
}

// A unique marker per message, so tests find their own delivery among the others.
std::string marker() {
  static int n = 0;
  return "inetpp-smtp-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

std::string simple_message(const std::string& id, const std::string& to, std::string body) {
  return "From: alice@example.test\r\nTo: " + to + "\r\nSubject: " + id +
         "\r\nDate: Tue, 01 Jul 2025 14:03:09 +0000\r\nMessage-ID: <" + id +
         "@client.test>\r\nX-Test-Id: " + id + "\r\n\r\n" + body;
}

fs::path maildir(const std::string& local_part) {
  return fs::path(g_env.at("MAILDIR_ROOT")) / g_env.at("TEST_DOMAIN") / local_part;
}

// Polls `local_part`'s Maildir (new/ and cur/) for the message carrying `id`, up to 30 s.
std::string wait_for_message(const std::string& local_part, const std::string& id) {
  const std::string needle = "X-Test-Id: " + id + "\n";
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < until) {
    for (const char* sub : {"new", "cur"}) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(maildir(local_part) / sub, ec)) {
        std::string text = read_file(e.path());
        if (text.find(needle) != std::string::npos) return text;
      }
    }
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "message " << id << " not delivered to " << local_part << "\n"
                << read_file(g_env.at("POSTFIX_LOG"));
  return {};
}

// Maildir files have LF line ends (postfix's virtual(8) stores Unix text).
std::string lf(std::string_view crlf) {
  std::string out;
  for (std::size_t i = 0; i < crlf.size(); ++i)
    if (!(crlf[i] == '\r' && i + 1 < crlf.size() && crlf[i + 1] == '\n')) out.push_back(crlf[i]);
  return out;
}

envelope to(std::vector<std::string> rcpts, std::string from = "alice@example.test") {
  envelope e;
  e.mail_from = std::move(from);
  for (auto& r : rcpts) e.recipients.push_back({std::move(r), "", ""});
  return e;
}

TEST(SmtpPostfix, PlainPortDeliversWithoutAuth) {
  const std::string id = marker();
  const std::string msg = simple_message(id, "bob@example.test", "Hello Bob.\r\n.leading dot\r\n");
  blocking_client c;
  c.connect(options("SMTP_PORT"));  // no credentials: opportunistic STARTTLS
  EXPECT_TRUE(c.tls_details().verified);
  const capabilities& caps = c.server_capabilities();
  for (const char* k : {"PIPELINING", "SIZE", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "DSN",
                        "CHUNKING"})
    EXPECT_TRUE(caps.has(k)) << k;
  EXPECT_EQ(caps.size_limit, std::optional<std::uint64_t>(52428800));
  memory_source src(msg);
  const send_result r = c.send(to({"bob@example.test"}), src);
  EXPECT_EQ(r.final_reply.code, 250);
  ASSERT_TRUE(r.final_reply.status.has_value());
  EXPECT_EQ(r.final_reply.status->to_string(), "2.0.0");
  c.quit();
  const std::string stored = wait_for_message("bob", id);
  EXPECT_TRUE(stored.ends_with(lf(msg))) << stored;
}

TEST(SmtpPostfix, PlaintextWithPolicyNoneAlsoDelivers) {
  const std::string id = marker();
  const std::string msg = simple_message(id, "bob@example.test", "no TLS\r\n");
  client_options o = options("SMTP_PORT");
  o.policy = transport::tls_policy::none;
  blocking_client c;
  c.connect(o);
  EXPECT_TRUE(c.server_capabilities().has("STARTTLS"));
  EXPECT_FALSE(c.tls_details().verified);
  memory_source src(msg);
  EXPECT_EQ(c.send(to({"bob@example.test"}), src).final_reply.code, 250);
  c.quit();
  EXPECT_TRUE(wait_for_message("bob", id).ends_with(lf(msg)));
}

TEST(SmtpPostfix, SubmissionStartTlsWithEveryMechanism) {
  // Default choice first (dovecot offers SCRAM-SHA-256: the strongest), then each one forced.
  for (const std::string mech :
       {"", "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"}) {
    SCOPED_TRACE("mechanism " + (mech.empty() ? std::string("(default)") : mech));
    const std::string id = marker();
    const std::string msg = simple_message(id, "bob@example.test", "via " + mech + "\r\n");
    blocking_client c;
    c.connect(submission(mech));
    EXPECT_EQ(c.authenticated_with(), mech.empty() ? "SCRAM-SHA-256" : mech);
    EXPECT_TRUE(c.tls_details().verified);
    memory_source src(msg);
    EXPECT_EQ(c.send(to({"bob@example.test"}), src).final_reply.code, 250);
    c.quit();
    EXPECT_TRUE(wait_for_message("bob", id).ends_with(lf(msg)));
  }
}

TEST(SmtpPostfix, SubmissionRefusesToAuthenticateInPlaintext) {
  // The submission port only offers AUTH after TLS; with TLS forbidden the client has no
  // mechanism (and must not send the password anywhere).
  client_options o = submission();
  o.policy = transport::tls_policy::none;
  blocking_client c;
  try {
    c.connect(o);
    FAIL() << "authenticated without TLS";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::auth_unavailable) << e.what();
  }
}

TEST(SmtpPostfix, ImplicitTls) {
  const std::string id = marker();
  const std::string msg = simple_message(id, "bob@example.test", "over smtps\r\n");
  client_options o = submission("PLAIN");
  o.port = port("SMTPS_PORT");
  o.security = security::implicit_tls;
  blocking_client c;
  c.connect(o);
  EXPECT_EQ(c.authenticated_with(), "PLAIN");
  EXPECT_TRUE(c.tls_details().verified);
  EXPECT_FALSE(c.server_capabilities().has("STARTTLS"));
  memory_source src(msg);
  EXPECT_EQ(c.send(to({"bob@example.test"}), src).final_reply.code, 250);
  c.quit();
  EXPECT_TRUE(wait_for_message("bob", id).ends_with(lf(msg)));
}

TEST(SmtpPostfix, WrongPasswordIsAuthFailed) {
  for (const std::string mech : {"PLAIN", "SCRAM-SHA-256"}) {
    client_options o = submission(mech);
    o.credentials.password = "not-the-password";
    blocking_client c;
    try {
      c.connect(o);
      FAIL() << mech << " accepted a wrong password";
    } catch (const smtp_exception& e) {
      EXPECT_EQ(e.code(), error::auth_failed) << mech;
      EXPECT_EQ(e.server_reply().code, 535) << mech;
      ASSERT_TRUE(e.server_reply().status.has_value());
      EXPECT_EQ(e.server_reply().status->to_string(), "5.7.8");
    }
  }
}

TEST(SmtpPostfix, UnknownRecipientIsReportedOthersGetTheMessage) {
  const std::string id = marker();
  const std::string msg = simple_message(id, "bob@example.test, alice@example.test", "three\r\n");
  blocking_client c;
  c.connect(options("SMTP_PORT"));
  memory_source src(msg);
  const send_result r =
      c.send(to({"bob@example.test", "nobody@example.test", "alice@example.test"}), src);
  EXPECT_EQ(r.final_reply.code, 250);
  ASSERT_EQ(r.recipients.size(), 3u);
  EXPECT_TRUE(r.recipients[0].accepted);
  EXPECT_FALSE(r.recipients[1].accepted);
  EXPECT_TRUE(r.recipients[2].accepted);
  const auto rejected = r.rejected();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].address, "nobody@example.test");
  EXPECT_EQ(rejected[0].reply.code, 550);
  ASSERT_TRUE(rejected[0].reply.status.has_value());
  EXPECT_EQ(rejected[0].reply.status->to_string(), "5.1.1");
  c.quit();
  EXPECT_TRUE(wait_for_message("bob", id).ends_with(lf(msg)));
  EXPECT_TRUE(wait_for_message("alice", id).ends_with(lf(msg)));
  EXPECT_FALSE(fs::exists(maildir("nobody")));
}

TEST(SmtpPostfix, LmtpToDovecotReportsEachRecipient) {
  // RFC 2033 straight into dovecot's LMTP: LHLO, then after the data one reply per accepted
  // recipient; each reply names the mailbox it was saved to.
  const std::string id = marker();
  const std::string msg = simple_message(id, "bob@example.test, alice@example.test", "lmtp\r\n.dot\r\n");
  client_options o = options("LMTP_PORT");
  o.lmtp = true;
  blocking_client c;
  c.connect(o);  // no credentials: STARTTLS when offered, certificate verified
  EXPECT_TRUE(c.tls_details().verified);
  memory_source src(msg);
  const send_result r = c.send(to({"bob@example.test", "nobody@example.test", "alice@example.test"}), src);
  ASSERT_EQ(r.recipients.size(), 3u);
  EXPECT_TRUE(r.recipients[0].accepted);
  ASSERT_TRUE(r.recipients[0].delivery);
  EXPECT_EQ(r.recipients[0].delivery->code, 250);
  EXPECT_NE(r.recipients[0].delivery->text().find("bob@example.test"), std::string::npos);
  EXPECT_FALSE(r.recipients[1].accepted);
  EXPECT_EQ(r.recipients[1].reply.code, 550);
  EXPECT_FALSE(r.recipients[1].delivery);
  ASSERT_TRUE(r.recipients[2].delivery);
  EXPECT_NE(r.recipients[2].delivery->text().find("alice@example.test"), std::string::npos);
  c.quit();
  EXPECT_TRUE(wait_for_message("bob", id).ends_with(lf(msg)));
  EXPECT_TRUE(wait_for_message("alice", id).ends_with(lf(msg)));
}

TEST(SmtpPostfix, SeveralMessagesOverOneConnection) {
  blocking_client c;
  c.connect(submission());
  const std::string a = marker(), b = marker();
  // memory_source keeps a view: the texts must outlive the sources.
  const std::string m1 = simple_message(a, "bob@example.test", "first\r\n");
  const std::string m2 = simple_message(marker(), "nobody@example.test", "lost\r\n");
  const std::string m3 = simple_message(b, "bob@example.test", "second\r\n");
  memory_source s1(m1);
  EXPECT_EQ(c.send(to({"bob@example.test"}), s1).final_reply.code, 250);
  // A transaction that fails in the middle (every recipient unknown: RSET) ...
  memory_source s2(m2);
  try {
    c.send(to({"nobody@example.test"}), s2);
    ADD_FAILURE() << "unknown recipient accepted";
  } catch (const smtp_exception& e) {
    EXPECT_EQ(e.code(), error::no_recipients_accepted);
    EXPECT_EQ(e.server_reply().code, 550);
  }
  // ... leaves the connection usable for the next message.
  memory_source s3(m3);
  EXPECT_EQ(c.send(to({"bob@example.test"}), s3).final_reply.code, 250);
  EXPECT_EQ(c.noop().code, 250);
  EXPECT_EQ(c.reset().code, 250);
  c.quit();
  EXPECT_NE(wait_for_message("bob", a).find("first"), std::string::npos);
  EXPECT_NE(wait_for_message("bob", b).find("second"), std::string::npos);
}

TEST(SmtpPostfix, BdatDeliversByteIdentical) {
  const std::string id = marker();
  std::string body;
  for (int i = 0; body.size() < (1u << 20); ++i)
    body += (i % 7 == 0 ? "." : "") + std::string("line ") + std::to_string(i) + "\r\n";
  const std::string msg = simple_message(id, "bob@example.test", body);
  client_options o = submission();
  o.chunking = true;
  blocking_client c;
  c.connect(o);
  memory_source src(msg);
  const send_result r = c.send(to({"bob@example.test"}), src);
  EXPECT_EQ(r.final_reply.code, 250);
  EXPECT_EQ(r.message_bytes, msg.size());  // BDAT: no dot-stuffing
  c.quit();
  EXPECT_TRUE(wait_for_message("bob", id).ends_with(lf(msg)));
}

// Extracts the base64 body of the MIME part whose headers mention `filename`, lines joined.
std::string attachment_base64(const std::string& stored, const std::string& filename) {
  // blob.bin is an RFC 2045 token: the composer writes it unquoted.
  const std::size_t name = stored.find("filename=" + filename);
  if (name == std::string::npos) return {};
  const std::size_t start = stored.find("\n\n", name);
  if (start == std::string::npos) return {};
  const std::size_t end = stored.find("\n--", start + 2);
  std::string b64;
  for (char ch : stored.substr(start + 2, end - start - 2))
    if (ch != '\n' && ch != '\r') b64.push_back(ch);
  return b64;
}

TEST(SmtpPostfix, TwentyMebibyteAttachmentArrivesIntact) {
  std::string blob(20u << 20, '\0');
  std::mt19937_64 rng(42);
  for (std::size_t i = 0; i + 8 <= blob.size(); i += 8) {
    const std::uint64_t v = rng();
    std::memcpy(blob.data() + i, &v, 8);
  }
  const std::string id = marker();
  mime::message m;
  m.from = {"Alice", "alice@example.test"};
  m.to = {{"Bob", "bob@example.test"}};
  m.subject = "20 MiB " + id;
  m.extra_headers = {{"X-Test-Id", id}};
  m.text_body = "The attachment is 20 MiB of random bytes.\n";
  m.attachments.push_back({"blob.bin", "", blob, "application/octet-stream", false, ""});
  mime::message_source src(m, {});

  blocking_client c;
  c.connect(submission());
  const send_result r = c.send(to({"bob@example.test"}), src);
  EXPECT_EQ(r.final_reply.code, 250);
  EXPECT_GT(r.message_bytes, blob.size() * 4 / 3);
  c.quit();

  const std::string stored = wait_for_message("bob", id);
  const std::string b64 = attachment_base64(stored, "blob.bin");
  ASSERT_FALSE(b64.empty()) << "no blob.bin part in the delivered message";
  const auto decoded = codec::base64_decode(b64);
  ASSERT_TRUE(decoded.has_value()) << "delivered attachment is not valid base64";
  EXPECT_EQ(decoded->size(), blob.size());
  EXPECT_TRUE(*decoded == blob) << "attachment differs after delivery";
}

}  // namespace
}  // namespace inet::smtp
