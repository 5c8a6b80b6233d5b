// http::client against the scripted mock server: exact request bytes, response framing
// (Content-Length, chunked with extensions and trailers, close-delimited), the refusals of
// RFC 9112 §6.3 (Content-Length + chunked, differing lengths, bad chunk sizes), limits,
// truncation, keep-alive reuse and the one retry of an idempotent request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <string>

#include "protocols/http/client.hpp"
#include "tests/http/test_util.hpp"
#include "tests/mock/server.hpp"
#include "transport/error.hpp"

namespace inet::http {
namespace {

using inet::http::test::plain;
using inet::test::cert_kind;
using inet::test::close_mode;
using inet::test::mock_server;
using inet::test::script;
using inet::test::server_options;
using inet::test::test_pki;
using ::testing::HasSubstr;

std::string host_line(const mock_server& srv) {
  return "Host: 127.0.0.1:" + std::to_string(srv.port()) + "\r\n";
}

std::string get_head(const mock_server& srv, const std::string& target = "/") {
  return "GET " + target + " HTTP/1.1\r\n" + host_line(srv) + "User-Agent: inetpp\r\n";
}

// Reads one request head (captured) and sends `reply`.
script& exchange(script& s, std::string reply, std::string* head = nullptr) {
  return s.expect_until("", head).send(std::move(reply));
}

struct fetched {
  response r;
  std::string body;
};

fetched get(blocking_client& c, request req = {}) {
  fetched f;
  f.r = c.send(std::move(req), string_sink(f.body));
  return f;
}

// The error of a failing GET (the test fails if it succeeds).
std::error_code get_error(blocking_client& c, request req = {}, std::string* what = nullptr,
                          std::string* body = nullptr) {
  std::string sink;
  try {
    c.send(std::move(req), string_sink(body ? *body : sink));
  } catch (const std::system_error& e) {
    if (what) *what = e.what();
    return e.code();
  }
  ADD_FAILURE() << "request succeeded";
  return {};
}

TEST(HttpClient, ExactGetAndContentLengthBody) {
  std::string head;
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello", &head).close();
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(plain(srv));
  request req;
  req.target = "/a/b?c=d";
  req.headers = {{"Accept", "*/*"}, {"X-Custom", "v 1"}};
  const fetched f = get(c, req);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(head, get_head(srv, "/a/b?c=d") + "Accept: */*\r\nX-Custom: v 1\r\n");
  EXPECT_EQ(f.r.status, 200);
  EXPECT_EQ(f.r.reason, "OK");
  EXPECT_EQ(f.body, "hello");
  EXPECT_EQ(f.r.body_bytes, 5u);
  EXPECT_EQ(f.r.header("x-a"), "b");
  EXPECT_FALSE(f.r.header("X-None"));
}

TEST(HttpClient, PostFromMemoryHasContentLength) {
  std::string head, body;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .expect_bytes(7, &body)
                                .send("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                                .close()));
  blocking_client c;
  c.connect(plain(srv));
  request req;
  req.method = "POST";
  req.target = "/up";
  req.headers = {{"Content-Type", "text/plain"}};
  req.body = "a=1&b=2";
  EXPECT_EQ(get(c, req).r.status, 201);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_EQ(head, "POST /up HTTP/1.1\r\n" + host_line(srv) +
                      "User-Agent: inetpp\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n");
  EXPECT_EQ(body, "a=1&b=2");
}

TEST(HttpClient, PutFromSourceWithoutSizeIsChunked) {
  std::string head, body;
  const std::string data(20000, 'x');  // more than one 16 KiB read
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .expect("4000")
                                .expect_bytes(16384 + 2)
                                .expect("e20")
                                .expect_bytes(3616 + 2)
                                .expect("0")
                                .expect("")
                                .send("HTTP/1.1 204 No Content\r\n\r\n")
                                .close()));
  blocking_client c;
  c.connect(plain(srv));
  memory_source src(data);
  request req;
  req.method = "PUT";
  req.target = "/f";
  req.body_source = &src;
  EXPECT_EQ(get(c, req).r.status, 204);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("User-Agent: inetpp\r\nTransfer-Encoding: chunked\r\n"));
}

TEST(HttpClient, PutFromSourceWithSizeAndMismatch) {
  std::string body;
  mock_server srv(std::move(script()
                                .expect_until("")
                                .expect_bytes(4, &body)
                                .send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                                .expect_until("")
                                .expect_bytes(3)
                                .expect_eof()));
  blocking_client c;
  c.connect(plain(srv));
  memory_source src("data");
  request req;
  req.method = "PUT";
  req.body_source = &src;
  req.body_size = 4;
  EXPECT_EQ(get(c, req).r.status, 200);
  memory_source shorter("abc");
  req.body_source = &shorter;
  EXPECT_EQ(get_error(c, req), error::body_size_mismatch);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(body, "data");
}

