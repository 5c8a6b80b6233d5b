// transport::stream against the mock server: TLS verification (chain, host name, IP SAN,
// validity, CA file/dir, mutual TLS, minimum version, SNI, ALPN), timeouts and the deadline,
// cancellation, IPv6 and name resolution. Loopback only.
#include "transport/stream.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <optional>
#include <string>

#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"
#include "tests/transport/test_util.hpp"
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "transport/error.hpp"
#include "transport/line_reader.hpp"

namespace inet::testing {
namespace {

using test::cert_kind;
using test::mock_server;
using test::script;
using test::server_options;
using transport::error;

server_options implicit_tls(cert_kind k = cert_kind::good) {
  server_options o;
  o.implicit_tls = true;
  o.cert = k;
  return o;
}

// The usual implicit-TLS conversation: greeting, one command, reply.
script greet_quit() {
  return script().send("220 hi\r\n").expect("QUIT").send("221 bye\r\n").close();
}

struct tls_result {
  std::error_code ec;
  transport::tls_info info;
  std::string greeting;
};

// Connects to `srv`, performs the TLS handshake for `host`, reads the greeting and says QUIT.
tls_result tls_conversation(mock_server& srv, const transport::tls_options& tls,
                            std::string connect_host = "127.0.0.1",
                            std::string verify_host = "localhost") {
  asio::io_context io;
  transport::stream s(io.get_executor());
  tls_result r;
  r.ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect(connect_host, srv.port(), quick_options());
    co_await s.handshake(tls, verify_host);
    r.info = s.tls_details();
    transport::line_reader reader(s);
    r.greeting = std::string(co_await reader.read_line());
    co_await s.write(asio::buffer(std::string_view("QUIT\r\n")));
    EXPECT_EQ(co_await reader.read_line(), "221 bye");
    co_await s.graceful_close();
  });
  return r;
}

// ---------------------------------------------------------------------------------------- TLS

TEST(StreamTls, GoodCertificateWithCaFileVerifiesAndReportsDetails) {
  mock_server srv(greet_quit(), implicit_tls());
  const auto r = tls_conversation(srv, test_ca());
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.greeting, "220 hi");
  EXPECT_TRUE(r.info.verified);
  EXPECT_EQ(r.info.protocol.rfind("TLSv1.", 0), 0u) << r.info.protocol;
  EXPECT_FALSE(r.info.cipher.empty());
  EXPECT_NE(r.info.peer_subject.find("CN=localhost"), std::string::npos) << r.info.peer_subject;
  EXPECT_NE(r.info.peer_issuer.find("inetpp test CA"), std::string::npos) << r.info.peer_issuer;
  EXPECT_FALSE(r.info.peer_not_after.empty());
  EXPECT_EQ(r.info.peer_sha256_fingerprint.size(), 32u * 3 - 1);  // "AB:CD:..."
  EXPECT_SCRIPT_OK(srv);
}

TEST(StreamTls, CaPathHashedDirectoryVerifies) {
  mock_server srv(greet_quit(), implicit_tls());
  transport::tls_options tls;
  tls.ca_path = test::test_pki::instance().ca_dir();
  const auto r = tls_conversation(srv, tls);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_TRUE(r.info.verified);
  EXPECT_SCRIPT_OK(srv);
}

TEST(StreamTls, SystemStoreDoesNotTrustTheTestCa) {
  // Secure default: with no CA configured the system store is used, which does not know the
  // throw-away test CA.
  mock_server srv(greet_quit(), implicit_tls());
  const auto r = tls_conversation(srv, transport::tls_options{});
  EXPECT_EQ(r.ec, error::certificate_verify_failed) << r.ec.message();
}

TEST(StreamTls, MissingCaFileFailsBeforeConnectingSecurely) {
  mock_server srv(greet_quit(), implicit_tls());
  transport::tls_options tls;
  tls.ca_file = "/nonexistent/inetpp-ca.pem";
  const auto r = tls_conversation(srv, tls);
  EXPECT_EQ(r.ec, error::certificate_verify_failed) << r.ec.message();
}

