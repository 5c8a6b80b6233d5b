// The one TLS-upgrade decision (see tls_upgrade.hpp).
#include "protocols/session/tls_upgrade.hpp"

namespace inet::session {

bool has_credentials(const sasl::credentials& c, const sasl::token_provider* provider) noexcept {
  return !c.username.empty() || !c.oauth2_token.empty() || provider != nullptr;
}

security resolve(bool implicit_tls, std::optional<transport::tls_policy> policy,
                 bool has_credentials) noexcept {
  if (implicit_tls) return security::implicit;
  const auto p = policy.value_or(has_credentials ? transport::tls_policy::required
                                                 : transport::tls_policy::opportunistic);
  switch (p) {
    case transport::tls_policy::none: return security::none;
    case transport::tls_policy::opportunistic: return security::opportunistic;
    case transport::tls_policy::required: break;
  }
  return security::required;
}

bool clear_text_allowed(bool is_tls, security s) noexcept {
  return is_tls || s == security::none;
}

boost::asio::awaitable<upgrade_result> upgrade(line::engine& eng, security s,
                                               const transport::tls_options& tls,
                                               const std::string& host, upgrade_adapter& a) {
  if (s == security::none || s == security::implicit || eng.stream().is_tls())
    co_return upgrade_result::not_needed;
  const std::string word(a.command_word());
  const bool required = s == security::required;
  if (!co_await a.offered()) {
    if (required) {
      eng.stream().close();
      throw std::system_error(a.tls_required_code(),
                              word + " is not offered by " + host +
                                  "; no credentials were sent (TLS policy: required)");
    }
    eng.tracer().info(word + " not offered: continuing WITHOUT encryption (opportunistic)");
    co_return upgrade_result::continued_in_clear;
  }
  if (!co_await a.request()) {
    if (required) {
      eng.stream().close();
      a.throw_refused();
    }
    eng.tracer().info(word + " refused: continuing WITHOUT encryption (opportunistic)");
    co_return upgrade_result::continued_in_clear;
  }
  try {
    co_await eng.start_tls(tls, host);
  } catch (const std::system_error& e) {
    a.upgrade_failed(e);
    throw;
  }
  co_await a.forget_pre_tls_state();
  co_return upgrade_result::upgraded;
}

}  // namespace inet::session
