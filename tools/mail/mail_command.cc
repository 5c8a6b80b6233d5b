#include "tools/mail/mail_command.hpp"

#include <iostream>

#include "tools/common/password_command.hpp"
#include "tools/mail/exit_status.hpp"
#include "tools/mail/internal.hpp"
#include "tools/mail/io.hpp"
#include "tools/mail/options.hpp"
#include "transport/trace.hpp"

namespace inet::mail {
namespace {

int setting_exit(const setting_error& e) {
  switch (e.which()) {
    case setting_error::kind::data: return ex_dataerr;
    case setting_error::kind::usage: return ex_usage;
    case setting_error::kind::config: return ex_config;
  }
  return ex_config;
}

// allow_from_override off: -f/--from/-r do not replace the account's `from` (msmtp).
void apply_overrides(account_settings& s, const mail_options& o, std::ostream& err) {
  account_settings over = o.overrides;
  const bool allow = over.allow_from_override.value_or(s.allow_from_override.value_or(true));
  if (!allow && s.from && over.from && *over.from != *s.from) {
    if (o.verbose)
      err << "inet mail: allow_from_override is off: sending as " << *s.from << ", not "
          << transport::escape_control(*over.from) << "\n";
    over.from.reset();
  }
  if (!o.full_name.empty()) over.from_full_name = o.full_name;
  s.overlay(over);
}

// The configuration file's settings for the chosen account, with the command line on top.
account_settings load_settings(const mail_options& o, const env_fn& env, std::ostream& err) {
  const std::string home = env("HOME").value_or("");
  std::optional<std::filesystem::path> file;
  if (!o.config_file.empty()) file = o.config_file;
  else file = find_config_file(env);
  config cfg;
  if (file) cfg = load_config(*file, home);
  if (o.verbose)
    for (const auto& w : cfg.warnings) err << "inet mail: " << w << "\n";
  account_settings s = select_account(cfg, o.account);
  apply_overrides(s, o, err);
  if (o.mode == mode::serverinfo) s.auth = "off";  // serverinfo never authenticates
  return s;
}

int dispatch(const mail_options& o, const io_streams& io, std::ostream& out, std::ostream& err) {
  const env_fn env = io.env ? io.env : env_fn(process_env);
  // Production runner: bounded by tools::default_command_timeout (60 s).
  const command_runner run = io.run_command ? io.run_command : command_runner([](const auto& cmd) {
    return tools::run_password_command(cmd);
  });
  std::string server;
  try {
    const account_settings s = load_settings(o, env, err);
    resolved_account acct = resolve_account(s, o.overrides.tls == false);
    server = acct.server();
    fd_source stdin_source(0, false, "standard input");
    byte_source& input = io.input ? *io.input : stdin_source;
    detail::context ctx{o, acct, input, out, err, run, io.syslog};
    switch (o.mode) {
      case mode::serverinfo: return detail::do_serverinfo(ctx);
      case mode::flush: return detail::do_flush(ctx);
      default: return detail::do_send(ctx);
    }
  } catch (const config_error& e) {
    err << "inet mail: " << e.what() << "\n";
    return ex_config;
  } catch (const setting_error& e) {
    err << "inet mail: " << e.what() << "\n";
    return setting_exit(e);
  } catch (const std::exception& e) {
    err << "inet mail: " << describe_failure(e, server) << "\n";
    return exit_code_for(e);
  }
}

}  // namespace

int detail::exit_code_of(const std::exception& e) {
  if (dynamic_cast<const config_error*>(&e)) return ex_config;
  if (const auto* s = dynamic_cast<const setting_error*>(&e)) return setting_exit(*s);
  return exit_code_for(e);
}

int run_mail(const std::vector<std::string>& args, const io_streams& io) {
  std::ostream& out = io.out ? *io.out : std::cout;
  std::ostream& err = io.err ? *io.err : std::cerr;
  try {
    const parse_result parsed = parse_options(args);
    if (parsed.exit_code != 0) {
      err << parsed.message << "\n";
      return parsed.exit_code;
    }
    const mail_options& o = parsed.options;
    if (o.mode == mode::help) {
      out << help_text();
      return ex_ok;
    }
    if (o.verbose) transport::enable_stderr_trace();
    const int rc = dispatch(o, io, out, err);
    out.flush();
    return rc;
  } catch (const std::exception& e) {
    err << "inet mail: internal error: " << e.what() << "\n";
    return ex_software;
  }
}

int mail_main(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return run_mail(args);
}

}  // namespace inet::mail