class StreamTlsBadCert : public ::testing::TestWithParam<cert_kind> {};

TEST_P(StreamTlsBadCert, FailsVerification) {
  mock_server srv(greet_quit(), implicit_tls(GetParam()));
  const auto r = tls_conversation(srv, test_ca());
  EXPECT_EQ(r.ec, error::certificate_verify_failed) << r.ec.message();
  EXPECT_EQ(r.greeting, "");  // nothing of the conversation happened
  EXPECT_EQ(srv.received(), "");
}

TEST_P(StreamTlsBadCert, PassesWithDangerousSkipVerification) {
  mock_server srv(greet_quit(), implicit_tls(GetParam()));
  transport::tls_options tls;  // not even the CA
  tls.dangerous_skip_verification = true;
  const auto r = tls_conversation(srv, tls);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.greeting, "220 hi");
  EXPECT_FALSE(r.info.verified);
  EXPECT_SCRIPT_OK(srv);
}

INSTANTIATE_TEST_SUITE_P(Kinds, StreamTlsBadCert,
                         ::testing::Values(cert_kind::wrong_host, cert_kind::self_signed,
                                           cert_kind::expired, cert_kind::not_yet_valid),
                         [](const auto& info) {
                           switch (info.param) {
                             case cert_kind::wrong_host: return std::string("wrong_host");
                             case cert_kind::self_signed: return std::string("self_signed");
                             case cert_kind::expired: return std::string("expired");
                             case cert_kind::not_yet_valid: return std::string("not_yet_valid");
                             default: return std::string("good");
                           }
                         });

// The fingerprint of a test certificate as `openssl x509 -noout -fingerprint -sha256` prints it.
std::string fingerprint_of(cert_kind k, const EVP_MD* alg = EVP_sha256()) {
  BIO* bio = BIO_new_file(test::test_pki::instance().server(k).cert_file.c_str(), "r");
  X509* cert = bio ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr;
  if (bio) BIO_free(bio);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (!cert || X509_digest(cert, alg, md, &n) != 1) ADD_FAILURE() << "cannot read the test certificate";
  if (cert) X509_free(cert);
  std::string out;
  char hex[4];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
    out += hex;
  }
  return out;
}

TEST_P(StreamTlsBadCert, PinnedFingerprintAcceptsExactlyThatCertificate) {
  // msmtp's tls_fingerprint: the pinned certificate is trusted whatever its chain, name or dates.
  mock_server srv(greet_quit(), implicit_tls(GetParam()));
  transport::tls_options tls;  // no CA at all
  tls.pinned_fingerprint = fingerprint_of(GetParam());
  const auto r = tls_conversation(srv, tls);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.greeting, "220 hi");
  EXPECT_TRUE(r.info.verified);
  EXPECT_SCRIPT_OK(srv);
}

TEST(StreamTls, PinnedFingerprintRefusesAnyOtherCertificateBeforeWriting) {
  // Even a certificate the CA would accept is refused when another one is pinned.
  mock_server srv(script().expect_eof(), implicit_tls(cert_kind::good));
  transport::tls_options tls = test_ca();
  tls.pinned_fingerprint = fingerprint_of(cert_kind::self_signed);
  const auto r = tls_conversation(srv, tls);
  EXPECT_EQ(r.ec, error::certificate_verify_failed) << r.ec.message();
  EXPECT_EQ(srv.received(), "");
  EXPECT_SCRIPT_OK(srv);
}

