// --serverinfo: what the server offers, like msmtp --serverinfo.
#include "tools/mail/exit_status.hpp"
#include "tools/mail/internal.hpp"
#include "transport/trace.hpp"

namespace inet::mail::detail {
namespace {

void print_tls(std::ostream& out, const transport::tls_info& t) {
  const auto esc = [](const std::string& s) { return transport::escape_control(s); };
  out << "TLS session parameters:\n"
      << "    Protocol: " << esc(t.protocol) << "\n"
      << "    Cipher: " << esc(t.cipher) << "\n"
      << "TLS certificate information:\n"
      << "    Subject: " << esc(t.peer_subject) << "\n"
      << "    Issuer: " << esc(t.peer_issuer) << "\n"
      << "    Validity:\n"
      << "        Activation time: " << esc(t.peer_not_before) << "\n"
      << "        Expiration time: " << esc(t.peer_not_after) << "\n"
      << "    Fingerprint:\n"
      << "        SHA256: " << esc(t.peer_sha256_fingerprint) << "\n"
      << "    Verified: " << (t.verified ? "yes" : "NO (verification disabled)") << "\n";
}

void print_capabilities(std::ostream& out, const smtp::capabilities& caps) {
  out << "Capabilities:\n";
  if (!caps.esmtp) {
    out << "    (no EHLO: the server only speaks RFC 821 SMTP)\n";
    return;
  }
  for (const auto& [keyword, params] : caps.keywords) {
    out << "    " << transport::escape_control(keyword);
    if (!params.empty()) out << " " << transport::escape_control(params);
    out << "\n";
  }
  if (caps.size_limit)
    out << "    Maximum message size: " << *caps.size_limit << " bytes = "
        << (*caps.size_limit / (1024 * 1024)) << " MiB\n";
}

}  // namespace

int do_serverinfo(context& c) {
  // No AUTH: serverinfo only looks.
  c.acct.wants_auth = false;
  c.acct.cleartext_auth_allowed = false;
  c.acct.client.credentials = {};
  smtp::blocking_client client;
  try {
    connect(c, client);
  } catch (const std::exception& e) {
    client.quit();
    c.err << "inet mail: " << describe_failure(e, c.acct.server()) << "\n";
    return exit_code_for(e);
  }
  std::ostream& out = c.out;
  out << "SMTP server at " << c.acct.server() << ":\n";
  for (const auto& line : client.greeting().lines)
    out << "    " << transport::escape_control(line) << "\n";
  const transport::tls_info tls = client.tls_details();
  if (!tls.protocol.empty()) print_tls(out, tls);
  else out << "TLS: not in use\n";
  print_capabilities(out, client.server_capabilities());
  client.quit();
  return ex_ok;
}

}  // namespace inet::mail::detail
