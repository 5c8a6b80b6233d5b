// `inet` command dispatch: get/put transfers through the handler registry, registered commands,
// help and version.
#include "tools/inet/cli.hpp"

#include "tools/inet/commands.hpp"
#include "tools/inet/docgen.hpp"
#include "tools/inet/exit_codes.hpp"
#include "tools/inet/http_options.hpp"
#include "tools/inet/option_scope.hpp"
#include "protocols/transfer/error.hpp"
#include "protocols/transfer/glob.hpp"

#include <CLI/Version.hpp>
#include <boost/version.hpp>
#include <fmt/core.h>
#include <openssl/crypto.h>
#include <spdlog/version.h>

#include <algorithm>
#include <iostream>
#include <new>
#include <optional>
#include <utility>

namespace inet::cli {
namespace {

void report(const transfer_options& o, std::ostream& err, exit_code code,
            std::string_view reason) {
  if (o.show_errors()) err << "inet: (" << to_int(code) << ") " << reason << '\n';
}

// what() of a std::system_error without libstdc++'s ": <category message>" suffix.
std::string reason_of(const std::system_error& e) {
  std::string why = e.what();
  std::string suffix = ": " + e.code().message();
  if (why.size() > suffix.size() && why.ends_with(suffix)) why.resize(why.size() - suffix.size());
  return why;
}

std::string scheme_of(std::string_view text) {
  std::string s(text.substr(0, std::min(text.find("://"), std::size_t{32})));
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

int call_handler(const transfer_fn& fn, const transfer_options& o, const url::parsed_url& u,
                 transfer_context& ctx) {
  try {
    return fn(o, u, ctx);
  } catch (const std::bad_alloc&) {
    report(o, ctx.err, exit_code::out_of_memory, "out of memory");
    return to_int(exit_code::out_of_memory);
  } catch (const std::exception& e) {
    report(o, ctx.err, exit_code::failed_init, e.what());
    return to_int(exit_code::failed_init);
  }
}

int one_transfer(direction d, const transfer_options& o, const std::string& text,
                 transfer_context& ctx) {
  url::parsed_url u;
  try {
    u = url::parse(text);
  } catch (const std::system_error& e) {
    if (e.code() == url::error::unsupported_scheme) {
      report(o, ctx.err, exit_code::unsupported_protocol,
             "Protocol \"" + scheme_of(text) + "\" not supported or disabled");
      return to_int(exit_code::unsupported_protocol);
    }
    report(o, ctx.err, exit_code::url_malformat, reason_of(e));
    return to_int(exit_code::url_malformat);
  }
  const transfer_fn* fn = find_handler(d, u.scheme);
  if (!fn) {
    report(o, ctx.err, exit_code::unsupported_protocol,
           "Protocol \"" + u.scheme_name + "\" not supported or disabled" +
               (d == direction::put ? " for uploads" : ""));
    return to_int(exit_code::unsupported_protocol);
  }
  return call_handler(*fn, o, u, ctx);
}

/// One URL argument: curl's glob expanded (unless -g), each URL transferred in order with its
/// -o name ("#N" replaced). Returns (url, status) per URL; a bad glob is one exit-3 entry.
std::vector<std::pair<std::string, int>> globbed_transfers(direction d, const transfer_options& o,
                                                           const std::string& text,
                                                           transfer_context& ctx) {
  std::vector<std::pair<std::string, int>> out;
  if (o.globoff) {
    out.emplace_back(text, one_transfer(d, o, text, ctx));
    return out;
  }
  std::optional<transfer::url_glob> g;
  try {
    g.emplace(text);
  } catch (const transfer::transfer_exception& e) {
    report(o, ctx.err, exit_code::url_malformat, e.why());
    out.emplace_back(text, to_int(exit_code::url_malformat));
    return out;
  }
  for (std::size_t i = 0; i < g->size(); ++i) {
    const transfer::url_glob::match m = g->at(i);
    std::string name;
    if (o.output && !m.values.empty()) {
      name = transfer::glob_output_name(*o.output, m.values);
      ctx.output_name = &name;
    }
    out.emplace_back(m.url, one_transfer(d, o, m.url, ctx));
    ctx.output_name = nullptr;
  }
  return out;
}

int transfer_main(direction d, const std::vector<std::string>& args, transfer_context& ctx) {
  const char* name = d == direction::get ? "get" : "put";
  for (const auto& a : args) {
    if (a == "--next" || a == "-:") break;
    if (a == "-h" || a == "--help") {
      ctx.out << command_help(d);
      return 0;
    }
  }
  std::vector<transfer_options> groups;
  try {
    groups = parse_transfer_args(args, d);
  } catch (const malformed_credentials& e) {
    ctx.err << "inet: (" << to_int(exit_code::url_malformat) << ") " << e.what() << "\n";
    return to_int(exit_code::url_malformat);
  } catch (const option_error& e) {
    ctx.err << "inet: " << e.what() << "\ninet: try 'inet help " << name
            << "' for more information\n";
    return to_int(exit_code::failed_init);
  }
  for (const auto& o : groups) {
    if (auto why = unsupported_option_in_group(o, d)) {
      ctx.err << "inet: " << *why << "\ninet: try 'inet help " << name
              << "' for more information\n";
      return to_int(exit_code::failed_init);
    }
  }
  int status = 0;
  for (const auto& o : groups) {
    if (o.parallel && d == direction::get && parallel_runner()) {  // -Z
      const int rc = parallel_runner()(o, ctx);
      if (rc != 0 && status == 0) status = rc;
      continue;
    }
    for (const auto& text : o.urls) {
      for (const auto& [u, rc] : globbed_transfers(d, o, text, ctx))
        if (rc != 0 && status == 0) status = rc;
    }
  }
  return status;
}

int call_command(const command_info& c, const std::vector<std::string>& args) {
  std::vector<std::string> storage;
  storage.push_back("inet " + c.name);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return c.fn(static_cast<int>(storage.size()), argv.data());
}

int help_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    out << top_help();
    return 0;
  }
  const std::string& name = args[0];
  if (name == "get" || name == "put") {
    out << command_help(name == "get" ? direction::get : direction::put);
    return 0;
  }
  if (name == "help") {
    out << "Usage: inet help [COMMAND]\nShow the options of COMMAND, or list the commands.\n";
    return 0;
  }
  if (const auto* c = find_command(name)) return call_command(*c, {"--help"});
  err << "inet: unknown command '" << name.substr(0, 64)
      << "'\ninet: try 'inet --help' for the list of commands\n";
  return to_int(exit_code::failed_init);
}

}  // namespace

