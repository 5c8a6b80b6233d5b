// SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) client, without channel binding (gs2 "n").
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <vector>

#include "base/base64.hpp"
#include "protocols/sasl/internal.hpp"
#include "protocols/sasl/saslprep.hpp"

namespace inet::sasl::detail {
namespace {

constexpr unsigned long min_iterations = 4096;        // RFC 7677 §4, RFC 5802 §9
constexpr unsigned long max_iterations = 10'000'000;  // bounds the PBKDF2 CPU cost a server can demand
constexpr std::size_t nonce_bytes = 24;

using bytes = std::string;  // raw octets

bytes hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (HMAC(md, key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &len) == nullptr)
    throw std::runtime_error("SCRAM: HMAC failed in OpenSSL");
  return bytes(reinterpret_cast<const char*>(out.data()), len);
}

bytes digest(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1)
    throw std::runtime_error("SCRAM: digest failed in OpenSSL");
  return bytes(reinterpret_cast<const char*>(out.data()), len);
}

// Hi() of RFC 5802 §2.2 is PBKDF2 (RFC 8018) with HMAC-H and dkLen = output size of H.
bytes salted_password(const EVP_MD* md, std::string_view password, std::string_view salt,
                      unsigned long iterations) {
  bytes out(static_cast<std::size_t>(EVP_MD_get_size(md)), '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), md,
                        static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1)
    throw std::runtime_error("SCRAM: PBKDF2 failed in OpenSSL");
  return out;
}

// RFC 5802 §7 printable: %x21-2B / %x2D-7E (no ',').
bool is_printable(std::string_view s) {
  for (char ch : s)
    if (ch < 0x21 || ch > 0x7E || ch == ',') return false;
  return true;
}

