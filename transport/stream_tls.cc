// transport::stream's TLS: context, handshake (verification, SNI, ALPN, pinning), details.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/error.hpp"
#include "transport/idn.hpp"
#include "transport/stream_impl.hpp"
#include "transport/trace.hpp"

namespace inet::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::steady_clock;

namespace {

std::string x509_name(X509_NAME* name) {
  if (!name) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string asn1_time(const ASN1_TIME* t) {
  if (!t) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  ASN1_TIME_print(bio, t);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string openssl_errors() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

// "AB:CD:..." / "abcd..." -> raw digest bytes (32 for SHA-256, 20 for SHA-1).
std::string parse_fingerprint(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':' || c == ' ') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      throw std::system_error(make_error_code(error::invalid_argument),
                              "certificate fingerprint: not a hex digit in '" + escape_control(text) + "'");
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 64 && hex.size() != 40)
    throw std::system_error(make_error_code(error::invalid_argument),
                            "certificate fingerprint: expected SHA-256 (64 hex digits) or SHA-1 (40), got " +
                                std::to_string(hex.size()) + " digits");
  std::string raw;
  for (std::size_t i = 0; i < hex.size(); i += 2) raw += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return raw;
}

std::string hex_colons(const unsigned char* p, unsigned n) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    if (i) out += ':';
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

// Compares the peer's leaf certificate with the pinned digest; throws on mismatch.
void check_pinned(SSL* ssl, const std::string& pinned, const std::string& name) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert)
    throw std::system_error(make_error_code(error::certificate_verify_failed),
                            "TLS with " + name + ": no server certificate to compare with the fingerprint");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  const EVP_MD* alg = pinned.size() == 32 ? EVP_sha256() : EVP_sha1();
  const int ok = X509_digest(cert, alg, md, &n);
  X509_free(cert);
  if (ok != 1 || n != pinned.size() || std::memcmp(md, pinned.data(), n) != 0)
    throw std::system_error(make_error_code(error::certificate_verify_failed),
                            "TLS with " + name + ": the server certificate's " +
                                (pinned.size() == 32 ? "SHA-256" : "SHA-1") + " fingerprint " +
                                hex_colons(md, n) + " is not the pinned one");
}

std::unique_ptr<asio::ssl::context> make_context(const tls_options& tls) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_CLIENT);
  if (!tls.dangerous_skip_verification && tls.pinned_fingerprint.empty()) {
    if (tls.ca_file.empty() && tls.ca_path.empty()) {
      ctx->set_default_verify_paths();
    } else {
      if (SSL_CTX_load_verify_locations(native, tls.ca_file.empty() ? nullptr : tls.ca_file.c_str(),
                                        tls.ca_path.empty() ? nullptr : tls.ca_path.c_str()) != 1)
        throw std::system_error(make_error_code(error::certificate_verify_failed),
                                "cannot load CA certificates from '" + tls.ca_file + tls.ca_path +
                                    "': " + openssl_errors());
    }
    ctx->set_verify_mode(asio::ssl::verify_peer);
  } else {
    ctx->set_verify_mode(asio::ssl::verify_none);
  }
  if (!tls.client_cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(native, tls.client_cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(native,
                                    (tls.client_key_file.empty() ? tls.client_cert_file
                                                                 : tls.client_key_file)
                                        .c_str(),
                                    SSL_FILETYPE_PEM) != 1)
      throw std::system_error(make_error_code(error::tls_handshake_failed),
                              "cannot load client certificate '" + tls.client_cert_file +
                                  "': " + openssl_errors());
  }
  return ctx;
}

}  // namespace

