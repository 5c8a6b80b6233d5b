// Error category, shared helpers, the mechanism factory and mechanism selection.
#include "protocols/sasl/mechanism.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "protocols/sasl/internal.hpp"
#include "protocols/sasl/saslprep.hpp"

namespace inet::sasl {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.sasl"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::unknown_mechanism: return "unknown SASL mechanism";
      case error::bad_challenge: return "malformed or hostile SASL server challenge";
      case error::server_signature_mismatch: return "SCRAM server signature mismatch";
      case error::invalid_credentials: return "credentials unusable by the SASL mechanism";
      case error::step_after_complete: return "SASL step after the exchange finished";
      case error::token_expired_or_rejected: return "OAuth2 token expired or rejected";
      case error::server_error: return "SASL server reported an error";
      case error::command_failed: return "password/token command failed";
      case error::token_refresh_failed: return "OAuth2 token refresh failed";
    }
    return "unknown inet.sasl error";
  }
};

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

constexpr std::array<std::string_view, 7> all_mechanisms{
    "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN", "OAUTHBEARER", "XOAUTH2"};

}  // namespace

const std::error_category& sasl_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), sasl_category()};
}

namespace detail {

void fail(error e, const std::string& what) { throw std::system_error(make_error_code(e), what); }

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F;
  });
}

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

std::string escape_saslname(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    if (ch == ',') out += "=2C";
    else if (ch == '=') out += "=3D";
    else out += ch;
  }
  return out;
}

}  // namespace detail

std::unique_ptr<mechanism> make_mechanism(std::string_view name, const credentials& creds) {
  const std::string upper = to_upper(name);
  if (upper == "PLAIN") return detail::make_plain(creds);
  if (upper == "LOGIN") return detail::make_login(creds);
  if (upper == "CRAM-MD5") return detail::make_cram_md5(creds);
  if (upper == "XOAUTH2") return detail::make_xoauth2(creds);
  if (upper == "OAUTHBEARER") return detail::make_oauthbearer(creds);
  if (upper == "SCRAM-SHA-1") return detail::make_scram_mechanism("SHA-1", creds, {});
  if (upper == "SCRAM-SHA-256") return detail::make_scram_mechanism("SHA-256", creds, {});
  detail::fail(error::unknown_mechanism, "unsupported SASL mechanism: " + upper.substr(0, 64));
}

std::unique_ptr<mechanism> make_scram(std::string_view hash_name, const credentials& creds,
                                      std::string client_nonce) {
  const std::string upper = to_upper(hash_name);
  if (upper != "SHA-1" && upper != "SHA-256")
    detail::fail(error::unknown_mechanism, "unsupported SCRAM hash: " + upper.substr(0, 64));
  if (client_nonce.empty())
    detail::fail(error::invalid_credentials, "SCRAM: empty client nonce");
  return detail::make_scram_mechanism(upper, creds, std::move(client_nonce));
}

std::vector<std::string> supported_mechanisms() {
  return {all_mechanisms.begin(), all_mechanisms.end()};
}

std::vector<std::string> supported_mechanisms(const credentials& creds) {
  std::vector<std::string> order;
  if (!creds.oauth2_token.empty()) order = {"OAUTHBEARER", "XOAUTH2"};
  if (!creds.username.empty() && !creds.password.empty())
    order.insert(order.end(), {"SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN"});
  std::vector<std::string> usable;
  for (auto& name : order) {
    try {
      make_mechanism(name, creds);  // validates the credentials for this mechanism
      usable.push_back(std::move(name));
    } catch (const std::system_error&) {
    }
  }
  return usable;
}

std::optional<std::string> choose_mechanism(std::span<const std::string> server_offered,
                                            const credentials& creds) {
  for (const auto& candidate : supported_mechanisms(creds)) {
    for (const auto& offered : server_offered)
      if (to_upper(offered) == candidate) return candidate;
  }
  return std::nullopt;
}

}  // namespace inet::sasl
