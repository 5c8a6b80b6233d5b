// The consumer tests' program (tests/consumer/run.sh): built out of tree against an installed
// inetpp, once through find_package(inetpp) (cmake/) and once through pkg-config (pkgconfig/). It
// sends one message over SMTP with STARTTLS, verifying the server against CA_FILE.
//
//   send_mail HOST PORT CA_FILE FROM RCPT SUBJECT
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>

#include <inet/version.hpp>
#include "protocols/mime/message.hpp"
#include "protocols/smtp/client.hpp"

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: send_mail HOST PORT CA_FILE FROM RCPT SUBJECT\n";
    return 64;
  }
  namespace smtp = inet::smtp;
  namespace mime = inet::mime;
  try {
    smtp::client_options opts;
    opts.host = argv[1];
    opts.port = static_cast<std::uint16_t>(std::atoi(argv[2]));
    opts.security = smtp::security::starttls;
    opts.tls.ca_file = argv[3];
    opts.connect.time.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);

    mime::message msg;
    msg.from = {"inetpp consumer", argv[4]};
    msg.to = {{"", argv[5]}};
    msg.subject = argv[6];
    msg.text_body = "Sent by a program built against the installed inetpp " INETPP_VERSION_STRING ".\n";
    mime::message_source source(msg, mime::compose_options{});

    smtp::blocking_client client;
    client.connect(opts);
    smtp::envelope env;
    env.mail_from = argv[4];
    env.recipients.push_back({argv[5]});
    const smtp::send_result r = client.send(env, source);
    client.quit();
    if (!r.rejected().empty()) {
      std::cerr << "send_mail: recipient refused\n";
      return 1;
    }
    std::cout << "send_mail: inetpp " << INETPP_VERSION_STRING << ": accepted: "
              << r.final_reply.summary() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "send_mail: " << e.what() << "\n";
    return 1;
  }
}
