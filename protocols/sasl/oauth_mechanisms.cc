// XOAUTH2 (Google/Microsoft) and OAUTHBEARER (RFC 7628) client mechanisms.
#include <openssl/crypto.h>

#include "protocols/sasl/internal.hpp"

namespace inet::sasl::detail {
namespace {

// Shared shape: one client-first message; a later challenge is the server's error JSON
// (RFC 7628 §3.2.2), answered with a dummy response after which the server reports failure.
class bearer_mechanism : public mechanism {
 public:
  bearer_mechanism(std::string_view name, std::string message, std::string dummy)
      : name_(name), message_(std::move(message)), dummy_(std::move(dummy)) {}
  ~bearer_mechanism() override { OPENSSL_cleanse(message_.data(), message_.size()); }

  std::string_view name() const override { return name_; }
  bool has_initial_response() const override { return true; }
  std::string initial_response() override {
    if (sent_) fail(error::step_after_complete, name_ + ": initial response already sent");
    sent_ = true;
    return message_;
  }
  std::string step(std::string_view challenge) override {
    if (!sent_) {
      if (!challenge.empty())
        fail(error::bad_challenge, name_ + ": unexpected non-empty server challenge");
      return initial_response();
    }
    if (rejected_) fail(error::step_after_complete, name_ + ": exchange already failed");
    rejected_ = true;
    detail_.assign(challenge.substr(0, 4096));
    return dummy_;
  }
  bool complete() const override { return sent_ && !rejected_; }
  bool sends_password_in_clear() const override { return true; }
  bool token_rejected() const override { return rejected_; }
  std::string_view server_error_detail() const override { return detail_; }

 private:
  std::string name_, message_, dummy_, detail_;
  bool sent_ = false;
  bool rejected_ = false;
};

void check_token(std::string_view mech, const credentials& c, bool need_user) {
  if (c.oauth2_token.empty())
    fail(error::invalid_credentials, std::string(mech) + ": oauth2_token is required");
  if (need_user && c.username.empty())
    fail(error::invalid_credentials, std::string(mech) + ": username is required");
  // RFC 6750 §2.1 b64token has no spaces or controls; \x01 would break the framing.
  for (char ch : c.oauth2_token)
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7F)
      fail(error::invalid_credentials, std::string(mech) + ": invalid character in token");
  if (has_control(c.username) || has_control(c.authzid) || has_control(c.host))
    fail(error::invalid_credentials, std::string(mech) + ": control character in credentials");
}

}  // namespace

std::unique_ptr<mechanism> make_xoauth2(const credentials& c) {
  check_token("XOAUTH2", c, true);
  std::string msg = "user=" + c.username + "\x01" "auth=Bearer " + c.oauth2_token + "\x01\x01";
  return std::make_unique<bearer_mechanism>("XOAUTH2", std::move(msg), "");
}

// RFC 7628 §3.1: gs2-header "n,a=authzid," then kvpairs separated by \x01, ending \x01\x01.
// The authorization identity is `authzid` if given, else the username (as RFC 7628 §4.1's
// example and Gmail/Exchange expect).
std::unique_ptr<mechanism> make_oauthbearer(const credentials& c) {
  check_token("OAUTHBEARER", c, false);
  const std::string& identity = c.authzid.empty() ? c.username : c.authzid;
  std::string msg = "n,";
  if (!identity.empty()) msg += "a=" + escape_saslname(identity);
  msg += ",\x01";
  if (!c.host.empty()) msg += "host=" + c.host + "\x01";
  if (c.port != 0) msg += "port=" + std::to_string(c.port) + "\x01";
  msg += "auth=Bearer " + c.oauth2_token + "\x01\x01";
  return std::make_unique<bearer_mechanism>("OAUTHBEARER", std::move(msg), "\x01");
}

}  // namespace inet::sasl::detail
