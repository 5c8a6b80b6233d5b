// transport::listener (FTP active mode): bind on an address and a port range, accept exactly one
// connection from the expected address within a time bound, hand it over as a transport::stream
// (which may then run a TLS client handshake). A plain TCP connector plays the FTP server that
// connects back; 127.0.0.2 plays an intruder (all of 127/8 is loopback on Linux).
#include "transport/listener.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <string>

#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"

namespace inet::testing {
namespace {

using asio::ip::make_address;
using asio::ip::tcp;
using transport::error;
using transport::listener;
using transport::port_range;

const auto loopback = make_address("127.0.0.1");
const auto intruder = make_address("127.0.0.2");

// Connects from `from` to `to`, sends `hello`, then reads until EOF into *got.
asio::awaitable<void> connector(tcp::endpoint to, asio::ip::address from, std::string hello,
                                std::string* got) {
  tcp::socket sock(co_await asio::this_coro::executor);
  sock.open(tcp::v4());
  sock.bind(tcp::endpoint(from, 0));
  co_await sock.async_connect(to, asio::use_awaitable);
  co_await asio::async_write(sock, asio::buffer(hello), asio::use_awaitable);
  boost::system::error_code ec;
  co_await asio::async_read(sock, asio::dynamic_buffer(*got),
                            asio::redirect_error(asio::use_awaitable, ec));
}

TEST(Listener, AcceptsTheExpectedPeerAndHandsOverAStream) {
  asio::io_context io;
  listener l(io.get_executor());
  l.open(loopback);
  const tcp::endpoint where = l.local_endpoint();
  EXPECT_EQ(where.address(), loopback);
  EXPECT_NE(where.port(), 0);
  transport::stream data(io.get_executor());
  std::string server_got, client_got;
  asio::co_spawn(io, connector(where, loopback, "150 data\r\n", &server_got), asio::detached);
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await l.async_accept(data, loopback, 5s, asio::use_awaitable);
    EXPECT_FALSE(l.is_open());  // exactly one peer: the listening socket is gone
    EXPECT_EQ(data.remote_ip_endpoint().address(), loopback);
    EXPECT_EQ(data.local_ip_endpoint(), where);
    client_got.resize(10);
    co_await asio::async_read(data, asio::buffer(client_got), asio::use_awaitable);
    co_await data.write(asio::buffer(std::string_view("thanks")));
    data.close();
  });
  ASSERT_FALSE(ec) << ec.message();
  io.restart();
  io.run();  // the connector reads to EOF
  EXPECT_EQ(client_got, "150 data\r\n");
  EXPECT_EQ(server_got, "thanks");
}

TEST(Listener, RefusesAPeerFromAnotherAddressAndFails) {
  asio::io_context io;
  listener l(io.get_executor());
  l.open(loopback);
  transport::stream data(io.get_executor());
  std::string intruder_got = "untouched";
  asio::co_spawn(io, connector(l.local_endpoint(), intruder, "evil\r\n", &intruder_got),
                 asio::detached);
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await l.accept(data, loopback, 5s);
  });
  EXPECT_EQ(ec, error::unexpected_peer) << ec.message();
  EXPECT_TRUE(ec == condition::connection_failed);
  EXPECT_FALSE(data.is_open());
  EXPECT_FALSE(l.is_open());
  io.restart();
  io.run();
  EXPECT_EQ(intruder_got, "untouched");  // closed without a byte
}

TEST(Listener, TimesOutWhenNobodyConnects) {
  asio::io_context io;
  listener l(io.get_executor());
  l.open(loopback);
  transport::stream data(io.get_executor());
  boost::system::error_code ec;
  l.async_accept(data, loopback, 200ms, [&](boost::system::error_code e) { ec = e; });
  io.run();
  EXPECT_EQ(ec, error::timeout) << ec.message();
  EXPECT_FALSE(l.is_open());
}

TEST(Listener, TheAcceptedStreamsDeadlineBoundsTheAccept) {
  asio::io_context io;
  listener l(io.get_executor());
  l.open(loopback);
  transport::stream data(io.get_executor());
  transport::timeouts t;
  t.deadline = std::chrono::steady_clock::now() + 100ms;
  data.set_timeouts(t);
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await l.accept(data, loopback, 5s);
  });
  EXPECT_EQ(ec, error::deadline_exceeded) << ec.message();
}

TEST(Listener, CancelAbortsThePendingAccept) {
  asio::io_context io;
  listener l(io.get_executor());
  l.open(loopback);
  transport::stream data(io.get_executor());
  boost::system::error_code ec;
  l.async_accept(data, loopback, 5s, [&](boost::system::error_code e) { ec = e; });
  asio::post(io, [&] { l.cancel(); });
  io.run();
  EXPECT_EQ(ec, asio::error::operation_aborted) << ec.message();
}

