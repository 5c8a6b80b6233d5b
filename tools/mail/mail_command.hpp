// `inet mail`: the sendmail/msmtp-compatible command (see help_text() in options.hpp).
#pragma once

#include <filesystem>

#include <ostream>
#include <string>
#include <vector>

#include "tools/mail/config.hpp"
#include "tools/mail/log.hpp"
#include "tools/mail/settings.hpp"
#include "transport/body.hpp"

namespace inet::mail {

/// Where the command reads and writes; every member has a process default, so tests can
/// inject a message, capture output and stub the environment and password commands.
struct io_streams {
  byte_source* input = nullptr;  ///< the message (sendmail mode); nullptr = stdin (fd 0)
  std::ostream* out = nullptr;   ///< --serverinfo / --help output; nullptr = std::cout
  std::ostream* err = nullptr;   ///< diagnostics ("inet mail: ..."); nullptr = std::cerr
  env_fn env;                    ///< HOME, XDG_CONFIG_HOME lookup; empty = getenv
  command_runner run_command;    ///< passwordeval runner; empty = tools::run_password_command
  syslog_fn syslog;              ///< `syslog` key output; empty = syslog(3)
  /// msmtp's system configuration file, the last fallback when no user file exists.
  std::filesystem::path system_config = "/etc/msmtprc";
};

/// Runs `inet mail` with the arguments after the command name. Returns the sysexits.h exit
/// status (0 = sent, or queued). Never throws: every failure is one "inet mail: ..." line (or
/// more, one per refused recipient) on io.err.
int run_mail(const std::vector<std::string>& args, const io_streams& io = {});

/// argv-style entry point registered as the `mail` command of //tools/inet:inet: argv[0] is
/// "inet mail", argv[1..argc-1] the arguments.
int mail_main(int argc, char** argv);

}  // namespace inet::mail
