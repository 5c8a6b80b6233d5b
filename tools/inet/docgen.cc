// Completion scripts and the man page from the --help tables (docgen.hpp).
#include "tools/inet/docgen.hpp"

#include "tools/inet/cli.hpp"
#include "tools/inet/commands.hpp"

#include <iostream>
#include <sstream>

namespace inet::cli {
namespace {

struct command_doc {
  std::string name;
  std::string summary;
  std::vector<option_doc> options;
};

// get, put, help, then every registered command (mail, ...), with their option tables.
std::vector<command_doc> all_commands() {
  std::vector<command_doc> out;
  out.push_back({"get", "download URLs, like curl", transfer_option_docs()});
  out.push_back({"put", "upload to URLs, like curl -T", transfer_option_docs()});
  out.push_back({"help", "show the options of a command", {}});
  for (const auto& c : registered_commands())
    out.push_back({c.name, c.summary, parse_help_options(command_help_text(c.name))});
  return out;
}

bool takes_path(const option_doc& o) { return o.value == "FILE" || o.value == "DIR"; }

std::string join_names(const std::vector<option_doc>& opts, bool paths_only) {
  std::string s;
  for (const auto& o : opts) {
    if (paths_only && !takes_path(o)) continue;
    for (const auto& n : o.names) s += (s.empty() ? "" : " ") + n;
  }
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == ',')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

// "-f, -r, --from ADDR" (aliases: comma-separated names), "--tls=on|off",
// "--cc ADDR, --bcc ADDR" and "-oem -odi -B TYPE" (separate options on one line).
std::vector<option_doc> parse_spec(const std::string& spec) {
  std::vector<option_doc> out;
  std::istringstream words(spec);
  std::string w;
  bool alias_follows = false;  // the previous word was a name ending in ','
  while (words >> w) {
    const bool comma = w.ends_with(',');
    while (!w.empty() && w.back() == ',') w.pop_back();
    if (w.size() > 1 && w[0] == '-') {
      if (!alias_follows || out.empty()) out.emplace_back();
      // "--tls=on|off" and "--syslog[=on|off|FACILITY]": the value after '=' or '['.
      if (auto eq = w.find_first_of("=["); eq != std::string::npos) {
        std::string v = w.substr(eq + (w[eq] == '[' && eq + 1 < w.size() && w[eq + 1] == '=' ? 2 : 1));
        if (w[eq] == '[' && !v.empty() && v.back() == ']') v.pop_back();
        out.back().value = v;
        w.resize(eq);
      }
      out.back().names.push_back(w);
      alias_follows = comma;
    } else if (!w.empty() && !out.empty()) {
      out.back().value = w;
      alias_follows = false;
    }
  }
  return out;
}

// roff: backslashes, leading dots and quotes, and hyphens in option names.
std::string roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\e";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string roff_option(const std::string& name) {
  std::string out;
  for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

// A zsh _arguments description: brackets, colons and quotes escaped; first sentence only.
std::string zsh_text(std::string s) {
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out;
}

std::string section_from(const std::string& text, const std::string& start) {
  const auto at = text.find(start);
  return at == std::string::npos ? std::string() : text.substr(at);
}

}  // namespace

std::vector<option_doc> parse_help_options(const std::string& help) {
  std::vector<option_doc> out;
  std::istringstream in(help);
  std::string line;
  bool open = false;
  std::size_t last_line = 0;  // options parsed from the last option line
  while (std::getline(in, line)) {
    if (line.starts_with("  -")) {
      const auto gap = line.find("  ", 2);
      const std::string text = gap == std::string::npos ? "" : trim(line.substr(gap));
      std::vector<option_doc> docs =
          parse_spec(line.substr(2, gap == std::string::npos ? gap : gap - 2));
      last_line = docs.size();
      for (auto& d : docs) {
        d.description = text;
        out.push_back(std::move(d));
      }
      open = last_line > 0;
    } else if (open && line.starts_with("          ") && !trim(line).empty()) {
      for (std::size_t i = out.size() - last_line; i < out.size(); ++i) {
        std::string& desc = out[i].description;
        desc += (desc.empty() ? "" : " ") + trim(line);
      }
    } else {
      open = false;
    }
  }
  return out;
}

std::string command_help_text(const std::string& name) {
  const command_info* c = find_command(name);
  if (!c) return {};
  std::vector<std::string> storage{"inet " + name, "--help"};
  std::vector<char*> argv{storage[0].data(), storage[1].data(), nullptr};
  std::ostringstream captured;
  std::streambuf* old = std::cout.rdbuf(captured.rdbuf());
  try {
    c->fn(2, argv.data());
  } catch (...) {
    std::cout.rdbuf(old);
    throw;
  }
  std::cout.flush();
  std::cout.rdbuf(old);
  return captured.str();
}

std::string bash_completion() {
  const auto commands = all_commands();
  std::string names;
  for (const auto& c : commands) names += c.name + " ";
  std::string s =
      "# bash completion for inet(1). Generated by `inet --generate-completion bash` from the\n"
      "# option tables of --help; do not edit (docs/completion/README.md).\n"
      "_inet() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      "  local opts=\"\" paths=\"\"\n"
      "  COMPREPLY=()\n"
      "  if [[ $COMP_CWORD -eq 1 ]]; then\n"
      "    COMPREPLY=($(compgen -W \"" + names + "--help --version\" -- \"$cur\"))\n"
      "    return 0\n"
      "  fi\n"
      "  case \"${COMP_WORDS[1]}\" in\n";
  for (const auto& c : commands) {
    if (c.name == "help") {
      s += "    help)\n      [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W \"" + names +
           "\" -- \"$cur\"))\n      return 0 ;;\n";
      continue;
    }
    s += "    " + c.name + ")\n      opts='" + join_names(c.options, false) + "'\n      paths='" +
         join_names(c.options, true) + "' ;;\n";
  }
  s += "    *) return 0 ;;\n"
       "  esac\n"
       "  if [[ -n \"$prev\" && \" $paths \" == *\" $prev \"* ]]; then\n"
       "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
       "  elif [[ \"$cur\" == -* ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
       "  fi\n"
       "  return 0\n"
       "}\n"
       "complete -o default -F _inet inet\n";
  return s;
}

std::string zsh_completion() {
  const auto commands = all_commands();
  std::string s =
      "#compdef inet\n"
      "# zsh completion for inet(1). Generated by `inet --generate-completion zsh` from the\n"
      "# option tables of --help; do not edit (docs/completion/README.md).\n"
      "_inet() {\n"
      "  local -a commands\n"
      "  commands=(\n";
  for (const auto& c : commands) s += "    '" + c.name + ":" + zsh_text(c.summary) + "'\n";
  s += "  )\n"
       "  if (( CURRENT == 2 )); then\n"
       "    _describe -t commands 'inet command' commands\n"
       "    return\n"
       "  fi\n"
       "  local cmd=$words[2]\n"
       "  shift words\n"
       "  (( CURRENT-- ))\n"
       "  case $cmd in\n";
  for (const auto& c : commands) {
    if (c.name == "help") {
      s += "    help) _describe -t commands 'inet command' commands ;;\n";
      continue;
    }
    s += "    " + c.name + ")\n      _arguments -s \\\n";
    for (const auto& o : c.options) {
      for (const auto& n : o.names) {
        s += "        '" + n + "[" + zsh_text(o.description) + "]";
        if (!o.value.empty()) {
          s += ":" + zsh_text(o.value) + ":";
          if (o.value == "FILE") s += "_files";
          else if (o.value == "DIR") s += "_files -/";
        }
        s += "' \\\n";
      }
    }
    s += c.name == "mail" ? "        '*:recipient:' ;;\n" : "        '*:URL:_urls' ;;\n";
  }
  s += "  esac\n"
       "}\n"
       "_inet \"$@\"\n";
  return s;
}

std::string man_page() {
  const auto commands = all_commands();
  std::string s =
      ".\\\" Generated by `inet --generate-man` from the option tables of --help; do not edit.\n"
      ".TH INET 1 \"\" \"inetpp\" \"User Commands\"\n"
      ".SH NAME\n"
      "inet \\- internet protocol client: curl-compatible transfers and msmtp-like mail\n"
      ".SH SYNOPSIS\n"
      ".B inet get\n[\\fIOPTIONS\\fR] \\fIURL\\fR... [\\fB\\-\\-next\\fR [\\fIOPTIONS\\fR] "
      "\\fIURL\\fR...]...\n.br\n"
      ".B inet put\n[\\fIOPTIONS\\fR] [\\fB\\-T\\fR \\fIFILE\\fR] \\fIURL\\fR...\n.br\n";
  for (const auto& c : commands) {
    if (c.name == "get" || c.name == "put" || c.name == "help") continue;
    s += ".B inet " + c.name + "\n[\\fIOPTIONS\\fR] ...\n.br\n";
  }
  s += ".B inet help\n[\\fICOMMAND\\fR]\n.br\n.B inet \\-\\-version\n"
       ".SH COMMANDS\n";
  for (const auto& c : commands) s += ".TP\n.B " + c.name + "\n" + roff(c.summary) + "\n";
  for (const auto& c : commands) {
    if (c.options.empty() || c.name == "put") continue;
    std::string title = c.name == "get" ? "GET AND PUT OPTIONS" : c.name + " OPTIONS";
    for (auto& ch : title) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    s += ".SH " + title + "\n";
    for (const auto& o : c.options) {
      s += ".TP\n";
      for (std::size_t i = 0; i < o.names.size(); ++i)
        s += (i ? ", " : "") + std::string("\\fB") + roff_option(o.names[i]) + "\\fR";
      if (!o.value.empty()) s += " \\fI" + roff(o.value) + "\\fR";
      s += "\n" + roff(o.description) + "\n";
    }
  }
  if (auto footer = section_from(command_help(direction::get), "Options before --next");
      !footer.empty())
    s += ".SH NOTES\n.nf\n" + roff(footer) + ".fi\n";
  for (const auto& c : commands) {
    if (c.name == "get" || c.name == "put" || c.name == "help") continue;
    s += ".SH " + c.name + " COMMAND\n.nf\n" + roff(command_help_text(c.name)) + ".fi\n";
  }
  if (auto exits = section_from(top_help(), "Exit status"); !exits.empty())
    s += ".SH EXIT STATUS\n" + roff(exits);
  s += ".SH FILES\n"
       ".TP\n.I ~/.netrc\ncredentials with \\fB\\-\\-netrc\\fR (or \\fB$NETRC\\fR)\n"
       ".TP\n.I ~/.msmtprc\nmail accounts (also $XDG_CONFIG_HOME/msmtp/config, /etc/msmtprc)\n"
       ".SH SEE ALSO\n"
       ".BR curl (1),\n.BR msmtp (1),\n.BR sendmail (8)\n";
  return s;
}

int generate_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() == 1 && args[0] == "--generate-man") {
    out << man_page();
    return 0;
  }
  if (args.size() == 2 && args[0] == "--generate-completion") {
    if (args[1] == "bash") return out << bash_completion(), 0;
    if (args[1] == "zsh") return out << zsh_completion(), 0;
  }
  err << "inet: usage: inet --generate-completion bash|zsh, or inet --generate-man\n";
  return 2;
}

}  // namespace inet::cli
