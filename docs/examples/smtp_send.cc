// Sends one message through a submission server with STARTTLS and AUTH, blocking API.
//
//   bazel run //docs/examples:smtp_send -- smtp.example.org 587 user@example.org
//       'app-password' rcpt@example.org [ca-file]
//
// The password may also come from $SMTP_PASSWORD. TLS is required because credentials are
// given; certificates are verified against the system store (or the optional CA file).
#include <cstdlib>
#include <iostream>

#include "protocols/mime/message.hpp"
#include "protocols/smtp/client.hpp"

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: smtp_send HOST PORT USER PASSWORD RCPT [CA_FILE]\n";
    return 64;
  }
  namespace smtp = inet::smtp;
  namespace mime = inet::mime;
  try {
    smtp::client_options opts;
    opts.host = argv[1];
    opts.port = static_cast<std::uint16_t>(std::atoi(argv[2]));
    // Port 465 (or SMTP_IMPLICIT_TLS=1 in the environment) means TLS from the first byte.
    const bool implicit = opts.port == 465 || std::getenv("SMTP_IMPLICIT_TLS") != nullptr;
    opts.security = implicit ? smtp::security::implicit_tls : smtp::security::starttls;
    opts.credentials.username = argv[3];
    opts.credentials.password = argv[4];
    if (argc > 6) opts.tls.ca_file = argv[6];
    opts.connect.time.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);

    mime::message msg;
    msg.from = {"inetpp example", argv[3]};
    msg.to = {{"", argv[5]}};
    msg.subject = "Grüße from inetpp";
    msg.text_body = "Hello!\nThis message was composed and sent by inetpp.\n";
    mime::message_source source(msg, mime::compose_options{});

    smtp::blocking_client client;
    client.connect(opts);
    std::cout << "connected: " << client.greeting().summary() << "\n";
    smtp::envelope env;
    env.mail_from = argv[3];
    env.recipients.push_back({argv[5]});
    const smtp::send_result r = client.send(env, source);
    std::cout << "accepted: " << r.final_reply.summary() << "\n";
    for (const auto& rej : r.rejected()) std::cout << "refused " << rej.address << ": " << rej.reply.summary() << "\n";
    client.quit();
  } catch (const smtp::smtp_exception& e) {
    std::cerr << "server said no: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
