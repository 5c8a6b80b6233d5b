// Tests of the test PKI and the mock server's TLS steps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>

#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"
#include "tests/mock/test_client.hpp"

namespace inet::test {
namespace {

using ::testing::HasSubstr;

struct x509_deleter { void operator()(X509* x) const { X509_free(x); } };
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

x509_ptr load_cert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  x509_ptr c(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return c;
}

TEST(TestPki, CaIsACaAndCaDirIsHashed) {
  const test_pki& pki = test_pki::instance();
  x509_ptr ca = load_cert(pki.ca_file());
  ASSERT_TRUE(ca);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_THAT(pki.ca_pem(), HasSubstr("-----BEGIN CERTIFICATE-----"));
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(pki.ca_dir())) {
    ++files;
    std::string name = e.path().filename().string();
    EXPECT_EQ(name.size(), 10u) << name;
    EXPECT_EQ(name.find_first_not_of("0123456789abcdef"), 8u) << name;
    EXPECT_EQ(name.substr(8), ".0") << name;
  }
  EXPECT_EQ(files, 1);
  EXPECT_EQ(&test_pki::instance(), &pki);  // generated once
}

TEST(TestPki, ServerCertificatesHaveTheDocumentedProperties) {
  const test_pki& pki = test_pki::instance();
  x509_ptr ca = load_cert(pki.ca_file());
  ASSERT_TRUE(ca);
  auto check = [&](cert_kind k, bool names_ok, int now_cmp_before, int now_cmp_after, bool by_ca) {
    SCOPED_TRACE(static_cast<int>(k));
    x509_ptr c = load_cert(pki.server(k).cert_file);
    ASSERT_TRUE(c);
    EXPECT_EQ(X509_check_host(c.get(), "localhost", 0, 0, nullptr) == 1, names_ok);
    EXPECT_EQ(X509_check_ip_asc(c.get(), "127.0.0.1", 0) == 1, names_ok);
    EXPECT_EQ(X509_check_ip_asc(c.get(), "::1", 0) == 1, names_ok);
    EXPECT_EQ(X509_cmp_current_time(X509_get0_notBefore(c.get())), now_cmp_before);
    EXPECT_EQ(X509_cmp_current_time(X509_get0_notAfter(c.get())), now_cmp_after);
    EXPECT_EQ(X509_check_issued(ca.get(), c.get()) == X509_V_OK, by_ca);
    EXPECT_EQ(X509_check_ca(c.get()), 0);
  };
  check(cert_kind::good, true, -1, 1, true);
  check(cert_kind::wrong_host, false, -1, 1, true);
  check(cert_kind::expired, true, -1, -1, true);
  check(cert_kind::not_yet_valid, true, 1, 1, true);
  check(cert_kind::self_signed, true, -1, 1, false);
  x509_ptr wrong = load_cert(pki.server(cert_kind::wrong_host).cert_file);
  EXPECT_EQ(X509_check_host(wrong.get(), "wrong.example", 0, 0, nullptr), 1);
  x509_ptr client = load_cert(pki.client().cert_file);
  ASSERT_TRUE(client);
  EXPECT_EQ(X509_check_issued(ca.get(), client.get()), X509_V_OK);
  EXPECT_EQ(X509_check_purpose(client.get(), X509_PURPOSE_SSL_CLIENT, 0), 1);
}

TEST(MockTls, ImplicitTlsGoodCertVerifies) {
  for (std::string host : {"localhost", "127.0.0.1"}) {
    for (bool use_dir : {false, true}) {
      SCOPED_TRACE(host + (use_dir ? " ca_dir" : " ca_file"));
      mock_server srv(script().send("* OK imaps\r\n").expect("a LOGOUT").close(),
                      {.implicit_tls = true});
      test_client c(srv.host(), srv.port());
      ASSERT_FALSE(c.handshake({.verify_host = host, .use_ca_dir = use_dir}));
      EXPECT_EQ(c.read_line(), "* OK imaps");
      c.write("a LOGOUT\r\n");
      boost::system::error_code ec;
      EXPECT_EQ(c.read_to_eof(ec), "");
      EXPECT_EQ(ec, asio::error::eof);  // close_notify was sent
      EXPECT_SCRIPT_OK(srv);
      EXPECT_EQ(srv.received(), "a LOGOUT\r\n");  // decrypted
    }
  }
}

class BadCert : public ::testing::TestWithParam<cert_kind> {};

TEST_P(BadCert, FailsVerificationWithHostNameCheck) {
  mock_server srv(script().send("never\r\n"), {.implicit_tls = true, .cert = GetParam()});
  test_client c(srv.host(), srv.port());
  boost::system::error_code ec = c.handshake();
  EXPECT_TRUE(ec);
  EXPECT_THAT(ec.message(), HasSubstr("certificate verify failed"));
  c.close();
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("TLS handshake failed"));
}

INSTANTIATE_TEST_SUITE_P(Kinds, BadCert,
                         ::testing::Values(cert_kind::wrong_host, cert_kind::expired,
                                           cert_kind::self_signed, cert_kind::not_yet_valid));

