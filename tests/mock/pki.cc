#include "tests/mock/pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace inet::test {
namespace {

constexpr long day = 24L * 60 * 60;

struct x509_free_t { void operator()(X509* x) const { X509_free(x); } };
struct pkey_free_t { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
using x509_ptr = std::unique_ptr<X509, x509_free_t>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free_t>;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("test_pki: " + what);
}

void check(int rc, const char* what) {
  if (rc <= 0) fail(what);
}

pkey_ptr make_key() {
  pkey_ptr k(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!k) fail("EVP_PKEY_Q_keygen(EC P-256)");
  return k;
}

/// Adds one v3 extension given in openssl.cnf syntax (e.g. "critical,CA:TRUE").
void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) fail(std::string("X509V3_EXT_conf_nid ") + value);
  int rc = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(rc, "X509_add_ext");
}

struct cert_spec {
  std::string cn{};
  std::string san{};        // empty = no SAN
  long not_before = -day;   // seconds relative to now
  long not_after = 30 * day;
  bool ca = false;
  bool client = false;      // extendedKeyUsage clientAuth instead of serverAuth
};

/// Builds and signs a certificate for `key`. A null issuer means self-signed.
x509_ptr make_cert(const cert_spec& s, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  x509_ptr c(X509_new());
  if (!c) fail("X509_new");
  check(X509_set_version(c.get(), 2), "X509_set_version");
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial), "RAND_bytes");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  ASN1_INTEGER* sn = X509_get_serialNumber(c.get());
  bool serial_ok = bn != nullptr && BN_to_ASN1_INTEGER(bn, sn) != nullptr;
  BN_free(bn);
  if (!serial_ok) fail("serial number");
  if (X509_gmtime_adj(X509_getm_notBefore(c.get()), s.not_before) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(c.get()), s.not_after) == nullptr)
    fail("validity");
  X509_NAME* name = X509_get_subject_name(c.get());
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("inetpp tests"), -1, -1, 0),
        "subject O");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(s.cn.c_str()), -1, -1, 0),
        "subject CN");
  X509* signer = issuer != nullptr ? issuer : c.get();
  EVP_PKEY* signer_key = issuer != nullptr ? issuer_key : key;
  check(X509_set_issuer_name(c.get(), X509_get_subject_name(signer)), "issuer");
  check(X509_set_pubkey(c.get(), key), "X509_set_pubkey");
  if (s.ca) {
    add_ext(c.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(c.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(c.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(c.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_ext(c.get(), signer, NID_ext_key_usage, s.client ? "clientAuth" : "serverAuth");
  }
  add_ext(c.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer != nullptr) add_ext(c.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (!s.san.empty()) add_ext(c.get(), signer, NID_subject_alt_name, s.san.c_str());
  if (X509_sign(c.get(), signer_key, EVP_sha256()) <= 0) fail("X509_sign");
  return c;
}

std::string cert_pem(X509* c) {
  BIO* b = BIO_new(BIO_s_mem());
  if (b == nullptr || PEM_write_bio_X509(b, c) <= 0) {
    BIO_free(b);
    fail("PEM_write_bio_X509");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(b);
  return out;
}

std::string key_pem(EVP_PKEY* k) {
  BIO* b = BIO_new(BIO_s_mem());
  if (b == nullptr || PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr) <= 0) {
    BIO_free(b);
    fail("PEM_write_bio_PrivateKey");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(b);
  return out;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f.flush()) fail("cannot write " + path);
}

std::string make_temp_dir() {
  const char* base = std::getenv("TEST_TMPDIR");
  if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");
  if (base == nullptr || *base == '\0') base = "/tmp";
  std::string tmpl = std::string(base) + "/inetpp-pki-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) fail("mkdtemp " + tmpl);
  return std::string(buf.data());
}

}  // namespace

test_pki::test_pki() : dir_(make_temp_dir()) {
  const std::string good_san = "DNS:localhost,IP:127.0.0.1,IP:::1";
  pkey_ptr ca_key = make_key();
  cert_spec ca_spec{.cn = "inetpp test CA", .not_after = 3650 * day, .ca = true};
  x509_ptr ca = make_cert(ca_spec, ca_key.get(), nullptr, nullptr);
  ca_pem_ = cert_pem(ca.get());
  ca_file_ = dir_ + "/ca.pem";
  write_file(ca_file_, ca_pem_);

  ca_dir_ = dir_ + "/capath";
  std::filesystem::create_directory(ca_dir_);
  int ok = 0;
  unsigned long h = X509_NAME_hash_ex(X509_get_subject_name(ca.get()), nullptr, nullptr, &ok);
  if (ok == 0) fail("X509_NAME_hash_ex");
  char hash_name[32];
  std::snprintf(hash_name, sizeof hash_name, "%08lx.0", h);
  write_file(ca_dir_ + "/" + hash_name, ca_pem_);

  auto issue = [&](const std::string& stem, const cert_spec& spec, bool self_signed) {
    pkey_ptr k = make_key();
    x509_ptr c = self_signed ? make_cert(spec, k.get(), nullptr, nullptr)
                             : make_cert(spec, k.get(), ca.get(), ca_key.get());
    cert_files f{dir_ + "/" + stem + ".pem", dir_ + "/" + stem + ".key"};
    write_file(f.cert_file, cert_pem(c.get()));
    write_file(f.key_file, key_pem(k.get()));
    return f;
  };
  good_ = issue("good", {.cn = "localhost", .san = good_san}, false);
  wrong_host_ = issue("wrong_host", {.cn = "wrong.example", .san = "DNS:wrong.example"}, false);
  expired_ = issue("expired",
                   {.cn = "localhost", .san = good_san, .not_before = -30 * day, .not_after = -day},
                   false);
  not_yet_valid_ = issue(
      "not_yet_valid", {.cn = "localhost", .san = good_san, .not_before = day, .not_after = 30 * day},
      false);
  self_signed_ = issue("self_signed", {.cn = "localhost", .san = good_san}, true);
  client_ = issue("client", {.cn = "inetpp-test-client", .client = true}, false);
}

test_pki::~test_pki() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

const test_pki& test_pki::instance() {
  static const test_pki pki;
  return pki;
}

cert_files test_pki::server(cert_kind k) const {
  switch (k) {
    case cert_kind::good: return good_;
    case cert_kind::wrong_host: return wrong_host_;
    case cert_kind::expired: return expired_;
    case cert_kind::self_signed: return self_signed_;
    case cert_kind::not_yet_valid: return not_yet_valid_;
  }
  return good_;
}

}  // namespace inet::test
