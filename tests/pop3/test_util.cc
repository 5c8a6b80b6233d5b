#include "tests/pop3/test_util.hpp"

namespace inet::pop3::testing {

std::string capa_reply(const std::vector<std::string>& caps) {
  std::string out = "+OK Capability list follows\r\n";
  for (const auto& c : caps) out += c + "\r\n";
  return out + ".\r\n";
}

mock::script greet_capa(const std::vector<std::string>& caps, std::string greeting) {
  mock::script s;
  s.send(std::move(greeting)).expect("CAPA").send(capa_reply(caps));
  return s;
}

mock::script logged_in(const std::vector<std::string>& caps) {
  return greet_capa(caps)
      .expect("USER alice")
      .send("+OK\r\n")
      .expect("PASS secret")
      .send("+OK maildrop locked and ready\r\n");
}

client_options options_for(const mock::mock_server& srv) {
  client_options o;
  o.host = srv.host();
  o.port = srv.port();
  o.policy = transport::tls_policy::none;
  o.tls.ca_file = mock::test_pki::instance().ca_file();
  o.connect.time.connect = 5s;
  o.connect.time.idle = 5s;
  return o;
}

client_options login_options(const mock::mock_server& srv) {
  client_options o = options_for(srv);
  o.credentials.username = user;
  o.credentials.password = password;
  return o;
}

}  // namespace inet::pop3::testing