TEST(MockTls, StartTlsMidConversationRecordsBothPhases) {
  std::string sni;
  mock_server srv(script()
                      .send("220 mock\r\n")
                      .expect("STARTTLS")
                      .send("220 go ahead\r\n")
                      .start_tls()
                      .run([&sni](connection_ctl& ctl) {
                        if (!ctl.is_tls() || ctl.ssl_handle() == nullptr) ctl.fail("not TLS");
                        sni = ctl.tls_sni();
                      })
                      .expect("EHLO secure")
                      .send("250 ok\r\n")
                      .close(close_mode::fin_only));
  test_client c(srv.host(), srv.port());
  EXPECT_EQ(c.read_line(), "220 mock");
  c.write("STARTTLS\r\n");
  EXPECT_EQ(c.read_line(), "220 go ahead");
  ASSERT_FALSE(c.handshake());
  c.write("EHLO secure\r\n");
  EXPECT_EQ(c.read_line(), "250 ok");
  boost::system::error_code ec;
  c.read_to_eof(ec);
  EXPECT_EQ(ec, asio::ssl::error::stream_truncated);  // fin_only: no close_notify
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(sni, "localhost");
  EXPECT_EQ(srv.received(), "STARTTLS\r\nEHLO secure\r\n");
  EXPECT_THAT(srv.failure(), ::testing::IsEmpty());
}

TEST(MockTls, InjectedBytesBeforeTlsReachTheClientInPlaintext) {
  mock_server srv(script().expect("STARTTLS").send("220 go ahead\r\n250 injected\r\n").start_tls());
  test_client c(srv.host(), srv.port());
  c.write("STARTTLS\r\n");
  EXPECT_EQ(c.read_line(), "220 go ahead");
  EXPECT_EQ(c.read_line(), "250 injected");  // a correct client would refuse here
  c.close();
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("TLS handshake failed"));
  EXPECT_THAT(srv.failure(), HasSubstr("S> 250 injected\\r\\n"));
}

TEST(MockTls, PlaintextPipelinedBeforeHandshakeIsRecordedNotDropped) {
  mock_server srv(script().expect("STARTTLS").start_tls());
  test_client c(srv.host(), srv.port());
  c.write("STARTTLS\r\nRSET\r\n");  // one write: both lines arrive together
  c.close();
  ASSERT_TRUE(srv.wait_done());
  EXPECT_EQ(srv.received(), "STARTTLS\r\nRSET\r\n");
  EXPECT_FALSE(srv.ok());  // the client closed instead of handshaking
  EXPECT_THAT(srv.failure(), HasSubstr("discarding 6 plaintext bytes received before the TLS handshake: \"RSET\\r\\n\""));
  EXPECT_THAT(srv.failure(), HasSubstr("TLS handshake failed"));
}

TEST(MockTls, MutualTlsAcceptsClientCertificate) {
  std::string peer_cn;
  mock_server srv(script()
                      .start_tls(cert_kind::good, true)
                      .run([&](connection_ctl& ctl) {
                        X509* peer = SSL_get0_peer_certificate(ctl.ssl_handle());
                        if (peer == nullptr) ctl.fail("no client certificate");
                        char cn[256] = {};
                        X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof cn);
                        peer_cn = cn;
                      })
                      .send("hello\r\n"));
  test_client c(srv.host(), srv.port());
  ASSERT_FALSE(c.handshake({.client_cert = true}));
  EXPECT_EQ(c.read_line(), "hello");
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(peer_cn, "inetpp-test-client");
}

TEST(MockTls, MutualTlsRejectsMissingClientCertificate) {
  mock_server srv(script().start_tls(cert_kind::good, true).send("hello\r\n"));
  test_client c(srv.host(), srv.port());
  boost::system::error_code ec = c.handshake();
  if (!ec) {  // TLS 1.3: the client learns of the rejection on its first read
    EXPECT_THROW(c.read_line(), boost::system::system_error);
  }
  ASSERT_TRUE(srv.wait_done());
  EXPECT_FALSE(srv.ok());
  EXPECT_THAT(srv.failure(), HasSubstr("TLS handshake failed"));
}

TEST(MockTls, ConfigureTlsHookIsApplied) {
  server_options o{.implicit_tls = true};
  o.configure_tls = [](SSL_CTX* ctx) {
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  };
  std::string version;
  mock_server srv(script().run([&](connection_ctl& ctl) { version = SSL_get_version(ctl.ssl_handle()); }),
                  o);
  test_client c(srv.host(), srv.port());
  ASSERT_FALSE(c.handshake());
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(version, "TLSv1.2");
}

TEST(MockTls, ExpectEofAcceptsTcpCloseWithoutCloseNotify) {
  mock_server srv(script().expect("bye").expect_eof(), {.implicit_tls = true});
  test_client c(srv.host(), srv.port());
  ASSERT_FALSE(c.handshake());
  c.write("bye\r\n");
  c.close();
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::test
