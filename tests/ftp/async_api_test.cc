// The completion-token front of ftp::client (generated from INET_FTP_OPERATIONS): callbacks,
// use_future, errors as error_codes with last_failure() keeping the ftp_exception.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "tests/ftp/test_util.hpp"

namespace inet::ftp::testing {
namespace {

namespace asio = boost::asio;

TEST(FtpAsyncApi, CallbacksAndFutures) {
  port_box port;
  auto stored = std::make_shared<std::string>();
  mock::script s = anonymous_login("");
  s.expect("PWD").send("257 \"/\"\r\n")
      .expect("TYPE I").send("200 ok\r\n").expect("EPSV").run(port.epsv())
      .expect("STOR f").send("150 go\r\n")
      .accept_next().run(read_all(stored.get())).use_connection(0).send("226 ok\r\n")
      .expect("DELE missing").send("550 no such file\r\n")
      .expect("QUIT").send("221 bye\r\n");
  mock::mock_server srv(std::move(s));
  port.set(srv);
  asio::io_context io;
  client c(io.get_executor());
  transport::async_error_code connect_ec = asio::error::fault;
  c.async_connect(options_for(srv), [&](transport::async_error_code ec) { connect_ec = ec; });
  io.run();
  ASSERT_FALSE(connect_ec) << connect_ec.message();

  io.restart();
  auto pwd = c.async_pwd(asio::use_future);
  io.run();
  EXPECT_EQ(pwd.get(), "/");

  memory_source src("async bytes");
  io.restart();
  transfer_result stored_result;
  c.async_store("f", src, false, [&](transport::async_error_code ec, transfer_result r) {
    EXPECT_FALSE(ec);
    stored_result = r;
  });
  io.run();
  EXPECT_EQ(stored_result.bytes, 11u);

  io.restart();
  transport::async_error_code dele_ec;
  c.async_dele("missing", [&](transport::async_error_code ec, reply) { dele_ec = ec; });
  io.run();
  EXPECT_EQ(std::error_code(dele_ec), make_error_code(error::file_unavailable));
  try {
    std::rethrow_exception(c.last_failure());
  } catch (const ftp_exception& e) {
    EXPECT_EQ(e.server_reply().code, 550);
  }

  io.restart();
  c.async_quit([](transport::async_error_code) {});
  io.run();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(*stored, "async bytes");
}

}  // namespace
}  // namespace inet::ftp::testing