TEST(StreamTls, PinnedSha1FingerprintWithoutColonsAndBadValues) {
  {
    mock_server srv(greet_quit(), implicit_tls(cert_kind::wrong_host));
    transport::tls_options tls;
    std::string sha1 = fingerprint_of(cert_kind::wrong_host, EVP_sha1());
    std::erase(sha1, ':');
    tls.pinned_fingerprint = sha1;
    const auto r = tls_conversation(srv, tls);
    EXPECT_FALSE(r.ec) << r.ec.message();
  }
  for (const char* bad : {"zz:11", "AB:CD", "00112233445566778899AABBCCDDEEFF" /* MD5-sized */}) {
    mock_server srv(script().expect_eof(), implicit_tls(cert_kind::good));
    transport::tls_options tls = test_ca();
    tls.pinned_fingerprint = bad;
    const auto r = tls_conversation(srv, tls);
    EXPECT_EQ(r.ec, error::invalid_argument) << bad << ": " << r.ec.message();
  }
}

TEST(StreamTls, ErrorCodeMapsToTlsFailureCondition) {
  mock_server srv(greet_quit(), implicit_tls(cert_kind::expired));
  const auto r = tls_conversation(srv, test_ca());
  EXPECT_TRUE(r.ec == condition::tls_failure) << r.ec.message();
}

TEST(StreamTls, IpAddressVerifiesAgainstIpSanWithoutSni) {
  std::string sni = "unset";
  mock_server srv(script()
                      .start_tls()
                      .run([&](test::connection_ctl& c) { sni = c.tls_sni(); })
                      .send("220 hi\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n")
                      .close());
  const auto r = tls_conversation(srv, test_ca(), "127.0.0.1", "127.0.0.1");
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_TRUE(r.info.verified);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(sni, "");  // RFC 6066 §3: no IP literals in SNI
}

TEST(StreamTls, IpAddressNotInSanFails) {
  mock_server srv(greet_quit(), implicit_tls(cert_kind::wrong_host));
  const auto r = tls_conversation(srv, test_ca(), "127.0.0.1", "127.0.0.1");
  EXPECT_EQ(r.ec, error::certificate_verify_failed) << r.ec.message();
}

TEST(StreamTls, SendsSniForHostNames) {
  std::string sni;
  mock_server srv(script()
                      .start_tls()
                      .run([&](test::connection_ctl& c) { sni = c.tls_sni(); })
                      .send("220 hi\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n")
                      .close());
  const auto r = tls_conversation(srv, test_ca());
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(sni, "localhost");
}

TEST(StreamTls, ServerNameOverridesVerifiedNameAndSni) {
  std::string sni;
  mock_server srv(script()
                      .start_tls(cert_kind::wrong_host)
                      .run([&](test::connection_ctl& c) { sni = c.tls_sni(); })
                      .send("220 hi\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n")
                      .close());
  auto tls = test_ca();
  tls.server_name = "wrong.example";
  const auto r = tls_conversation(srv, tls);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(sni, "wrong.example");
}

TEST(StreamTls, ClientCertificateAcceptedByServerThatRequiresIt) {
  std::string client_subject;
  mock_server srv(script()
                      .start_tls(cert_kind::good, /*require_client_cert=*/true)
                      .run([&](test::connection_ctl& c) {
                        if (X509* cert = SSL_get1_peer_certificate(c.ssl_handle())) {
                          char buf[256];
                          X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
                          client_subject = buf;
                          X509_free(cert);
                        }
                      })
                      .send("220 hi\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n")
                      .close());
  auto tls = test_ca();
  tls.client_cert_file = test::test_pki::instance().client().cert_file;
  tls.client_key_file = test::test_pki::instance().client().key_file;
  const auto r = tls_conversation(srv, tls);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_NE(client_subject.find("inetpp-test-client"), std::string::npos) << client_subject;
}

TEST(StreamTls, MissingClientCertificateIsRejected) {
  mock_server srv(script().start_tls(cert_kind::good, true).send("220 hi\r\n").expect("QUIT"));
  const auto r = tls_conversation(srv, test_ca());
  // TLS 1.2 fails in the handshake, TLS 1.3 on the first read: either way the conversation
  // never happens.
  EXPECT_TRUE(r.ec) << "the server required a client certificate";
  EXPECT_EQ(r.greeting, "");
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
}