TEST(HttpClient, RefusesInjectionAndSendsNothing) {
  mock_server srv(std::move(script().expect_eof()));
  blocking_client c;
  c.connect(plain(srv));
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"X-A", "v\r\nEvil: 1"}, {"X-A", "v\nx"}, {"X-A", std::string("v\0x", 3)},
           {"X A", "v"}, {"X:A", "v"}, {"", "v"}}) {
    request req;
    req.headers = {{name, value}};
    EXPECT_EQ(get_error(c, req), error::invalid_request) << name;
  }
  request bad_method;
  bad_method.method = "GET /x HTTP/1.1\r\n";
  EXPECT_EQ(get_error(c, bad_method), error::invalid_request);
  request bad_target;
  bad_target.target = "/a b";
  EXPECT_EQ(get_error(c, bad_target), error::invalid_request);
  c.close();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "");
}

TEST(HttpClient, ChunkedWithExtensionsAndTrailers) {
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              "5;name=value;x=\"q\"\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n")
      .close();
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(plain(srv));
  const fetched f = get(c);
  EXPECT_EQ(f.body, "hello world");
  EXPECT_EQ(f.r.header("X-Trailer"), "t");
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpClient, BadChunkSizesAreMalformed) {
  for (const std::string chunk : {"-5\r\nhello\r\n0\r\n\r\n", "zz\r\nhello\r\n0\r\n\r\n",
                                  "10000000000000000\r\nhello\r\n0\r\n\r\n",
                                  "5 junk\r\nhello\r\n0\r\n\r\n"}) {
    script s;
    exchange(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk).close();
    mock_server srv(std::move(s));
    blocking_client c;
    c.connect(plain(srv));
    std::string body;
    EXPECT_EQ(get_error(c, {}, nullptr, &body), error::malformed_response) << chunk;
    EXPECT_EQ(body, "") << chunk;
    EXPECT_FALSE(c.is_connected());
  }
}

TEST(HttpClient, LengthConflictsAreMalformed) {
  for (const std::string fields :
       {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        "Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length: -1\r\n",
        "Content-Length: 5x\r\n", "Content-Length: 99999999999999999999999\r\n"}) {
    script s;
    exchange(s, "HTTP/1.1 200 OK\r\n" + fields + "\r\nhello").close();
    mock_server srv(std::move(s));
    blocking_client c;
    c.connect(plain(srv));
    EXPECT_EQ(get_error(c), error::malformed_response) << fields;
  }
}

TEST(HttpClient, DuplicateEqualContentLengthIsAccepted) {
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello").close();
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(plain(srv));
  EXPECT_EQ(get(c).body, "hello");
}

TEST(HttpClient, ServerStoppingMidBodyIsTruncation) {
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
      .close(close_mode::fin_only);
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(plain(srv));
  std::string what, body;
  EXPECT_EQ(get_error(c, {}, &what, &body), error::truncated_response);
  EXPECT_THAT(what, HasSubstr("after 10 bytes"));
  EXPECT_EQ(body, "0123456789");
}

TEST(HttpClient, ChunkedStoppingMidBodyIsTruncation) {
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
      .close(close_mode::fin_only);
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(plain(srv));
  EXPECT_EQ(get_error(c), error::truncated_response);
}

TEST(HttpClient, CloseDelimitedBodyEndsAtEof) {
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\n\r\nuntil the end").close();
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(plain(srv));
  EXPECT_EQ(get(c).body, "until the end");
  EXPECT_FALSE(c.is_connected());
}

TEST(HttpClient, EmptyReply) {
  mock_server srv(std::move(script().expect_until("").close()));
  blocking_client c;
  c.connect(plain(srv));
  EXPECT_EQ(get_error(c), error::empty_reply);
}

