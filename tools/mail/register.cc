// Registers `inet mail` with the inet CLI (see tools/inet/commands.hpp; alwayslink library).
#include "tools/inet/commands.hpp"
#include "tools/mail/mail_command.hpp"

namespace {

const inet::cli::command_registrar mail_registrar{
    "mail", "send mail over SMTP (sendmail/msmtp compatible)", &inet::mail::mail_main};

}  // namespace