TEST(StreamTls, UnreadableClientCertificateFailsHandshakeSetup) {
  mock_server srv(greet_quit(), implicit_tls());
  auto tls = test_ca();
  tls.client_cert_file = "/nonexistent/client.pem";
  tls.client_key_file = "/nonexistent/client.key";
  const auto r = tls_conversation(srv, tls);
  EXPECT_EQ(r.ec, error::tls_handshake_failed) << r.ec.message();
}

server_options versions(int min, int max) {
  server_options o = implicit_tls();
  o.configure_tls = [min, max](SSL_CTX* ctx) {
    // Let the server really speak old versions, so only the client's floor can refuse them.
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx, min);
    SSL_CTX_set_max_proto_version(ctx, max);
  };
  return o;
}

TEST(StreamTls, MinimumVersionIsTls12) {
  mock_server srv(greet_quit(), versions(TLS1_VERSION, TLS1_1_VERSION));
  const auto r = tls_conversation(srv, test_ca());
  EXPECT_EQ(r.ec, error::tls_handshake_failed) << r.ec.message();
  EXPECT_EQ(r.greeting, "");
}

TEST(StreamTls, MinimumVersionHoldsWithoutVerification) {
  mock_server srv(greet_quit(), versions(TLS1_VERSION, TLS1_1_VERSION));
  transport::tls_options tls;
  tls.dangerous_skip_verification = true;
  const auto r = tls_conversation(srv, tls);
  EXPECT_EQ(r.ec, error::tls_handshake_failed) << r.ec.message();
}

TEST(StreamTls, NegotiatesTls12WhenServerStopsThere) {
  mock_server srv(greet_quit(), versions(TLS1_2_VERSION, TLS1_2_VERSION));
  const auto r = tls_conversation(srv, test_ca());
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.info.protocol, "TLSv1.2");
  EXPECT_SCRIPT_OK(srv);
}

TEST(StreamTls, NegotiatesTls13ByDefault) {
  mock_server srv(greet_quit(), implicit_tls());
  const auto r = tls_conversation(srv, test_ca());
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.info.protocol, "TLSv1.3");
}

TEST(StreamTls, AlpnSelectionIsReported) {
  server_options o = implicit_tls();
  o.configure_tls = [](SSL_CTX* ctx) {
    SSL_CTX_set_alpn_select_cb(
        ctx,
        [](SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
           unsigned inlen, void*) -> int {
          static const unsigned char want[] = "\x08http/1.1";
          unsigned char* sel = nullptr;
          if (SSL_select_next_proto(&sel, outlen, want, sizeof want - 1, in, inlen) !=
              OPENSSL_NPN_NEGOTIATED)
            return SSL_TLSEXT_ERR_NOACK;
          *out = sel;
          return SSL_TLSEXT_ERR_OK;
        },
        nullptr);
  };
  mock_server srv(greet_quit(), o);
  auto tls = test_ca();
  tls.alpn = {"h2", "http/1.1"};
  const auto r = tls_conversation(srv, tls);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.info.alpn, "http/1.1");
}

// BUG (transport/stream.cc, stream::handshake, the X509_VERIFY_PARAM_set1_host call): with an
// empty name (host "" and no tls.server_name) set1_host(param, "", 0) CLEARS the host check, so
// any certificate chaining to a trusted CA is accepted for any host (fail-open). Fix: when
// verifying and `name.empty()`, throw certificate_verify_failed ("no host name to verify")
// before the handshake.
TEST(StreamTls, EmptyHostNameStillChecksTheCertificateName) {
  // A caller that lost the host name must not get a chain-only check: an empty name cannot
  // match any certificate, so verification fails closed.
  mock_server srv(greet_quit(), implicit_tls(cert_kind::wrong_host));
  const auto r = tls_conversation(srv, test_ca(), "127.0.0.1", "");
  EXPECT_EQ(r.ec, error::certificate_verify_failed) << r.ec.message();
  EXPECT_EQ(r.greeting, "");
}