TEST(HttpClient, OversizeHeadersAndTooManyFields) {
  {
    script s;
    exchange(s, "HTTP/1.1 200 OK\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n").close();
    mock_server srv(std::move(s));
    blocking_client c;
    client_options o = plain(srv);
    o.limits.max_header_bytes = 1024;
    c.connect(o);
    EXPECT_EQ(get_error(c), error::response_too_large);
  }
  {
    std::string many;
    for (int i = 0; i < 11; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    script s;
    exchange(s, "HTTP/1.1 200 OK\r\n" + many + "Content-Length: 0\r\n\r\n").close();
    mock_server srv(std::move(s));
    blocking_client c;
    client_options o = plain(srv);
    o.limits.max_header_count = 10;
    c.connect(o);
    std::string what;
    EXPECT_EQ(get_error(c, {}, &what), error::response_too_large);
    EXPECT_THAT(what, HasSubstr("more than 10 header fields"));
  }
}

TEST(HttpClient, BodyLimit) {
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world").close();
  mock_server srv(std::move(s));
  blocking_client c;
  client_options o = plain(srv);
  o.limits.max_body = 10;
  c.connect(o);
  EXPECT_EQ(get_error(c), error::response_too_large);
}

TEST(HttpClient, BodyArrivesInBoundedPieces) {
  const std::string big(5000, 'z');
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + big).close();
  mock_server srv(std::move(s));
  blocking_client c;
  client_options o = plain(srv);
  o.limits.buffer_size = 1024;
  std::vector<transport::progress> seen;
  o.progress = [&](const transport::progress& p) { seen.push_back(p); };
  c.connect(o);
  std::string body;
  std::size_t largest = 0;
  c.send({}, [&](std::string_view piece) {
    largest = std::max(largest, piece.size());
    body.append(piece);
  });
  EXPECT_EQ(body, big);
  EXPECT_LE(largest, 1024u);
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(seen.back().finished);
  EXPECT_EQ(seen.back().done, 5000u);
  EXPECT_EQ(seen.back().total, 5000u);
}

TEST(HttpClient, InterimRepliesSkippedAndHeadHasNoBody) {
  script s;
  exchange(s, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").close();
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(plain(srv));
  EXPECT_EQ(get(c).body, "abc");
  request head;
  head.method = "HEAD";
  const fetched h = get(c, head);
  EXPECT_EQ(h.body, "");
  EXPECT_EQ(h.r.header("Content-Length"), "1000");
  const fetched third = get(c);
  EXPECT_EQ(third.body, "ok");
  EXPECT_TRUE(third.r.reused_connection);
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpClient, KeepAliveReusesOneConnection) {
  script s;
  for (int i = 0; i < 5; ++i)
    exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + std::to_string(i));
  s.close();
  mock_server srv(std::move(s));  // accepts one connection only
  blocking_client c;
  c.connect(plain(srv));
  for (int i = 0; i < 5; ++i) {
    const fetched f = get(c);
    EXPECT_EQ(f.body, std::to_string(i));
    EXPECT_EQ(f.r.reused_connection, i > 0);
  }
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpClient, ConnectionCloseReconnects) {
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na").close();
  s.accept_next();
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb").close();
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(plain(srv));
  EXPECT_EQ(get(c).body, "a");
  EXPECT_FALSE(c.is_connected());
  const fetched f = get(c);
  EXPECT_EQ(f.body, "b");
  EXPECT_FALSE(f.r.reused_connection);
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpClient, PooledConnectionClosedByServerIsRetriedOnceForGet) {
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
  s.close();  // the server drops the idle kept-alive connection
  s.accept_next();
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb").close();
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(plain(srv));
  EXPECT_EQ(get(c).body, "a");
  const fetched f = get(c);
  EXPECT_EQ(f.body, "b");
  EXPECT_FALSE(f.r.reused_connection);
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpClient, PooledConnectionClosedIsNotRetriedForPost) {
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
  s.expect_until("").close();  // reads the POST head, then hangs up without a reply
  mock_server srv(std::move(s));
  blocking_client c;
  c.connect(plain(srv));
  EXPECT_EQ(get(c).body, "a");
  request post;
  post.method = "POST";
  EXPECT_EQ(get_error(c, post), error::empty_reply);  // a retry would meet a refused connect
  EXPECT_SCRIPT_OK(srv);
}

TEST(HttpClient, TlsOffersHttp11) {
  server_options so;
  so.implicit_tls = true;
  so.cert = cert_kind::good;
  script s;
  exchange(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").close();
  mock_server srv(std::move(s), so);
  blocking_client c;
  client_options o;
  o.host = "localhost";
  o.port = srv.port();
  o.tls_opts.ca_file = test_pki::instance().ca_file();
  c.connect(o);
  EXPECT_EQ(get(c).body, "ok");
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(srv.received(), HasSubstr("Host: localhost:" + std::to_string(srv.port())));
}

TEST(HttpClient, AsyncFormWithFuture) {
  script s;
  exchange(s, "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope").close();
  mock_server srv(std::move(s));
  boost::asio::io_context io;
  client c(io.get_executor());
  auto connected = c.async_connect(plain(srv), boost::asio::use_future);
  io.run();
  connected.get();
  io.restart();
  std::string body;
  auto sent = c.async_send(request{}, string_sink(body), boost::asio::use_future);
  io.run();
  EXPECT_EQ(sent.get().status, 404);
  EXPECT_EQ(body, "nope");
}

TEST(HttpClient, SendBeforeConnect) {
  blocking_client c;
  transport::async_error_code ec;
  c.send({}, {}, ec);
  EXPECT_EQ(ec, make_error_code(error::not_connected));
}

}  // namespace
}  // namespace inet::http
