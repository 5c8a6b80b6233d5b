#include "tools/mail/aliases.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tools/mail/config.hpp"

namespace inet::mail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

// Splits at commas outside "quotes", <angle brackets> and (comments).
std::vector<std::string_view> split_top_level(std::string_view s) {
  std::vector<std::string_view> out;
  bool quoted = false;
  int angle = 0, paren = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') quoted = true;
    else if (c == '(') ++paren;
    else if (c == ')' && paren > 0) --paren;
    else if (c == '<') ++angle;
    else if (c == '>' && angle > 0) --angle;
    else if (c == ',' && angle == 0 && paren == 0) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(std::min(start, s.size())));
  return out;
}

bool is_local_name(std::string_view e) {
  return !e.empty() && e.find_first_of("@<\"(:; \t") == std::string_view::npos;
}

std::vector<std::string> parse_targets(std::string_view value, const std::string& name) {
  std::vector<std::string> out;
  for (std::string_view a : split_top_level(value)) {
    a = trim(a);
    if (a.empty()) continue;
    if (a.find('@') == std::string_view::npos)
      throw std::invalid_argument("alias '" + name + "': '" + std::string(a) +
                                  "' is not an address with a domain");
    out.emplace_back(a);
  }
  if (out.empty()) throw std::invalid_argument("alias '" + name + "' lists no address");
  return out;
}

void parse_line(std::string_view line, alias_table& t) {
  if (const std::size_t hash = line.find('#'); hash != std::string_view::npos)
    line = line.substr(0, hash);
  line = trim(line);
  if (line.empty()) return;
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos)
    throw std::invalid_argument("expected 'name: address, ...'");
  const std::string name(trim(line.substr(0, colon)));
  if (!is_local_name(name))
    throw std::invalid_argument("invalid local name '" + name + "'");
  std::vector<std::string> targets = parse_targets(line.substr(colon + 1), name);
  if (iequals(name, "default")) {
    if (t.default_addresses.empty()) t.default_addresses = std::move(targets);
    return;
  }
  const bool known = std::any_of(t.entries.begin(), t.entries.end(),
                                 [&](const auto& e) { return iequals(e.first, name); });
  if (!known) t.entries.emplace_back(name, std::move(targets));
}

}  // namespace

const std::vector<std::string>* alias_table::find(std::string_view local) const {
  for (const auto& [name, addresses] : entries)
    if (iequals(name, local)) return &addresses;
  return default_addresses.empty() ? nullptr : &default_addresses;
}

alias_table parse_aliases(std::string_view text, const std::string& path) {
  alias_table t;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    try {
      if (line.find('\0') != std::string_view::npos)
        throw std::invalid_argument("NUL byte in line");
      parse_line(line, t);
    } catch (const std::invalid_argument& e) {
      throw config_error(path + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  return t;
}

alias_table load_aliases(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw config_error(name + ": cannot read aliases: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > 1024 * 1024) throw config_error(name + ": larger than 1 MiB");
  return parse_aliases(text.str(), name);
}

std::string expand_aliases(std::string_view address_list, const alias_table& table) {
  std::string out;
  bool first = true;
  for (std::string_view element : split_top_level(address_list)) {
    if (!first) out += ',';
    first = false;
    const std::vector<std::string>* targets =
        is_local_name(trim(element)) ? table.find(trim(element)) : nullptr;
    if (!targets) {
      out += element;
      continue;
    }
    for (std::size_t i = 0; i < targets->size(); ++i) out += (i ? ", " : " ") + (*targets)[i];
  }
  return out;
}

}  // namespace inet::mail