TEST(StreamTls, SessionResumptionOnASecondConnection) {
  // Both server connections share one ticket key, as a real server's would.
  server_options o = implicit_tls();
  o.configure_tls = [](SSL_CTX* ctx) {
    static const unsigned char keys[80] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TLSEXT_TICKET_KEYS, sizeof keys,
                 const_cast<unsigned char*>(keys));
    static const unsigned char sid_ctx[] = "inetpp-test";
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof sid_ctx - 1);
  };
  mock_server srv(script()
                      .send("220 one\r\n")
                      .expect("QUIT")
                      .send("221 bye\r\n")
                      .close()
                      .accept_next()
                      .send("220 two\r\n")
                      .close(),
                  o);
  asio::io_context io;
  transport::stream first(io.get_executor());
  transport::stream second(io.get_executor());
  transport::tls_info info1, info2;
  transport::tls_session saved;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await first.connect("127.0.0.1", srv.port(), quick_options());
    co_await first.handshake(test_ca(), "localhost");
    transport::line_reader r1(first);
    EXPECT_EQ(co_await r1.read_line(), "220 one");  // TLS 1.3 tickets arrive with data
    co_await first.write(asio::buffer(std::string_view("QUIT\r\n")));
    EXPECT_EQ(co_await r1.read_line(), "221 bye");
    info1 = first.tls_details();
    saved = first.session();
    co_await first.graceful_close();
    co_await second.connect("127.0.0.1", srv.port(), quick_options());
    co_await second.handshake(test_ca(), "localhost", saved);
    info2 = second.tls_details();
    transport::line_reader r2(second);
    EXPECT_EQ(co_await r2.read_line(), "220 two");
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(saved);
  EXPECT_FALSE(info1.session_reused);
  EXPECT_TRUE(info2.session_reused);
  EXPECT_TRUE(info2.verified);
  EXPECT_SCRIPT_OK(srv);
}

TEST(StreamTls, HandshakeWithoutConnectionIsNotConnected) {
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec =
      error_of(io, [&]() -> asio::awaitable<void> { co_await s.handshake(test_ca(), "localhost"); });
  EXPECT_EQ(ec, error::not_connected);
  EXPECT_FALSE(s.is_tls());
  EXPECT_EQ(s.tls_details().protocol, "");
}

TEST(StreamTls, GracefulCloseSendsCloseNotifyAndFin) {
  mock_server srv(script().send("220 hi\r\n").expect_eof(), implicit_tls());
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    co_await s.handshake(test_ca(), "localhost");
    transport::line_reader reader(s);
    EXPECT_EQ(co_await reader.read_line(), "220 hi");
    co_await s.graceful_close();
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_FALSE(s.is_open());
  EXPECT_SCRIPT_OK(srv);
}

// -------------------------------------------------------------------------- connect & timeouts

TEST(StreamConnect, PlainConversationAndRemoteEndpoint) {
  mock_server srv(script().send("220 hi\r\n").expect("QUIT").send("221 bye\r\n").close());
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    EXPECT_TRUE(s.is_open());
    EXPECT_FALSE(s.is_tls());
    EXPECT_EQ(s.remote_endpoint(), "127.0.0.1:" + std::to_string(srv.port()));
    transport::line_reader reader(s);
    EXPECT_EQ(co_await reader.read_line(), "220 hi");
    co_await s.write(asio::buffer(std::string_view("QUIT\r\n")));
    EXPECT_EQ(co_await reader.read_line(), "221 bye");
    char c;
    EXPECT_EQ(co_await s.read_some(asio::buffer(&c, 1)), 0u);  // clean EOF
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(srv.received(), "QUIT\r\n");
}

