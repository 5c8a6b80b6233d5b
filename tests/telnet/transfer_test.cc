// telnet:// through the transfer library (what `inet get telnet://` runs): standard input goes
// to the server, the server's output (negotiation removed) to the sink, until the server closes.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "protocols/transfer/session.hpp"
#include "protocols/url/url.hpp"
#include "tests/mock/server.hpp"
#include "transport/error.hpp"

namespace inet::transfer {
namespace {

using namespace std::chrono_literals;

// Replaces fd 0 for the lifetime of the object.
class stdin_from {
 public:
  explicit stdin_from(int fd) : saved_(::dup(0)) { ::dup2(fd, 0); ::close(fd); }
  ~stdin_from() {
    ::dup2(saved_, 0);
    ::close(saved_);
  }

 private:
  int saved_;
};

options quick() {
  options o;
  o.connect_timeout = std::chrono::seconds(5);
  o.idle_timeout = std::chrono::seconds(5);
  return o;
}

std::string url_of(const test::mock_server& srv) {
  return "telnet://" + srv.host() + ":" + std::to_string(srv.port());
}

TEST(TransferTelnet, PipesStdinToTheServerAndTheServerToTheSink) {
  std::string sent;
  test::mock_server srv(test::script()
                            .send("\xff\xfd\x27" "login: ")
                            .expect_bytes(3 + 9, &sent)
                            .send("echo hi\r\nhi\r\n")
                            .close());
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ASSERT_EQ(::write(p[1], "echo hi\n", 8), 8);
  ::close(p[1]);  // end of input: the transfer still waits for the server to close
  stdin_from in(p[0]);
  blocking_session s;
  std::string out;
  const result r = s.get(url_of(srv), quick(), string_sink(out));
  EXPECT_EQ(out, "login: echo hi\r\nhi\r\n");
  EXPECT_EQ(r.bytes, out.size());
  // stdin is sent at once, so the WONT NEW-ENVIRON answer may come before or after it.
  const std::string wont = "\xff\xfc\x27", line = "echo hi\r\n";
  EXPECT_TRUE(sent == wont + line || sent == line + wont) << sent;
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferTelnet, RegularFileOnStdinAndIacEscaped) {
  char name[] = "/tmp/telnet_in_XXXXXX";
  const int fd = ::mkstemp(name);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "a\xff" "b\n", 4), 4);
  ::lseek(fd, 0, SEEK_SET);
  ::unlink(name);
  std::string got;
  test::mock_server srv(test::script().expect_bytes(6, &got).send("done").close());
  stdin_from in(fd);
  blocking_session s;
  std::string out;
  s.get(url_of(srv), quick(), string_sink(out));
  EXPECT_EQ(out, "done");
  EXPECT_EQ(got, "a\xff\xff" "b\r\n");
  EXPECT_SCRIPT_OK(srv);
}

TEST(TransferTelnet, OutputBoundedByMaxFilesize) {
  test::mock_server srv(test::script().send_repeated("x", 100000).close());
  const int null = ::open("/dev/null", O_RDONLY);
  stdin_from in(null);
  auto o = quick();
  o.max_filesize = 1000;
  blocking_session s;
  std::string out;
  std::error_code ec;
  s.get(url_of(srv), o, string_sink(out), ec);
  EXPECT_EQ(ec, transport::error::body_too_large);
  EXPECT_LE(out.size(), 1000u);
}

TEST(TransferTelnet, SchemeAndPort) {
  EXPECT_EQ(url::default_port(url::scheme::telnet), 23);
  EXPECT_EQ(url::parse("telnet://h").port, 23);
  EXPECT_FALSE(url::parse("telnet://h:2323/").implicit_tls());
}

}  // namespace
}  // namespace inet::transfer
