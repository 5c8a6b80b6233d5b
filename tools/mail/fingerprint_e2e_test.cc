// End-to-end tests of msmtp's tls_fingerprint in `inet mail`: the pinned certificate is the
// only one accepted, also with tls_certcheck off (which alone would accept anything).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/mock/pki.hpp"
#include "tests/mock/server.hpp"
#include "tools/mail/mail_command.hpp"
#include "tools/mail/sysexits.hpp"

namespace inet::mail {
namespace {

namespace fs = std::filesystem;
using inet::test::cert_kind;
using inet::test::mock_server;
using inet::test::script;
using inet::test::test_pki;
using ::testing::HasSubstr;
using ::testing::Not;

fs::path temp_dir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path dir = fs::path(tmp ? tmp : "/tmp") / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The fingerprint of the certificate of kind `k`, as "AB:CD:..." (with colons) or plain hex.
std::string fingerprint(cert_kind k, const EVP_MD* md, bool colons) {
  const std::string file = test_pki::instance().server(k).cert_file;
  std::FILE* f = std::fopen(file.c_str(), "r");
  if (!f) throw std::runtime_error("cannot open " + file);
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!cert) throw std::runtime_error("cannot parse " + file);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  const int ok = X509_digest(cert, md, digest, &n);
  X509_free(cert);
  if (ok != 1) throw std::runtime_error("X509_digest failed");
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    if (colons && i) out += ':';
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

struct harness {
  std::string message = "To: b@y.org\r\nSubject: hi\r\n\r\nbody\r\n";
  std::ostringstream out, err;
  fs::path home = temp_dir("home");

  int run(std::vector<std::string> args) {
    memory_source input(message);
    io_streams io;
    io.input = &input;
    io.out = &out;
    io.err = &err;
    io.env = [this](const std::string& n) -> std::optional<std::string> {
      if (n == "HOME") return home.string();
      return std::nullopt;
    };
    io.run_command = [](const std::string&) { return std::string("pw"); };
    return run_mail(args, io);
  }