// BUG (transport/stream.cc, stream::connect and stream::close): neither resets impl::tls, ctx
// and verified. After a TLS connection is closed, connect() on the same stream leaves is_tls()
// true and read_some/write go through the stale SSL object on the new plain socket (the read
// here hangs until the idle timeout). Fix: in connect() (and close()) do `tls.reset();
// ctx.reset(); verified = false;` before dialing.
TEST(StreamConnect, StreamIsReusableAfterATlsConnection) {
  mock_server tls_srv(greet_quit(), implicit_tls());
  mock_server plain_srv(script().send("220 plain\r\n").expect("QUIT"));
  asio::io_context io;
  transport::stream s(io.get_executor());
  std::string second;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", tls_srv.port(), quick_options());
    co_await s.handshake(test_ca(), "localhost");
    s.close();
    co_await s.connect("127.0.0.1", plain_srv.port(), quick_options());
    EXPECT_FALSE(s.is_tls());
    transport::line_reader reader(s);
    second = std::string(co_await reader.read_line());
    co_await s.write(asio::buffer(std::string_view("QUIT\r\n")));
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(second, "220 plain");
  EXPECT_SCRIPT_OK(plain_srv);
}

TEST(StreamConnect, TimeoutsFromOptionsBecomeStreamTimeouts) {
  mock_server srv(script().send("220 hi\r\n"));
  asio::io_context io;
  transport::stream s(io.get_executor());
  auto opts = quick_options(1234ms);
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), opts);
  });
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(s.get_timeouts().idle, 1234ms);
  transport::timeouts t;
  t.idle = 77ms;
  s.set_timeouts(t);
  EXPECT_EQ(s.get_timeouts().idle, 77ms);
}

TEST(StreamConnect, RefusedPortFails) {
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto port = closed_port();
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", port, quick_options());
  });
  EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
  EXPECT_TRUE(ec == condition::connection_failed) << ec.message();
  EXPECT_FALSE(s.is_open());
}

TEST(StreamConnect, ConnectTimeoutOnHangingLoopbackAddress) {
  hanging_listener hang;
  if (!hang.works()) GTEST_SKIP() << "this platform completes connects to a full backlog";
  asio::io_context io;
  transport::stream s(io.get_executor());
  auto opts = quick_options();
  opts.time.connect = 200ms;
  const auto start = std::chrono::steady_clock::now();
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", hang.port(), opts);
  });
  EXPECT_EQ(ec, error::connect_timeout) << ec.message();
  EXPECT_TRUE(ec == condition::timeout);
  EXPECT_LT(since(start), 3000ms);
  EXPECT_FALSE(s.is_open());
}

TEST(StreamConnect, LocalhostResolvesAndConnects) {
  mock_server srv(script().send("220 hi\r\n").expect("QUIT"));
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("localhost", srv.port(), quick_options());
    transport::line_reader reader(s);
    EXPECT_EQ(co_await reader.read_line(), "220 hi");
    co_await s.write(asio::buffer(std::string_view("QUIT\r\n")));
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(s.remote_endpoint(), "127.0.0.1:" + std::to_string(srv.port()));
  EXPECT_SCRIPT_OK(srv);
}

bool localhost_has_ipv6() {
  boost::asio::io_context rio;
  boost::asio::ip::tcp::resolver resolver(rio);
  boost::system::error_code rec;
  bool has_v6 = false;
  for (const auto& r : resolver.resolve("localhost", "1", rec))
    has_v6 = has_v6 || r.endpoint().address().is_v6();
  return has_v6;
}

TEST(StreamConnect, LocalhostFindsIpv6OnlyServerWhenLocalhostHasAaaa) {
  if (!localhost_has_ipv6()) GTEST_SKIP() << "localhost has no IPv6 address here";
  std::unique_ptr<mock_server> srv;
  try {
    server_options o;
    o.ipv6 = true;
    srv = std::make_unique<mock_server>(script().send("220 hi\r\n"), o);
  } catch (const std::system_error&) {
    GTEST_SKIP() << "cannot bind ::1";
  }
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("localhost", srv->port(), quick_options());
    transport::line_reader reader(s);
    EXPECT_EQ(co_await reader.read_line(), "220 hi");
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(s.remote_endpoint(), "[::1]:" + std::to_string(srv->port()));
}