std::string top_help() {
  std::string h =
      "Usage: inet COMMAND [OPTIONS] [ARGS]\n"
      "       inet get [OPTIONS] URL... [--next [OPTIONS] URL...]...\n"
      "       inet put [OPTIONS] [-T FILE] URL... [--next ...]\n"
      "       inet help [COMMAND]\n"
      "       inet --version\n"
      "\n"
      "Internet protocol client: curl-compatible transfers and msmtp-like mail.\n"
      "\n"
      "Commands:\n"
      "  get        download URLs (see 'inet help get')\n"
      "  put        upload to URLs (see 'inet help put')\n"
      "  help       show the options of a command\n";
  for (const auto& c : registered_commands()) {
    std::string name = c.name;
    name.resize(std::max<std::size_t>(name.size() + 1, 11), ' ');
    h += "  " + name + c.summary + "\n";
  }
  h += "\nOptions:\n  -h, --help     show this help\n  -V, --version  show versions\n";
  h += "\nURL schemes (get/put):";
  auto schemes = supported_schemes();
  if (schemes.empty()) h += " none yet (no protocol handler is registered in this build)";
  for (auto s : schemes) {
    h += " " + std::string(url::to_string(s));
    if (!find_handler(direction::get, s)) h += "(put)";
    if (!find_handler(direction::put, s)) h += "(get)";
  }
  h += "\n\nExit status follows curl's numbering: 0 ok, 1 unsupported protocol, 2 bad option,\n"
       "3 malformed URL, 6 host not resolved, 7 connect failed, 28 timeout, 35 TLS handshake,\n"
       "60 certificate not verified, 63 file too large, 64 TLS required but unavailable,\n"
       "67 login denied, 78 remote file not found (see tools/inet/exit_codes.hpp).\n";
  return h;
}

std::string version_text() {
  std::string v = "inet " + std::string(inet_version) + " (inetpp)";
  v += " Boost/" + std::to_string(BOOST_VERSION / 100000) + "." +
       std::to_string(BOOST_VERSION / 100 % 1000) + "." + std::to_string(BOOST_VERSION % 100);
  v += " " + std::string(OpenSSL_version(OPENSSL_VERSION));
  v += " spdlog/" + std::to_string(SPDLOG_VER_MAJOR) + "." + std::to_string(SPDLOG_VER_MINOR) +
       "." + std::to_string(SPDLOG_VER_PATCH);
  v += " fmt/" + std::to_string(FMT_VERSION / 10000) + "." + std::to_string(FMT_VERSION / 100 % 100) +
       "." + std::to_string(FMT_VERSION % 100);
  v += " CLI11/" CLI11_VERSION "\nProtocols:";
  auto schemes = supported_schemes();
  if (schemes.empty()) v += " (none registered)";
  for (auto s : schemes) v += " " + std::string(url::to_string(s));
  v += "\nCommands: get put help";
  for (const auto& c : registered_commands()) v += " " + c.name;
  return v + "\n";
}

int run(std::vector<std::string> argv, std::ostream& out, std::ostream& err, std::istream& in) {
  if (argv.size() < 2) {
    err << "inet: no command given\ninet: try 'inet --help' for more information\n";
    return to_int(exit_code::failed_init);
  }
  const std::string& cmd = argv[1];
  std::vector<std::string> rest(argv.begin() + 2, argv.end());
  transfer_context ctx{out, err, in};
  if (cmd == "-h" || cmd == "--help") {
    out << top_help();
    return 0;
  }
  if (cmd == "-V" || cmd == "--version") {
    out << version_text();
    return 0;
  }
  if (cmd == "--generate-completion" || cmd == "--generate-man")
    return generate_main({argv.begin() + 1, argv.end()}, out, err);
  if (cmd == "help") return help_main(rest, out, err);
  if (cmd == "get") return transfer_main(direction::get, rest, ctx);
  if (cmd == "put") return transfer_main(direction::put, rest, ctx);
  if (const auto* c = find_command(cmd)) return call_command(*c, rest);
  err << "inet: unknown command '" << cmd.substr(0, 64)
      << "'\ninet: try 'inet --help' for the list of commands\n";
  return to_int(exit_code::failed_init);
}

int run(std::vector<std::string> argv) {
  return run(std::move(argv), std::cout, std::cerr, std::cin);
}

}  // namespace inet::cli
