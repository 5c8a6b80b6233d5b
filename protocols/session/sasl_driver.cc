// The one SASL exchange loop (see sasl_driver.hpp).
#include "protocols/session/sasl_driver.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

#include "protocols/codec/base64.hpp"

namespace inet::session {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string encode(std::string_view raw) {
  return raw.empty() ? std::string() : codec::base64_encode(raw);
}

// The answer to one challenge, or the failure that makes the driver cancel.
struct answer {
  std::string b64;
  std::exception_ptr failure;
};

answer respond(const sasl_adapter& a, sasl::mechanism& mech, std::optional<std::string>& pending,
               std::string_view challenge_b64) {
  answer out;
  const auto challenge = codec::base64_decode(challenge_b64);
  if (!challenge) {
    out.failure = std::make_exception_ptr(
        std::system_error(a.code(auth_error::malformed),
                          std::string(a.command_word()) + ": server challenge is not valid base64"));
    return out;
  }
  // The initial response that did not fit on the command line answers the first, empty
  // challenge (RFC 4422 §3.3).
  if (pending && challenge->empty()) {
    out.b64 = std::move(*pending);
    pending.reset();
    return out;
  }
  pending.reset();
  try {
    out.b64 = encode(mech.step(*challenge));
  } catch (...) {
    out.failure = std::current_exception();
  }
  return out;
}

// One exchange; true on verified success, false on a failure step.
boost::asio::awaitable<bool> attempt(sasl_adapter& a, const std::string& mech_name,
                                     const sasl::credentials& creds, bool& token_rejected) {
  auto mech = sasl::make_mechanism(mech_name, creds);
  std::optional<std::string> ir, pending;
  if (mech->has_initial_response()) {
    const std::string raw = mech->initial_response();
    const std::string enc = raw.empty() ? "=" : codec::base64_encode(raw);
    if (a.initial_response_fits(mech->name(), enc.size()))
      ir = enc;
    else
      pending = encode(raw);
  }
  co_await a.send_start(mech->name(), ir);
  server_step s = co_await a.read_step();
  while (s.what == server_step::kind::challenge) {
    answer ans = respond(a, *mech, pending, s.data);
    if (ans.failure) {
      co_await a.cancel();
      std::rethrow_exception(ans.failure);
    }
    co_await a.send_response(ans.b64);
    s = co_await a.read_step();
  }
  token_rejected = mech->token_rejected();
  if (s.what == server_step::kind::failure) co_return false;
  // RFC 4422 §5: success may carry additional data (e.g. SCRAM's server-final message).
  if (!s.data.empty() && !mech->complete()) {
    const auto extra = codec::base64_decode(s.data);
    if (!extra)
      throw std::system_error(a.code(auth_error::malformed),
                              std::string(a.command_word()) +
                                  ": success data is not valid base64");
    (void)mech->step(*extra);
  }
  if (!mech->complete())
    throw std::system_error(make_error_code(sasl::error::server_signature_mismatch),
                            std::string(a.command_word()) + " " + mech_name +
                                ": server did not prove its identity");
  co_return true;
}

bool is_oauth(std::string_view mech) { return mech == "XOAUTH2" || mech == "OAUTHBEARER"; }

}  // namespace

std::optional<std::string> pick_mechanism(const sasl_adapter& a,
                                          std::span<const std::string> offered,
                                          std::string_view forced,
                                          const sasl::credentials& creds, bool offered_known) {
  if (!forced.empty()) {
    std::string mech = upper(forced);
    const bool listed = std::any_of(offered.begin(), offered.end(),
                                    [&](const std::string& o) { return upper(o) == mech; });
    if (offered_known && !listed)
      throw std::system_error(a.code(auth_error::auth_unavailable),
                              "the server does not offer " + std::string(a.command_word()) + " " +
                                  mech);
    return mech;
  }
  return sasl::choose_mechanism(offered, creds);
}

void check_clear_text(const sasl_adapter& a, const std::string& mech,
                      const sasl::credentials& creds, bool clear_text_allowed) {
  if (clear_text_allowed || !sasl::make_mechanism(mech, creds)->sends_password_in_clear()) return;
  throw std::system_error(a.code(auth_error::tls_required),
                          std::string(a.command_word()) + " " + mech +
                              " would send the password in clear text: the connection is not "
                              "encrypted (use tls_policy::none to allow it)");
}

boost::asio::awaitable<std::string> fetch_token(sasl::token_provider& provider,
                                                bool force_refresh) {
  co_return co_await provider.async_token(force_refresh);
}

boost::asio::awaitable<void> run_exchange(sasl_adapter& a, const std::string& mech,
                                          sasl::credentials creds,
                                          sasl::token_provider* provider,
                                          const transport::trace& tracer) {
  bool token_rejected = false;
  if (co_await attempt(a, mech, creds, token_rejected)) co_return;
  // An OAuth2 access token may have expired: refresh it once and retry.
  if (is_oauth(mech) && provider && a.retry_with_new_token(token_rejected)) {
    tracer.info("OAuth2 token rejected; refreshing it and retrying " +
                std::string(a.command_word()) + " once");
    creds.oauth2_token = co_await fetch_token(*provider, true);
    if (co_await attempt(a, mech, creds, token_rejected)) co_return;
  }
  a.throw_failure(std::string(a.command_word()) + " " + mech);
}

}  // namespace inet::session
