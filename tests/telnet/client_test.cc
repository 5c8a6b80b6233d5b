// The Telnet client against the mock server: exact negotiation bytes on the wire, the
// expect-style API, and hostile servers (IAC floods, negotiation loops, SB without SE, NUL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "protocols/telnet/client.hpp"
#include "tests/mock/server.hpp"
#include "transport/error.hpp"

namespace inet::telnet {
namespace {

using namespace std::chrono_literals;
using test::mock_server;
using test::script;

std::string cmd3(std::uint8_t verb, std::uint8_t o) {
  return {static_cast<char>(cmd::iac), static_cast<char>(verb), static_cast<char>(o)};
}
std::string WILL(std::uint8_t o) { return cmd3(cmd::will, o); }
std::string WONT(std::uint8_t o) { return cmd3(cmd::wont, o); }
std::string DO(std::uint8_t o) { return cmd3(cmd::do_, o); }

client_options options_for(const mock_server& srv) {
  client_options o;
  o.host = srv.host();
  o.port = srv.port();
  o.connect.time.connect = 5s;
  o.connect.time.idle = 5s;
  return o;
}

template <typename F>
std::error_code failure_of(F&& f) {
  try {
    f();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}

TEST(TelnetClient, LoginDialogueWithNegotiation) {
  std::string answers, typed;
  mock_server srv(script()
                      .send(DO(opt::ttype) + WILL(opt::echo) + WILL(opt::sga) + "login: ")
                      .expect_bytes(9, &answers)
                      .expect("alice")
                      .send("Password:")
                      .expect_bytes(8, &typed)
                      .send("\r\nWelcome \xff\xff\r\nalice$ ")
                      .expect("echo hi")
                      .send("echo hi\r\nhi\r\nalice$ ")
                      .close());
  blocking_client t;
  t.connect(options_for(srv));
  EXPECT_EQ(t.read_until("login: ", 5s), "login: ");
  t.write("alice\n");
  EXPECT_EQ(t.read_until("Password:", 5s), "Password:");
  t.write("s3cret\r\n");
  const auto r = t.expect({"# ", "$ "}, 5s);
  EXPECT_EQ(r.index, 1u);
  EXPECT_EQ(r.text, "\r\nWelcome \xff\r\nalice$ ");
  t.write("echo hi\n");
  EXPECT_EQ(t.read_until("$ ", 5s), "echo hi\r\nhi\r\nalice$ ");
  EXPECT_EQ(t.read_all(), "");
  EXPECT_EQ(t.read_some(), "");
  ASSERT_TRUE(srv.wait_done()) << srv.failure();
  EXPECT_TRUE(srv.ok()) << srv.failure();
  // TTYPE refused (no terminal type configured), ECHO and SGA accepted.
  EXPECT_EQ(answers, WONT(opt::ttype) + DO(opt::echo) + DO(opt::sga));
  EXPECT_EQ(typed, "s3cret\r\n");
  EXPECT_TRUE(t.protocol().remote_enabled(opt::echo));
}

TEST(TelnetClient, WriteEscapesIacAndNvtLineEnds) {
  std::string got;
  mock_server srv(script().expect_bytes(9, &got).send("ok").close());
  blocking_client t;
  t.connect(options_for(srv));
  t.write("a\xff" "b\rc\n");
  EXPECT_EQ(t.read_all(), "ok");
  ASSERT_TRUE(srv.wait_done());
  EXPECT_EQ(got, std::string("a\xff\xff" "b\r\0c\r\n", 9));
}

TEST(TelnetClient, OffersAndNawsWithResize) {
  std::string offers, naws, resize;
  mock_server srv(script()
                      .expect_bytes(12, &offers)
                      .send(DO(opt::naws) + WILL(opt::sga) + DO(opt::ttype) +
                            "\xff\xfa\x18\x01\xff\xf0" + "ready")
                      .expect_bytes(9 + 11, &naws)
                      .expect_bytes(9, &resize)
                      .send("bye")
                      .close());
  auto o = options_for(srv);
  o.offer = true;
  o.telnet.naws = true;
  o.telnet.columns = 80;
  o.telnet.rows = 24;
  o.telnet.terminal_type = "XTERM";
  blocking_client t;
  t.connect(o);
  EXPECT_EQ(t.read_until("ready", 5s), "ready");
  t.set_window_size(132, 43);
  EXPECT_EQ(t.read_all(), "bye");
  ASSERT_TRUE(srv.wait_done()) << srv.failure();
  EXPECT_EQ(offers, DO(opt::sga) + DO(opt::echo) + WILL(opt::naws) + WILL(opt::ttype));
  // DO NAWS answered WANTYES -> YES (no second WILL) + the size; SB TTYPE SEND -> IS XTERM.
  EXPECT_EQ(naws, std::string("\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0", 9) +
                      std::string("\xff\xfa\x18\x00XTERM\xff\xf0", 11));
  EXPECT_EQ(resize, std::string("\xff\xfa\x1f\x00\x84\x00\x2b\xff\xf0", 9));
}

TEST(TelnetClient, IacFloodIsAnsweredOnceAndDataSurvives) {
  // 100k WILL ECHO + NOPs: one DO ECHO in reply; 1000 DO NEW-ENVIRON: 1000 WONTs, no more.
  std::string answers;
  std::string refused;
  for (int i = 0; i < 1000; ++i) refused += DO(39);
  mock_server srv(script()
                      .send_repeated(WILL(opt::echo) + "\xff\xf1", 100000)
                      .send(refused + "data\xff\xff\r\n")
                      .expect_bytes(3 + 3000, &answers)
                      .expect_silence(200ms)
                      .close());
  blocking_client t;
  t.connect(options_for(srv));
  EXPECT_EQ(t.read_until("\r\n", 5s), "data\xff\r\n");
  EXPECT_EQ(t.read_all(), "");
  ASSERT_TRUE(srv.wait_done()) << srv.failure();
  EXPECT_TRUE(srv.ok()) << srv.failure();
  std::string want = DO(opt::echo);
  for (int i = 0; i < 1000; ++i) want += WONT(39);
  EXPECT_EQ(answers, want);
}

TEST(TelnetClient, MirroringServerCannotMakeItLoop) {
  // A server that answers every command of ours with its opposite: the Q method settles after
  // one round, then the client stays silent.
  mock_server srv(script()
                      .run([](test::connection_ctl& c) {
                        std::string in = c.read_bytes(12);  // the offers
                        std::string flip;
                        for (std::size_t i = 0; i + 2 < in.size(); i += 3) {
                          const auto v = static_cast<std::uint8_t>(in[i + 1]);
                          const std::uint8_t back = v == cmd::will ? cmd::dont
                                                    : v == cmd::wont ? cmd::do_
                                                    : v == cmd::do_  ? cmd::wont
                                                                     : cmd::will;
                          flip += cmd3(back, static_cast<std::uint8_t>(in[i + 2]));
                        }
                        c.write(flip + "end");
                      })
                      .expect_silence(300ms)
                      .close());
  auto o = options_for(srv);
  o.offer = true;
  o.telnet.naws = true;
  o.telnet.terminal_type = "XTERM";
  blocking_client t;
  t.connect(o);
  EXPECT_EQ(t.read_until("end", 5s), "end");
  EXPECT_EQ(t.read_all(), "");
  ASSERT_TRUE(srv.wait_done());
  EXPECT_TRUE(srv.ok()) << srv.failure();
  EXPECT_EQ(srv.received().size(), 12u);  // only the offers: every refusal ended a negotiation
  EXPECT_EQ(t.protocol().state(opt::naws).us, q::no);
  EXPECT_EQ(t.protocol().state(opt::sga).him, q::no);
}

TEST(TelnetClient, SubnegotiationWithoutSeIsAnError) {
  mock_server srv(script().send("\xff\xfa\x18" + std::string(5000, 'x')).expect_eof());
  auto o = options_for(srv);
  o.telnet.max_subnegotiation = 1024;
  blocking_client t;
  t.connect(o);
  EXPECT_EQ(failure_of([&] { t.read_some(); }), error::subnegotiation_too_long);
  t.close();
  ASSERT_TRUE(srv.wait_done());
}

TEST(TelnetClient, NulInDataAndIacSplitAcrossReads) {
  mock_server srv(script()
                      .trickle(std::string("a\0b\r\0c", 6) + "\xff\xff" + WILL(opt::sga) + "\r\n",
                               1ms)
                      .expect_bytes(3)
                      .close());
  blocking_client t;
  t.connect(options_for(srv));
  EXPECT_EQ(t.read_until("\r\n", 5s), "ab\rc\xff\r\n");
  EXPECT_EQ(t.read_all(), "");
  ASSERT_TRUE(srv.wait_done());
  EXPECT_TRUE(srv.ok()) << srv.failure();
  EXPECT_EQ(srv.received(), DO(opt::sga));
}

TEST(TelnetClient, ReadUntilTimeoutKeepsTheSessionAndTheBytes) {
  mock_server srv(script().send("partial").expect("go").send("$ ").close());
  blocking_client t;
  t.connect(options_for(srv));
  EXPECT_EQ(failure_of([&] { t.read_until("$ ", 100ms); }), error::timeout);
  t.write("go\n");
  EXPECT_EQ(t.read_until("$ ", 5s), "partial$ ");
  ASSERT_TRUE(srv.wait_done());
  EXPECT_TRUE(srv.ok()) << srv.failure();
}

TEST(TelnetClient, ReadUntilBoundedAndEofBeforePattern) {
  mock_server srv(script().send_repeated("x", 10000).close());
  auto o = options_for(srv);
  o.max_buffer = 1000;
  blocking_client t;
  t.connect(o);
  EXPECT_EQ(failure_of([&] { t.read_until("$ ", 5s); }), error::buffer_full);
  ASSERT_TRUE(srv.wait_done());

  mock_server srv2(script().send("no prompt").close());
  blocking_client u;
  u.connect(options_for(srv2));
  EXPECT_EQ(failure_of([&] { u.read_until("$ ", 5s); }), transport::error::unexpected_eof);
  EXPECT_EQ(u.read_some(), "no prompt");
  EXPECT_EQ(failure_of([&] { u.expect({""}, 1s); }), error::invalid_argument);
}

TEST(TelnetClient, AsyncFormsAndErrorCodes) {
  mock_server srv(script().send("hello$ ").expect("x").close());
  boost::asio::io_context io;
  client c(io.get_executor());
  bool done = false;
  c.async_connect(options_for(srv), [&](transport::async_error_code ec) {
    ASSERT_FALSE(ec);
    c.async_read_until("$ ", 5s, [&](transport::async_error_code ec2, std::string s) {
      EXPECT_FALSE(ec2);
      EXPECT_EQ(s, "hello$ ");
      c.async_write("x\n", [&](transport::async_error_code ec3) {
        EXPECT_FALSE(ec3);
        c.async_read_until("never", 5s, [&](transport::async_error_code ec4, std::string) {
          EXPECT_EQ(ec4, transport::error::unexpected_eof);
          done = true;
        });
      });
    });
  });
  io.run();
  EXPECT_TRUE(done);
  blocking_client b;
  transport::async_error_code ec;
  b.read_some(ec);
  EXPECT_EQ(ec, error::not_connected);
  EXPECT_TRUE(b.last_failure());
}

}  // namespace
}  // namespace inet::telnet