asio::awaitable<void> stream::handshake(const tls_options& tls, std::string_view host,
                                        tls_session resume) {
  impl& s = *impl_;
  if (!s.sock.is_open()) throw std::system_error(make_error_code(error::not_connected), "TLS");
  const std::string pinned = tls.pinned_fingerprint.empty() ? std::string() : parse_fingerprint(tls.pinned_fingerprint);
  s.ctx = make_context(tls);
  s.tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(s.sock, *s.ctx);
  SSL* ssl = s.tls->native_handle();
  const std::string name =
      to_ascii_host(tls.server_name.empty() ? host : std::string_view(tls.server_name));
  boost::system::error_code addr_ec;
  (void)asio::ip::make_address(name, addr_ec);
  const bool is_ip = !addr_ec;
  if (name.empty() && !tls.dangerous_skip_verification && pinned.empty()) {
    s.tls.reset();
    throw std::system_error(make_error_code(error::certificate_verify_failed),
                            "no host name to verify the certificate against");
  }
  if (!is_ip && !name.empty()) SSL_set_tlsext_host_name(ssl, name.c_str());  // SNI
  if (!pinned.empty()) {
    s.tracer.info("server certificate pinned by fingerprint: chain and host name are not checked");
  } else if (!tls.dangerous_skip_verification) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                         : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
    if (ok != 1) {
      s.tls.reset();
      throw std::system_error(make_error_code(error::certificate_verify_failed),
                              "cannot verify host name '" + escape_control(name) + "'");
    }
  } else {
    s.tracer.info("WARNING: TLS certificate and host name verification DISABLED for " + name);
  }
  if (!tls.alpn.empty()) {
    std::string wire;
    for (const auto& p : tls.alpn) {
      wire.push_back(static_cast<char>(p.size()));
      wire += p;
    }
    SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(wire.data()),
                        static_cast<unsigned>(wire.size()));
  }
  if (resume) SSL_set_session(ssl, static_cast<SSL_SESSION*>(resume.handle_.get()));

  boost::system::error_code ec;
  s.arm(s.time.idle);
  co_await s.tls->async_handshake(asio::ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec && !(s.rd.fired && ec == asio::error::operation_aborted)) {
    s.disarm();
    const long vr = SSL_get_verify_result(ssl);
    s.tls.reset();
    boost::system::error_code ignored;
    s.sock.close(ignored);
    if (vr != X509_V_OK)
      throw std::system_error(make_error_code(error::certificate_verify_failed),
                              "TLS with " + name + ": " + X509_verify_cert_error_string(vr));
    // OpenSSL itself refuses a ServerHello selecting an ALPN protocol that was not offered
    // (RFC 7301 §3.2) with SSL_R_BAD_EXTENSION; with an ALPN offer that is the ALPACA case.
    if (!tls.alpn.empty() && ec.category() == asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_BAD_EXTENSION)
      throw std::system_error(make_error_code(error::alpn_mismatch),
                              "TLS with " + name + ": " + ec.message() +
                                  " (the server's ALPN selection was not offered)");
    throw std::system_error(make_error_code(error::tls_handshake_failed),
                            "TLS with " + name + ": " + ec.message());
  }
  s.check(ec, "TLS handshake");
  s.settle_timer();
  if (!pinned.empty()) {
    try {
      check_pinned(ssl, pinned, name);
    } catch (...) {
      s.tls.reset();
      boost::system::error_code ignored;
      s.sock.close(ignored);
      throw;
    }
  }
  if (!tls.alpn.empty()) {  // RFC 7301 §3.2, ALPACA: none selected is fine, another is not
    const unsigned char* sel = nullptr;
    unsigned sel_len = 0;
    SSL_get0_alpn_selected(ssl, &sel, &sel_len);
    const std::string selected(reinterpret_cast<const char*>(sel), sel ? sel_len : 0);
    if (!selected.empty() && std::find(tls.alpn.begin(), tls.alpn.end(), selected) == tls.alpn.end()) {
      s.tls.reset();
      boost::system::error_code ignored;
      s.sock.close(ignored);
      throw std::system_error(make_error_code(error::alpn_mismatch),
                              "TLS with " + name + ": the server selected ALPN protocol \"" +
                                  escape_control(selected) + "\", which was not offered");
    }
  }
  s.verified = !tls.dangerous_skip_verification;
  const auto info = tls_details();
  s.tracer.info("TLS connection using " + info.protocol + " / " + info.cipher +
                (info.session_reused ? " (session resumed)" : ""));
  s.tracer.info("Server certificate: subject " + info.peer_subject + "; issuer " +
                info.peer_issuer + "; expires " + info.peer_not_after);
}

tls_info stream::tls_details() const {
  tls_info info;
  if (!impl_->tls) return info;
  SSL* ssl = impl_->tls->native_handle();
  info.protocol = SSL_get_version(ssl);
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) info.cipher = SSL_CIPHER_get_name(c);
  const unsigned char* alpn = nullptr;
  unsigned alpn_len = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
  if (alpn) info.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
  info.session_reused = SSL_session_reused(ssl) == 1;
  info.verified = impl_->verified;
  if (X509* cert = SSL_get1_peer_certificate(ssl)) {
    info.peer_subject = x509_name(X509_get_subject_name(cert));
    info.peer_issuer = x509_name(X509_get_issuer_name(cert));
    info.peer_not_before = asn1_time(X509_get0_notBefore(cert));
    info.peer_not_after = asn1_time(X509_get0_notAfter(cert));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &md_len) == 1) {
      static const char* hex = "0123456789ABCDEF";
      for (unsigned i = 0; i < md_len; ++i) {
        if (i) info.peer_sha256_fingerprint.push_back(':');
        info.peer_sha256_fingerprint.push_back(hex[md[i] >> 4]);
        info.peer_sha256_fingerprint.push_back(hex[md[i] & 15]);
      }
    }
    X509_free(cert);
  }
  return info;
}

tls_session stream::session() const {
  tls_session out;
  if (!impl_->tls) return out;
  if (SSL_SESSION* sess = SSL_get1_session(impl_->tls->native_handle()))
    out.handle_ = std::shared_ptr<void>(sess, [](void* p) {
      SSL_SESSION_free(static_cast<SSL_SESSION*>(p));
    });
  return out;
}

}  // namespace inet::transport
