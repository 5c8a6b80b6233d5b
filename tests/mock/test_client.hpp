// A plain blocking Asio client for testing the mock kit itself.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <memory>
#include <optional>
#include <string>

#include "tests/mock/pki.hpp"

namespace inet::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct tls_client_options {
  std::string verify_host = "localhost";  // "" = no host name check
  bool use_ca_dir = false;                // trust via ca_dir() instead of ca_file()
  bool client_cert = false;               // present test_pki::client()
  std::string sni = "localhost";          // "" = no SNI
};

class test_client {
 public:
  test_client(const std::string& host, std::uint16_t port) {
    sock_.connect(tcp::endpoint(asio::ip::make_address(host), port));
  }

  /// TLS client handshake over the current connection; returns the error.
  boost::system::error_code handshake(const tls_client_options& o = {}) {
    ctx_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    const test_pki& pki = test_pki::instance();
    if (o.use_ca_dir) ctx_->add_verify_path(pki.ca_dir());
    else ctx_->load_verify_file(pki.ca_file());
    ctx_->set_verify_mode(asio::ssl::verify_peer);
    if (o.client_cert) {
      ctx_->use_certificate_chain_file(pki.client().cert_file);
      ctx_->use_private_key_file(pki.client().key_file, asio::ssl::context::pem);
    }
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(sock_, *ctx_);
    if (!o.verify_host.empty()) tls_->set_verify_callback(asio::ssl::host_name_verification(o.verify_host));
    if (!o.sni.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), o.sni.c_str());
    boost::system::error_code ec;
    tls_->handshake(asio::ssl::stream_base::client, ec);
    // Under TLS 1.3 a rejected client certificate shows up on the first read.
    return ec;
  }

  void write(std::string_view s) {
    if (tls_) asio::write(*tls_, asio::buffer(s.data(), s.size()));
    else asio::write(sock_, asio::buffer(s.data(), s.size()));
  }

  /// One line without CRLF; throws boost::system::system_error on EOF.
  std::string read_line() {
    std::size_t n = tls_ ? asio::read_until(*tls_, asio::dynamic_buffer(buf_), "\r\n")
                         : asio::read_until(sock_, asio::dynamic_buffer(buf_), "\r\n");
    std::string line = buf_.substr(0, n - 2);
    buf_.erase(0, n);
    return line;
  }

  std::string read_exact(std::size_t n) {
    if (buf_.size() < n) {
      std::size_t more = n - buf_.size();
      if (tls_) asio::read(*tls_, asio::dynamic_buffer(buf_), asio::transfer_exactly(more));
      else asio::read(sock_, asio::dynamic_buffer(buf_), asio::transfer_exactly(more));
    }
    std::string out = buf_.substr(0, n);
    buf_.erase(0, n);
    return out;
  }

  /// Everything until EOF; `ec` gets the terminating error (eof / stream_truncated).
  std::string read_to_eof(boost::system::error_code& ec) {
    if (tls_) asio::read(*tls_, asio::dynamic_buffer(buf_), ec);
    else asio::read(sock_, asio::dynamic_buffer(buf_), ec);
    return std::exchange(buf_, {});
  }

  const std::string& buffered() const { return buf_; }
  tcp::socket& socket() { return sock_; }
  void shutdown_send() { sock_.shutdown(tcp::socket::shutdown_send); }
  void close() { sock_.close(); }

 private:
  asio::io_context io_;
  tcp::socket sock_{io_};
  std::unique_ptr<asio::ssl::context> ctx_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  std::string buf_;
};

}  // namespace inet::test
