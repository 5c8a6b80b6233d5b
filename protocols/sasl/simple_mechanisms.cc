// PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login-00), CRAM-MD5 (RFC 2195).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdio>

#include "protocols/sasl/internal.hpp"

namespace inet::sasl::detail {
namespace {

// PLAIN: one client-first message, authzid NUL authcid NUL passwd (RFC 4616 §2).
class plain final : public mechanism {
 public:
  explicit plain(const credentials& c) {
    if (has_nul(c.username) || has_nul(c.password) || has_nul(c.authzid))
      fail(error::invalid_credentials, "PLAIN: credentials must not contain NUL");
    if (c.username.empty() || c.password.empty())
      fail(error::invalid_credentials, "PLAIN: username and password are required");
    message_ = c.authzid + '\0' + c.username + '\0' + c.password;
  }
  ~plain() override { OPENSSL_cleanse(message_.data(), message_.size()); }

  std::string_view name() const override { return "PLAIN"; }
  bool has_initial_response() const override { return true; }
  std::string initial_response() override { return take(); }
  std::string step(std::string_view challenge) override {
    if (!sent_ && !challenge.empty())
      fail(error::bad_challenge, "PLAIN: unexpected non-empty server challenge");
    return take();
  }
  bool complete() const override { return sent_; }
  bool sends_password_in_clear() const override { return true; }

 private:
  std::string take() {
    if (sent_) fail(error::step_after_complete, "PLAIN: exchange already finished");
    sent_ = true;
    return message_;
  }
  std::string message_;
  bool sent_ = false;
};

// LOGIN: answers the first challenge with the username and the second with the password,
// whatever the prompt text says (servers send "Username:"/"Password:" or anything else).
class login final : public mechanism {
 public:
  explicit login(const credentials& c) : username_(c.username), password_(c.password) {
    if (has_nul(c.username) || has_nul(c.password))
      fail(error::invalid_credentials, "LOGIN: credentials must not contain NUL");
    if (c.username.empty() || c.password.empty())
      fail(error::invalid_credentials, "LOGIN: username and password are required");
  }
  ~login() override { OPENSSL_cleanse(password_.data(), password_.size()); }

  std::string_view name() const override { return "LOGIN"; }
  bool has_initial_response() const override { return false; }
  std::string initial_response() override {
    fail(error::step_after_complete, "LOGIN has no initial response");
  }
  std::string step(std::string_view) override {
    switch (steps_++) {
      case 0: return username_;
      case 1: return password_;
      default: fail(error::step_after_complete, "LOGIN: exchange already finished");
    }
  }
  bool complete() const override { return steps_ >= 2; }
  bool sends_password_in_clear() const override { return true; }

 private:
  std::string username_, password_;
  int steps_ = 0;
};

// CRAM-MD5: response is "user SP hex(HMAC-MD5(password, challenge))" (RFC 2195 §2).
class cram_md5 final : public mechanism {
 public:
  explicit cram_md5(const credentials& c) : username_(c.username), password_(c.password) {
    if (has_control(c.username) || has_nul(c.password))
      fail(error::invalid_credentials, "CRAM-MD5: control character in username or NUL in password");
    if (c.username.empty() || c.password.empty())
      fail(error::invalid_credentials, "CRAM-MD5: username and password are required");
  }
  ~cram_md5() override { OPENSSL_cleanse(password_.data(), password_.size()); }

  std::string_view name() const override { return "CRAM-MD5"; }
  bool has_initial_response() const override { return false; }
  std::string initial_response() override {
    fail(error::step_after_complete, "CRAM-MD5 has no initial response");
  }
  std::string step(std::string_view challenge) override {
    if (done_) fail(error::step_after_complete, "CRAM-MD5: exchange already finished");
    done_ = true;
    if (challenge.empty()) fail(error::bad_challenge, "CRAM-MD5: empty server challenge");
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_len = 0;
    if (HMAC(EVP_md5(), password_.data(), static_cast<int>(password_.size()),
             reinterpret_cast<const unsigned char*>(challenge.data()), challenge.size(),
             mac.data(), &mac_len) == nullptr)
      throw std::runtime_error("CRAM-MD5: HMAC-MD5 unavailable in OpenSSL");
    std::string out = username_ + ' ';
    static constexpr char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < mac_len; ++i) {
      out += hex[mac[i] >> 4];
      out += hex[mac[i] & 0x0F];
    }
    return out;
  }
  bool complete() const override { return done_; }
  bool sends_password_in_clear() const override { return false; }

 private:
  std::string username_, password_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<mechanism> make_plain(const credentials& c) { return std::make_unique<plain>(c); }
std::unique_ptr<mechanism> make_login(const credentials& c) { return std::make_unique<login>(c); }
std::unique_ptr<mechanism> make_cram_md5(const credentials& c) {
  return std::make_unique<cram_md5>(c);
}

}  // namespace inet::sasl::detail
