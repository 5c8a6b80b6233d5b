#include "tools/mail/mail_command.hpp"

#include <iostream>

#include "protocols/mime/address.hpp"
#include "protocols/mime/headers.hpp"
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
  if (!allow && s.from && over.from && *over.from != *s.from && !from_matches(*s.from, *over.from)) {
    if (o.verbose)
      err << "inet mail: allow_from_override is off: sending as " << *s.from << ", not "
          << transport::escape_control(*over.from) << "\n";
    over.from.reset();
  }
  if (!o.full_name.empty()) over.from_full_name = o.full_name;
  s.overlay(over);
}

// The configuration file's settings for the chosen account, with the command line on top.
// Without -a, an envelope sender (-f, --read-envelope-from) chooses the account as msmtp does.
account_settings load_settings(const mail_options& o, const io_streams& io, const env_fn& env,
                               std::ostream& err) {
  const std::string home = env("HOME").value_or("");
  std::optional<std::filesystem::path> file;
  if (!o.config_file.empty()) file = o.config_file;
  else file = find_config_file(env, io.system_config);
  config cfg;
  const bool system_file = o.config_file.empty() && file && *file == io.system_config;
  if (file) cfg = load_config(*file, home, !system_file);
  if (o.verbose)
    for (const auto& w : cfg.warnings) err << "inet mail: " << w << "\n";
  std::string name = o.account;
  if (name.empty() && o.overrides.from && !o.overrides.from->empty()) {
    if (auto by_sender = account_for_sender(cfg, *o.overrides.from)) {
      name = *by_sender;
      if (o.verbose) err << "inet mail: account '" << name << "' chosen by the envelope sender\n";
    }
  }
  account_settings s = select_account(cfg, name);
  apply_overrides(s, o, err);
  if (o.mode == mode::serverinfo) s.auth = "off";  // serverinfo never authenticates
  return s;
}

// --read-envelope-from: the first address of the From header, if it has one.
std::optional<std::string> header_sender(const mime::header_section& h) {
  const auto* f = h.find("From");
  if (!f) return std::nullopt;
  try {
    const auto list = mime::parse_address_list(f->value);
    if (!list.empty()) return list.front().address;
  } catch (const std::system_error&) {
  }
  return std::nullopt;
}

int dispatch(const mail_options& o, const io_streams& io, std::ostream& out, std::ostream& err) {
  const env_fn env = io.env ? io.env : env_fn(process_env);
  // Production runner: bounded by tools::default_command_timeout (60 s).
  const command_runner run = io.run_command ? io.run_command : command_runner([](const auto& cmd) {
    return tools::run_password_command(cmd);
  });
  std::string server;
  try {
    fd_source stdin_source(0, false, "standard input");
    byte_source& input = io.input ? *io.input : stdin_source;
    mail_options opts = o;
    std::optional<mime::parsed_message_head> head;
    if (o.read_envelope_from && o.mode == mode::send) {
      head = mime::read_header_section(input);
      if (auto from = header_sender(head->headers)) opts.overrides.from = std::move(*from);
    }
    const account_settings s = load_settings(opts, io, env, err);
    resolved_account acct = resolve_account(s, opts.overrides.tls == false);
    server = acct.server();
    detail::context ctx{opts, acct, input, out, err, run, io.syslog};
    if (head) ctx.head = &*head;
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
    // -v: the wire trace goes to this command's stderr stream (tests capture it).
    struct trace_off {
      bool on;
      ~trace_off() {
        if (on) transport::set_trace_sink(nullptr);
      }
    } const untrace{o.verbose};
    if (o.verbose)
      transport::set_trace_sink([&err](std::string_view line) { err << line << '\n'; });
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