// BUG (transport/stream.cc, stream::connect, the attempt loop): connect_options::attempt_delay
// is never used. Attempts are sequential and each may take the whole remaining connect
// timeout, so when the first (IPv6) address blackholes, the working IPv4 address is never
// tried: the connect fails with connect_timeout instead of succeeding after ~attempt_delay
// (RFC 8305 §5). Fix: start the next attempt after attempt_delay while earlier ones are still
// pending (keep up to N sockets racing; the first to connect wins, the others are closed).
// Runs only where "localhost" also resolves to ::1 (skipped otherwise).
TEST(StreamConnect, HappyEyeballsFallsBackWhileIpv6Hangs) {
  if (!localhost_has_ipv6()) GTEST_SKIP() << "localhost has no IPv6 address here";
  mock_server srv(script().send("220 v4\r\n"));
  hanging_listener hang6(/*ipv6=*/true, srv.port());
  if (!hang6.works()) GTEST_SKIP() << "cannot make [::1] connects hang";
  asio::io_context io;
  transport::stream s(io.get_executor());
  auto opts = quick_options();
  opts.time.connect = 10s;
  opts.attempt_delay = 100ms;
  const auto start = std::chrono::steady_clock::now();
  std::string greeting;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("localhost", srv.port(), opts);
    transport::line_reader reader(s);
    greeting = std::string(co_await reader.read_line());
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(greeting, "220 v4");
  EXPECT_LT(since(start), 5000ms);
}

TEST(StreamConnect, Ipv6LoopbackWithTlsIpSan) {
  std::unique_ptr<mock_server> srv;
  try {
    server_options o = implicit_tls();
    o.ipv6 = true;
    srv = std::make_unique<mock_server>(greet_quit(), o);
  } catch (const std::system_error&) {
    GTEST_SKIP() << "cannot bind ::1";
  }
  EXPECT_EQ(srv->host(), "::1");
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("::1", srv->port(), quick_options());
    EXPECT_EQ(s.remote_endpoint(), "[::1]:" + std::to_string(srv->port()));
    co_await s.handshake(test_ca(), "::1");
    transport::line_reader reader(s);
    EXPECT_EQ(co_await reader.read_line(), "220 hi");
    co_await s.write(asio::buffer(std::string_view("QUIT\r\n")));
    EXPECT_EQ(co_await reader.read_line(), "221 bye");
  });
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_SCRIPT_OK(*srv);
}

TEST(StreamTimeouts, IdleTimeoutWhenServerStallsAfterGreeting) {
  mock_server srv(script().send("220 hi\r\n").stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  std::string first;
  std::chrono::milliseconds waited{};
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options(200ms));
    transport::line_reader reader(s);
    first = std::string(co_await reader.read_line());
    const auto start = std::chrono::steady_clock::now();
    try {
      co_await reader.read_line();
    } catch (...) {
      waited = since(start);
      throw;
    }
  });
  EXPECT_EQ(first, "220 hi");
  EXPECT_EQ(ec, error::timeout) << ec.message();
  EXPECT_TRUE(ec == condition::timeout);
  EXPECT_LT(waited, 2000ms);
  EXPECT_FALSE(s.is_open());  // a timed-out stream is closed
}

TEST(StreamTimeouts, IdleTimeoutOnAWriteTheServerNeverReads) {
  mock_server srv(script().stall(10s));  // never reads: the socket buffers fill up
  asio::io_context io;
  transport::stream s(io.get_executor());
  const std::string big(64 * 1024 * 1024, 'w');
  const auto start = std::chrono::steady_clock::now();
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options(300ms));
    co_await s.write(asio::buffer(big));
  });
  EXPECT_EQ(ec, error::timeout) << ec.message();
  EXPECT_LT(since(start), 5000ms);
}

