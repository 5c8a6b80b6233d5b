// The same conversations through both forms of the client — blocking_client and the coroutine
// client driven by co_spawn — and failure injection (after Beast's fail_count): the server
// drops the connection at every step of a full STARTTLS + AUTH + pipelined send conversation,
// and every drop must surface as an error, never as success or a hang.
#include <gtest/gtest.h>

#include "tests/smtp/test_util.hpp"

namespace inet::smtp::testing {
namespace {

using mock::mock_server;
using mock::script;

const std::string body = [] {
  std::string b = "Subject: failure injection\r\n\r\n";
  while (b.size() < 200 * 1024) b += ".line of the body, long enough to need several writes\r\n";
  return b;
}();

// One server step: what it reads, then what it writes.
struct step {
  std::function<void(script&)> read, write;
};

std::vector<step> conversation() {
  return {
      {[](script&) {}, [](script& s) { s.send("220 mock.test ESMTP\r\n"); }},
      {[](script& s) { s.expect("EHLO client.test"); },
       [](script& s) {
         s.send(ehlo_reply({"STARTTLS", "AUTH CRAM-MD5", "PIPELINING", "ENHANCEDSTATUSCODES"}));
       }},
      {[](script& s) { s.expect("STARTTLS"); },
       [](script& s) { s.send("220 2.0.0 go\r\n").start_tls(); }},
      {[](script& s) { s.expect("EHLO client.test"); },
       [](script& s) { s.send(ehlo_reply({"AUTH PLAIN", "PIPELINING", "ENHANCEDSTATUSCODES"})); }},
      {[](script& s) { s.expect("AUTH PLAIN AGFsaWNlAHNlY3JldA=="); },
       [](script& s) { s.send("235 2.7.0 ok\r\n"); }},
      {[](script& s) {
         s.expect("MAIL FROM:<alice@example.test>").expect("RCPT TO:<bob@example.test>");
       },
       [](script& s) { s.send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n"); }},
      {[](script& s) { s.expect("DATA"); }, [](script& s) { s.send("354 go\r\n"); }},
      {[](script& s) { s.expect_until("."); },
       [](script& s) { s.send("250 2.0.0 queued\r\n"); }},
  };
}

client_options login_options(const mock_server& srv) {
  client_options o = options_for(srv);
  o.policy.reset();  // credentials: STARTTLS required
  o.credentials.username = "alice";
  o.credentials.password = "secret";
  return o;
}

template <typename Driver>
class SmtpForms : public ::testing::Test {};

struct driver_names {
  template <typename T>
  static std::string GetName(int) {
    return T::name;
  }
};
using drivers = ::testing::Types<blocking_driver, coro_driver>;
TYPED_TEST_SUITE(SmtpForms, drivers, driver_names);

TYPED_TEST(SmtpForms, FullConversationExactBytes) {
  script s;
  for (const step& st : conversation()) {
    st.read(s);
    st.write(s);
  }
  s.expect("QUIT").send("221 2.0.0 bye\r\n").close();
  mock_server srv(s);
  TypeParam c;
  c.connect(login_options(srv));
  EXPECT_EQ(c.authenticated_with(), "PLAIN");
  EXPECT_TRUE(c.tls_details().verified);
  EXPECT_EQ(c.caps().auth_mechanisms, std::vector<std::string>{"PLAIN"});
  memory_source src(body);
  const send_result r = c.send(simple_envelope(), src);
  EXPECT_EQ(r.final_reply.summary(), "250 2.0.0 queued");
  EXPECT_EQ(r.recipients.at(0).reply.status->to_string(), "2.1.5");
  c.quit();
  EXPECT_SCRIPT_OK(srv);
  std::string stuffed;
  for (std::size_t p = 0; p < body.size();) {
    const std::size_t e = body.find("\r\n", p) + 2;
    if (body[p] == '.') stuffed += '.';
    stuffed += body.substr(p, e - p);
    p = e;
  }
  EXPECT_TRUE(srv.received() ==
              "EHLO client.test\r\nSTARTTLS\r\nEHLO client.test\r\n"
              "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"
              "MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n" +
                  stuffed + ".\r\nQUIT\r\n");
}

TYPED_TEST(SmtpForms, RefusalsRaiseTheSameErrors) {
  mock_server srv(greet_ehlo({"PIPELINING", "ENHANCEDSTATUSCODES"})
                      .expect("MAIL FROM:<alice@example.test>")
                      .expect("RCPT TO:<bob@example.test>")
                      .expect("DATA")
                      .send("250 ok\r\n550 5.1.1 unknown user\r\n554 5.5.1 no valid recipients\r\n")
                      .expect("RSET")
                      .send("250 ok\r\n")
                      .expect("NOOP")
                      .send("250 2.0.0 ok\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  TypeParam c;
  c.connect(options_for(srv));
  memory_source src("x\r\n");
  try {
    c.send(simple_envelope(), src);
    FAIL() << "send succeeded";
  } catch (const smtp_exception& e) {
    EXPECT_EQ(e.code(), error::no_recipients_accepted);
    EXPECT_EQ(e.server_reply().status->to_string(), "5.1.1");
  }
  EXPECT_EQ(c.noop().status->to_string(), "2.0.0");
  EXPECT_THROW(c.command("NOOP\r\nRSET"), std::system_error);
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

TYPED_TEST(SmtpForms, CapabilitiesAreTheSame) {
  mock_server srv(greet_ehlo({"SIZE 1234", "DSN", "AUTH=PLAIN", "auth login"})
                      .expect("QUIT")
                      .send("221 bye\r\n"));
  TypeParam c;
  c.connect(options_for(srv));
  EXPECT_EQ(c.caps().size_limit, std::optional<std::uint64_t>(1234));
  EXPECT_TRUE(c.caps().has("dsn"));
  EXPECT_EQ(c.caps().auth_mechanisms, (std::vector<std::string>{"PLAIN", "LOGIN"}));
  c.quit();
  EXPECT_SCRIPT_OK(srv);
}

// Drops the connection when the server would perform step `k` (after reading what the client
// sent for it); k == conversation().size() drops it in the middle of the message body.
template <typename Driver>
void run_with_drop_at(std::size_t k, mock::close_mode mode) {
  const std::vector<step> steps = conversation();
  script s;
  // Mid-body (k == size) replays everything up to the MAIL/RCPT replies, then reads 1000 bytes.
  const std::size_t full_steps = k < steps.size() ? k : steps.size() - 2;
  for (std::size_t i = 0; i < full_steps; ++i) {
    steps[i].read(s);
    steps[i].write(s);
  }
  if (k < steps.size()) {
    steps[k].read(s);
  } else {
    s.expect("DATA").send("354 go\r\n").expect_bytes(1000);  // k == size: mid-body
  }
  s.close(mode);
  mock_server srv(s);
  Driver c;
  const char* outcome = "success";
  try {
    c.connect(login_options(srv));
    memory_source src(body);
    c.send(simple_envelope(), src);
  } catch (const std::system_error& e) {
    outcome = nullptr;
    EXPECT_NE(e.code(), inet::condition::timeout)
        << "drop at step " << k << " was noticed only by a timeout: " << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "drop at step " << k << ": not a system_error: " << e.what();
    outcome = nullptr;
  }
  EXPECT_EQ(outcome, nullptr) << "drop at step " << k << " (mode " << static_cast<int>(mode)
                              << ") ended in success";
  // quit() on the dead connection must not throw (and, with EOF sticky in the transport, must
  // not wait for a timeout either: the client's idle timeout is 5 s, the loop takes < 2 s).
  EXPECT_NO_THROW(c.quit()) << "step " << k;
  EXPECT_SCRIPT_OK(srv);
}

TYPED_TEST(SmtpForms, DroppedConnectionAtEveryStepIsAnError) {
  const std::size_t n = conversation().size();
  using mock::close_mode;
  for (auto mode : {close_mode::graceful, close_mode::reset, close_mode::fin_only})
    for (std::size_t k = 0; k <= n; ++k) {
      SCOPED_TRACE("drop at step " + std::to_string(k) + " mode " +
                   std::to_string(static_cast<int>(mode)));
      run_with_drop_at<TypeParam>(k, mode);
    }
}

}  // namespace
}  // namespace inet::smtp::testing