std::vector<std::string_view> split_attributes(std::string_view msg) {
  std::vector<std::string_view> out;
  while (true) {
    const auto comma = msg.find(',');
    out.push_back(msg.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    msg.remove_prefix(comma + 1);
  }
}

// Returns the value of attribute `key` ("r" for "r=...") or fails with bad_challenge.
std::string_view attribute(std::string_view attr, char key, const char* what) {
  if (attr.size() < 2 || attr[0] != key || attr[1] != '=')
    fail(error::bad_challenge, std::string("SCRAM: expected ") + key + "= in " + what);
  return attr.substr(2);
}

std::string random_nonce() {
  std::array<unsigned char, nonce_bytes> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
    throw std::runtime_error("SCRAM: RAND_bytes failed");
  return codec::base64_encode(std::string_view(reinterpret_cast<char*>(raw.data()), raw.size()));
}

class scram final : public mechanism {
 public:
  scram(std::string_view hash, const credentials& c, std::string nonce);
  ~scram() override {
    OPENSSL_cleanse(password_.data(), password_.size());
    OPENSSL_cleanse(server_key_.data(), server_key_.size());
  }

  std::string_view name() const override { return name_; }
  bool has_initial_response() const override { return true; }
  std::string initial_response() override;
  std::string step(std::string_view challenge) override;
  bool complete() const override { return state_ == state::done; }
  bool sends_password_in_clear() const override { return false; }

 private:
  enum class state { initial, sent_first, sent_final, done, failed };
  std::string client_final(std::string_view server_first);
  void verify_server_final(std::string_view server_final);
  [[noreturn]] void fail_with(error e, const std::string& what) {
    state_ = state::failed;
    fail(e, name_ + ": " + what);
  }

  std::string name_;
  const EVP_MD* md_;
  std::string password_;        // SASLprep'ed
  std::string gs2_header_;      // "n,," or "n,a=authzid,"
  std::string client_first_bare_;
  std::string nonce_;
  std::string auth_message_;
  bytes server_key_;
  state state_ = state::initial;
};

scram::scram(std::string_view hash, const credentials& c, std::string nonce)
    : name_("SCRAM-" + std::string(hash)),
      md_(hash == "SHA-1" ? EVP_sha1() : EVP_sha256()),
      nonce_(nonce.empty() ? random_nonce() : std::move(nonce)) {
  if (!is_printable(nonce_)) fail(error::invalid_credentials, name_ + ": invalid client nonce");
  const auto user = saslprep(c.username);
  auto pass = saslprep(c.password);
  if (!user || !pass || has_control(c.authzid))
    fail(error::invalid_credentials,
         name_ + ": username/password rejected by SASLprep (RFC 4013); only ASCII and "
                 "Latin-1 letters are supported — use another mechanism");
  if (user->empty() || pass->empty())
    fail(error::invalid_credentials, name_ + ": username and password are required");
  password_ = std::move(*pass);
  gs2_header_ = c.authzid.empty() ? "n,," : "n,a=" + escape_saslname(c.authzid) + ",";
  client_first_bare_ = "n=" + escape_saslname(*user) + ",r=" + nonce_;
}

std::string scram::initial_response() {
  if (state_ != state::initial) fail_with(error::step_after_complete, "initial response already sent");
  state_ = state::sent_first;
  return gs2_header_ + client_first_bare_;
}

std::string scram::step(std::string_view challenge) {
  switch (state_) {
    case state::initial:
      if (!challenge.empty()) fail_with(error::bad_challenge, "server spoke first");
      return initial_response();
    case state::sent_first:
      return client_final(challenge);
    case state::sent_final:
      verify_server_final(challenge);
      state_ = state::done;
      return {};
    default:
      fail_with(error::step_after_complete, "exchange already finished");
  }
}

// server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]
std::string scram::client_final(std::string_view server_first) {
  const auto attrs = split_attributes(server_first);
  if (!attrs.empty() && attrs[0].starts_with("e="))
    fail_with(error::server_error, "server error: " + std::string(attrs[0].substr(2, 200)));
  if (!attrs.empty() && attrs[0].starts_with("m="))
    fail_with(error::bad_challenge, "server requires an unsupported mandatory extension (m=)");
  if (attrs.size() < 3) fail_with(error::bad_challenge, "malformed server-first-message");
  const auto nonce = attribute(attrs[0], 'r', "server-first-message");
  const auto salt_b64 = attribute(attrs[1], 's', "server-first-message");
  const auto iter_text = attribute(attrs[2], 'i', "server-first-message");
  if (nonce.size() <= nonce_.size() || !nonce.starts_with(nonce_) || !is_printable(nonce))
    fail_with(error::bad_challenge, "server nonce does not extend the client nonce");
  const auto salt = codec::base64_decode(salt_b64);
  if (!salt || salt->empty()) fail_with(error::bad_challenge, "invalid salt");
  unsigned long iterations = 0;
  const auto [end, ec] = std::from_chars(iter_text.data(), iter_text.data() + iter_text.size(),
                                         iterations);
  if (ec != std::errc{} || end != iter_text.data() + iter_text.size() || iter_text.empty() ||
      iterations < min_iterations || iterations > max_iterations)
    fail_with(error::bad_challenge, "iteration count not in [4096, 10000000]: " +
                                        std::string(iter_text.substr(0, 20)));

  const std::string without_proof =
      "c=" + codec::base64_encode(gs2_header_) + ",r=" + std::string(nonce);
  auth_message_ = client_first_bare_ + "," + std::string(server_first) + "," + without_proof;
  bytes salted = salted_password(md_, password_, *salt, iterations);
  const bytes client_key = hmac(md_, salted, "Client Key");
  const bytes stored_key = digest(md_, client_key);
  const bytes client_signature = hmac(md_, stored_key, auth_message_);
  bytes proof = client_key;
  for (std::size_t i = 0; i < proof.size(); ++i) proof[i] ^= client_signature[i];
  server_key_ = hmac(md_, salted, "Server Key");
  OPENSSL_cleanse(salted.data(), salted.size());
  state_ = state::sent_final;
  return without_proof + ",p=" + codec::base64_encode(proof);
}

// server-final-message = (server-error / verifier) ["," extensions]
void scram::verify_server_final(std::string_view server_final) {
  const auto attrs = split_attributes(server_final);
  if (attrs[0].starts_with("e="))
    fail_with(error::server_error, "server error: " + std::string(attrs[0].substr(2, 200)));
  if (!attrs[0].starts_with("v="))
    fail_with(error::bad_challenge, "malformed server-final-message");
  const auto signature = codec::base64_decode(attrs[0].substr(2));
  const bytes expected = hmac(md_, server_key_, auth_message_);
  if (!signature || signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
    fail_with(error::server_signature_mismatch, "server signature does not verify");
}

}  // namespace

std::unique_ptr<mechanism> make_scram_mechanism(std::string_view hash, const credentials& c,
                                                std::string nonce) {
  return std::make_unique<scram>(hash, c, std::move(nonce));
}

}  // namespace inet::sasl::detail
