// LIST output (RFC 959 leaves its format to the server) parsed into entries: the Unix `ls -l`
// form most servers send and the DOS/IIS form.
#include <array>
#include <cctype>
#include <cstdio>

#include "protocols/ftp/client.hpp"

namespace inet::ftp {

namespace {

struct token {
  std::string_view text;
  std::size_t end;  // offset just past it in the line
};

std::vector<token> split(std::string_view l, std::size_t max) {
  std::vector<token> out;
  std::size_t i = 0;
  while (i < l.size() && out.size() < max) {
    while (i < l.size() && l[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < l.size() && l[i] != ' ') ++i;
    if (i > start) out.push_back({l.substr(start, i - start), i});
  }
  return out;
}

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

int month_of(std::string_view s) {
  static constexpr std::array<std::string_view, 12> names = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (s.size() != 3) return 0;
  std::string l;
  for (char c : s) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == l) return static_cast<int>(i) + 1;
  return 0;
}

std::string two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

std::string_view rest_after(std::string_view l, std::size_t end) {
  while (end < l.size() && l[end] == ' ') ++end;
  return l.substr(end);
}

std::optional<entry> parse_unix(std::string_view l) {
  const char t = l[0];
  if (l.size() < 10 || std::string_view("-dlbcps").find(t) == std::string_view::npos) return std::nullopt;
  const auto tok = split(l, 9);
  // Find "size month day time-or-year" after the mode and link count.
  for (std::size_t i = 2; i + 2 < tok.size(); ++i) {
    const int month = month_of(tok[i].text);
    if (month == 0 || !digits(tok[i - 1].text) || !digits(tok[i + 1].text)) continue;
    const std::string_view when = tok[i + 2].text;
    const bool is_year = digits(when) && when.size() == 4;
    const bool is_time = when.size() == 5 && when[2] == ':';
    if (!is_year && !is_time) continue;
    std::string_view name = rest_after(l, tok[i + 2].end);
    if (name.empty()) return std::nullopt;
    entry e;
    e.facts["unix.mode"] = std::string(tok[0].text);
    e.facts["date"] = std::string(tok[i].text) + " " + std::string(tok[i + 1].text) + " " +
                      std::string(when);
    if (t == 'l') {
      const auto arrow = name.find(" -> ");
      if (arrow != std::string_view::npos) {
        e.facts["link"] = std::string(name.substr(arrow + 4));
        name = name.substr(0, arrow);
      }
    }
    e.name = std::string(name);
    e.type = t == 'd' ? entry::kind::dir : t == '-' ? entry::kind::file : t == 'l' ? entry::kind::link
                                                                        : entry::kind::other;
    if (tok[i - 1].text.size() <= 19) e.size = std::stoull(std::string(tok[i - 1].text));
    if (is_year)
      e.modify = std::string(when) + two(month) + two(std::stoi(std::string(tok[i + 1].text))) + "0000";
    return e;
  }
  return std::nullopt;
}

std::optional<entry> parse_dos(std::string_view l) {
  // "MM-DD-YY  HH:MMAM  <DIR>|size  name"
  const auto tok = split(l, 3);
  if (tok.size() < 3) return std::nullopt;
  const std::string_view date = tok[0].text, time = tok[1].text, what = tok[2].text;
  if (date.size() != 8 && date.size() != 10) return std::nullopt;
  if (date[2] != '-' || date[5] != '-') return std::nullopt;
  if (time.size() != 7 || time[2] != ':' || (time[5] != 'A' && time[5] != 'P') || time[6] != 'M')
    return std::nullopt;
  const std::string_view name = rest_after(l, tok[2].end);
  if (name.empty()) return std::nullopt;
  entry e;
  e.name = std::string(name);
  e.facts["date"] = std::string(date) + " " + std::string(time);
  if (what == "<DIR>") {
    e.type = entry::kind::dir;
  } else if (digits(what) && what.size() <= 19) {
    e.type = entry::kind::file;
    e.size = std::stoull(std::string(what));
  } else {
    return std::nullopt;
  }
  const std::string_view y = date.substr(6);
  if (!digits(date.substr(0, 2)) || !digits(date.substr(3, 2)) || !digits(y) || !digits(time.substr(0, 2)) ||
      !digits(time.substr(3, 2)))
    return std::nullopt;
  int year = std::stoi(std::string(y));
  if (y.size() == 2) year += year < 70 ? 2000 : 1900;
  int hour = std::stoi(std::string(time.substr(0, 2))) % 12;
  if (time[5] == 'P') hour += 12;
  e.modify = std::to_string(year) + std::string(date.substr(0, 2)) + std::string(date.substr(3, 2)) +
             two(hour) + std::string(time.substr(3, 2));
  return e;
}

}  // namespace

std::optional<entry> parse_list_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(line[0]))) return parse_dos(line);
  return parse_unix(line);
}

}  // namespace inet::ftp
