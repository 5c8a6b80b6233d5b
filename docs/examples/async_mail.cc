// Two operations in flight on one io_context, with the completion-token API: an IMAP client
// waits in IDLE on INBOX while an SMTP client sends a message to the same mailbox; the IDLE
// reports its arrival. A timer cancels the IDLE (per-operation cancellation through a bound
// cancellation slot) if nothing arrives within 60 seconds.
//
//   bazel run //docs/examples:async_mail -- smtp.example.org imap.example.org
//       user@example.org 'app-password' [ca-file]
//
// SMTP uses port 587 with STARTTLS, IMAP port 993 with implicit TLS (HOST:PORT picks another
// port, as //tests/integration/examples does against its test servers); both verify certificates
// (against the system store or the optional CA file) and authenticate with the same
// credentials. The password may also come from $MAIL_PASSWORD.
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <cstdlib>
#include <iostream>

#include "protocols/imap/client.hpp"
#include "protocols/smtp/client.hpp"

namespace asio = boost::asio;
namespace imap = inet::imap;
namespace smtp = inet::smtp;
using namespace std::chrono_literals;

namespace {

struct account {
  std::string smtp_host, imap_host, user, password, ca_file;
  std::uint16_t smtp_port = 587, imap_port = 993;
};

// "host" or "host:port" (no IPv6 brackets in this example).
void split_host_port(std::string& host, std::uint16_t& port) {
  if (const auto colon = host.rfind(':'); colon != std::string::npos) {
    port = static_cast<std::uint16_t>(std::stoi(host.substr(colon + 1)));
    host.resize(colon);
  }
}

// Sends a short message to the account itself: connect (STARTTLS, AUTH), send, quit.
asio::awaitable<void> send_to_self(smtp::client& c, const account& a) {
  smtp::client_options o;
  o.host = a.smtp_host;
  o.port = a.smtp_port;
  o.credentials = {a.user, a.password};
  o.tls.ca_file = a.ca_file;
  co_await c.async_connect(o, asio::use_awaitable);
  const std::string text = "From: <" + a.user + ">\r\nTo: <" + a.user +
                           ">\r\nSubject: inetpp async example\r\n\r\nHello from two operations "
                           "in flight.\r\n";
  inet::memory_source body(text);
  smtp::envelope env;
  env.mail_from = a.user;
  env.recipients.push_back({a.user});
  const smtp::send_result r = co_await c.async_send(env, body, asio::use_awaitable);
  std::cout << "smtp: " << r.final_reply.summary() << "\n";
  co_await c.async_quit(asio::use_awaitable);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || (argc < 5 && std::getenv("MAIL_PASSWORD") == nullptr)) {
    std::cerr << "usage: async_mail SMTP_HOST[:PORT] IMAP_HOST[:PORT] USER PASSWORD [CA_FILE]\n";
    return 64;
  }
  account a{argv[1], argv[2], argv[3], argc > 4 ? argv[4] : std::getenv("MAIL_PASSWORD"),
            argc > 5 ? argv[5] : ""};
  split_host_port(a.smtp_host, a.smtp_port);
  split_host_port(a.imap_host, a.imap_port);
  asio::io_context io;
  imap::client mailbox(io.get_executor());
  smtp::client sender(io.get_executor());
  asio::cancellation_signal stop_idle;
  asio::steady_timer give_up(io, 60s);
  int status = 0;

  // Operation 1 (callbacks): IMAP connect, SELECT INBOX, then IDLE until the message arrives;
  // only once IDLE has started does operation 2 begin sending.
  imap::client_options io_opts;
  io_opts.host = a.imap_host;
  io_opts.port = a.imap_port;
  io_opts.security = imap::security::implicit_tls;
  io_opts.credentials = {a.user, a.password};
  io_opts.tls.ca_file = a.ca_file;
  mailbox.async_connect(io_opts, [&](inet::transport::async_error_code ec) {
    if (ec) {
      std::cerr << "imap connect: " << ec.message() << "\n";
      status = 1;
      give_up.cancel();
      return;
    }
    mailbox.async_select("INBOX", [&](inet::transport::async_error_code ec, imap::mailbox_info m) {
      if (ec) {
        std::cerr << "imap select: " << ec.message() << "\n";
        status = 1;
        give_up.cancel();
        return;
      }
      std::cout << "imap: INBOX has " << m.exists << " messages; idling\n";
      mailbox.async_idle(
          55s, asio::bind_cancellation_slot(
                   stop_idle.slot(),
                   [&](inet::transport::async_error_code ec, std::vector<imap::response> seen) {
                     give_up.cancel();
                     if (ec == asio::error::operation_aborted) {
                       std::cout << "imap: IDLE cancelled (nothing arrived)\n";
                     } else if (ec) {
                       std::cerr << "imap idle: " << ec.message() << "\n";
                       status = 1;
                     } else {
                       std::cout << "imap: " << seen.size() << " update(s), INBOX now has "
                                 << mailbox.selected()->exists << " messages\n";
                     }
                   }));
      // Operation 2 (use_awaitable): runs while the IDLE is in flight.
      asio::co_spawn(io, send_to_self(sender, a), [&](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          std::cerr << "smtp: " << x.what() << "\n";
          status = 1;
        }
        stop_idle.emit(asio::cancellation_type::terminal);
      });
    });
  });
  give_up.async_wait([&](boost::system::error_code ec) {
    if (!ec) stop_idle.emit(asio::cancellation_type::terminal);
  });
  io.run();
  return status;
}
