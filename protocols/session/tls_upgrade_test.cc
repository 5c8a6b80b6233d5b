// The one TLS-upgrade policy through a mock adapter: when it asks, what it sends, when it fails
// and how (none, implicit, required/opportunistic x not offered/refused/accepted).
#include "protocols/session/tls_upgrade.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "protocols/session/test_support.hpp"
#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"
#include "transport/error.hpp"

namespace inet::session {
namespace {

using namespace std::chrono_literals;
using testing::run;

class mock_upgrade final : public upgrade_adapter {
 public:
  bool offer = true, accept = true;
  int offered_calls = 0, requests = 0, forgets = 0;
  std::error_code failure_seen;
  line::engine* wire = nullptr;  // when set, request() really sends STARTTLS and reads 220

  std::string_view command_word() const override { return "STARTTLS"; }
  boost::asio::awaitable<bool> offered() override {
    ++offered_calls;
    co_return offer;
  }
  boost::asio::awaitable<bool> request() override {
    ++requests;
    if (!wire) co_return accept;
    co_await wire->send(line::command("STARTTLS"));
    const line::code_reply r = co_await wire->read_code_reply();
    co_return r.code == 220;
  }
  [[noreturn]] void throw_refused() override {
    throw std::system_error(std::make_error_code(std::errc::connection_refused), "refused");
  }
  std::error_code tls_required_code() const override {
    return std::make_error_code(std::errc::operation_not_permitted);
  }
  boost::asio::awaitable<void> forget_pre_tls_state() override {
    ++forgets;
    co_return;
  }
  void upgrade_failed(const std::system_error& e) override { failure_seen = e.code(); }
};

struct upgrade_test : ::testing::Test {
  boost::asio::io_context io;
  transport::stream stream{io.get_executor()};
  line::engine eng{stream, "test"};
  mock_upgrade a;

  upgrade_result go(security s) {
    return run(io, upgrade(eng, s, transport::tls_options{}, "mail.test", a));
  }
  std::error_code go_error(security s) {
    try {
      go(s);
    } catch (const std::system_error& e) {
      return e.code();
    }
    return {};
  }
};

TEST(SessionPolicy, ResolveMapsTheClientOptions) {
  using transport::tls_policy;
  EXPECT_EQ(resolve(true, tls_policy::none, true), security::implicit);
  EXPECT_EQ(resolve(false, std::nullopt, true), security::required);
  EXPECT_EQ(resolve(false, std::nullopt, false), security::opportunistic);
  EXPECT_EQ(resolve(false, tls_policy::none, true), security::none);
  EXPECT_EQ(resolve(false, tls_policy::opportunistic, true), security::opportunistic);
  EXPECT_EQ(resolve(false, tls_policy::required, false), security::required);
}

TEST(SessionPolicy, ATokenProviderCountsAsCredentials) {
  sasl::credentials none;
  EXPECT_FALSE(has_credentials(none, nullptr));
  auto p = sasl::make_static_token_provider("t");
  EXPECT_TRUE(has_credentials(none, p.get()));
  sasl::credentials tok;
  tok.oauth2_token = "t";
  EXPECT_TRUE(has_credentials(tok, nullptr));
  sasl::credentials user;
  user.username = "u";
  EXPECT_TRUE(has_credentials(user, nullptr));
}

TEST(SessionPolicy, ClearTextOnlyUnderTlsOrExplicitNone) {
  EXPECT_TRUE(clear_text_allowed(true, security::opportunistic));
  EXPECT_TRUE(clear_text_allowed(false, security::none));
  EXPECT_FALSE(clear_text_allowed(false, security::opportunistic));
  EXPECT_FALSE(clear_text_allowed(false, security::required));
}

TEST_F(upgrade_test, NoneAndImplicitNeverAsk) {
  EXPECT_EQ(go(security::none), upgrade_result::not_needed);
  EXPECT_EQ(go(security::implicit), upgrade_result::not_needed);
  EXPECT_EQ(a.offered_calls, 0);
  EXPECT_EQ(a.requests, 0);
}

TEST_F(upgrade_test, RequiredButNotOfferedSendsNothingAndFails) {
  a.offer = false;
  EXPECT_EQ(go_error(security::required), std::errc::operation_not_permitted);
  EXPECT_EQ(a.requests, 0);
  EXPECT_FALSE(stream.is_open());
}

TEST_F(upgrade_test, RequiredAndRefusedFailsWithTheProtocolsError) {
  a.accept = false;
  EXPECT_EQ(go_error(security::required), std::errc::connection_refused);
  EXPECT_EQ(a.requests, 1);
  EXPECT_EQ(a.forgets, 0);
}

TEST_F(upgrade_test, OpportunisticContinuesInClear) {
  a.offer = false;
  EXPECT_EQ(go(security::opportunistic), upgrade_result::continued_in_clear);
  EXPECT_EQ(a.requests, 0);
  a.offer = true;
  a.accept = false;
  EXPECT_EQ(go(security::opportunistic), upgrade_result::continued_in_clear);
  EXPECT_EQ(a.requests, 1);
  EXPECT_EQ(a.forgets, 0);
}

struct upgrade_wire_test : upgrade_test {
  void connect(const test::mock_server& srv) {
    transport::connect_options c;
    c.time.connect = 5s;
    c.time.idle = 5s;
    run(io, stream.connect(srv.host(), srv.port(), c));
    a.wire = &eng;
  }
  transport::tls_options tls() const {
    transport::tls_options t;
    t.ca_file = test::test_pki::instance().ca_file();
    return t;
  }
};

TEST_F(upgrade_wire_test, AcceptedUpgradeHandshakesAndForgets) {
  test::mock_server srv(test::script()
                            .expect("STARTTLS")
                            .send("220 go ahead\r\n")
                            .start_tls()
                            .expect("NOOP")
                            .send("250 ok\r\n"));
  connect(srv);
  EXPECT_EQ(run(io, upgrade(eng, security::required, tls(), srv.host(), a)),
            upgrade_result::upgraded);
  EXPECT_TRUE(stream.is_tls());
  EXPECT_EQ(a.forgets, 1);
  run(io, eng.send(line::command("NOOP")));
  EXPECT_EQ(run(io, eng.read_code_reply()).code, 250);
  EXPECT_SCRIPT_OK(srv);
}

TEST_F(upgrade_wire_test, BytesBehindTheGoAheadAreReportedToTheAdapter) {
  test::mock_server srv(
      test::script().expect("STARTTLS").send("220 go ahead\r\n250 injected\r\n"));
  connect(srv);
  try {
    run(io, upgrade(eng, security::opportunistic, tls(), srv.host(), a));
    ADD_FAILURE() << "injection accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), transport::error::starttls_injection);
  }
  EXPECT_EQ(a.failure_seen, transport::error::starttls_injection);
  EXPECT_EQ(a.forgets, 0);
}

}  // namespace
}  // namespace inet::session
