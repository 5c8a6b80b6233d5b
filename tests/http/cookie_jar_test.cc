// The RFC 6265 cookie jar (protocols/http/cookie_jar.hpp): domain/path/secure/expiry rules,
// host-only cookies, public suffixes, curl's Netscape file format, and http::agent with a jar
// against mock servers (cookies kept across redirects, never sent to another host).
#include "protocols/http/cookie_jar.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>

#include "protocols/http/agent.hpp"
#include "tests/mock/server.hpp"
#include "transport/blocking.hpp"

namespace inet::http {
namespace {

using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;
using ::testing::Not;

const auto t0 = cookie_jar::clock::time_point(std::chrono::seconds(1'700'000'000));

TEST(CookieJar, HostOnlyAndDomainCookies) {
  cookie_jar j;
  EXPECT_TRUE(j.set("a=1", "www.Example.com", "/", false, t0));
  EXPECT_TRUE(j.set("b=2; Domain=.example.COM", "www.example.com", "/", false, t0));
  EXPECT_EQ(j.header_for("www.example.com", "/", false, t0), "a=1; b=2");
  EXPECT_EQ(j.header_for("WWW.EXAMPLE.COM", "/x", false, t0), "a=1; b=2");
  EXPECT_EQ(j.header_for("example.com", "/", false, t0), "b=2");
  EXPECT_EQ(j.header_for("sub.www.example.com", "/", false, t0), "b=2");
  EXPECT_EQ(j.header_for("badexample.com", "/", false, t0), "");
  EXPECT_EQ(j.header_for("other.org", "/", false, t0), "");
}

TEST(CookieJar, CookieForAnotherDomainIsRefused) {
  cookie_jar j;
  EXPECT_FALSE(j.set("a=1; Domain=other.org", "www.example.com", "/", false, t0));
  EXPECT_FALSE(j.set("a=1; Domain=sub.www.example.com", "www.example.com", "/", false, t0));
  EXPECT_FALSE(j.set("a=1; Domain=ample.com", "www.example.com", "/", false, t0));
  EXPECT_FALSE(j.set("a=1; Domain=0.0.1", "127.0.0.1", "/", false, t0));
  EXPECT_EQ(j.size(), 0u);
}

TEST(CookieJar, NoCookieForAPublicSuffix) {
  cookie_jar j;
  EXPECT_FALSE(j.set("a=1; Domain=com", "www.example.com", "/", false, t0));
  EXPECT_FALSE(j.set("a=1; Domain=co.uk", "shop.example.co.uk", "/", false, t0));
  EXPECT_FALSE(j.set("a=1; Domain=github.io", "me.github.io", "/", false, t0));
  EXPECT_TRUE(j.set("b=2; Domain=example.co.uk", "shop.example.co.uk", "/", false, t0));
  // The suffix itself as the host: stored host-only (RFC 6265 §5.3 step 5).
  EXPECT_TRUE(j.set("c=3; Domain=localhost", "localhost", "/", false, t0));
  EXPECT_EQ(j.header_for("localhost", "/", false, t0), "c=3");
  EXPECT_EQ(j.header_for("x.localhost", "/", false, t0), "");
  EXPECT_TRUE(cookie_jar::is_public_suffix("uk"));
  EXPECT_TRUE(cookie_jar::is_public_suffix("CO.UK"));
  EXPECT_FALSE(cookie_jar::is_public_suffix("example.co.uk"));
  cookie c;
  c.name = "x", c.value = "y", c.domain = ".co.uk";
  EXPECT_FALSE(j.add(c, t0));
}

TEST(CookieJar, PathRules) {
  cookie_jar j;
  EXPECT_TRUE(j.set("d=1", "h.example", "/docs/page?q=/x/y", false, t0));  // default /docs
  EXPECT_TRUE(j.set("r=1; Path=/", "h.example", "/docs/page", false, t0));
  EXPECT_TRUE(j.set("n=1; Path=nope", "h.example", "/a/b", false, t0));  // default /a
  EXPECT_EQ(j.header_for("h.example", "/docs", false, t0), "d=1; r=1");
  EXPECT_EQ(j.header_for("h.example", "/docs/x/y", false, t0), "d=1; r=1");
  EXPECT_EQ(j.header_for("h.example", "/docsx", false, t0), "r=1");
  EXPECT_EQ(j.header_for("h.example", "/a/c", false, t0), "n=1; r=1");
  EXPECT_TRUE(cookie_jar::path_match("/a/b", "/a/"));
  EXPECT_TRUE(cookie_jar::path_match("/a/b", "/a"));
  EXPECT_FALSE(cookie_jar::path_match("/ab", "/a"));
  EXPECT_FALSE(cookie_jar::path_match("/", "/a"));
}

TEST(CookieJar, SecureCookies) {
  cookie_jar j;
  EXPECT_FALSE(j.set("s=1; Secure", "h.example", "/", false, t0));  // not from http
  EXPECT_TRUE(j.set("s=1; Secure; HttpOnly", "h.example", "/", true, t0));
  EXPECT_EQ(j.header_for("h.example", "/", false, t0), "");
  EXPECT_EQ(j.header_for("h.example", "/", true, t0), "s=1");
  EXPECT_FALSE(j.set("s=evil", "h.example", "/", false, t0));  // http cannot replace it
  EXPECT_EQ(j.header_for("h.example", "/", true, t0), "s=1");
  EXPECT_TRUE(j.cookies().front().http_only);
}

TEST(CookieJar, ExpiryMaxAgeAndDeletion) {
  cookie_jar j;
  EXPECT_TRUE(j.set("a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:01 GMT", "h.example", "/",
                    false, t0));  // Max-Age wins
  EXPECT_TRUE(j.set("b=2; Expires=Wed, 01 Jan 2celsius", "h.example", "/", false, t0));
  EXPECT_EQ(j.header_for("h.example", "/", false, t0), "a=1; b=2");  // bad date: session
  EXPECT_EQ(j.header_for("h.example", "/", false, t0 + std::chrono::seconds(61)), "b=2");
  EXPECT_TRUE(j.set("b=x; Max-Age=0", "h.example", "/", false, t0));
  EXPECT_TRUE(j.set("a=x; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "h.example", "/", false, t0));
  EXPECT_EQ(j.size(), 0u);
}

TEST(CookieJar, ReplacesAndOrdersByPathThenAge) {
  cookie_jar j;
  j.set("a=1", "h.example", "/", false, t0);
  j.set("b=1; Path=/x/y", "h.example", "/", false, t0);
  j.set("c=1", "h.example", "/", false, t0);
  j.set("a=2", "h.example", "/", false, t0);  // replaced, keeps its age
  EXPECT_EQ(j.header_for("h.example", "/x/y/z", false, t0), "b=1; a=2; c=1");
}

TEST(CookieJar, MalformedAndInjectingCookiesAreRefused) {
  cookie_jar j;
  EXPECT_FALSE(j.set("novalue", "h.example", "/", false, t0));
  EXPECT_FALSE(j.set("=v", "h.example", "/", false, t0));
  EXPECT_FALSE(j.set("a=b\r\nX-Evil: 1", "h.example", "/", false, t0));
  EXPECT_FALSE(j.set("a=" + std::string(5000, 'v'), "h.example", "/", false, t0));
  cookie c;
  c.name = "a", c.value = "1; evil=2", c.domain = "h.example";
  EXPECT_FALSE(j.add(c, t0));
  EXPECT_EQ(j.size(), 0u);
}

TEST(CookieJar, BoundedPerDomain) {
  cookie_jar j;
  for (int i = 0; i < 200; ++i) j.set("c" + std::to_string(i) + "=1", "h.example", "/", false, t0);
  EXPECT_EQ(j.size(), 150u);
  EXPECT_EQ(j.cookies().front().name, "c50");  // the oldest went first
}

TEST(CookieJar, CookieDates) {
  EXPECT_EQ(cookie_jar::parse_cookie_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(cookie_jar::parse_cookie_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(cookie_jar::parse_cookie_date("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_EQ(cookie_jar::parse_cookie_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(cookie_jar::parse_cookie_date("Wed, 31 Dec 2025 23:59:59 GMT"), 1767225599);
  EXPECT_EQ(cookie_jar::parse_cookie_date("tomorrow"), std::nullopt);
  EXPECT_EQ(cookie_jar::parse_cookie_date("Sun, 32 Nov 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(cookie_jar::parse_cookie_date("Sun, 06 Nov 1994 24:00:00 GMT"), std::nullopt);
}

TEST(CookieJar, ReadsAndWritesCurlsNetscapeFormat) {
  const std::string curl_file =
      "# Netscape HTTP Cookie File\n"
      "# https://curl.se/docs/http-cookies.html\n"
      "# This file was generated by libcurl! Edit at your own risk.\n"
      "\n"
      "#HttpOnly_.example.com\tTRUE\t/\tFALSE\t1800000000\tsid\tabc\r\n"
      "www.example.com\tFALSE\t/app\tTRUE\t0\tpref\tdark mode\n"
      "old.example.com\tFALSE\t/\tFALSE\t1000\tgone\tx\n"  // expired
      "www.example.com\tFALSE\t/\tFALSE\t0\tempty\n"       // six fields: empty value
      ".com\tTRUE\t/\tFALSE\t0\tsuper\tcookie\n"           // public suffix
      "broken line\n"
      "www.example.com\tFALSE\t/\tFALSE\tsoon\tbad\texp\n";  // expires not a number
  cookie_jar j;
  EXPECT_EQ(j.load_netscape(curl_file, t0), 3u);
  EXPECT_EQ(j.header_for("www.example.com", "/app/x", true, t0), "pref=dark mode; sid=abc; empty=");
  EXPECT_EQ(j.header_for("example.com", "/app/x", true, t0), "sid=abc");
  EXPECT_EQ(j.netscape(t0),
            "# Netscape HTTP Cookie File\n"
            "# https://curl.se/docs/http-cookies.html\n"
            "# This file was generated by inetpp. Edit at your own risk.\n\n"
            "#HttpOnly_.example.com\tTRUE\t/\tFALSE\t1800000000\tsid\tabc\n"
            "www.example.com\tFALSE\t/app\tTRUE\t0\tpref\tdark mode\n"
            "www.example.com\tFALSE\t/\tFALSE\t0\tempty\t\n");
  cookie_jar again;
  EXPECT_EQ(again.load_netscape(j.netscape(t0), t0), 3u);
  EXPECT_EQ(again.netscape(t0), j.netscape(t0));
}

// Random Set-Cookie values and cookie-file lines (a fixed seed): whatever gets in never holds a
// byte that could break a Cookie header or a file line, and stays within the bounds.
TEST(CookieJar, RandomInputNeverInjects) {
  std::uint32_t x = 12345;
  auto next = [&x] { return x = x * 1664525u + 1013904223u; };
  static constexpr std::string_view alphabet[] = {
      "a", "=", ";", " ", "\t", "\r", "\n", std::string_view("\0", 1), "Domain=", "Path=/",
      "Max-Age=", "9", "Expires=", "Secure", "HttpOnly", ".", "h.example", "\x7f", "\xff", "TRUE"};
  cookie_jar j;
  std::string file;
  for (int i = 0; i < 3000; ++i) {
    std::string v;
    for (std::uint32_t n = next() % 24; n > 0; --n) v += alphabet[next() % std::size(alphabet)];
    j.set(v, "h.example", "/", (next() & 1) != 0, t0);
    file += v + ((next() & 3) == 0 ? "\n" : "\t");
  }
  j.load_netscape(file, t0);
  EXPECT_GT(j.size(), 0u);
  for (const cookie& c : j.cookies()) {
    for (const std::string* s : {&c.name, &c.value, &c.domain, &c.path})
      EXPECT_EQ(s->find_first_of(std::string_view("\r\n\t;\0\x7f", 6)), std::string::npos)
          << *s;
    EXPECT_FALSE(c.name.empty());
    EXPECT_LE(c.name.size() + c.value.size(), 4096u);
  }
  const std::string h = j.header_for("h.example", "/", true, t0);
  EXPECT_EQ(h.find_first_of(std::string_view("\r\n\0", 3)), std::string::npos);
}

// ---- http::agent with a jar -----------------------------------------------------------------

std::string base(const mock_server& srv, const std::string& host = "127.0.0.1") {
  return "http://" + host + ":" + std::to_string(srv.port());
}

struct runner {
  boost::asio::io_context io;
  agent a{io.get_executor()};
  cookie_jar jar;
  std::string body;
  fetch_result run(std::string url, request req, fetch_options fo) {
    body.clear();
    fo.cookies = &jar;
    return transport::run_blocking(
        io, a.fetch(std::move(url), std::move(req), string_sink(body), std::move(fo)));
  }
};

TEST(CookieJarAgent, CookiesKeptAcrossRedirectsAndRequests) {
  std::string second, third;
  mock_server srv(std::move(
      script()
          .expect_until("")
          .send("HTTP/1.1 302 Found\r\nLocation: /app/next\r\nSet-Cookie: sid=s1; Path=/\r\n"
                "Set-Cookie: far=1; Domain=example.com\r\nSet-Cookie: sec=1; Secure\r\n"
                "Content-Length: 0\r\n\r\n")
          .expect_until("", &second)
          .send("HTTP/1.1 200 OK\r\nSet-Cookie: app=2\r\nContent-Length: 2\r\n\r\nok")
          .expect_until("", &third)
          .send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
          .close()));
  runner r;
  fetch_options fo;
  fo.follow_redirects = true;
  request req;
  req.headers = {{"Cookie", "given=1"}};
  r.run(base(srv) + "/login", req, fo);
  request again;
  r.run(base(srv) + "/app/page", again, {});
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(second, HasSubstr("GET /app/next HTTP/1.1\r\n"));
  EXPECT_THAT(second, HasSubstr("\r\nCookie: sid=s1; given=1\r\n"));  // far= and sec= refused
  EXPECT_THAT(third, HasSubstr("\r\nCookie: app=2; sid=s1\r\n"));
  EXPECT_EQ(r.jar.size(), 2u);
}

TEST(CookieJarAgent, RedirectToAnotherHostDropsCookieAndAuthorization) {
  std::string there;
  mock_server other(std::move(script()
                                  .expect_until("", &there)
                                  .send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                                  .close()));
  std::string first;
  mock_server srv(
      std::move(script()
                    .expect_until("", &first)
                    .send("HTTP/1.1 302 Found\r\nLocation: " + base(other, "localhost") +
                          "/x\r\nSet-Cookie: host=1\r\nSet-Cookie: more=2; Domain=127.0.0.1\r\n"
                          "Content-Length: 0\r\n\r\n")
                    .close()));
  runner r;
  r.jar.set("pre=0", "127.0.0.1", "/", false);
  fetch_options fo;
  fo.follow_redirects = true;
  fo.auth.type = auth::scheme::basic;
  fo.auth.user = "u";
  fo.auth.password = "p";
  request req;
  req.headers = {{"Cookie", "given=1"}};
  r.run(base(srv) + "/", req, fo);
  ASSERT_SCRIPT_OK(srv);
  ASSERT_SCRIPT_OK(other);
  EXPECT_THAT(first, HasSubstr("\r\nCookie: pre=0; given=1\r\nAuthorization: Basic dTpw\r\n"));
  EXPECT_EQ(there, "GET /x HTTP/1.1\r\nHost: localhost:" + std::to_string(other.port()) +
                       "\r\nUser-Agent: inetpp\r\n");
  EXPECT_EQ(r.jar.size(), 3u);  // kept for 127.0.0.1
}

}  // namespace
}  // namespace inet::http
