// Shell completion (bash, zsh) and the inet(1) man page, generated from the option tables that
// `--help` prints: the CLI11 table of `inet get`/`put` (options.cc) and the help text of each
// registered command (`inet mail --help`). `inet --generate-completion bash|zsh` and
// `inet --generate-man` print them; the committed copies (docs/completion, docs/man) are
// checked against the binary by //tools/inet:docgen_test.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace inet::cli {

/// One option as documented: every spelling ("-u", "--user"), the value's name ("USER[:PASS]";
/// empty for a flag) and the one-paragraph description.
struct option_doc {
  std::vector<std::string> names;
  std::string value;
  std::string description;
};

/// The options of `inet get` / `inet put` (one CLI11 table serves both), in help order.
std::vector<option_doc> transfer_option_docs();

/// Options read back from a help text in the usual layout: lines "  -a, --long VALUE  text"
/// (two or more spaces before the text), continuation lines indented further. Lines that do not
/// start with "  -" end an entry.
std::vector<option_doc> parse_help_options(const std::string& help);

/// A registered command's `--help` output (what it prints to stdout), or "" if unknown.
std::string command_help_text(const std::string& name);

std::string bash_completion();
std::string zsh_completion();
std::string man_page();

/// `inet --generate-completion bash|zsh` and `inet --generate-man` (args: what follows
/// "inet"). Returns the exit status (2 for a bad argument, with a message on `err`).
int generate_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace inet::cli