  std::string config(const std::string& text) {
    const fs::path rc = home / "mailrc";
    std::ofstream(rc) << text;
    return "--config=" + rc.string();
  }
};

script starttls_then(cert_kind k) {
  return std::move(script()
                       .send("220 mock ESMTP\r\n").expect("EHLO client.example")
                       .send("250-mock\r\n250 STARTTLS\r\n")
                       .expect("STARTTLS").send("220 go ahead\r\n")
                       .start_tls(k));
}

script delivery(script s, std::string* data) {
  return std::move(s.expect("EHLO client.example").send("250 mock\r\n")
                       .expect("MAIL FROM:<a@x.org>").send("250 ok\r\n")
                       .expect("RCPT TO:<b@y.org>").send("250 ok\r\n")
                       .expect("DATA").send("354 go\r\n")
                       .expect_until(".", data).send("250 queued\r\n")
                       .expect("QUIT").send("221 bye\r\n").close());
}

std::string account(const mock_server& srv, const std::string& more) {
  return "account default\nhost " + srv.host() + "\nport " + std::to_string(srv.port()) +
         "\ndomain client.example\nfrom a@x.org\n" + more;
}

TEST(Fingerprint, PinnedSelfSignedCertificateAcceptedWithCertcheckOff) {
  std::string data;
  mock_server srv(delivery(starttls_then(cert_kind::self_signed), &data));
  harness h;
  const std::string fp = fingerprint(cert_kind::self_signed, EVP_sha256(), true);
  const int rc = h.run({h.config(account(srv, "tls on\ntls_certcheck off\ntls_fingerprint " + fp +
                                                  "\n")),
                        "b@y.org"});
  EXPECT_EQ(rc, ex_ok) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(data, HasSubstr("\r\n\r\nbody\r\n"));
}

TEST(Fingerprint, WrongFingerprintIsRefusedEvenWithCertcheckOff) {
  // The pin is of another certificate: the handshake completes, then the client drops the
  // connection without writing a byte (no EHLO, no QUIT: nothing after STARTTLS).
  mock_server srv(std::move(starttls_then(cert_kind::self_signed).expect_eof()));
  harness h;
  const std::string wrong = fingerprint(cert_kind::good, EVP_sha256(), false);
  const int rc = h.run({h.config(account(srv, "tls on\ntls_certcheck off\ntls_fingerprint " +
                                                  wrong + "\n")),
                        "b@y.org"});
  EXPECT_EQ(rc, ex_noperm) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(h.err.str(), HasSubstr("fingerprint"));
  EXPECT_THAT(h.err.str(), HasSubstr("not sent"));
  const std::string got = srv.received();
  EXPECT_TRUE(got.ends_with("STARTTLS\r\n")) << got;
}

TEST(Fingerprint, WrongFingerprintOverridesTrustedChain) {
  // The certificate is valid for the trust file, but it is not the pinned one.
  mock_server srv(std::move(starttls_then(cert_kind::good).expect_eof()));
  harness h;
  const std::string wrong = fingerprint(cert_kind::self_signed, EVP_sha256(), true);
  const int rc = h.run({"--host=" + srv.host(), "--port=" + std::to_string(srv.port()),
                        "--tls=on", "--domain=client.example", "-f", "a@x.org",
                        "--tls-trust-file=" + test_pki::instance().ca_file(),
                        "--tls-fingerprint=" + wrong, "b@y.org"});
  EXPECT_EQ(rc, ex_noperm) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
}

TEST(Fingerprint, CommandLineSha1PinMakesTlsRequired) {
  // No --tls: the pin alone makes STARTTLS mandatory; SHA-1 without colons is accepted.
  std::string data;
  mock_server srv(delivery(starttls_then(cert_kind::self_signed), &data));
  harness h;
  const int rc = h.run({"--host=" + srv.host(), "--port=" + std::to_string(srv.port()),
                        "--domain=client.example", "-f", "a@x.org",
                        "--tls-fingerprint=" + fingerprint(cert_kind::self_signed, EVP_sha1(), false),
                        "b@y.org"});
  EXPECT_EQ(rc, ex_ok) << h.err.str();
  EXPECT_SCRIPT_OK(srv);
}

TEST(Fingerprint, PinWithoutStarttlsOfferSendsNothing) {
  mock_server srv(script()
                      .send("220 mock ESMTP\r\n").expect("EHLO client.example")
                      .send("250 mock\r\n")
                      .expect("QUIT").send("221 bye\r\n").close());
  harness h;
  const int rc = h.run({"--host=" + srv.host(), "--port=" + std::to_string(srv.port()),
                        "--domain=client.example", "-f", "a@x.org",
                        "--tls-fingerprint=" + fingerprint(cert_kind::good, EVP_sha256(), true),
                        "b@y.org"});
  EXPECT_EQ(rc, ex_unavailable) << h.err.str();
  srv.wait_done();
  EXPECT_THAT(srv.received(), Not(HasSubstr("MAIL FROM")));
}

TEST(Fingerprint, Md5IsRefusedAsConfigurationError) {
  const std::string md5 = "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF";
  harness file;
  EXPECT_EQ(file.run({file.config("host h.example\ntls on\ntls_fingerprint " + md5 + "\n"),
                      "-f", "a@x.org", "b@y.org"}),
            ex_config);
  EXPECT_THAT(file.err.str(), HasSubstr("mailrc:3: tls_fingerprint: MD5"));
  harness cli;
  EXPECT_EQ(cli.run({"--host=h.example", "--tls-fingerprint=" + md5, "-f", "a@x.org", "b@y.org"}),
            ex_config);
  EXPECT_THAT(cli.err.str(), HasSubstr("MD5"));
  harness bad;
  EXPECT_EQ(bad.run({"--host=h.example", "--tls-fingerprint=zz", "-f", "a@x.org", "b@y.org"}),
            ex_config);
  EXPECT_THAT(bad.err.str(), HasSubstr("hex digits"));
}

}  // namespace
}  // namespace inet::mail