TEST(Listener, PortRangeTakesTheFirstFreePortAndFailsWhenExhausted) {
  asio::io_context io;
  // A port held by a listening socket: never reusable, even with SO_REUSEADDR.
  tcp::acceptor taken(io, tcp::endpoint(loopback, 0));
  const std::uint16_t p = taken.local_endpoint().port();
  listener l(io.get_executor());
  try {
    l.open(loopback, port_range{p, p});
    ADD_FAILURE() << "bound a taken port";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::error_code(boost::system::error_code(asio::error::address_in_use)))
        << e.what();
  }
  EXPECT_FALSE(l.is_open());
  if (p == 65535) GTEST_SKIP() << "no port above the taken one";
  try {
    l.open(loopback, port_range{p, static_cast<std::uint16_t>(p + 1)});
  } catch (const std::system_error& e) {
    GTEST_SKIP() << "port " << p + 1 << " is in use elsewhere: " << e.what();
  }
  EXPECT_EQ(l.local_endpoint().port(), p + 1);
}

TEST(Listener, BadRangesAndUnopenedUse) {
  asio::io_context io;
  listener l(io.get_executor());
  for (const port_range r : {port_range{2000, 1000}, port_range{0, 1000}}) {
    try {
      l.open(loopback, r);
      ADD_FAILURE() << "accepted range " << r.first << "-" << r.last;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::invalid_argument);
    }
  }
  transport::stream data(io.get_executor());
  EXPECT_EQ(error_of(io, [&]() -> asio::awaitable<void> { co_await l.accept(data, loopback, 1s); }),
            error::not_connected);
  transport::stream unconnected(io.get_executor());
  EXPECT_THROW(l.open(unconnected), std::system_error);
}

TEST(Listener, OpensOnTheControlConnectionsLocalAddress) {
  test::mock_server srv(test::script().send("220 ftp\r\n").expect("QUIT").close());
  asio::io_context io;
  transport::stream control(io.get_executor());
  transport::run_blocking(io, control.connect("127.0.0.1", srv.port(), quick_options()));
  listener l(io.get_executor());
  l.open(control);
  EXPECT_EQ(l.local_endpoint().address(), control.local_ip_endpoint().address());
  EXPECT_NE(l.local_endpoint().port(), control.local_ip_endpoint().port());
  EXPECT_EQ(control.remote_ip_endpoint().port(), srv.port());
  EXPECT_EQ(control.local_endpoint(),
            "127.0.0.1:" + std::to_string(control.local_ip_endpoint().port()));
  transport::run_blocking(io, control.write(asio::buffer(std::string_view("QUIT\r\n"))));
  EXPECT_SCRIPT_OK(srv);
}

// The accepted connection runs a TLS client handshake (FTPS data connection, RFC 4217): the
// connector plays the TLS server with the test PKI's certificate for "localhost".
TEST(Listener, AcceptedStreamRunsATlsClientHandshake) {
  asio::io_context io;
  listener l(io.get_executor());
  l.open(loopback);
  asio::ssl::context server_ctx(asio::ssl::context::tls_server);
  const auto files = test::test_pki::instance().server(test::cert_kind::good);
  server_ctx.use_certificate_chain_file(files.cert_file);
  server_ctx.use_private_key_file(files.key_file, asio::ssl::context::pem);
  std::string server_got;
  asio::co_spawn(
      io,
      [&, to = l.local_endpoint()]() -> asio::awaitable<void> {
        asio::ssl::stream<tcp::socket> tls(io, server_ctx);
        co_await tls.next_layer().async_connect(to, asio::use_awaitable);
        co_await tls.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
        co_await asio::async_write(tls, asio::buffer(std::string_view("secret data")),
                                   asio::use_awaitable);
        boost::system::error_code ignored;
        co_await tls.async_shutdown(asio::redirect_error(asio::use_awaitable, ignored));
      },
      asio::detached);
  transport::stream data(io.get_executor());
  std::string got;
  boost::system::error_code read_ec;
  bool verified = false;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await l.accept(data, loopback, 5s);
    co_await data.handshake(test_ca(), "localhost");
    verified = data.tls_details().verified;
    co_await asio::async_read(data, asio::dynamic_buffer(got),
                              asio::redirect_error(asio::use_awaitable, read_ec));
    co_await data.graceful_close();
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(verified);
  EXPECT_EQ(got, "secret data");
  EXPECT_EQ(read_ec, asio::error::eof) << read_ec.message();
}

}  // namespace
}  // namespace inet::testing
