// Registry of top-level `inet` commands other than the built-in get, put and help.
//
// Mechanism: a command library defines one static registrar object in a .cc file, e.g. the mail
// command (//tools/mail:mail_command, declared in tools/mail/mail_command.hpp):
//
//   static const inet::cli::command_registrar mail_registrar{
//       "mail", "send a message over SMTP (msmtp-like)", &mail_main};
//
// and its cc_library sets `alwayslink = True`, and //tools/inet:inet lists it in `deps`. Without
// alwayslink the linker drops the object file (nothing references it) and the command silently
// disappears from `inet --help`. The registry is a function-local static, so registration from
// other translation units' static initialisers is safe regardless of initialisation order.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace inet::cli {

/// Entry point of a command: argv[0] is "inet <name>", then the arguments after the command
/// name; argv[argc] is nullptr. Returns the process exit status.
using command_fn = std::function<int(int argc, char** argv)>;

struct command_info {
  std::string name;     ///< e.g. "mail"
  std::string summary;  ///< one line for `inet --help`
  command_fn fn;
};

/// Registers a command. Throws std::logic_error if `name` is empty, is built in (get, put,
/// help) or is already registered — a programming error, surfaced at start-up.
void register_command(std::string name, std::string summary, command_fn fn);

/// Registered commands sorted by name.
std::vector<command_info> registered_commands();

/// The command called `name`, or nullptr.
const command_info* find_command(std::string_view name);

/// Removes every registered command (tests only).
void clear_commands();

/// Registers a command from a static object's constructor.
struct command_registrar {
  command_registrar(std::string name, std::string summary, command_fn fn);
};

}  // namespace inet::cli
