// A NUL or a bare CR inside an IMAP response line is a malformed response (RFC 3501 §9: TEXT-CHAR
// and quoted strings exclude them); the connection is then untrusted. Literals are read apart
// (by count) and may hold any byte.
#include <gtest/gtest.h>

#include "tests/imap/mock_session.hpp"
#include "tests/transport/alpn_server.hpp"

namespace inet::imap::test {
namespace {

using namespace std::string_literals;

TEST(ImapHostile, NulOrBareCrInAResponseLineIsMalformed) {
  for (const std::string& bad : {"* OK hi\0there\r\n"s, "* OK \"a\rb\"\r\n"s, "* OK x\r\r\n"s,
                                 "* 1 FETCH (FLAGS (\\Seen\0))\r\n"s}) {
    mock_server srv(mock().send(greeting).expect("A1 NOOP").send(bad + "A1 OK done\r\n"));
    blocking_client c;
    c.connect(options_for(srv));
    EXPECT_EQ(code_of([&] { c.noop(); }), error::malformed_response) << transport::escape_control(bad);
    EXPECT_EQ(code_of([&] { c.noop(); }), error::connection_untrusted);
    EXPECT_EQ(srv.received(), "A1 NOOP\r\n");
  }
}

TEST(ImapHostile, LiteralsMayHoldNulAndCr) {
  mock_server srv(mock()
                      .send(greeting)
                      .expect("A1 NOOP")
                      .send("* 1 FETCH (BODY[] {7}\r\na\0\rb\r\nc)\r\nA1 OK done\r\n"s)
                      .expect("A2 NOOP")
                      .send("A2 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  EXPECT_EQ(code_of([&] { c.noop(); }), std::error_code());
  EXPECT_EQ(code_of([&] { c.noop(); }), std::error_code());
  EXPECT_SCRIPT_OK(srv);
}

// imaps offers ALPN "imap" (RFC 7301, IANA id); a server selecting another protocol (ALPACA: an
// HTTPS server answering for the IMAP name) fails the connect before any IMAP byte.
TEST(ImapHostile, ImplicitTlsOffersImapAndRefusesAnotherAlpnProtocol) {
  for (const char* selected : {"http/1.1", "imap", ""}) {
    inet::testing::alpn_choice choice{selected, {}};
    mock_server srv(mock().send(greeting), inet::testing::alpn_server(&choice));
    blocking_client c;
    client_options o = options_for(srv);
    o.security = security::implicit_tls;
    const std::error_code ec = code_of([&] { c.connect(o); });
    if (std::string(selected) == "http/1.1")
      EXPECT_EQ(ec, transport::error::alpn_mismatch) << ec.message();
    else
      EXPECT_FALSE(ec) << selected << ": " << ec.message();
    srv.wait_done();
    EXPECT_EQ(choice.offered, "\x04imap") << selected;
    EXPECT_EQ(srv.received(), "");
  }
}

}  // namespace
}  // namespace inet::imap::test