TEST(StreamTimeouts, IdleTimeoutDuringTlsHandshake) {
  mock_server srv(script().stall(10s));  // accepts TCP, never answers the ClientHello
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto start = std::chrono::steady_clock::now();
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options(200ms));
    co_await s.handshake(test_ca(), "localhost");
  });
  EXPECT_EQ(ec, error::timeout) << ec.message();
  EXPECT_LT(since(start), 3000ms);
}

TEST(StreamTimeouts, DeadlineStopsATricklingServer) {
  // One byte every 50 ms never trips a 1 s idle timeout; only the overall deadline ends it.
  mock_server srv(script().trickle(std::string(400, 'x'), 50ms));
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto start = std::chrono::steady_clock::now();
  std::size_t got = 0;
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    auto opts = quick_options(1000ms);
    opts.time.deadline = std::chrono::steady_clock::now() + 500ms;
    co_await s.connect("127.0.0.1", srv.port(), opts);
    transport::line_reader reader(s);
    try {
      co_await reader.read_line();
    } catch (...) {
      got = reader.buffered();
      throw;
    }
  });
  EXPECT_EQ(ec, error::deadline_exceeded) << ec.message();
  EXPECT_TRUE(ec == condition::timeout);
  EXPECT_LT(since(start), 3000ms);
  EXPECT_GT(got, 0u);  // bytes were flowing: the idle timeout could not have fired
}

TEST(StreamTimeouts, PastDeadlineFailsTheNextReadWhenNothingIsBuffered) {
  mock_server srv(script().stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    auto t = s.get_timeouts();
    t.deadline = std::chrono::steady_clock::now() - 1ms;
    s.set_timeouts(t);
    char buf[16];
    co_await s.read_some(asio::buffer(buf));
  });
  EXPECT_EQ(ec, error::deadline_exceeded) << ec.message();
}

// Regression: the deadline used to be enforced only by the watchdog timer racing the
// operation, so with data already waiting, asio's speculative read won and an expired deadline
// was ignored (a server keeping the socket full was never stopped). stream::impl::arm now
// fails an operation that starts after the deadline.
TEST(StreamTimeouts, PastDeadlineFailsTheNextReadEvenWithDataWaiting) {
  mock_server srv(script().send("220 hi\r\n").stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    asio::steady_timer settle(s.get_executor(), 100ms);  // let "220 hi" arrive
    co_await settle.async_wait(asio::use_awaitable);
    auto t = s.get_timeouts();
    t.deadline = std::chrono::steady_clock::now() - 1ms;
    s.set_timeouts(t);
    char buf[16];
    co_await s.read_some(asio::buffer(buf));
  });
  EXPECT_EQ(ec, error::deadline_exceeded) << ec.message();
}

TEST(StreamCancel, CancelAbortsPendingRead) {
  mock_server srv(script().stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    asio::steady_timer t(s.get_executor(), 100ms);
    t.async_wait([&](boost::system::error_code) { s.cancel(); });
    char buf[16];
    co_await s.read_some(asio::buffer(buf));
  });
  EXPECT_EQ(ec, error::operation_aborted) << ec.message();
}

TEST(StreamCancel, CloseAbortsPendingReadAndLaterCallsAreNotConnected) {
  mock_server srv(script().stall(10s));
  asio::io_context io;
  transport::stream s(io.get_executor());
  const auto ec = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.connect("127.0.0.1", srv.port(), quick_options());
    asio::steady_timer t(s.get_executor(), 100ms);
    t.async_wait([&](boost::system::error_code) { s.close(); });
    char buf[16];
    co_await s.read_some(asio::buffer(buf));
  });
  EXPECT_EQ(ec, error::operation_aborted) << ec.message();
  EXPECT_FALSE(s.is_open());
  const auto ec2 = error_of(io, [&]() -> asio::awaitable<void> {
    co_await s.write(asio::buffer(std::string_view("x")));
  });
  EXPECT_EQ(ec2, error::not_connected);
}

}  // namespace
}  // namespace inet::testing
