// ALPN on TLS (RFC 7301 §3.2) against cross-protocol attacks (ALPACA): with tls_options::alpn
// set, a server selecting a protocol that was not offered fails the handshake with
// error::alpn_mismatch before any byte is read or written; selecting an offered one or none is
// accepted.
#include <gtest/gtest.h>

#include "tests/transport/alpn_server.hpp"
#include "tests/transport/test_util.hpp"
#include "transport/line_reader.hpp"

namespace inet::testing {
namespace {

using test::mock_server;
using test::script;

struct outcome {
  std::error_code ec;
  std::string greeting, alpn;
};

outcome imaps_greeting(mock_server& srv, std::vector<std::string> offer) {
  asio::io_context io;
  transport::stream s(io.get_executor());
  outcome r;
  r.ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    transport::tls_options tls = test_ca();
    tls.alpn = std::move(offer);
    co_await s.handshake(tls, "localhost");
    r.alpn = s.tls_details().alpn;
    transport::line_reader rd(s);
    r.greeting = std::string(co_await rd.read_line());
  });
  return r;
}

TEST(Alpn, ServerSelectingAnotherProtocolFailsTheHandshake) {
  alpn_choice choice{"http/1.1", {}};
  mock_server srv(script().send("* OK imap ready\r\n"), alpn_server(&choice));
  const outcome r = imaps_greeting(srv, {"imap"});
  EXPECT_EQ(r.ec, transport::error::alpn_mismatch) << r.ec.message();
  EXPECT_EQ(r.ec, condition::tls_failure);
  EXPECT_EQ(r.greeting, "");
  srv.wait_done();
  EXPECT_EQ(choice.offered, "\x04imap");
}

TEST(Alpn, ServerSelectingTheOfferedProtocolIsAccepted) {
  alpn_choice choice{"imap", {}};
  mock_server srv(script().send("* OK imap ready\r\n"), alpn_server(&choice));
  const outcome r = imaps_greeting(srv, {"imap"});
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.alpn, "imap");
  EXPECT_EQ(r.greeting, "* OK imap ready");
}

TEST(Alpn, ServerSelectingNoneIsAccepted) {
  alpn_choice choice{"", {}};
  mock_server srv(script().send("* OK imap ready\r\n"), alpn_server(&choice));
  const outcome r = imaps_greeting(srv, {"imap"});
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.alpn, "");
  EXPECT_EQ(r.greeting, "* OK imap ready");
}

}  // namespace
}  // namespace inet::testing
