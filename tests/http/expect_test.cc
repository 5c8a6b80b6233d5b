// Expect: 100-continue (RFC 9110 §10.1.1) in http::client against the mock server: the body
// waits for "100 Continue"; a final status first means the body is never sent and the
// connection is not reused; a 100 that never comes sends the body after the timeout; the
// interim head reaches on_interim. And the transfer layer's curl rule (over 1 MiB).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "protocols/http/client.hpp"
#include "protocols/http/expect.hpp"
#include "protocols/transfer/session.hpp"
#include "tests/http/test_util.hpp"
#include "tests/mock/server.hpp"

namespace inet::http {
namespace {

using inet::http::test::plain;
using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

request put(std::string body, std::chrono::milliseconds wait) {
  request r;
  r.method = "PUT";
  r.target = "/up";
  r.body = std::move(body);
  r.expect_continue = wait;
  return r;
}

TEST(HttpExpect, BodyWaitsForTheContinue) {
  std::string head, body;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .send("HTTP/1.1 100 Continue\r\n\r\n")
                                .expect_bytes(5, &body)
                                .send("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                                .close()));
  blocking_client c;
  c.connect(plain(srv));
  std::vector<int> interim;
  request req = put("hello", 60s);  // long: only the 100 can release the body
  req.on_interim = [&](const response& r) { interim.push_back(r.status); };
  std::string out;
  const response r = c.send(std::move(req), string_sink(out));
  EXPECT_EQ(r.status, 201);
  EXPECT_THAT(interim, ::testing::ElementsAre(100));
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(head, "PUT /up HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(srv.port()) +
                      "\r\nUser-Agent: inetpp\r\nExpect: 100-continue\r\nContent-Length: 5\r\n");
  EXPECT_EQ(body, "hello");
}

TEST(HttpExpect, AFinalStatusFirstMeansNoBodyAndNoReuse) {
  mock_server srv(std::move(script()
                                .expect_until("")
                                .send("HTTP/1.1 413 Too Large\r\nContent-Length: 3\r\n\r\nbig")
                                .expect_eof()
                                .accept_next()
                                .expect("GET / HTTP/1.1")
                                .expect_until("")
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                                .close()));
  blocking_client c;
  c.connect(plain(srv));
  std::string out;
  const response r = c.send(put("never-sent", 60s), string_sink(out));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(out, "big");
  EXPECT_FALSE(c.is_connected());
  request get;
  EXPECT_EQ(c.send(get, nullptr).status, 200);  // on a new connection
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), Not(HasSubstr("never-sent")));
}

TEST(HttpExpect, AContinueThatNeverComesSendsTheBodyAfterTheTimeout) {
  std::string body;
  mock_server srv(std::move(script()
                                .expect_until("")
                                .expect_bytes(4, &body)  // no 100 from this server
                                .send("HTTP/1.1 204 No Content\r\n\r\n")
                                .close()));
  blocking_client c;
  c.connect(plain(srv));
  EXPECT_EQ(c.send(put("data", 1ms), nullptr).status, 204);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(body, "data");
}

TEST(HttpExpect, ParseInterimHead) {
  const response r = detail::parse_interim_head("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n");
  EXPECT_EQ(r.status, 103);
  EXPECT_EQ(r.reason, "Early Hints");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "</a>");
  EXPECT_THROW(detail::parse_interim_head("HTTP/2 100\r\n\r\n"), std::system_error);
}

TEST(HttpExpect, TransferSendsExpectOverOneMiBAndPrintsTheInterimHeadWithInclude) {
  const std::string big(1024 * 1024 + 1, 'x');
  std::string head, small_head;
  mock_server srv(std::move(script()
                                .expect_until("", &small_head)
                                .expect_bytes(3)
                                .send("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                                .expect_until("", &head)
                                .send("HTTP/1.1 100 Continue\r\n\r\n")
                                .expect_bytes(big.size())
                                .send("HTTP/1.1 204 No Content\r\n\r\n")
                                .close()));
  transfer::blocking_session s;
  const std::string url = "http://127.0.0.1:" + std::to_string(srv.port()) + "/f";
  std::string out;
  transfer::options o;
  o.include_headers = true;
  o.response_sink = [&](std::string_view b) { out.append(b); };
  memory_source one("abc");
  o.upload_size = 3;
  std::error_code ec;
  s.put(url, o, one, ec);
  ASSERT_FALSE(ec);
  memory_source two(big);
  o.upload_size = big.size();
  out.clear();
  const transfer::result r = s.put(url, o, two, ec);
  ASSERT_FALSE(ec) << r.message;
  EXPECT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(small_head, Not(HasSubstr("Expect")));
  EXPECT_THAT(head, HasSubstr("\r\nExpect: 100-continue\r\n"));
}

}  // namespace
}  // namespace inet::http
